/**
 * A fresh Postgres database (created on the server in DATABASE_URL, the machine's local
 * Postgres by default), migrated like production and dropped afterwards: what each test
 * file and each benchmark run works in, so none sees another's rows.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { silentLogger } from '../log.js'
import { LOCAL_POSTGRES_URL, openPostgres, type Database } from './database.js'

export interface ScratchDatabase extends Database {
  url: string
  drop(): Promise<void>
}

/** `prefix` names what it is for (`t` for tests, `bench`), so a leftover is easy to place. */
export async function createScratchDatabase(prefix: string): Promise<ScratchDatabase> {
  const adminUrl = process.env.DATABASE_URL ?? LOCAL_POSTGRES_URL
  const name = `${prefix}_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const u = new URL(adminUrl)
  u.pathname = `/${name}`
  const url = u.toString()
  const database = await openPostgres(url, silentLogger, 5)
  return {
    ...database,
    url,
    async drop() {
      await database.close().catch(() => {})
      const c = new pg.Client({ connectionString: adminUrl })
      await c.connect()
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await c.end()
    },
  }
}
