/**
 * Campaigns through the dialer, FreeSWITCH's originate (the simulator) and our outbound
 * socket, in virtual time: every outcome kind, retries, windows, do-not-call, restarts,
 * pause and resume, and each campaign kind's script end to end.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { attempts, contacts, doNotCall } from '../../src/db/schema/index.js'
import { isCampaignError, type Campaign } from '../../src/campaigns/campaigns.js'
import { startCallCenter, type CallCenter } from '../queue/harness.js'
import { runCampaign, start } from './helpers.js'

// Monday 23 November 2026, 09:00 in Sarajevo.
const AT = '2026-11-23T08:00:00Z'
const QUEUES = 'queues:\n  operators:\n    members: { groups: [operators] }\n    wrapUpSeconds: 5\n'
let cc: CallCenter | undefined

afterEach(async () => {
  await cc?.close()
  cc = undefined
})

async function campaign(c: CallCenter, kind: string, settings: Record<string, unknown>, people: Array<{ phone: string; timezone?: string; language?: string; fields?: Record<string, string> }>): Promise<Campaign> {
  const created = await c.apps[0]!.dialer!.campaigns.create({ name: `test ${kind}`, kind, settings })
  if (isCampaignError(created)) throw new Error(created.message)
  await c.db.db.insert(contacts).values(people.map((p) => ({ campaignId: created.id, phone: p.phone, timezone: p.timezone ?? 'Europe/Sarajevo', language: p.language, fields: p.fields ?? {} })))
  return created
}

async function contactsOf(c: CallCenter, id: number) {
  const rows = await c.db.db.select().from(contacts).where(eq(contacts.campaignId, id))
  return new Map(rows.map((r) => [r.phone, r]))
}

async function attemptsOf(c: CallCenter, contactId: number) {
  return (await c.db.db.select().from(attempts).where(eq(attempts.contactId, contactId))).sort((a, b) => a.number - b.number)
}

describe('an informational campaign', () => {
  it('ends every contact in the right state with the right number of attempts, whatever happened', async () => {
    cc = await startCallCenter({ at: AT, queuesYaml: QUEUES, agents: [{ id: 'ivan' }], dialer: true })
    const person = { outcome: 'answer' as const, ringMs: 2000, answeredBy: 'person' as const }
    cc.numbers.set('+38761000001', person)
    cc.numbers.set('+38761000002', (n) => (n === 1 ? { outcome: 'busy', ringMs: 1000 } : person))
    cc.numbers.set('+38761000003', { outcome: 'no-answer', ringMs: 0 })
    cc.numbers.set('+38761000004', { outcome: 'answer', ringMs: 2000, answeredBy: 'machine', greetingMs: 4000 })
    cc.numbers.set('+38761000005', { outcome: 'fail', ringMs: 500, failCause: 'NETWORK_OUT_OF_ORDER' })
    const c = await campaign(cc, 'informational', { maxAttempts: 3, maxAttemptsPerDay: 2, ringTimeoutSeconds: 20, machine: 'hangup' }, [
      { phone: '+38761000001' },
      { phone: '+38761000002' },
      { phone: '+38761000003' },
      { phone: '+38761000004' },
      { phone: '+38761000005' },
    ])
    await start(cc, c.id)
    await runCampaign(cc, c.id)
    const byPhone = await contactsOf(cc, c.id)
    const summary = async (phone: string) => {
      const ct = byPhone.get(phone)!
      const as = await attemptsOf(cc!, ct.id)
      return { status: ct.status, attempts: ct.attempts, outcomes: as.map((a) => a.outcome), disposition: ct.disposition }
    }
    expect(await summary('+38761000001')).toEqual({ status: 'done', attempts: 1, outcomes: ['completed'], disposition: 'heard' })
    expect(await summary('+38761000002')).toEqual({ status: 'done', attempts: 2, outcomes: ['busy', 'completed'], disposition: 'heard' })
    expect(await summary('+38761000003')).toEqual({ status: 'failed', attempts: 3, outcomes: ['no-answer', 'no-answer', 'no-answer'], disposition: null })
    expect(await summary('+38761000004')).toEqual({ status: 'failed', attempts: 3, outcomes: ['machine', 'machine', 'machine'], disposition: null })
    expect(await summary('+38761000005')).toEqual({ status: 'failed', attempts: 3, outcomes: ['failed', 'failed', 'failed'], disposition: null })
    // The busy number was tried again after the 10-minute busy delay.
    const busy = await attemptsOf(cc, byPhone.get('+38761000002')!.id)
    expect(busy[1]!.startedAt.getTime() - busy[0]!.endedAt!.getTime()).toBeGreaterThanOrEqual(10 * 60_000)
    // No more than 2 attempts in any 24 hours: the third no-answer came a day after the first.
    const na = await attemptsOf(cc, byPhone.get('+38761000003')!.id)
    expect(na[2]!.startedAt.getTime() - na[0]!.startedAt.getTime()).toBeGreaterThanOrEqual(24 * 3600_000)
    expect((await cc.apps[0]!.dialer!.campaigns.get(c.id))!.status).toBe('done')
  })
})

/** Local weekday and hh:mm of `at` in `timeZone`, read with Intl, apart from the code under test. */
function local(at: number, timeZone: string): { day: string; hhmm: string } {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(at)).map((p) => [p.type, p.value]))
  return { day: String(parts.weekday).toLowerCase(), hhmm: `${parts.hour}:${parts.minute}` }
}

