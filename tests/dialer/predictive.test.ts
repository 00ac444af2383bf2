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
import { startCallCenter, type CallCenter } from '../queue/harness.js'

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

async function start(c: CallCenter, id: number): Promise<void> {
  const r = await c.apps[0]!.dialer!.campaigns.setStatus(id, 'running', new Date(c.clock.now()))
  if (isCampaignError(r)) throw new Error(r.message)
  for (const app of c.apps) app.dialer!.kick(id)
}

async function runCampaign(c: CallCenter, id: number, limitMs: number): Promise<void> {
  let finished = false
  const watch = setInterval(() => {
    void c.apps[0]!.dialer!.campaigns.get(id).then((camp) => (finished = camp?.status === 'done' || camp?.status === 'stopped'))
  }, 25)
  try {
    await c.runUntil(() => finished, limitMs)
  } finally {
    clearInterval(watch)
  }
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
    if (p.outcome === 'answer') return { ...base, answeredAt: new Date(dialed + p.ringMs), endedAt: new Date(dialed + p.ringMs + 40_000), outcome: 'human' as const, agentId: OPERATORS[i % 4]! }
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
      .select({ dialedAt: attempts.dialedAt, endedAt: attempts.endedAt, outcome: attempts.outcome, agentId: attempts.agentId })
      .from(attempts)
      .where(and(eq(attempts.campaignId, c.id), gte(attempts.startedAt, new Date(AT))))
    expect(today).toHaveLength(n)
    // Progressive holds one call per free operator: never more calls out than operators. Predictive dials ahead.
    expect(mostAtOnce(today)).toBeGreaterThan(OPERATORS.length)
    const people = today.filter((a) => a.outcome === 'human' || a.outcome === 'abandoned')
    expect(people.length).toBe(24)
    const figures = await cc.apps[0]!.dialer!.campaigns.figures(c.id, new Date(cc.clock.now()))
    expect(figures!.abandonRate).toBeLessThanOrEqual(0.03)
    expect(figures!.abandonRateToday).toBeLessThanOrEqual(0.03)
  })
})
