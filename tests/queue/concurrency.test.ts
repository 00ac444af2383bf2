/**
 * Two app instances serve one queue from one Redis: 200 callers, 20 agents with random ring
 * and talk times, some phones that ring out, callers who lose patience. No agent may ever
 * be rung while their phone is already busy with a call, and every caller must end up
 * answered, abandoned or sent to voicemail, with counts that add up exactly.
 */
import { afterAll, expect, it } from 'vitest'
import { startCallCenter, type CallCenter, type Phone } from './harness.js'

let cc: CallCenter | undefined

afterAll(async () => {
  await cc?.close()
})

/** Deterministic randomness, so a failure replays. */
function random(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

const CALLERS = 200
const AGENTS = 20

it('two instances, 200 callers, 20 agents: nobody gets two calls, every caller is accounted for', async () => {
  const rnd = random(42)
  const yaml = [
    'queues:',
    '  support:',
    '    members: { groups: [operators] }',
    '    strategy: longest-idle',
    '    ringTimeoutSeconds: 8',
    '    maxMissedOffers: 20',
    '    wrapUpSeconds: 5',
    '    announceEverySeconds: 60',
    '    maxWaitSeconds: 300',
    '    onMaxWait: voicemail',
  ].join('\n')
  const agents = Array.from({ length: AGENTS }, (_, i) => ({ id: `agent${String(i + 1).padStart(2, '0')}` }))
  cc = await startCallCenter({ at: '2026-11-23T09:00:00Z', queuesYaml: yaml, agents, instances: 2 })
  const center = cc
  const violations: string[] = []
  const rings = new Map<string, number>()
  for (const { id } of agents) {
    center.phones.set(id, (agent): Phone => {
      // The invariant: when an agent's phone is rung, it has no other live call.
      const live = center.sim.sw.allChannels().filter((ch) => ch.isUp && ch.name.startsWith(`sofia/internal/${agent}@`))
      if (live.length > 0) violations.push(`${agent} rung at ${new Date(center.clock.now()).toISOString()} while on ${live.map((c) => c.uuid).join(', ')}`)
      rings.set(agent, (rings.get(agent) ?? 0) + 1)
      if (rnd() < 0.05) return 'no-answer'
      return { ringMs: 1000 + rnd() * 4000, talkMs: 20_000 + rnd() * 180_000 }
    })
  }
  // Agents log in through either instance: the state is shared.
  for (const [i, { id }] of agents.entries()) await center.apps[i % 2]!.queues!.desk.login(id)

  const placed = []
  for (let n = 1; n <= CALLERS; n++) {
    // A third of the callers lose patience after 1 to 8 minutes.
    const patience = rnd() < 0.33 ? 60_000 + rnd() * 420_000 : undefined
    const script = patience === undefined ? { steps: [] } : { steps: [{ wait: patience }, { hangup: true as const }] }
    placed.push(center.call(`+3876100${String(n).padStart(4, '0')}`, 'support', { script }))
    await center.clock.advance(Math.round(1000 + rnd() * 4000))
  }
  await center.finish()

  expect(violations).toEqual([])
  const rows = await center.rows()
  expect(rows).toHaveLength(CALLERS)
  const outcomes = new Map<string, number>()
  for (const r of rows) outcomes.set(r.queueOutcome ?? 'none', (outcomes.get(r.queueOutcome ?? 'none') ?? 0) + 1)
  // Every caller ended one of three ways (voicemail: the longest wait ran out).
  expect([...outcomes.keys()].sort()).toEqual(['abandoned', 'answered', 'voicemail'])
  const store = center.apps[0]!.queues!.store
  const day = await store.queueDay('support')
  expect(day.entered).toBe(CALLERS)
  expect(day.answered).toBe(outcomes.get('answered'))
  expect(day.abandoned).toBe(outcomes.get('abandoned'))
  expect(day.overflowed).toBe(outcomes.get('voicemail'))
  expect(day.answered + day.abandoned + day.overflowed).toBe(day.entered)
  // The agents' own counts agree with the callers'.
  const agentDays = await Promise.all(agents.map((a) => store.agentDay(a.id)))
  expect(agentDays.reduce((s, d) => s + d.calls, 0)).toBe(day.answered)
  for (const a of agents) {
    const answeredByAgent = rows.filter((r) => r.answeredBy === a.id).length
    expect(answeredByAgent).toBe(agentDays[agents.indexOf(a)]!.calls)
  }
  // Both instances held callers; nobody is left waiting or reserved.
  expect(new Set(rows.map((r) => r.instanceId))).toEqual(new Set(['app-1', 'app-2']))
  expect((await store.waiting('support')).count).toBe(0)
  const states = (await store.agents()).map((a) => a.state)
  expect(states.every((s) => s === 'available' || s === 'wrap-up')).toBe(true)
  expect([...rings.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(day.answered)
}, 240_000)