describe('when contacts are called', () => {
  it('only inside the window in each contact’s own time zone, across a daylight-saving change', async () => {
    // Friday 6 March 2026, 20:00 UTC; the US moves its clocks on Sunday 8 March.
    cc = await startCallCenter({ at: '2026-03-06T20:00:00Z', queuesYaml: QUEUES, agents: [{ id: 'ivan' }], dialer: true })
    const zones = { '+38761000001': 'Europe/Sarajevo', '+12125550001': 'America/New_York', '+81355550001': 'Asia/Tokyo' }
    for (const phone of Object.keys(zones)) cc.numbers.set(phone, { outcome: 'no-answer', ringMs: 0 })
    const c = await campaign(
      cc,
      'informational',
      { maxAttempts: 4, maxAttemptsPerDay: 1, retryMinutes: { 'no-answer': 60 }, window: { start: '09:00', end: '17:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'] } },
      Object.entries(zones).map(([phone, timezone]) => ({ phone, timezone })),
    )
    await start(cc, c.id)
    await runCampaign(cc, c.id)
    expect(cc.dialled).toHaveLength(12)
    for (const d of cc.dialled) {
      const tz = zones[d.number as keyof typeof zones]
      const l = local(d.at, tz)
      expect(['mon', 'tue', 'wed', 'thu', 'fri'], `${d.number} called on ${l.day}`).toContain(l.day)
      expect(l.hhmm >= '09:00' && l.hhmm < '17:00', `${d.number} called at ${l.hhmm} local`).toBe(true)
    }
    // New York: Friday 15:00 EST (in the window), then Monday 09:00 EDT = 13:00 UTC, an hour
    // earlier in UTC than before the clocks moved.
    const ny = cc.dialled.filter((d) => d.number === '+12125550001').map((d) => new Date(d.at).toISOString())
    expect(ny[0]).toMatch(/^2026-03-06T20:00/)
    expect(ny[1]).toMatch(/^2026-03-09T13:00/)
    // Tokyo (no DST, UTC+9) is past 17:00 on Friday: Monday 09:00 local = 00:00 UTC.
    const tokyo = cc.dialled.filter((d) => d.number === '+81355550001').map((d) => new Date(d.at).toISOString())
    expect(tokyo[0]).toMatch(/^2026-03-09T00:00/)
  })

  it('never calls a number on the do-not-call list, nor, when the campaign needs it, someone without consent', async () => {
    cc = await startCallCenter({ at: AT, queuesYaml: QUEUES, agents: [{ id: 'ivan' }], dialer: true })
    await cc.db.db.insert(doNotCall).values([{ phone: '+38761000002', reason: 'asked' }])
    const c = await campaign(cc, 'informational', { requireConsent: true }, [{ phone: '+38761000001' }, { phone: '+38761000002' }, { phone: '+38761000003' }])
    await cc.db.db.update(contacts).set({ consent: true }).where(eq(contacts.phone, '+38761000001'))
    await cc.db.db.update(contacts).set({ consent: true }).where(eq(contacts.phone, '+38761000002'))
    await start(cc, c.id)
    await cc.runUntil(() => false, 30 * 60_000)
    expect(cc.dialled.map((d) => d.number)).toEqual(['+38761000001'])
    const byPhone = await contactsOf(cc, c.id)
    expect(byPhone.get('+38761000002')!.status).toBe('do-not-call')
    expect(byPhone.get('+38761000003')!.status).toBe('pending')
  })

  it('pause stops new calls at once; resume picks up where it stopped', async () => {
    cc = await startCallCenter({ at: AT, queuesYaml: QUEUES, agents: [{ id: 'ivan' }], dialer: true })
    const people = Array.from({ length: 12 }, (_, i) => ({ phone: `+387610000${String(i + 10)}` }))
    for (const p of people) cc.numbers.set(p.phone, { outcome: 'answer', ringMs: 2000, answeredBy: 'person' })
    const c = await campaign(cc, 'informational', { maxLines: 2, callsPerSecond: 1 }, people)
    await start(cc, c.id)
    await cc.runUntil(() => cc!.dialled.length >= 4)
    const paused = await cc.apps[0]!.dialer!.campaigns.setStatus(c.id, 'paused', new Date(cc.clock.now()))
    expect(isCampaignError(paused)).toBe(false)
    const atPause = cc.dialled.length
    await cc.runUntil(() => false, 3600_000)
    // Calls already ringing could still start; nothing new after them.
    expect(cc.dialled.length).toBeLessThanOrEqual(atPause + 2)
    const whilePaused = cc.dialled.length
    await start(cc, c.id)
    await runCampaign(cc, c.id)
    expect(cc.dialled.length).toBe(12)
    expect(whilePaused).toBeLessThan(12)
    const statuses = [...(await contactsOf(cc, c.id)).values()].map((r) => r.status)
    expect(statuses.every((s) => s === 'done')).toBe(true)
  })
})

