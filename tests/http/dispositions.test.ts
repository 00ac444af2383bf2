/**
 * What an operator's disposition does, through both routes that save one (the console's
 * POST /operator/disposition and the API's POST /attempts/:id/disposition): do-not-call puts
 * the number on the list (the campaign's or every campaign's, as the operator chooses); a
 * callback asks for a date and time in the contact's zone and puts the contact back, due
 * then, for the same operator. Bad input is refused naming the field. The operator's list of
 * calls "to finish" (no disposition yet) is theirs only.
 */
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { campaignSettings } from '../../src/campaigns/settings.js'
import { attempts, calls, campaigns, contacts, doNotCall } from '../../src/db/schema/index.js'
import { finishAttempt } from '../../src/dialer/attempts.js'
import { localTime } from '../../src/ivr/hours.js'
import { as, loginAs, type Inject } from './session.js'
import { startTestApp, type TestApp } from './test-app.js'

let t: TestApp
let ivan: Inject
let ana: Inject
let supervisor: Inject
let manager: Inject
let campaignId: number
let otherCampaignId: number
const SETTINGS = { operatorsQueue: 'support', mode: 'progressive', window: { start: '09:00', end: '18:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'] } }
const TZ = 'Europe/Sarajevo'

beforeAll(async () => {
  t = await startTestApp()
  ivan = as(t.server, await loginAs(t.server, t.app, 'ivan', 'operator', 'ivan'))
  ana = as(t.server, await loginAs(t.server, t.app, 'ana', 'operator', 'ana'))
  supervisor = as(t.server, await loginAs(t.server, t.app, 'super', 'supervisor'))
  manager = as(t.server, await loginAs(t.server, t.app, 'manager', 'campaign-manager'))
  const db = t.db.db
  ;[{ id: campaignId }] = (await db.insert(campaigns).values({ name: 'Winter offer', kind: 'telesales', status: 'running', settings: SETTINGS }).returning({ id: campaigns.id })) as [{ id: number }]
  ;[{ id: otherCampaignId }] = (await db.insert(campaigns).values({ name: 'Spring offer', kind: 'telesales', status: 'running', settings: SETTINGS }).returning({ id: campaigns.id })) as [{ id: number }]
}, 60_000)

afterAll(async () => {
  await t?.close()
})

let phones = 0
/** A contact called once by `agent`: the call over (or still on), in the register too. */
async function called(agent: string, on = false): Promise<{ contactId: number; attemptId: number; callUuid: string; phone: string }> {
  const db = t.db.db
  const phone = `+3876155${String(++phones).padStart(4, '0')}`
  const now = new Date(t.clock.now())
  const [c] = await db.insert(contacts).values({ campaignId, phone, name: 'Hana', timezone: TZ, status: on ? 'dialing' : 'done', attempts: 1 }).returning({ id: contacts.id })
  const callUuid = randomUUID()
  const [a] = await db
    .insert(attempts)
    .values({ campaignId, contactId: c!.id, number: 1, callUuid, startedAt: now, dialedAt: now, answeredAt: now, agentId: agent, ...(on ? {} : { endedAt: now, outcome: 'human' as const }) })
    .returning({ id: attempts.id })
  await db.insert(calls).values({ callUuid, direction: 'outbound', destination: phone, startedAt: now, answeredAt: now, answeredBy: agent, campaignId, contactId: c!.id, attemptId: a!.id, ...(on ? {} : { endedAt: now }) })
  return { contactId: c!.id, attemptId: a!.id, callUuid, phone }
}

const contact = async (id: number) => (await t.db.db.select().from(contacts).where(eq(contacts.id, id)))[0]!

/** The contact's local date `days` from the test clock's today, at hh:mm. */
function localAt(days: number, hhmm: string): string {
  let at = t.clock.now() + days * 86_400_000
  // Weekdays only in this campaign's window.
  while (['sat', 'sun'].includes(localTime(new Date(at), TZ).day)) at += 86_400_000
  return `${localTime(new Date(at), TZ).date}T${hhmm}`
}

