/**
 * A fresh Postgres database per test file (created from the server in DATABASE_URL, the
 * machine's local Postgres by default), migrated like production and dropped afterwards,
 * so test files running in parallel never see each other's rows.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { LOCAL_POSTGRES_URL, openPostgres, type Database } from '../../src/db/database.js'
import { silentLogger } from '../../src/log.js'

export interface TestDatabase extends Database {
  url: string
  drop(): Promise<void>
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.DATABASE_URL ?? LOCAL_POSTGRES_URL
  const name = `t_${randomBytes(6).toString('hex')}`
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
