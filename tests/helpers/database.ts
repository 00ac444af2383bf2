/** A fresh, migrated Postgres database per test file, dropped afterwards (see src/db/scratch-database.ts). */
import { createScratchDatabase, type ScratchDatabase } from '../../src/db/scratch-database.js'

export type TestDatabase = ScratchDatabase

export function createTestDatabase(): Promise<TestDatabase> {
  return createScratchDatabase('t')
}