describe('each kind of campaign, end to end', () => {
  it('payment reminder: the amount and due date in the contact’s language; 2 is a promise to pay', async () => {
    cc = await startCallCenter({ at: AT, queuesYaml: QUEUES, agents: [{ id: 'ivan' }], dialer: true })
    cc.numbers.set('+38761000001', { outcome: 'answer', ringMs: 2000, answeredBy: 'person', script: { steps: [{ app: 'play_and_get_digits' }, { wait: 800 }, { dtmf: '2' }] } })
    const c = await campaign(cc, 'payment-reminder', {}, [{ phone: '+38761000001', language: 'bs', fields: { amount_due: '250.75', currency: 'BAM', due_date: '2026-12-01' } }])
    await start(cc, c.id)
    await runCampaign(cc, c.id)
    const contact = (await contactsOf(cc, c.id)).get('+38761000001')!
    expect(contact).toMatchObject({ status: 'done', disposition: 'promise-to-pay', lastOutcome: 'completed' })
    const [a] = await attemptsOf(cc, contact.id)
    // What the contact heard, from the simulator's channel: Bosnian, the amount and the date spoken.
    const heard = cc.channels.get(a!.callUuid)!.history.filter((h) => h.app === 'playback' || h.app === 'play_and_get_digits').map((h) => h.arg).join(' ')
    expect(heard).toContain('/bs/reminder-intro.wav')
    expect(heard).toContain('/bs/say-200.wav!')
    expect(heard).toContain('/bs/say-bam-many.wav')
    expect(heard).toContain('/bs/say-month-12.wav')
    expect(heard).toContain('/bs/reminder-thanks.wav')
  })

  it('survey: three DTMF answers kept per contact and exported as CSV', async () => {
    cc = await startCallCenter({ at: AT, queuesYaml: QUEUES, agents: [{ id: 'ivan' }], dialer: true })
    const answering = (digits: string[]) => ({
      outcome: 'answer' as const,
      ringMs: 2000,
      answeredBy: 'person' as const,
      script: { steps: digits.flatMap((d) => [{ app: 'play_and_get_digits' }, { wait: 700 }, { dtmf: d }]) },
    })
    cc.numbers.set('+38761000001', answering(['4', '1', '12#']))
    cc.numbers.set('+38761000002', answering(['5', '2']))
    const c = await campaign(cc, 'survey', {}, [{ phone: '+38761000001' }, { phone: '+38761000002' }])
    await start(cc, c.id)
    await runCampaign(cc, c.id)
    const byPhone = await contactsOf(cc, c.id)
    expect(byPhone.get('+38761000001')!.disposition).toBe('survey-complete')
    expect(byPhone.get('+38761000002')!.disposition).toBe('survey-partial')
    const csv = await cc.apps[0]!.dialer!.campaigns.surveyCsv(c.id)
    const lines = csv.trim().split('\n').map((l) => l.split(','))
    expect(lines[0]).toEqual(['phone', 'name', 'orders_per_month', 'recommend', 'satisfaction', 'answered_at'])
    expect(lines.slice(1).map((l) => l.slice(0, 5))).toEqual([
      ['+38761000001', '', '12', '1', '4'],
      ['+38761000002', '', '', '2', '5'],
    ])
  })

  it('an answering machine: the message is left after the beep', async () => {
    cc = await startCallCenter({ at: AT, queuesYaml: QUEUES, agents: [{ id: 'ivan' }], dialer: true })
    cc.numbers.set('+38761000001', { outcome: 'answer', ringMs: 2000, answeredBy: 'machine', greetingMs: 5000 })
    const c = await campaign(cc, 'informational', { machine: 'leave-message' }, [{ phone: '+38761000001' }])
    await start(cc, c.id)
    await cc.runUntil(() => cc!.dialled.length === 1)
    await cc.runUntil(() => false, 5 * 60_000)
    const contact = (await contactsOf(cc, c.id)).get('+38761000001')!
    const [a] = await attemptsOf(cc, contact.id)
    expect(a).toMatchObject({ outcome: 'machine', disposition: 'message-left' })
    const played = cc.channels.get(a!.callUuid)!.history.filter((h) => h.app === 'playback').map((h) => h.arg.split('/').pop())
    // The script's message was cut by the beep; then the message for machines, in full.
    expect(played.at(-1)).toBe('campaign-machine-message.wav')
    expect(cc.channels.get(a!.callUuid)!.history.find((h) => h.arg.endsWith('campaign-machine-message.wav'))!.response).toBe('FILE PLAYED')
    expect(contact.status).toBe('pending')
  })

  it('telesales: an answered call reaches a free operator at once; the next call waits for one', async () => {
    cc = await startCallCenter({ at: AT, queuesYaml: QUEUES, agents: [{ id: 'ivan' }], dialer: true })
    cc.phones.set('ivan', { ringMs: 1000, talkMs: 120_000 })
    for (const p of ['+38761000001', '+38761000002']) cc.numbers.set(p, { outcome: 'answer', ringMs: 3000, answeredBy: 'person' })
    // Progressive dials for free operators only; a second person answering while Ivan is on the
    // first call would be abandoned, so the dialer waits for Ivan.
    const c = await campaign(cc, 'telesales', { mode: 'progressive', operatorsQueue: 'operators', connectWithinSeconds: 2 }, [{ phone: '+38761000001' }, { phone: '+38761000002' }])
    await cc.apps[0]!.queues!.desk.login('ivan')
    await start(cc, c.id)
    await runCampaign(cc, c.id)
    const byPhone = await contactsOf(cc, c.id)
    for (const phone of ['+38761000001', '+38761000002']) {
      const [a] = await attemptsOf(cc, byPhone.get(phone)!.id)
      expect(a).toMatchObject({ outcome: 'human', agentId: 'ivan' })
    }
    const first = await attemptsOf(cc, byPhone.get('+38761000001')!.id)
    const second = await attemptsOf(cc, byPhone.get('+38761000002')!.id)
    expect(second[0]!.startedAt.getTime()).toBeGreaterThanOrEqual(first[0]!.endedAt!.getTime())
    const figures = await cc.apps[0]!.dialer!.campaigns.figures(c.id, new Date(cc.clock.now()))
    expect(figures).toMatchObject({ abandonRate: 0, contacts: { total: 2, done: 2, pending: 0 } })
    expect(figures!.operatorTalkMs).toBeGreaterThanOrEqual(2 * 110_000)
  })

  it('telesales with nobody taking the call in time: abandoned, told so, and counted', async () => {
    cc = await startCallCenter({ at: AT, queuesYaml: QUEUES, agents: [{ id: 'ivan' }], dialer: true })
    // Ivan looks free but his phone rings out: the person waits past the 2 s limit.
    cc.phones.set('ivan', 'no-answer')
    cc.numbers.set('+38761000001', { outcome: 'answer', ringMs: 3000, answeredBy: 'person' })
    const c = await campaign(cc, 'telesales', { mode: 'progressive', operatorsQueue: 'operators', maxAttempts: 1 }, [{ phone: '+38761000001' }])
    await cc.apps[0]!.queues!.desk.login('ivan')
    await start(cc, c.id)
    await runCampaign(cc, c.id, 3600_000)
    const contact = (await contactsOf(cc, c.id)).get('+38761000001')!
    const [a] = await attemptsOf(cc, contact.id)
    expect(a!.outcome).toBe('abandoned')
    expect(cc.channels.get(a!.callUuid)!.history.some((h) => h.arg.endsWith('/en/campaign-abandon.wav'))).toBe(true)
    const figures = await cc.apps[0]!.dialer!.campaigns.figures(c.id, new Date(cc.clock.now()))
    expect(figures).toMatchObject({ abandonRate: 1, abandonRateToday: 1 })
  })
})

