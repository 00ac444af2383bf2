/**
 * Predictive pacing wired into the real dialer: campaigns through the dialer, FreeSWITCH's
 * originate (the simulator), our outbound socket and the operators' queue, in virtual time.
 * The dialer builds a snapshot from the agent states in Redis and the attempts in Postgres
 * and asks the same Pacer the simulation uses.
 */
import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { and, eq, gte } from 'drizzle-orm'
import { attempts, contacts } from '../../src/db/schema/index.js'
import { isCampaignError, type Campaign } from '../../src/campaigns/campaigns.js'
import type { PartyPlan } from '../../src/sim/parties.js'
import { liveSnapshot } from '../../src/dialer/pacing/live.js'
import { startCallCenter, type CallCenter } from '../queue/harness.js'
import { runCampaign, start } from '../campaigns/helpers.js'

const AT = '2026-11-23T08:00:00Z'
const QUEUES = 'queues:\n  operators:\n    members: { groups: [operators] }\n    wrapUpSeconds: 5\n'
const OPERATORS = ['ivan', 'ana', 'marko', 'petra']
let cc: CallCenter | undefined

afterEach(async () => {
  await cc?.close()
  cc = undefined
})

async function campaign(c: CallCenter, settings: Record<string, unknown>, phones: string[]): Promise<Campaign> {
  const created = await c.apps[0]!.dialer!.campaigns.create({ name: 'predictive test', kind: 'telesales', settings: { mode: 'predictive', operatorsQueue: 'operators', ...settings } })
  if (isCampaignError(created)) throw new Error(created.message)
  await c.db.db.insert(contacts).values(phones.map((phone) => ({ campaignId: created.id, phone, timezone: 'Europe/Sarajevo', fields: {} })))
  return created
}

/** 30 % people (answering after 3-7 s, talking 40 s), 10 % busy, 50 % no answer, 10 % failed. */
function plan(i: number): PartyPlan {
  const k = i % 10
  if (k < 3) return { outcome: 'answer', ringMs: 3000 + (i % 5) * 1000, answeredBy: 'person', talkMs: 40_000 }
  if (k === 3) return { outcome: 'busy', ringMs: 1000 }
  if (k === 9) return { outcome: 'fail', ringMs: 500, failCause: 'NETWORK_OUT_OF_ORDER' }
  return { outcome: 'no-answer', ringMs: 0 }
}

const phone = (i: number): string => `+3876110${String(i).padStart(4, '0')}`

/**
 * The campaign's morning so far, as attempts in Postgres: 300 calls between 06:00 and 08:00
 * with the same mix, the people talking 40 s with an operator, none abandoned. What the
 * pacing estimates from (answer rates, ring and talk times) and its abandon budget (90 people,
 * so 2.7 abandons may still be spent today).
 */
async function morning(c: CallCenter, campaignId: number): Promise<void> {
  const start = new Date(AT).getTime() - 2 * 3600_000
  const done = await c.db.db
    .insert(contacts)
    .values(Array.from({ length: 300 }, (_, i) => ({ campaignId, phone: `+3876120${String(i).padStart(4, '0')}`, timezone: 'Europe/Sarajevo', fields: {}, status: 'done' as const, attempts: 1 })))
    .returning({ id: contacts.id })
  const rows = done.map(({ id }, i) => {
    const p = plan(i)
    const dialed = start + i * 23_000
    const base = { campaignId, contactId: id, number: 1, callUuid: randomUUID(), startedAt: new Date(dialed), dialedAt: new Date(dialed) }
    // The operators' phones pick up 300 ms after the call is put through to them (connected_at).
    if (p.outcome === 'answer') return { ...base, answeredAt: new Date(dialed + p.ringMs), connectedAt: new Date(dialed + p.ringMs + 300), endedAt: new Date(dialed + p.ringMs + 40_000), outcome: 'human' as const, agentId: OPERATORS[i % 4]! }
    if (p.outcome === 'busy') return { ...base, endedAt: new Date(dialed + 1000), outcome: 'busy' as const }
    if (p.outcome === 'fail') return { ...base, endedAt: new Date(dialed + 500), outcome: 'failed' as const }
    return { ...base, endedAt: new Date(dialed + 15_000), outcome: 'no-answer' as const }
  })
  await c.db.db.insert(attempts).values(rows)
}

