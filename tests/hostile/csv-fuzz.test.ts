/**
 * Hostile dial lists: random rows made of good and bad numbers, quotes, separators, line
 * breaks, control characters, dial-string syntax and invalid UTF-8. Whatever the file, the
 * loader answers with a result or a typed file error (never anything else), its counts add
 * up, every accepted row is in the database and every refused one in the report, and no
 * number that reaches the dialer is anything but E.164.
 */
import { eq } from 'drizzle-orm'
import fc from 'fast-check'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { contacts, listRejections } from '../../src/db/schema/index.js'
import { CsvFileError, loadList } from '../../src/lists/index.js'
import { createTestDatabase, type TestDatabase } from '../helpers/database.js'
import { createCampaign, streamOf } from '../lists/fixtures.js'
import { reportChaos } from '../faults/chaos-report.js'

let db: TestDatabase

beforeAll(async () => {
  db = await createTestDatabase()
})

afterAll(async () => {
  await db?.drop()
})

const goodPhone = fc.integer({ min: 0, max: 999_999 }).map((n) => `061 ${String(n).padStart(6, '0')}`)
const hostile = fc.constantFrom(
  "+38761000001'},{origination_caller_id_number=666}",
  '061 111 222|sofia/gateway/x/1',
  '[leg_timeout=1]061 111 333',
  '061 111 444\nuuid_kill all',
  '061 111 555,user/1000',
  "'; drop table contacts; --",
  '${system(rm -rf /)}',
  '061\u0000111666',
  '\uFEFF061 111 777',
  '"061 ""111"" 888"',
)
const field = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom(';', ',', '"', '\r\n', '\n', '""', '\u0000', 'é', '👍'), hostile)
const row = fc.tuple(fc.oneof(goodPhone, hostile, fc.string({ maxLength: 16 })), field, field).map((cells) => cells.join(','))

it('answers every random file with a result or a file error; counts add up; only E.164 numbers get in', async () => {
  let files = 0
  let refusedFiles = 0
  await fc.assert(
    fc.asyncProperty(fc.array(row, { maxLength: 40 }), fc.constantFrom('\n', '\r\n'), fc.option(fc.uint8Array({ minLength: 1, maxLength: 8 }), { nil: undefined }), async (rows, eol, junk) => {
      const campaignId = await createCampaign(db.db)
      const text = `phone,name,note${eol}${rows.join(eol)}`
      const bytes = junk ? Buffer.concat([Buffer.from(text), Buffer.from(junk)]) : Buffer.from(text)
      files++
      let result
      try {
        result = await loadList(db, { campaignId, name: 'fuzz.csv', mapping: { phone: 'phone', name: 'name', fields: { note: 'note' } }, source: streamOf(bytes, 7) })
      } catch (err) {
        // The only refusal a whole file may get: the file itself is unreadable.
        expect(err).toBeInstanceOf(CsvFileError)
        refusedFiles++
        return
      }
      expect(result.rowsRead).toBe(result.accepted + result.rejected + result.duplicates + result.doNotCall)
      const stored = await db.db.select({ phone: contacts.phone }).from(contacts).where(eq(contacts.campaignId, campaignId))
      expect(stored).toHaveLength(result.accepted)
      for (const c of stored) expect(c.phone).toMatch(/^\+[1-9]\d{6,14}$/)
      const refused = await db.db.select({ line: listRejections.line, reason: listRejections.reason }).from(listRejections).where(eq(listRejections.listId, result.listId))
      expect(refused).toHaveLength(result.rejected)
      for (const r of refused) {
        expect(r.line).toBeGreaterThanOrEqual(2)
        expect(r.reason.length).toBeGreaterThan(0)
      }
    }),
    { numRuns: 60 },
  )
  reportChaos({
    scenario: 'hostile dial lists (CSV)',
    injected: `${files} random files: bad numbers, quotes, separators, line breaks, NUL, dial-string syntax, SQL, invalid UTF-8`,
    before: '-',
    after: `${files - refusedFiles} loaded with counts adding up, ${refusedFiles} refused as unreadable; only E.164 numbers stored`,
    lost: 0,
    duplicated: 0,
    recoverMs: 0,
  })
}, 120_000)
