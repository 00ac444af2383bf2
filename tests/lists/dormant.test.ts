/**
 * Dormant clients become contacts straight from the clients table: no order in the last N
 * months (or none ever), do-not-call respected, merged with contacts the campaign has.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clients } from '../../src/db/schema/index.js'
import { addDoNotCall, loadDormantClients, loadList } from '../../src/lists/index.js'
import { createTestDatabase, type TestDatabase } from '../helpers/database.js'
import { contactsOf, createCampaign, reportOf, streamOf } from './fixtures.js'

let db: TestDatabase
const ids: Record<string, number> = {}
const NOW = Date.parse('2026-11-23T09:00:00Z')

beforeAll(async () => {
  db = await createTestDatabase()
  const rows = [
    { name: 'Old', phone: '+38761000001', lastOrderDate: '2025-01-10', language: 'bs' },
    { name: 'Never', phone: '+38761000002', lastOrderDate: null, language: null },
    { name: 'Recent', phone: '+38761000003', lastOrderDate: '2026-10-01', language: 'bs' },
    { name: 'Six months to the day', phone: '+38761000004', lastOrderDate: '2026-05-23', language: null },
    { name: 'A day more', phone: '+38761000005', lastOrderDate: '2026-05-22', language: null },
    { name: 'Blocked', phone: '+38761000006', lastOrderDate: null, language: null },
    { name: 'Known', phone: '+38761000007', lastOrderDate: '2025-12-01', language: 'ru' },
    { name: 'American', phone: '+12125550100', lastOrderDate: null, language: 'en' },
    { name: 'Blocked here', phone: '+38761000009', lastOrderDate: null, language: null },
  ]
  for (const r of rows) {
    const [c] = await db.db.insert(clients).values({ ...r, type: 'retail' }).returning({ id: clients.id })
    ids[r.name] = c!.id
  }
})

afterAll(async () => {
  await db?.drop()
})

describe('loadDormantClients', () => {
  it('loads clients with no order in six months, leaves out do-not-call numbers and merges with known contacts', async () => {
    const campaignId = await createCampaign(db.db, {}, 'dormant')
    await addDoNotCall(db.db, { phone: '+38761000006' }, { defaultCountry: 'BA' })
    await addDoNotCall(db.db, { phone: '061 000 009' }, { campaignId, defaultCountry: 'BA' })
    const earlier = await loadList(db, { campaignId, name: 'earlier.csv', mapping: { phone: 'phone' }, source: streamOf('phone\n061000007\n') })

    const result = await loadDormantClients(db, campaignId, { months: 6, now: NOW })
    expect(result).toEqual({ listId: expect.any(Number), status: 'loaded', rowsRead: 7, accepted: 3, rejected: 1, duplicates: 1, doNotCall: 2 })
    expect(await reportOf(db.db, result.listId)).toEqual([
      { line: 4, reason: 'do not call', excerpt: `client ${ids['Blocked']}: Blocked, +38761000006` },
      { line: 6, reason: 'time zone needed: numbers of US span 8 time zones; map a timezone column', excerpt: `client ${ids['American']}: American, +12125550100` },
      { line: 7, reason: 'do not call', excerpt: `client ${ids['Blocked here']}: Blocked here, +38761000009` },
    ])
    const tz = 'Europe/Sarajevo'
    expect((await contactsOf(db.db, campaignId)).map((c) => [c.phone, c.name, c.language, c.clientId, c.fields, c.timezone, c.listId])).toEqual([
      ['+38761000001', 'Old', 'bs', ids['Old'], { last_order_date: '2025-01-10' }, tz, result.listId],
      ['+38761000002', 'Never', null, ids['Never'], {}, tz, result.listId],
      ['+38761000005', 'A day more', null, ids['A day more'], { last_order_date: '2026-05-22' }, tz, result.listId],
      // Known from the earlier list: it keeps its list and gets the client's name, language and id.
      ['+38761000007', 'Known', 'ru', ids['Known'], { last_order_date: '2025-12-01' }, tz, earlier.listId],
    ])

    // Once more: everyone is already there.
    const again = await loadDormantClients(db, campaignId, { months: 6, now: NOW })
    expect(again).toMatchObject({ rowsRead: 7, accepted: 0, duplicates: 4, doNotCall: 2, rejected: 1 })
  })

  it('counts the months back from `now` and applies the campaign’s consent rule', async () => {
    const campaignId = await createCampaign(db.db, {}, 'dormant')
    // Twelve months back from 2026-11-23: only Old (2025-01-10) and the ones who never ordered.
    const year = await loadDormantClients(db, campaignId, { months: 12, now: NOW })
    expect(year).toMatchObject({ rowsRead: 5, accepted: 3, rejected: 1, doNotCall: 1 })
    expect((await contactsOf(db.db, campaignId)).map((c) => c.name)).toEqual(['Old', 'Never', 'Blocked here'])

    const strict = await createCampaign(db.db, { requireConsent: true }, 'dormant')
    const none = await loadDormantClients(db, strict, { now: NOW })
    // Rows are checked first, the do-not-call lists after: the blocked client is rejected for its consent.
    expect(none).toMatchObject({ rowsRead: 7, accepted: 0, rejected: 7, doNotCall: 0 })
    expect((await reportOf(db.db, none.listId)).filter((r) => r.reason === 'no consent')).toHaveLength(6)
  })
})
