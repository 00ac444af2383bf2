/**
 * A load is visible from outside while it runs: another connection polling contact_lists
 * sees the totals grow, batch by batch (at most 10,000 rows apart), always adding up, and
 * rows that arrive before a pause in the upload show within about a second.
 */
import { Readable } from 'node:stream'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadList, type ListTotals } from '../../src/lists/index.js'
import { createTestDatabase, type TestDatabase } from '../helpers/database.js'
import { contactsOf, createCampaign } from './fixtures.js'

let db: TestDatabase
let observer: pg.Client

beforeAll(async () => {
  db = await createTestDatabase()
  observer = new pg.Client({ connectionString: db.url })
  await observer.connect()
})

afterAll(async () => {
  await observer?.end()
  await db?.drop()
})

interface Snapshot {
  /** ms since the watch began */
  at: number
  status: string
  rows_read: number
  accepted: number
  rejected: number
  duplicates: number
  do_not_call: number
}

/** Polls the campaign's (single) list from another connection until `done` settles. */
async function watch(campaignId: number, done: Promise<unknown>, everyMs = 20): Promise<Snapshot[]> {
  const seen: Snapshot[] = []
  const start = Date.now()
  let finished = false
  void done.finally(() => (finished = true)).catch(() => {})
  while (!finished) {
    const { rows } = await observer.query<Omit<Snapshot, 'at'>>('SELECT status, rows_read, accepted, rejected, duplicates, do_not_call FROM contact_lists WHERE campaign_id = $1', [campaignId])
    if (rows[0]) seen.push({ ...rows[0], at: Date.now() - start })
    await new Promise((r) => setTimeout(r, everyMs))
  }
  return seen
}

/** `rows` rows of generated contacts, every 100th with a bad number, made as they are read. */
function generated(rows: number): Readable {
  return Readable.from(
    (function* () {
      yield 'phone,name,amount_due\n'
      let chunk = ''
      for (let i = 0; i < rows; i++) {
        chunk += i % 100 === 99 ? `bad-${i},Bad ${i},0\n` : `+38761${String(i).padStart(6, '0')},Client ${i},${i % 997}.50\n`
        if (chunk.length > 16 * 1024) {
          yield chunk
          chunk = ''
        }
      }
      yield chunk
    })(),
  )
}

describe('progress while a list loads', () => {
  it('is observable from another connection while 200,000 rows load, a batch of at most 10,000 at a time', { timeout: 120_000 }, async () => {
    const campaignId = await createCampaign(db.db)
    const progress: ListTotals[] = []
    const load = loadList(db, {
      campaignId,
      name: 'big.csv',
      mapping: { phone: 'phone', name: 'name', fields: { amount_due: 'amount_due' } },
      source: generated(200_000),
      onProgress: (t) => progress.push(t),
    })
    const snapshots = await watch(campaignId, load)
    const result = await load
    expect(result).toMatchObject({ status: 'loaded', rowsRead: 200_000, accepted: 198_000, rejected: 2000, duplicates: 0, doNotCall: 0 })

    const during = snapshots.filter((s) => s.status === 'loading' && s.rows_read > 0 && s.rows_read < 200_000)
    expect(new Set(during.map((s) => s.rows_read)).size).toBeGreaterThanOrEqual(3)
    for (const s of snapshots) expect(s.rows_read).toBe(s.accepted + s.rejected + s.duplicates + s.do_not_call)
    const read = snapshots.map((s) => s.rows_read)
    expect(read).toEqual([...read].sort((a, b) => a - b))

    expect(progress.at(-1)?.rowsRead).toBe(200_000)
    const steps = progress.map((p, i) => p.rowsRead - (progress[i - 1]?.rowsRead ?? 0))
    expect(Math.max(...steps)).toBeLessThanOrEqual(10_000)
    expect(await contactsOf(db.db, campaignId)).toHaveLength(198_000)
  })

  it('shows rows read before a pause in the upload within about a second', async () => {
    const campaignId = await createCampaign(db.db)
    const source = Readable.from(
      (async function* () {
        yield 'phone\n061100001\n061100002\n061100003\n061100004\n061100005\n'
        await new Promise((r) => setTimeout(r, 2500))
        yield '061100006\n061100007\n'
      })(),
    )
    const load = loadList(db, { campaignId, name: 'slow.csv', mapping: { phone: 'phone' }, source })
    const snapshots = await watch(campaignId, load, 50)
    expect(await load).toMatchObject({ rowsRead: 7, accepted: 7 })
    // While the upload paused, the rows read were committed and shown a second or so after they came.
    // csv-parse holds the last row of what it has until it sees the byte after its line break
    // (a \r\n is two bytes), so four of the five are read before the pause ends.
    const paused = snapshots.find((s) => s.rows_read > 0)
    expect(paused).toMatchObject({ status: 'loading', rows_read: 4, accepted: 4 })
    expect(paused!.at).toBeLessThan(2000)
    expect(snapshots.at(-1)?.at).toBeGreaterThanOrEqual(2400)
  })
})