describe('do-not-call', () => {
  it("puts the number on the campaign's list, and the contact off the campaign", async () => {
    const c = await called('ivan')
    const res = await ivan({ method: 'POST', url: `/attempts/${c.attemptId}/disposition`, payload: { disposition: 'do-not-call' } })
    expect(res.statusCode, res.body).toBe(200)
    expect(await t.db.db.select().from(doNotCall).where(eq(doNotCall.phone, c.phone))).toEqual([expect.objectContaining({ phone: c.phone, campaignId })])
    expect((await contact(c.contactId)).status).toBe('do-not-call')
  })

  it("puts it on every campaign's list when the operator chooses so", async () => {
    const c = await called('ivan')
    const [elsewhere] = await t.db.db.insert(contacts).values({ campaignId: otherCampaignId, phone: c.phone, timezone: TZ }).returning({ id: contacts.id })
    const res = await ivan({ method: 'POST', url: '/operator/disposition', payload: { callUuid: c.callUuid, disposition: 'do-not-call', dncScope: 'global' } })
    expect(res.statusCode, res.body).toBe(200)
    expect(await t.db.db.select().from(doNotCall).where(eq(doNotCall.phone, c.phone))).toEqual([expect.objectContaining({ campaignId: 0 })])
    expect((await contact(elsewhere!.id)).status).toBe('do-not-call')
  })

  it('refuses a scope with another disposition, naming the field', async () => {
    const c = await called('ivan')
    const res = await ivan({ method: 'POST', url: `/attempts/${c.attemptId}/disposition`, payload: { disposition: 'sale', dncScope: 'global' } })
    expect(res.statusCode).toBe(400)
    expect(res.json().message).toContain('dncScope')
  })
})

describe('a callback', () => {
  it("asks for a date and time, in the future and inside the calling window, and says what is wrong", async () => {
    const c = await called('ivan')
    const post = (payload: object) => ivan({ method: 'POST', url: '/operator/disposition', payload: { callUuid: c.callUuid, disposition: 'callback', ...payload } })
    const missing = await post({})
    expect(missing.statusCode).toBe(400)
    expect(missing.json().message).toMatch(/callbackAt.*Europe\/Sarajevo/)
    const malformed = await post({ callbackAt: 'tomorrow at 3' })
    expect(malformed.statusCode).toBe(400)
    expect(malformed.json().message).toContain('callbackAt')
    const impossible = await post({ callbackAt: '2026-02-30T10:00' })
    expect(impossible.statusCode).toBe(400)
    expect(impossible.json().message).toContain('callbackAt')
    const past = await post({ callbackAt: localAt(-3, '10:00') })
    expect(past.statusCode).toBe(400)
    expect(past.json().message).toMatch(/callbackAt.*passed/)
    const late = await post({ callbackAt: localAt(1, '19:30') })
    expect(late.statusCode).toBe(400)
    expect(late.json().message).toMatch(/callbackAt.*calling window.*09:00/)
    // Nothing was saved by the refusals.
    expect(await contact(c.contactId)).toMatchObject({ status: 'done', callbackAt: null, disposition: null })
  })

  it("puts the contact back, due at that time in their zone, for the same operator; another disposition takes it back", async () => {
    const c = await called('ivan')
    const at = localAt(1, '14:30')
    const res = await ivan({ method: 'POST', url: '/operator/disposition', payload: { callUuid: c.callUuid, disposition: 'callback', callbackAt: at } })
    expect(res.statusCode, res.body).toBe(200)
    const row = await contact(c.contactId)
    expect(row).toMatchObject({ status: 'pending', disposition: 'callback', callbackAgentId: 'ivan' })
    // 14:30 on that day as the contact's clock shows it.
    expect(localTime(row.nextAttemptAt!, TZ)).toMatchObject({ date: at.slice(0, 10), minutes: 14 * 60 + 30 })
    expect(row.callbackAt!.getTime()).toBe(row.nextAttemptAt!.getTime())
    expect(res.json()).toMatchObject({ callback: { at: row.callbackAt!.toISOString(), agent: 'ivan', timeZone: TZ } })

    // The operator changes their mind: reached, nothing to call back.
    const again = await ivan({ method: 'POST', url: `/attempts/${c.attemptId}/disposition`, payload: { disposition: 'sale' } })
    expect(again.statusCode, again.body).toBe(200)
    expect(await contact(c.contactId)).toMatchObject({ status: 'done', disposition: 'sale', callbackAt: null, callbackAgentId: null, nextAttemptAt: null })
  })

  it("saved while the call is on, outlives the call's end", async () => {
    const c = await called('ivan', true)
    const at = localAt(2, '09:15')
    const res = await ivan({ method: 'POST', url: `/attempts/${c.attemptId}/disposition`, payload: { disposition: 'callback', callbackAt: at } })
    expect(res.statusCode, res.body).toBe(200)
    await finishAttempt(t.db.db, c.attemptId, { outcome: 'human', agentId: 'ivan' }, campaignSettings(SETTINGS), new Date(t.clock.now()))
    const row = await contact(c.contactId)
    expect(row).toMatchObject({ status: 'pending', callbackAgentId: 'ivan' })
    expect(localTime(row.nextAttemptAt!, TZ)).toMatchObject({ date: at.slice(0, 10), minutes: 9 * 60 + 15 })
  })
})

