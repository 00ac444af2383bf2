/**
 * Queues through the simulator over TCP, in virtual time: order, VIP first, agent choice by
 * strategy, ring timeouts, callers who hang up, the longest wait, callbacks, wrap-up.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { startCallCenter, type CallCenter } from './harness.js'

const AT = '2026-11-23T09:00:00Z'
let cc: CallCenter | undefined

afterEach(async () => {
  await cc?.close()
  cc = undefined
})

/** A queues file with one queue: defaults below, overridden by `extra` lines (`key: value`). */
const queue = (name: string, extra: string): string => {
  const lines = ['members: { groups: [operators] }', 'ringTimeoutSeconds: 10', 'wrapUpSeconds: 10', 'announceEverySeconds: 30', 'maxWaitSeconds: 3600', ...extra.split('\n').filter(Boolean)]
  const byKey = new Map(lines.map((l) => [l.split(':')[0]!, l]))
  return `queues:\n  ${name}:\n${[...byKey.values()].map((l) => `    ${l}`).join('\n')}\n`
}

const answeredAt = (r: { queueEnteredAt: Date | null; queueWaitMs: number | null }): number => r.queueEnteredAt!.getTime() + r.queueWaitMs!

describe('a queue', () => {
  it('answers callers first come, first served, with wrap-up between calls', async () => {
    cc = await startCallCenter({ at: AT, queuesYaml: queue('support', ''), agents: [{ id: 'ivan' }] })
    const desk = cc.apps[0]!.queues!.desk
    await desk.login('ivan')
    await desk.pause('ivan', 'lunch')
    const callers = ['+38761000001', '+38761000002', '+38761000003']
    const placed = []
    for (const n of callers) {
      placed.push(cc.call(n, 'support'))
      await cc.clock.advance(5000)
    }
    await desk.resume('ivan')
    await cc.finish()
    const rows = await cc.rows()
    expect(rows.map((r) => r.queueOutcome)).toEqual(['answered', 'answered', 'answered'])
    const order = [...rows].sort((a, b) => answeredAt(a) - answeredAt(b))
    expect(order.map((r) => r.callerNumber)).toEqual(callers)
    expect(order.every((r) => r.answeredBy === 'ivan')).toBe(true)
    // The next call is offered only when the 10 s wrap-up after the last one is over.
    for (let i = 1; i < order.length; i++) {
      const gap = answeredAt(order[i]!) - order[i - 1]!.endedAt!.getTime()
      expect(gap).toBeGreaterThanOrEqual(10_000)
      expect(gap).toBeLessThan(15_000)
    }
    const day = await cc.apps[0]!.queues!.store.queueDay('support')
    expect(day).toMatchObject({ entered: 3, answered: 3, abandoned: 0 })
    const ivan = await cc.apps[0]!.queues!.store.agentDay('ivan')
    expect(ivan.calls).toBe(3)
    expect(ivan.talkMs).toBe(3 * 60_000)
  })
})

describe('priority', () => {
  it('hands a VIP who arrives last to the next free operator before everyone else', async () => {
    cc = await startCallCenter({
      at: AT,
      queuesYaml: queue('support', ''),
      agents: [{ id: 'ivan' }],
      clients: [{ phone: '+38761000009', vip: true }],
    })
    const desk = cc.apps[0]!.queues!.desk
    await desk.login('ivan')
    await desk.pause('ivan', 'meeting')
    for (const n of ['+38761000001', '+38761000002', '+38761000009']) {
      cc.call(n, 'support')
      await cc.clock.advance(5000)
    }
    await desk.resume('ivan')
    await cc.finish()
    const order = (await cc.rows()).sort((a, b) => answeredAt(a) - answeredAt(b)).map((r) => r.callerNumber)
    expect(order).toEqual(['+38761000009', '+38761000001', '+38761000002'])
  })

  it('keeps arrival order among VIPs', async () => {
    cc = await startCallCenter({
      at: AT,
      queuesYaml: queue('support', ''),
      agents: [{ id: 'ivan' }],
      clients: [
        { phone: '+38761000008', vip: true },
        { phone: '+38761000009', vip: true },
      ],
    })
    const desk = cc.apps[0]!.queues!.desk
    await desk.login('ivan')
    await desk.pause('ivan', 'meeting')
    for (const n of ['+38761000001', '+38761000008', '+38761000002', '+38761000009']) {
      cc.call(n, 'support')
      await cc.clock.advance(5000)
    }
    await desk.resume('ivan')
    await cc.finish()
    const order = (await cc.rows()).sort((a, b) => answeredAt(a) - answeredAt(b)).map((r) => r.callerNumber)
    expect(order).toEqual(['+38761000008', '+38761000009', '+38761000001', '+38761000002'])
  })
})