/** The most calls of these attempts out at once (dialled, not yet ended). */
function mostAtOnce(rows: Array<{ dialedAt: Date | null; endedAt: Date | null }>): number {
  const edges: Array<[number, number]> = []
  for (const r of rows) {
    if (!r.dialedAt || !r.endedAt) continue
    edges.push([r.dialedAt.getTime(), 1], [r.endedAt.getTime(), -1])
  }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1])
  let n = 0
  let most = 0
  for (const [, d] of edges) most = Math.max(most, (n += d))
  return most
}

describe('predictive pacing in the dialer', () => {
  it('builds its snapshot from the agent states and the attempts: operators, calls out, recent figures, abandons', async () => {
    cc = await startCallCenter({ at: AT, queuesYaml: QUEUES, agents: OPERATORS.map((id) => ({ id })), dialer: true })
    const c = await campaign(cc, {}, [phone(0), phone(1), phone(2), phone(3)])
    await morning(cc, c.id)
    const now = cc.clock.now()
    // Yesterday: 10 people answered, 1 abandoned (counts for the campaign, not today).
    const [old] = await cc.db.db.insert(contacts).values({ campaignId: c.id, phone: '+38761300000', timezone: 'Europe/Sarajevo', fields: {}, status: 'done', attempts: 1 }).returning({ id: contacts.id })
    const yesterday = now - 24 * 3600_000
    await cc.db.db.insert(attempts).values(
      Array.from({ length: 10 }, (_, i) => ({ campaignId: c.id, contactId: old!.id, number: i + 1, callUuid: randomUUID(), startedAt: new Date(yesterday + i * 60_000), dialedAt: new Date(yesterday + i * 60_000), answeredAt: new Date(yesterday + i * 60_000 + 5000), endedAt: new Date(yesterday + i * 60_000 + 30_000), outcome: i === 0 ? ('abandoned' as const) : ('human' as const) })),
    )
    // Now: one call ringing for 4 s, one claimed and not yet dialled, one person answered 1 s ago and waiting, one with an operator.
    const open = await cc.db.db.select({ id: contacts.id }).from(contacts).where(eq(contacts.campaignId, c.id)).limit(4)
    const at = (ms: number): Date => new Date(now - ms)
    await cc.db.db.insert(attempts).values([
      { campaignId: c.id, contactId: open[0]!.id, number: 2, callUuid: randomUUID(), startedAt: at(4500), dialedAt: at(4000) },
      { campaignId: c.id, contactId: open[1]!.id, number: 2, callUuid: randomUUID(), startedAt: at(200) },
      { campaignId: c.id, contactId: open[2]!.id, number: 2, callUuid: randomUUID(), startedAt: at(8000), dialedAt: at(8000), answeredAt: at(1000) },
      { campaignId: c.id, contactId: open[3]!.id, number: 2, callUuid: randomUUID(), startedAt: at(30_000), dialedAt: at(30_000), answeredAt: at(25_000), agentId: 'ana' },
    ])
    await cc.apps[0]!.queues!.desk.login('ivan')
    await cc.apps[0]!.queues!.desk.login('ana')
    const s = await liveSnapshot({ db: cc.db.db, store: cc.apps[0]!.queues!.store, wrapUpMs: 5000 }, c.id, 'operators', now)
    expect(s.now).toBe(now)
    expect(s.operators.map((o) => o.state).sort()).toEqual(['available', 'available'])
    expect(s.ringing.map((r) => now - r.dialedAt).sort((a, b) => a - b)).toEqual([200, 4000])
    expect(s.waiting.map((w) => now - w.answeredAt)).toEqual([1000])
    // The last 400 told apart, oldest first (by when they started): yesterday's, the morning's, then
    // the two answered now (people, on the line), ringing until the answer.
    expect(s.recent).toHaveLength(10 + 300 + 2)
    expect(s.recent.at(-2)).toMatchObject({ outcome: 'human', ringMs: 5000 })
    expect(s.recent.at(-1)).toMatchObject({ outcome: 'human', ringMs: 7000 })
    expect(s.recent[0]).toMatchObject({ outcome: 'abandoned', ringMs: 5000 })
    const morningPeople = s.recent.filter((r) => r.outcome === 'human' && r.dialedAt >= new Date(AT).getTime() - 2 * 3600_000 && r.dialedAt < now - 60_000)
    expect(morningPeople.map((r) => r.ringMs).sort((a, b) => a - b)[0]).toBe(3000)
    const busy = s.recent.filter((r) => r.outcome === 'busy')
    expect(busy).toHaveLength(30)
    expect(busy.every((r) => r.ringMs === 1000)).toBe(true)
    // Calls an operator had, ended: the morning's 90 (yesterday's name no operator); talk = end - answer,
    // connect = connected - answer.
    expect(s.handled.length).toBe(90)
    expect(s.handled.every((h) => h.talkMs === 40_000 && h.wrapMs === 5000 && h.connectMs === 300)).toBe(true)
    expect(s.campaign).toEqual({ humanAnswers: 100, abandoned: 1, calls: 310 })
    expect(s.today).toEqual({ humanAnswers: 90, abandoned: 0, calls: 300 })
  })

  it('dials nobody while no operator is logged in, and starts once one is', async () => {
    cc = await startCallCenter({ at: AT, queuesYaml: QUEUES, agents: OPERATORS.map((id) => ({ id })), dialer: true })
    for (let i = 0; i < 20; i++) cc.numbers.set(phone(i), plan(i))
    const c = await campaign(cc, { maxLines: 10, callsPerSecond: 5, ringTimeoutSeconds: 15, maxAttempts: 1 }, Array.from({ length: 20 }, (_, i) => phone(i)))
    await morning(cc, c.id)
    await start(cc, c.id)
    await cc.runUntil(() => false, 5 * 60_000)
    expect(cc.dialled).toHaveLength(0)
    await cc.apps[0]!.queues!.desk.login('ivan')
    await cc.runUntil(() => cc!.dialled.length > 0, 5 * 60_000)
    expect(cc.dialled.length).toBeGreaterThan(0)
  })

  it('places more calls than there are operators while abandoned calls stay within 3 %', async () => {
    cc = await startCallCenter({ at: AT, queuesYaml: QUEUES, agents: OPERATORS.map((id) => ({ id })), dialer: true })
    for (const id of OPERATORS) cc.phones.set(id, { ringMs: 300, talkMs: 3600_000 })
    const n = 80
    for (let i = 0; i < n; i++) cc.numbers.set(phone(i), plan(i))
    const c = await campaign(cc, { maxLines: 20, callsPerSecond: 5, ringTimeoutSeconds: 15, maxAttempts: 1, connectWithinSeconds: 2 }, Array.from({ length: n }, (_, i) => phone(i)))
    await morning(cc, c.id)
    for (const id of OPERATORS) await cc.apps[0]!.queues!.desk.login(id)
    await start(cc, c.id)
    await runCampaign(cc, c.id, 3 * 3600_000)
    const today = await cc.db.db
      .select({ dialedAt: attempts.dialedAt, answeredAt: attempts.answeredAt, connectedAt: attempts.connectedAt, endedAt: attempts.endedAt, outcome: attempts.outcome, agentId: attempts.agentId })
      .from(attempts)
      .where(and(eq(attempts.campaignId, c.id), gte(attempts.startedAt, new Date(AT))))
    expect(today).toHaveLength(n)
    // Progressive holds one call per free operator: never more calls out than operators. Predictive dials ahead.
    expect(mostAtOnce(today)).toBeGreaterThan(OPERATORS.length)
    const people = today.filter((a) => a.outcome === 'human' || a.outcome === 'abandoned')
    expect(people.length).toBe(24)
    // Each person an operator took talked from the operator's answer: their phone rang 300 ms at least.
    const served = today.filter((a) => a.agentId !== null)
    expect(served.length).toBeGreaterThan(0)
    for (const a of served) expect(a.connectedAt!.getTime() - a.answeredAt!.getTime()).toBeGreaterThanOrEqual(300)
    const figures = await cc.apps[0]!.dialer!.campaigns.figures(c.id, new Date(cc.clock.now()))
    expect(figures!.abandonRate).toBeLessThanOrEqual(0.03)
    expect(figures!.abandonRateToday).toBeLessThanOrEqual(0.03)
  })
})