describe('restarts', () => {
  it('an instance restarted mid-campaign dials nobody twice and leaves nobody out', async () => {
    cc = await startCallCenter({ at: AT, queuesYaml: QUEUES, agents: [{ id: 'ivan' }], dialer: true, instances: 2 })
    const people = Array.from({ length: 30 }, (_, i) => ({ phone: `+3876100${String(i + 100).padStart(4, '0')}` }))
    for (const p of people) cc.numbers.set(p.phone, (n) => (n === 1 && p.phone.endsWith('7') ? { outcome: 'busy', ringMs: 1000 } : { outcome: 'answer', ringMs: 4000, answeredBy: 'person' }))
    const c = await campaign(cc, 'informational', { maxLines: 6, callsPerSecond: 2, retryMinutes: { busy: 2 } }, people)
    await start(cc, c.id)
    await cc.runUntil(() => cc!.dialled.length >= 10)
    await cc.restart(0)
    cc.apps[0]!.dialer!.kick(c.id)
    await runCampaign(cc, c.id)
    const byPhone = await contactsOf(cc, c.id)
    for (const p of people) {
      const contact = byPhone.get(p.phone)!
      const made = await attemptsOf(cc, contact.id)
      const dialled = cc.dialled.filter((d) => d.number === p.phone).length
      // Every call the switch saw is one attempt, numbered without gaps; every contact reached.
      expect(made.filter((a) => a.dialedAt).length, p.phone).toBe(dialled)
      expect(made.map((a) => a.number)).toEqual(made.map((_, i) => i + 1))
      expect(contact.status, p.phone).toBe('done')
    }
    // At least one call each, and a second for the three busy at first; calls cut by the restart
    // before anyone spoke may be made again, as their own numbered attempts.
    expect(cc.dialled.length).toBeGreaterThanOrEqual(30 + people.filter((p) => p.phone.endsWith('7')).length)
  }, 120_000)

  it('after a crash, a claim never dialled is given back and a call never finished is closed and retried', async () => {
    cc = await startCallCenter({ at: AT, queuesYaml: QUEUES, agents: [{ id: 'ivan' }], dialer: true })
    const c = await campaign(cc, 'informational', {}, [{ phone: '+38761000001' }, { phone: '+38761000002' }])
    const byPhone = await contactsOf(cc, c.id)
    const long = new Date(cc.clock.now() - 30 * 60_000)
    // What a crashed instance leaves: one contact claimed but not dialled, one dialled with no outcome.
    const one = byPhone.get('+38761000001')!
    const two = byPhone.get('+38761000002')!
    await cc.db.db.update(contacts).set({ status: 'dialing', attempts: 1 }).where(eq(contacts.id, one.id))
    await cc.db.db.update(contacts).set({ status: 'dialing', attempts: 1 }).where(eq(contacts.id, two.id))
    await cc.db.db.insert(attempts).values([
      { campaignId: c.id, contactId: one.id, number: 1, callUuid: 'a1b2c3d4-0000-4000-8000-000000000001', startedAt: long },
      { campaignId: c.id, contactId: two.id, number: 1, callUuid: 'a1b2c3d4-0000-4000-8000-000000000002', startedAt: long, dialedAt: long },
    ])
    await cc.restart(0)
    // Once the new instance can ask FreeSWITCH, the call it does not know is closed.
    let closed = false
    const watch = setInterval(() => void attemptsOf(cc!, two.id).then(([a]) => (closed = a?.outcome != null)), 25)
    try {
      await cc.runUntil(() => closed, 60_000)
    } finally {
      clearInterval(watch)
    }
    const after = await contactsOf(cc, c.id)
    expect(after.get('+38761000001')).toMatchObject({ status: 'pending', attempts: 0 })
    expect(await attemptsOf(cc, one.id)).toEqual([])
    const [lost] = await attemptsOf(cc, two.id)
    expect(lost).toMatchObject({ outcome: 'failed', cause: 'RECONCILED' })
    expect(after.get('+38761000002')).toMatchObject({ status: 'pending', attempts: 1, lastOutcome: 'failed' })
    // Both are called in the campaign that follows, the second as its second attempt.
    await start(cc, c.id)
    await runCampaign(cc, c.id)
    expect((await attemptsOf(cc, two.id)).map((a) => [a.number, a.outcome])).toEqual([
      [1, 'failed'],
      [2, 'completed'],
    ])
    expect(cc.dialled.map((d) => d.number).sort()).toEqual(['+38761000001', '+38761000002'])
  })
})