describe('strategies', () => {
  it('longest idle: the agent waiting longest for a call gets it', async () => {
    cc = await startCallCenter({ at: AT, queuesYaml: queue('support', 'strategy: longest-idle'), agents: [{ id: 'a' }, { id: 'b' }, { id: 'c' }] })
    const desk = cc.apps[0]!.queues!.desk
    for (const id of ['c', 'a', 'b']) {
      await desk.login(id)
      await cc.clock.advance(10_000)
    }
    const first = cc.call('+38761000001', 'support')
    await cc.clock.advance(5_000)
    const second = cc.call('+38761000002', 'support')
    await cc.finish()
    expect((await cc.row(first.uuid)).answeredBy).toBe('c')
    expect((await cc.row(second.uuid)).answeredBy).toBe('a')
  })

  it('round robin: the agent offered a call least recently, however long the others idled', async () => {
    cc = await startCallCenter({ at: AT, queuesYaml: queue('support', 'strategy: round-robin\nwrapUpSeconds: 0'), agents: [{ id: 'a' }, { id: 'b' }] })
    cc.phones.set('a', { ringMs: 1000, talkMs: 10_000 })
    const desk = cc.apps[0]!.queues!.desk
    await desk.login('a')
    const first = cc.call('+38761000001', 'support')
    await cc.runUntil(() => first.ended)
    // b logs in after a's call ended: a has idled longer, but b has had no call yet.
    await desk.login('b')
    await cc.clock.advance(5_000)
    const second = cc.call('+38761000002', 'support')
    await cc.finish()
    expect((await cc.row(first.uuid)).answeredBy).toBe('a')
    expect((await cc.row(second.uuid)).answeredBy).toBe('b')
  })

  it('fewest calls: the agent with the fewest calls, though another has idled longer', async () => {
    cc = await startCallCenter({ at: AT, queuesYaml: queue('support', 'strategy: fewest-calls\nwrapUpSeconds: 0'), agents: [{ id: 'a' }, { id: 'b' }] })
    cc.phones.set('a', { ringMs: 1000, talkMs: 10_000 })
    const desk = cc.apps[0]!.queues!.desk
    await desk.login('a')
    await desk.login('b')
    await desk.pause('b', 'training')
    for (const n of ['+38761000001', '+38761000002']) {
      const c = cc.call(n, 'support')
      await cc.runUntil(() => c.ended)
    }
    await desk.resume('b')
    // a is idle since its last call, b since resuming: longest idle would pick a.
    await cc.clock.advance(5_000)
    const third = cc.call('+38761000003', 'support')
    await cc.finish()
    expect((await cc.row(third.uuid)).answeredBy).toBe('b')
  })

  it('skills: the caller’s language decides, before idle time', async () => {
    cc = await startCallCenter({
      at: AT,
      queuesYaml: queue('support', 'strategy: skills'),
      agents: [
        { id: 'ivan', languages: ['bs', 'en'] },
        { id: 'maria', languages: ['pt', 'en'] },
      ],
      clients: [{ phone: '+351911000001', language: 'pt' }],
    })
    const desk = cc.apps[0]!.queues!.desk
    await desk.login('ivan')
    await cc.clock.advance(30_000)
    await desk.login('maria')
    const pt = cc.call('+351911000001', 'support')
    await cc.finish()
    const row = await cc.row(pt.uuid)
    expect(row.language).toBe('pt')
    expect(row.answeredBy).toBe('maria')
  })

  it('skills: a caller nobody speaks to yet waits, without holding up the callers behind', async () => {
    cc = await startCallCenter({
      at: AT,
      queuesYaml: queue('support', 'strategy: skills'),
      agents: [{ id: 'ivan', languages: ['bs', 'en'] }],
      clients: [{ phone: '+351911000001', language: 'pt' }],
    })
    await cc.apps[0]!.queues!.desk.login('ivan')
    await cc.apps[0]!.queues!.desk.pause('ivan', 'x')
    const pt = cc.call('+351911000001', 'support')
    await cc.clock.advance(5_000)
    const en = cc.call('+38761000002', 'support')
    await cc.clock.advance(5_000)
    await cc.apps[0]!.queues!.desk.resume('ivan')
    await cc.runUntil(() => en.ended)
    expect(pt.ended).toBe(false)
    expect((await cc.apps[0]!.queues!.store.waiting('support')).count).toBe(1)
    pt.channel.hangup('NORMAL_CLEARING')
    await cc.finish()
    expect((await cc.row(en.uuid)).answeredBy).toBe('ivan')
    expect((await cc.row(pt.uuid)).queueOutcome).toBe('abandoned')
  })

  it('ring all: every free agent rings; the first to answer takes the call', async () => {
    cc = await startCallCenter({ at: AT, queuesYaml: queue('support', 'strategy: ring-all'), agents: [{ id: 'a' }, { id: 'b' }, { id: 'c' }] })
    cc.phones.set('a', { ringMs: 6000, talkMs: 30_000 })
    cc.phones.set('b', { ringMs: 2000, talkMs: 30_000 })
    cc.phones.set('c', { ringMs: 4000, talkMs: 30_000 })
    const desk = cc.apps[0]!.queues!.desk
    for (const id of ['a', 'b', 'c']) await desk.login(id)
    const call = cc.call('+38761000001', 'support')
    await cc.finish()
    const row = await cc.row(call.uuid)
    expect(row.answeredBy).toBe('b')
    expect(row.queueOffers.map((o) => [o.agent, o.result]).sort()).toEqual([
      ['a', 'lost'],
      ['b', 'answered'],
      ['c', 'lost'],
    ])
    // The others were released at once, not kept ringing or reserved.
    const store = cc.apps[0]!.queues!.store
    expect((await store.agent('a'))!.state).toBe('available')
    expect((await store.agent('c'))!.state).toBe('available')
  })
})