describe('who may save one', () => {
  it("refuses another operator's call on both routes, and a role without a desk", async () => {
    const c = await called('ivan')
    const byAttempt = await ana({ method: 'POST', url: `/attempts/${c.attemptId}/disposition`, payload: { disposition: 'do-not-call' } })
    expect(byAttempt.statusCode).toBe(403)
    const byCall = await ana({ method: 'POST', url: '/operator/disposition', payload: { callUuid: c.callUuid, disposition: 'do-not-call' } })
    expect(byCall.statusCode).toBe(403)
    expect((await manager({ method: 'POST', url: '/operator/disposition', payload: { callUuid: c.callUuid, disposition: 'do-not-call' } })).statusCode).toBe(403)
    // Nothing happened.
    expect(await t.db.db.select().from(doNotCall).where(eq(doNotCall.phone, c.phone))).toEqual([])
    // A supervisor may, for the operator who took it: the callback is still the operator's.
    const res = await supervisor({ method: 'POST', url: `/attempts/${c.attemptId}/disposition`, payload: { disposition: 'callback', callbackAt: localAt(1, '11:00') } })
    expect(res.statusCode, res.body).toBe(200)
    expect(await contact(c.contactId)).toMatchObject({ callbackAgentId: 'ivan' })
  })
})

describe('the calls to finish', () => {
  it("lists an operator's own answered calls with no disposition, and no one else's", async () => {
    const open = await called('ivan')
    const finished = await called('ivan')
    const anas = await called('ana')
    expect((await ivan({ method: 'POST', url: `/attempts/${finished.attemptId}/disposition`, payload: { disposition: 'sale' } })).statusCode).toBe(200)
    const res = await ivan({ method: 'GET', url: '/operator/to-finish' })
    expect(res.statusCode, res.body).toBe(200)
    const uuids = (res.json() as { calls: Array<{ callUuid: string; dispositions: string[] }> }).calls.map((x) => x.callUuid)
    expect(uuids).toContain(open.callUuid)
    expect(uuids).not.toContain(finished.callUuid)
    expect(uuids).not.toContain(anas.callUuid)
    expect((await ana({ method: 'GET', url: '/operator/to-finish' })).json().calls.map((x: { callUuid: string }) => x.callUuid)).toContain(anas.callUuid)
    expect((await manager({ method: 'GET', url: '/operator/to-finish' })).statusCode).toBe(403)
    // A supervisor names the agent.
    const forIvan = await supervisor({ method: 'GET', url: '/operator/to-finish?agent=ivan' })
    expect(forIvan.statusCode).toBe(200)
    expect(forIvan.json().calls.map((x: { callUuid: string }) => x.callUuid)).toContain(open.callUuid)
    expect((await ivan({ method: 'GET', url: '/operator/to-finish?agent=ana' })).statusCode).toBe(403)
    // Finished through the console: off the list.
    expect((await ivan({ method: 'POST', url: '/operator/disposition', payload: { callUuid: open.callUuid, disposition: 'no-sale' } })).statusCode).toBe(200)
    expect((await ivan({ method: 'GET', url: '/operator/to-finish' })).json().calls.map((x: { callUuid: string }) => x.callUuid)).not.toContain(open.callUuid)
  })
})
