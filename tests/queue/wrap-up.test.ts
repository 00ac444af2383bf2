/**
 * The shared queue state (Redis, the Lua scripts) around an operator's disposition: after a
 * call the agent stays in wrap-up until the call's disposition is saved or the queue's
 * dispositionMaxSeconds runs out, never less than wrapUpSeconds; a disposition saved during
 * the call leaves the usual wrap-up. And a caller may name the agent they should reach (a
 * callback agreed with one operator): offered to them when they are free, to anyone else
 * free otherwise. Time is the test's own clock.
 */
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { parseQueues } from '../../src/queue/config.js'
import { QueueStore, type Caller } from '../../src/queue/store.js'
import { VirtualClock } from '../../src/time/virtual-clock.js'

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
const prefixes: string[] = []
let clock: VirtualClock
let store: QueueStore

const QUEUES = parseQueues('queues:\n  support:\n    members: { agents: [ivan, ana] }\n    wrapUpSeconds: 10\n    dispositionMaxSeconds: 120\n', 'test.yaml')
const agent = (id: string) => ({ id, name: id, endpoint: `user/${id}`, languages: [], clientTypes: [], queues: ['support'] })
const caller = (call: string, extra: Partial<Caller> = {}): Caller => ({ entry: randomUUID(), queue: 'support', call, instance: 'i1', number: '+38761000001', language: 'en', clientType: '', vip: false, kind: 'call', ...extra })
const state = async (id: string) => (await store.agent(id))?.state

beforeEach(async () => {
  const prefix = `wu${randomUUID().slice(0, 8)}`
  prefixes.push(prefix)
  clock = new VirtualClock({ start: Date.parse('2026-11-23T09:00:00Z') })
  store = new QueueStore(redis, prefix, clock)
  await store.configure(QUEUES)
  await store.heartbeat('i1')
})

afterAll(async () => {
  for (const p of prefixes) {
    const keys = await redis.keys(`${p}:*`)
    if (keys.length > 0) await redis.del(...keys)
  }
  redis.disconnect()
})

/** `who` answers a new caller's call and talks; returns the entry. */
async function talk(who: string, call: string): Promise<string> {
  const c = caller(call)
  await store.enqueue(c)
  expect((await store.entry(c.entry)).agents).toBe(who)
  await store.offerResult(c.entry, { outcome: 'answered', agent: who }, 20_000)
  expect(await state(who)).toBe('in-call')
  return c.entry
}

describe('wrap-up waits for the disposition', () => {
  it('keeps the agent in wrap-up past wrapUpSeconds until the disposition is saved; then the next caller is theirs', async () => {
    await store.login(agent('ivan'))
    const entry = await talk('ivan', 'call-1')
    const until = await store.callEnded(entry, 'ivan', 30_000, 10_000)
    expect(until).toBe(clock.now() + 120_000)
    await clock.advance(10_000)
    expect(await store.wrapDone('ivan')).toBe(0)
    await store.sweep()
    expect(await state('ivan')).toBe('wrap-up')
    // A caller now waits: the agent is finishing the last one.
    const next = caller('call-2')
    await store.enqueue(next)
    expect((await store.entry(next.entry)).state).toBe('waiting')
    // Another call's disposition changes nothing.
    expect(await store.dispositionSaved('ivan', 'call-9')).toBe(0)
    expect(await state('ivan')).toBe('wrap-up')
    await store.dispositionSaved('ivan', 'call-1')
    expect(await state('ivan')).toBe('ringing')
    expect((await store.entry(next.entry)).agents).toBe('ivan')
  })

  it('saved before wrapUpSeconds is over, ends the wrap-up at its usual time', async () => {
    await store.login(agent('ivan'))
    const entry = await talk('ivan', 'call-1')
    const ended = clock.now()
    await store.callEnded(entry, 'ivan', 30_000, 10_000)
    await clock.advance(3_000)
    expect(await store.dispositionSaved('ivan', 'call-1')).toBe(ended + 10_000)
    expect(await state('ivan')).toBe('wrap-up')
    await clock.advance(7_000)
    expect(await store.wrapDone('ivan')).toBe(1)
    expect(await state('ivan')).toBe('available')
  })

  it('saved during the call, leaves only the usual wrap-up', async () => {
    await store.login(agent('ivan'))
    const entry = await talk('ivan', 'call-1')
    await store.dispositionSaved('ivan', 'call-1')
    expect(await store.callEnded(entry, 'ivan', 30_000, 10_000)).toBe(clock.now() + 10_000)
    await clock.advance(10_000)
    expect(await store.wrapDone('ivan')).toBe(1)
    expect(await state('ivan')).toBe('available')
  })

  it('gives up at dispositionMaxSeconds: the agent is free, a late disposition changes nothing', async () => {
    await store.login(agent('ivan'))
    const entry = await talk('ivan', 'call-1')
    await store.callEnded(entry, 'ivan', 30_000, 10_000)
    await clock.advance(119_000)
    expect(await store.sweep()).toBe(0)
    expect(await state('ivan')).toBe('wrap-up')
    await clock.advance(1_000)
    expect(await store.sweep()).toBe(1)
    expect(await state('ivan')).toBe('available')
    expect(await store.dispositionSaved('ivan', 'call-1')).toBe(0)
    expect(await state('ivan')).toBe('available')
  })
})

describe('a caller for a named agent', () => {
  it('is offered to that agent when free, though another has waited longer', async () => {
    await store.login(agent('ana'))
    await clock.advance(60_000)
    await store.login(agent('ivan'))
    const c = caller('call-1', { agent: 'ivan' })
    await store.enqueue(c)
    expect((await store.entry(c.entry)).agents).toBe('ivan')
    expect(await state('ana')).toBe('available')
  })

  it('goes to another free agent when theirs is busy, rather than wait', async () => {
    await store.login(agent('ivan'))
    await talk('ivan', 'call-0')
    await store.login(agent('ana'))
    const c = caller('call-1', { agent: 'ivan' })
    await store.enqueue(c)
    expect((await store.entry(c.entry)).agents).toBe('ana')
  })
})