describe('agents who do not answer', () => {
  it('a ring timeout moves the caller to the next agent; the first keeps their turn but goes to the back', async () => {
    cc = await startCallCenter({ at: AT, queuesYaml: queue('support', 'ringTimeoutSeconds: 8\nmaxMissedOffers: 3'), agents: [{ id: 'a' }, { id: 'b' }] })
    cc.phones.set('a', 'no-answer')
    const desk = cc.apps[0]!.queues!.desk
    await desk.login('a')
    await cc.clock.advance(10_000)
    await desk.login('b')
    const call = cc.call('+38761000001', 'support')
    await cc.finish()
    const row = await cc.row(call.uuid)
    expect(row.answeredBy).toBe('b')
    expect(row.queueOffers.map((o) => [o.agent, o.result])).toEqual([
      ['a', 'missed:NO_ANSWER'],
      ['b', 'answered'],
    ])
    // Rung for the 8 s ring timeout, then b (2 s to answer).
    expect(row.queueWaitMs).toBeGreaterThanOrEqual(10_000)
    expect(row.queueWaitMs).toBeLessThan(13_000)
    const a = (await cc.apps[0]!.queues!.store.agent('a'))!
    expect(a).toMatchObject({ state: 'available', missed: 1 })
  })

  it('after missing the set number of offers in a row, an agent is paused for “no answer”', async () => {
    cc = await startCallCenter({ at: AT, queuesYaml: queue('support', 'ringTimeoutSeconds: 5\nmaxMissedOffers: 2'), agents: [{ id: 'a' }, { id: 'b' }] })
    cc.phones.set('a', 'no-answer')
    cc.phones.set('b', { ringMs: 1000, talkMs: 120_000 })
    const desk = cc.apps[0]!.queues!.desk
    await desk.login('a')
    await desk.login('b')
    await desk.pause('b', 'x')
    const call = cc.call('+38761000001', 'support')
    await cc.runUntil(() => false, 30_000)
    const store = cc.apps[0]!.queues!.store
    expect((await store.agent('a'))!).toMatchObject({ state: 'paused', reason: 'no answer', missed: 2 })
    await desk.resume('b')
    await cc.finish()
    expect((await cc.row(call.uuid)).answeredBy).toBe('b')
    expect((await store.agentDay('a')).missed).toBe(2)
  })
})