describe('the control connection drops while calls are out', () => {
  it('reconnects; a call still ringing ends by its hangup event, a call in progress is untouched', async () => {
    cc = await startCallCenter({ at: AT, queuesYaml: QUEUES, agents: [{ id: 'ivan' }], dialer: true })
    cc.numbers.set('+38761000001', { outcome: 'busy', ringMs: 8000 })
    cc.numbers.set('+38761000002', { outcome: 'answer', ringMs: 1000, answeredBy: 'person', talkMs: 120_000 })
    const c = await campaign(cc, 'informational', { maxAttempts: 1, callsPerSecond: 10 }, [{ phone: '+38761000001' }, { phone: '+38761000002' }])
    await start(cc, c.id)
    await cc.runUntil(() => cc!.dialled.length === 2)
    await cc.runUntil(() => false, 3000)
    const control = cc.apps[0]!.controls[0]!
    let reconnected = false
    control.once('reconnected', () => (reconnected = true))
    cc.sim.inbound.dropClients()
    for (let i = 0; i < 200 && !reconnected; i++) await new Promise((r) => setTimeout(r, 10))
    expect(reconnected).toBe(true)
    await runCampaign(cc, c.id, 3600_000)
    const byPhone = await contactsOf(cc, c.id)
    const [busy] = await attemptsOf(cc, byPhone.get('+38761000001')!.id)
    const [talked] = await attemptsOf(cc, byPhone.get('+38761000002')!.id)
    // The busy line's end came as its hangup event on the new connection, with its cause.
    expect(busy).toMatchObject({ outcome: 'busy', cause: 'USER_BUSY' })
    expect(talked!.outcome).toBe('completed')
  })
})

