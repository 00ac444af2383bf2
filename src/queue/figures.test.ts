import { describe, expect, it } from 'vitest'
import { parseQueues } from './config.js'
import { abandonRate, agentFigures, agentsByState, averageAnswerMs, idleMs, longestWaitMs, queueFigures, serviceLevel } from './figures.js'
import type { AgentDay, AgentSnapshot, AgentState, QueueDay } from './store.js'

const NOW = Date.parse('2026-11-23T10:00:00Z')

const day = (d: Partial<QueueDay> = {}): QueueDay => ({
  entered: 0,
  answered: 0,
  answeredInSL: 0,
  answerWaitMs: 0,
  abandoned: 0,
  abandonedWaitMs: 0,
  overflowed: 0,
  handled: 0,
  voicemail: 0,
  callbacks: 0,
  lost: 0,
  talkMs: 0,
  ...d,
})

const agent = (id: string, state: AgentState, since = NOW): AgentSnapshot => ({
  id,
  name: id,
  state,
  since,
  reason: state === 'paused' ? 'lunch' : '',
  endpoint: `user/${id}`,
  queues: ['support'],
  languages: [],
  clientTypes: [],
  pending: '',
  calls: 0,
  missed: 0,
})

const agentDay = (d: Partial<AgentDay> = {}): AgentDay => ({ calls: 0, talkMs: 0, idleMs: 0, missed: 0, ...d })

describe('queue ratios', () => {
  it('are null before any answered or abandoned call', () => {
    const d = day({ entered: 3, overflowed: 1, voicemail: 2 })
    expect(serviceLevel(d)).toBeNull()
    expect(abandonRate(d)).toBeNull()
    expect(averageAnswerMs(d)).toBeNull()
  })

  it('count abandoned callers against the service level', () => {
    const d = day({ answered: 3, answeredInSL: 2, abandoned: 1, answerWaitMs: 3 * 10_000 + 5 })
    expect(serviceLevel(d)).toBe(0.5)
    expect(abandonRate(d)).toBe(0.25)
    // Average of the answered only, rounded to whole ms.
    expect(averageAnswerMs(d)).toBe(10_002)
  })

  it('gives a service level of 0 when every caller abandoned, and no answer speed', () => {
    const d = day({ abandoned: 2, abandonedWaitMs: 40_000 })
    expect(serviceLevel(d)).toBe(0)
    expect(abandonRate(d)).toBe(1)
    expect(averageAnswerMs(d)).toBeNull()
  })
})

describe('longest wait', () => {
  it('is 0 with nobody waiting and never negative', () => {
    expect(longestWaitMs(undefined, NOW)).toBe(0)
    expect(longestWaitMs(NOW - 42_500, NOW)).toBe(42_500)
    // Another instance's clock a little ahead of ours.
    expect(longestWaitMs(NOW + 300, NOW)).toBe(0)
  })
})

describe('agents by state', () => {
  it('lists every state, zeros included', () => {
    const counts = agentsByState([agent('a', 'available'), agent('b', 'available'), agent('c', 'paused'), agent('d', 'in-call')])
    expect(counts).toEqual({ 'logged-out': 0, available: 2, ringing: 0, 'in-call': 1, 'wrap-up': 0, paused: 1 })
    expect(agentsByState([])).toEqual({ 'logged-out': 0, available: 0, ringing: 0, 'in-call': 0, 'wrap-up': 0, paused: 0 })
  })
})

describe('idle time', () => {
  it('adds the current stretch only while the agent is available', () => {
    const d = agentDay({ idleMs: 60_000 })
    expect(idleMs(agent('a', 'available', NOW - 15_000), d, NOW)).toBe(75_000)
    for (const state of ['paused', 'in-call', 'ringing', 'wrap-up', 'logged-out'] as const) {
      expect(idleMs(agent('a', state, NOW - 15_000), d, NOW)).toBe(60_000)
    }
  })

  it('does not go below the day figure when `since` is ahead of now', () => {
    expect(idleMs(agent('a', 'available', NOW + 1000), agentDay({ idleMs: 5000 }), NOW)).toBe(5000)
  })
})

describe('queueFigures', () => {
  it('puts the reads together as of now', () => {
    const [settings] = parseQueues('queues:\n  support:\n    description: Help desk\n    members: { groups: [operators] }\n    serviceLevelSeconds: 30\n', 'q.yaml')
    const f = queueFigures(
      {
        settings: settings!,
        waiting: { count: 2, oldestSince: NOW - 90_000 },
        day: day({ entered: 9, answered: 4, answeredInSL: 3, answerWaitMs: 50_000, abandoned: 1, overflowed: 2, voicemail: 1, callbacks: 1, lost: 0 }),
        members: [agent('a', 'in-call'), agent('b', 'wrap-up'), agent('c', 'paused')],
      },
      NOW,
    )
    expect(f).toEqual({
      name: 'support',
      description: 'Help desk',
      serviceLevelSeconds: 30,
      waiting: 2,
      longestWaitMs: 90_000,
      agents: { 'logged-out': 0, available: 0, ringing: 0, 'in-call': 1, 'wrap-up': 1, paused: 1 },
      today: { entered: 9, answered: 4, abandoned: 1, overflowed: 2, voicemail: 1, callbacks: 1, lost: 0, serviceLevel: 0.6, averageAnswerMs: 12_500, abandonRate: 0.2 },
    })
  })
})

describe('agentFigures', () => {
  it("keeps the snapshot and adds the day's figures", () => {
    const a = { ...agent('ivan', 'available', NOW - 2000), calls: 7, missed: 1 }
    const f = agentFigures(a, agentDay({ calls: 9, talkMs: 600_000, idleMs: 30_000, missed: 2 }), NOW)
    expect(f).toEqual({ ...a, today: { calls: 9, talkMs: 600_000, idleMs: 32_000, missed: 2 } })
  })
})