describe('callers who leave', () => {
  it('a caller who hangs up while waiting leaves at once and is counted as abandoned, with the wait', async () => {
    cc = await startCallCenter({ at: AT, queuesYaml: queue('support', ''), agents: [{ id: 'ivan' }] })
    const desk = cc.apps[0]!.queues!.desk
    await desk.login('ivan')
    await desk.pause('ivan', 'x')
    const call = cc.call('+38761000001', 'support', { script: { steps: [{ wait: 40_000 }, { hangup: true }] } })
    const other = cc.call('+38761000002', 'support')
    await cc.runUntil(() => call.ended)
    const store = cc.apps[0]!.queues!.store
    // Gone from the queue the moment they hung up: the caller behind is first now.
    expect((await store.waiting('support')).count).toBe(1)
    await desk.resume('ivan')
    await cc.finish()
    const row = await cc.row(call.uuid)
    expect(row.queueOutcome).toBe('abandoned')
    // From joining the queue (after the language question) to hanging up, 40 s after the answer.
    expect(row.queueWaitMs).toBeGreaterThan(20_000)
    expect(Math.abs(row.endedAt!.getTime() - row.queueEnteredAt!.getTime() - row.queueWaitMs!)).toBeLessThan(100)
    const day = await store.queueDay('support')
    expect(day).toMatchObject({ entered: 2, answered: 1, abandoned: 1, abandonedWaitMs: row.queueWaitMs })
    expect((await cc.row(other.uuid)).answeredBy).toBe('ivan')
  })

  it('when the longest wait runs out, the caller may leave a message', async () => {
    cc = await startCallCenter({ at: AT, queuesYaml: queue('support', 'maxWaitSeconds: 60\nonMaxWait: voicemail'), agents: [{ id: 'ivan' }] })
    const desk = cc.apps[0]!.queues!.desk
    await desk.login('ivan')
    await desk.pause('ivan', 'x')
    const call = cc.call('+38761000001', 'support', { script: { steps: [{ app: 'record' }, { wait: 3000 }, { hangup: true }] } })
    await cc.finish()
    const row = await cc.row(call.uuid)
    expect(row.queueOutcome).toBe('voicemail')
    expect(row.queueWaitMs).toBeGreaterThanOrEqual(60_000)
    const heard = call.channel.history.filter((h) => h.app === 'playback').map((h) => h.arg.split('/').pop())
    expect(heard).toContain('queue-max-wait.wav')
    expect(heard).toContain('record-after-beep.wav')
    const { recordings } = await import('../../src/db/schema/index.js')
    const { eq } = await import('drizzle-orm')
    const recs = await cc.db.db.select().from(recordings).where(eq(recordings.callUuid, call.uuid))
    expect(recs.map((r) => r.kind)).toEqual(['message'])
    expect((await cc.apps[0]!.queues!.store.queueDay('support')).overflowed).toBe(1)
  })

  it('… or overflow into another queue, where someone answers', async () => {
    const yaml = `${queue('support', 'maxWaitSeconds: 30\nonMaxWait: { queue: backup }')}  backup:\n    members: { groups: [backup] }\n    wrapUpSeconds: 5\n`
    cc = await startCallCenter({ at: AT, queuesYaml: yaml, agents: [{ id: 'ivan' }, { id: 'bea', groups: ['backup'] }] })
    const desk = cc.apps[0]!.queues!.desk
    await desk.login('ivan')
    await desk.pause('ivan', 'x')
    await desk.login('bea')
    const call = cc.call('+38761000001', 'support')
    await cc.finish()
    const row = await cc.row(call.uuid)
    expect(row).toMatchObject({ queue: 'backup', answeredBy: 'bea', queueOutcome: 'answered' })
    expect((await cc.apps[0]!.queues!.store.queueDay('support')).overflowed).toBe(1)
    expect((await cc.apps[0]!.queues!.store.queueDay('backup')).answered).toBe(1)
  })

  it('with nobody logged in, the no-agents action at once', async () => {
    cc = await startCallCenter({ at: AT, queuesYaml: queue('support', 'onNoAgents: hangup'), agents: [{ id: 'ivan' }] })
    const call = cc.call('+38761000001', 'support')
    await cc.finish()
    const row = await cc.row(call.uuid)
    expect(row.queueOutcome).toBe('no-agents')
    expect(row.queueWaitMs).toBeLessThan(1000)
    const heard = call.channel.history.filter((h) => h.app === 'playback').map((h) => h.arg.split('/').pop())
    expect(heard).toEqual(expect.arrayContaining(['queue-no-agents.wav', 'goodbye.wav']))
  })
})