describe('preview dialing', () => {
  it('the operator reads the card, their phone rings, then the contact’s; a skipped contact goes back', async () => {
    cc = await startCallCenter({ at: AT, queuesYaml: QUEUES, agents: [{ id: 'ivan' }], dialer: true })
    cc.phones.set('ivan', { ringMs: 1500, talkMs: 3600_000 })
    cc.numbers.set('+38761000001', { outcome: 'answer', ringMs: 3000, answeredBy: 'person', talkMs: 45_000 })
    const c = await campaign(cc, 'telesales', { mode: 'preview', operatorsQueue: 'operators' }, [
      { phone: '+38761000001', fields: { last_order: '2026-05-02' } },
      { phone: '+38761000002' },
    ])
    const store = cc.apps[0]!.queues!.store
    const preview = cc.apps[0]!.preview!
    await cc.apps[0]!.queues!.desk.login('ivan')
    await start(cc, c.id)
    await cc.runUntil(() => false, 60_000)
    // Preview dials nothing by itself.
    expect(cc.dialled).toEqual([])
    const card = await preview.next(c.id, 'ivan')
    if ('error' in card) throw new Error(card.message)
    expect(card.contact).toMatchObject({ phone: '+38761000001', fields: { last_order: '2026-05-02' } })
    // Held for this contact: the queues will not offer Ivan a caller meanwhile.
    expect((await store.agent('ivan'))!.state).toBe('ringing')
    // The operator's phone rings in simulated time: keep the clock moving while it does.
    let dialled: unknown
    void preview.dial(card.attemptId, 'ivan').then((r) => (dialled = r))
    await cc.runUntil(() => dialled !== undefined)
    expect(dialled).toEqual({ ringing: true })
    await cc.runUntil(() => cc!.dialled.length === 1)
    await cc.runUntil(() => false, 5 * 60_000)
    const [a] = await attemptsOf(cc, card.contact.id)
    expect(a).toMatchObject({ outcome: 'human', agentId: 'ivan' })
    expect(a!.endedAt!.getTime() - a!.answeredAt!.getTime()).toBeGreaterThanOrEqual(45_000)
    expect((await store.agent('ivan'))!.state).toBe('available')
    expect((await store.agentDay('ivan')).calls).toBe(1)
    const next = await preview.next(c.id, 'ivan')
    if ('error' in next) throw new Error(next.message)
    expect(next.contact.phone).toBe('+38761000002')
    expect(await preview.skip(next.attemptId, 'ivan')).toEqual({ skipped: true })
    const back = (await contactsOf(cc, c.id)).get('+38761000002')!
    expect(back).toMatchObject({ status: 'pending', attempts: 0 })
    expect((await store.agent('ivan'))!.state).toBe('available')
    expect(await preview.skip(next.attemptId, 'ivan')).toMatchObject({ error: 'unknown-attempt' })
  })
})
