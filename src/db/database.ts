/**
 * Opens the database: Postgres when DATABASE_URL is set or something answers on
 * 127.0.0.1:5432, else an embedded PGlite under <dataDir>/pglite so the demo runs on a
 * bare machine. Applies pending migrations before anything else touches the schema.
 */
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator'
import pg from 'pg'
import type { Logger } from 'pino'
import * as schema from './schema/index.js'

export type Schema = typeof schema
export type Db = PgDatabase<PgQueryResultHKT, Schema>

export interface Database {
  db: Db
  kind: 'postgres' | 'pglite'
  /** The node-postgres pool (Postgres only): for COPY and LISTEN, which drizzle does not cover. */
  pool: pg.Pool | undefined
  /** Human-readable location without credentials, for logs and /health. */
  where: string
  ping(): Promise<boolean>
  close(): Promise<void>
}

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../drizzle')

export const LOCAL_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test'

export interface OpenDatabaseOptions {
  url: string | undefined
  dataDir: string
  log: Logger
  poolSize?: number
  /** Where to look for a local Postgres when no URL is given (default 127.0.0.1:5432). */
  localPort?: number
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const { log } = options
  let url = options.url
  const localPort = options.localPort ?? 5432
  if (url === undefined && (await portOpen('127.0.0.1', localPort))) url = LOCAL_POSTGRES_URL.replace(':5432/', `:${localPort}/`)
  if (url !== undefined) return openPostgres(url, log, options.poolSize)
  return openPglite(path.join(options.dataDir, 'pglite'), log)
}

export async function openPostgres(url: string, log: Logger, poolSize = 10): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5000 })
  // An idle client that loses its server must not crash the process.
  pool.on('error', (err) => log.warn({ err: err.message }, 'postgres idle client error'))
  const db = drizzlePg(pool, { schema }) as unknown as Db
  const where = redact(url)
  await migratePg(db as never, { migrationsFolder: MIGRATIONS_DIR })
  log.info({ database: where }, 'postgres ready')
  return {
    db,
    kind: 'postgres',
    pool,
    where,
    async ping() {
      try {
        await pool.query('select 1')
        return true
      } catch {
        return false
      }
    },
    close: () => pool.end(),
  }
}

async function openPglite(dir: string, log: Logger): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite')
  const { drizzle } = await import('drizzle-orm/pglite')
  const { migrate } = await import('drizzle-orm/pglite/migrator')
  const client = new PGlite(dir)
  const db = drizzle(client, { schema }) as unknown as Db
  await migrate(db as never, { migrationsFolder: MIGRATIONS_DIR })
  log.warn({ dir }, 'no Postgres found: using embedded PGlite (set DATABASE_URL for production)')
  return {
    db,
    kind: 'pglite',
    pool: undefined,
    where: `pglite:${dir}`,
    async ping() {
      try {
        await client.query('select 1')
        return true
      } catch {
        return false
      }
    },
    close: () => client.close(),
  }
}

function redact(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return 'postgres'
  }
}

export function portOpen(host: string, port: number, timeoutMs = 300): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port })
    const done = (ok: boolean): void => {
      s.destroy()
      resolve(ok)
    }
    s.setTimeout(timeoutMs, () => done(false))
    s.once('connect', () => done(true))
    s.once('error', () => done(false))
  })
}