describe('agent states', () => {
  it('a pause asked for during a call starts when the call and its wrap-up are over', async () => {
    cc = await startCallCenter({ at: AT, queuesYaml: queue('support', 'wrapUpSeconds: 20'), agents: [{ id: 'ivan' }] })
    cc.phones.set('ivan', { ringMs: 1000, talkMs: 60_000 })
    const desk = cc.apps[0]!.queues!.desk
    await desk.login('ivan')
    const first = cc.call('+38761000001', 'support')
    await cc.runUntil(() => false, 20_000)
    const store = cc.apps[0]!.queues!.store
    expect((await store.agent('ivan'))!.state).toBe('in-call')
    expect(await desk.pause('ivan', 'coffee')).toMatchObject({ state: 'in-call', pending: 'pause' })
    const second = cc.call('+38761000002', 'support', { script: { steps: [{ wait: 300_000 }, { hangup: true }] } })
    await cc.runUntil(() => first.ended)
    expect((await store.agent('ivan'))!).toMatchObject({ state: 'paused', reason: 'coffee' })
    await cc.finish()
    expect((await cc.row(second.uuid)).queueOutcome).toBe('abandoned')
  })
})

describe('callbacks', () => {
  it('a caller who asks to be called back keeps their place; the agent is rung first, then the caller', async () => {
    cc = await startCallCenter({ at: AT, queuesYaml: queue('support', "keys: { '2': callback }\nwrapUpSeconds: 5"), agents: [{ id: 'ivan' }], control: true })
    cc.phones.set('ivan', { ringMs: 2000, talkMs: 600_000 })
    const desk = cc.apps[0]!.queues!.desk
    await desk.login('ivan')
    await desk.pause('ivan', 'x')
    const first = cc.call('+38761000001', 'support', { script: { steps: [{ wait: 15_000 }, { dtmf: '2' }] } })
    await cc.clock.advance(5_000)
    const second = cc.call('+38761000002', 'support')
    await cc.runUntil(() => first.ended)
    const store = cc.apps[0]!.queues!.store
    // Hung up, still in line: first of the two.
    expect((await store.waiting('support')).count).toBe(2)
    await desk.resume('ivan')
    await cc.finish()
    const firstRow = await cc.row(first.uuid)
    expect(firstRow.queueOutcome).toBe('callback')
    // The agent's leg: rung for the callback, then bridged to the caller's number.
    const legs = (await cc.db.db.select().from((await import('../../src/db/schema/index.js')).calls)).filter((r) => r.queueOutcome === 'callback' && r.callUuid !== first.uuid)
    expect(legs).toHaveLength(1)
    expect(legs[0]).toMatchObject({ queue: 'support', answeredBy: 'ivan', routedTo: 'external:+38761000001', routeResult: 'connected' })
    const secondRow = await cc.row(second.uuid)
    expect(secondRow.answeredBy).toBe('ivan')
    // The second caller waited for the callback call and its wrap-up.
    expect(answeredAt(secondRow)).toBeGreaterThan(legs[0]!.endedAt!.getTime())
    expect((await store.queueDay('support')).callbacks).toBe(1)
  })
})

