/** Recognising a caller: any way a number is written finds the client stored in E.164. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ClientDirectory } from '../../src/clients/directory.js'
import { SAMPLE_CLIENTS, seedSampleData } from '../../src/demo/sample-data.js'
import { createTestDatabase, type TestDatabase } from '../helpers/database.js'

let db: TestDatabase
let directory: ClientDirectory

beforeAll(async () => {
  db = await createTestDatabase()
  await seedSampleData(db.db)
  directory = new ClientDirectory(db.db, 'BA')
}, 60_000)

afterAll(async () => {
  await db.drop()
})

describe('the client directory', () => {
  it.each(['+38761100003', '+387 61 100 003', '061 100 003', '061/100-003', '0038761100003'])('finds the client called from %s', async (number) => {
    const client = await directory.lookup(number)
    expect(client).toMatchObject({ name: SAMPLE_CLIENTS.debtor.name, type: 'regional', managerId: 'olga', overdueDebt: 250.75, currency: 'BAM', language: 'bs', vip: false })
  })

  it.each(['', 'anonymous', '1001', '+38761999999', '+7 495 000 00 00'])('knows no client for %j', async (number) => {
    expect(await directory.lookup(number)).toBeNull()
  })

  it('reads national numbers in the configured country', async () => {
    const russian = new ClientDirectory(db.db, 'RU')
    expect(russian.normalize('8 (495) 123-45-67')).toBe('+74951234567')
    expect(directory.normalize('8 (495) 123-45-67')).toBeUndefined()
  })
})
