/**
 * The do-not-call lists: numbers normalised like the loader, global and per campaign, and
 * what adding and removing a number does to contacts already loaded.
 */
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contacts } from '../../src/db/schema/index.js'
import { addDoNotCall, checkDoNotCall, InvalidNumberError, listDoNotCall, loadList, removeDoNotCall, UnknownCampaignError } from '../../src/lists/index.js'
import { createTestDatabase, type TestDatabase } from '../helpers/database.js'
import { contactsOf, createCampaign, streamOf } from './fixtures.js'

let db: TestDatabase

beforeAll(async () => {
  db = await createTestDatabase()
})

afterAll(async () => {
  await db?.drop()
})

const BA = { defaultCountry: 'BA' }

describe('do-not-call management', () => {
  it('normalises numbers to E.164 (a campaign reads national numbers in its own country)', async () => {
    const german = await createCampaign(db.db, { defaultCountry: 'DE' })
    const added = await addDoNotCall(db.db, { phone: '061 234 567', reason: ' asked us ' }, BA)
    expect(added).toMatchObject({ created: true, contactsMarked: 0, entry: { phone: '+38761234567', campaignId: 0, reason: 'asked us' } })
    expect(added.entry.addedAt).toBeInstanceOf(Date)
    const again = await addDoNotCall(db.db, { phone: '+387 61 234 567', reason: 'asked twice' }, BA)
    expect(again).toMatchObject({ created: false, entry: { phone: '+38761234567', reason: 'asked twice' } })
    expect((await addDoNotCall(db.db, { phone: '0038761234567' }, BA)).entry.reason).toBe('asked twice')

    expect((await addDoNotCall(db.db, { phone: '030 12345678' }, { campaignId: german, ...BA })).entry).toMatchObject({ phone: '+493012345678', campaignId: german })

    await expect(addDoNotCall(db.db, { phone: '12' }, BA)).rejects.toThrow(new InvalidNumberError('invalid phone number "12" (too short)'))
    await expect(addDoNotCall(db.db, { phone: '061 234 567' }, { campaignId: 999_999, ...BA })).rejects.toThrow(UnknownCampaignError)
  })

  it('checks a number against the global list and the campaign’s own, and lists each', async () => {
    const a = await createCampaign(db.db)
    const b = await createCampaign(db.db)
    await addDoNotCall(db.db, { phone: '062 111 111', reason: 'global' }, BA)
    await addDoNotCall(db.db, { phone: '062 222 222', reason: 'only a' }, { campaignId: a, ...BA })
    await addDoNotCall(db.db, { phone: '062 111 111', reason: 'a too' }, { campaignId: a, ...BA })

    expect(await checkDoNotCall(db.db, '062111111', { campaignId: a, ...BA })).toMatchObject({
      phone: '+38762111111',
      blocked: true,
      entries: [
        { campaignId: 0, reason: 'global' },
        { campaignId: a, reason: 'a too' },
      ],
    })
    expect(await checkDoNotCall(db.db, '062222222', { campaignId: b, ...BA })).toEqual({ phone: '+38762222222', blocked: false, entries: [] })
    expect((await checkDoNotCall(db.db, '062222222', { campaignId: a, ...BA })).blocked).toBe(true)
    expect((await checkDoNotCall(db.db, '062222222', BA)).blocked).toBe(false)

    const listed = await listDoNotCall(db.db, { campaignId: a })
    expect(listed.total).toBe(2)
    expect(listed.entries.map((e) => e.phone).sort()).toEqual(['+38762111111', '+38762222222'])
    const page = await listDoNotCall(db.db, { campaignId: a, offset: 1, limit: 1 })
    expect(page.total).toBe(2)
    expect(page.entries).toHaveLength(1)
    expect(page.entries[0]).toEqual(listed.entries[1])
    await expect(listDoNotCall(db.db, { campaignId: 999_999 })).rejects.toThrow(UnknownCampaignError)
  })

  it('marks pending contacts already loaded as do-not-call, and puts them back when no entry covers them', async () => {
    const a = await createCampaign(db.db)
    const b = await createCampaign(db.db)
    for (const campaignId of [a, b]) await loadList(db, { campaignId, name: 'l.csv', mapping: { phone: 'phone' }, source: streamOf('phone\n063100001\n063100002\n') })
    // A contact being called is not touched.
    await db.db.update(contacts).set({ status: 'dialing' }).where(eq(contacts.phone, '+38763100002'))
    const statuses = async () => Object.fromEntries((await Promise.all([a, b].map((c) => contactsOf(db.db, c)))).flatMap((rows, i) => rows.map((r) => [`${i ? 'b' : 'a'}${r.phone.slice(-1)}`, r.status])))

    expect((await addDoNotCall(db.db, { phone: '063100001' }, { campaignId: a, ...BA })).contactsMarked).toBe(1)
    expect(await statuses()).toEqual({ a1: 'do-not-call', a2: 'dialing', b1: 'pending', b2: 'dialing' })
    expect((await addDoNotCall(db.db, { phone: '063100001' }, BA)).contactsMarked).toBe(1)
    expect((await addDoNotCall(db.db, { phone: '063100002' }, BA)).contactsMarked).toBe(0)
    expect(await statuses()).toEqual({ a1: 'do-not-call', a2: 'dialing', b1: 'do-not-call', b2: 'dialing' })

    // The global entry goes: b's contact is free again, a's is still covered by a's own entry.
    expect(await removeDoNotCall(db.db, { phone: '+38763100001' }, BA)).toEqual({ removed: true, contactsRestored: 1 })
    expect(await statuses()).toEqual({ a1: 'do-not-call', a2: 'dialing', b1: 'pending', b2: 'dialing' })
    expect(await removeDoNotCall(db.db, { phone: '063 100 001' }, { campaignId: a, ...BA })).toEqual({ removed: true, contactsRestored: 1 })
    expect(await statuses()).toEqual({ a1: 'pending', a2: 'dialing', b1: 'pending', b2: 'dialing' })
    expect(await removeDoNotCall(db.db, { phone: '063 100 001' }, { campaignId: a, ...BA })).toEqual({ removed: false, contactsRestored: 0 })
  })
})