describe('several instances', () => {
  it('an agent logged in through one instance takes a caller held by the other', async () => {
    cc = await startCallCenter({ at: AT, queuesYaml: queue('support', ''), agents: [{ id: 'ivan' }], instances: 2 })
    await cc.apps[1]!.queues!.desk.login('ivan')
    const call = cc.call('+38761000001', 'support', { instance: 0 })
    await cc.finish()
    const row = await cc.row(call.uuid)
    expect(row).toMatchObject({ instanceId: 'app-1', answeredBy: 'ivan', queueOutcome: 'answered' })
  })

  it('a restarted instance finds the agents as they were, and answers offers for callers it lost as gone', async () => {
    cc = await startCallCenter({ at: AT, queuesYaml: queue('support', ''), agents: [{ id: 'ivan' }], instances: 2 })
    const rings: string[] = []
    cc.phones.set('ivan', () => {
      rings.push(new Date(cc!.clock.now()).toISOString())
      return { ringMs: 2000, talkMs: 30_000 }
    })
    await cc.apps[1]!.queues!.desk.login('ivan')
    await cc.apps[1]!.queues!.desk.pause('ivan', 'x')
    // A caller held by instance 2, which then goes down: the call goes with it.
    const lost = cc.call('+38761000001', 'support', { instance: 1 })
    await cc.runUntil(() => false, 20_000)
    const restarted = await cc.restart(1)
    await cc.runUntil(() => lost.ended, 60_000)
    expect(lost.ended).toBe(true)
    const waiting = cc.call('+38761000002', 'support', { instance: 0 })
    await cc.runUntil(() => false, 20_000)
    // The agent's state lived in Redis, not in the instance.
    expect((await restarted.queues!.store.agent('ivan'))!).toMatchObject({ state: 'paused', reason: 'x' })
    await restarted.queues!.desk.resume('ivan')
    await cc.finish()
    expect((await cc.row(waiting.uuid)).answeredBy).toBe('ivan')
    // Ivan's phone rang once: for the caller still there, not for the one who was lost.
    expect(rings).toHaveLength(1)
    const day = await restarted.queues!.store.queueDay('support')
    expect(day).toMatchObject({ entered: 2, answered: 1, abandoned: 1 })
  })
})

describe('what a waiting caller hears', () => {
  it('their place and the expected wait, every so often, and the keys they may press', async () => {
    cc = await startCallCenter({
      at: AT,
      queuesYaml: queue('support', "announceEverySeconds: 30\nwrapUpSeconds: 0\nkeys: { '1': voicemail, '2': callback }"),
      agents: [{ id: 'ivan' }],
    })
    cc.phones.set('ivan', { ringMs: 1000, talkMs: 240_000 })
    const desk = cc.apps[0]!.queues!.desk
    await desk.login('ivan')
    // Ivan takes the first caller; the second waits, first in line.
    cc.call('+38761000001', 'support')
    await cc.clock.advance(20_000)
    const second = cc.call('+38761000002', 'support', { script: { steps: [{ wait: 90_000 }, { hangup: true }] } })
    await cc.runUntil(() => second.ended)
    const played = second.channel.history.filter((h) => h.app === 'playback').map((h) => h.arg)
    const announcement = played.find((a) => a.includes('queue-position'))
    expect(announcement).toBeDefined()
    const parts = announcement!.replace('file_string://', '').split('!').map((f) => f.split('/').pop()!.replace('.wav', ''))
    // "Your place in the queue is one. Expected waiting time, in minutes: three." Nothing has
    // been answered today, so a call is taken to last 3 minutes; one agent serves the queue.
    expect(parts.slice(0, 4)).toEqual(['queue-position', 'say-1', 'queue-wait-minutes', 'say-3'])
    expect(parts.slice(4)).toEqual(['queue-press-voicemail', 'say-1', 'queue-press-callback', 'say-2'])
    // Music between announcements, announcements 30 s apart.
    expect(played.filter((a) => a === 'local_stream://moh').length).toBeGreaterThanOrEqual(2)
    expect(played.filter((a) => a.includes('queue-position')).length).toBeGreaterThanOrEqual(2)
  })

  it('a key for a message: the caller leaves the queue and records one', async () => {
    cc = await startCallCenter({ at: AT, queuesYaml: queue('support', "keys: { '1': voicemail }"), agents: [{ id: 'ivan' }] })
    await cc.apps[0]!.queues!.desk.login('ivan')
    await cc.apps[0]!.queues!.desk.pause('ivan', 'x')
    const call = cc.call('+38761000001', 'support', { script: { steps: [{ wait: 20_000 }, { dtmf: '1' }, { app: 'record' }, { wait: 4000 }, { hangup: true }] } })
    await cc.finish()
    const row = await cc.row(call.uuid)
    expect(row.queueOutcome).toBe('voicemail')
    const store = cc.apps[0]!.queues!.store
    expect(await store.queueDay('support')).toMatchObject({ entered: 1, voicemail: 1, abandoned: 0 })
    expect((await store.waiting('support')).count).toBe(0)
    expect(call.channel.history.some((h) => h.app === 'record')).toBe(true)
  })
})
