/**
 * Redis restarts empty (it keeps nothing on disk) while callers wait and an agent is
 * logged in: the instances rebuild the queues' state, the callers keep their order, those
 * who come later stay behind them, and the agent is back as they were.
 */
import { afterAll, expect, it } from 'vitest'
import { startCallCenter, type CallCenter } from '../queue/harness.js'
import { reportChaos } from './chaos-report.js'

let cc: CallCenter | undefined

afterAll(async () => {
  await cc?.close()
})

const answeredAt = (r: { queueEnteredAt: Date | null; queueWaitMs: number | null }): number => r.queueEnteredAt!.getTime() + r.queueWaitMs!

it('rebuilds queues and agent states after Redis loses them; waiting callers keep their order', async () => {
  cc = await startCallCenter({
    at: '2026-11-23T09:00:00Z',
    queuesYaml: 'queues:\n  support:\n    members: { groups: [operators] }\n    wrapUpSeconds: 5\n    maxWaitSeconds: 3600\n',
    agents: [{ id: 'ivan' }],
    instances: 2,
  })
  cc.phones.set('ivan', { ringMs: 1000, talkMs: 30_000 })
  await cc.apps[0]!.queues!.desk.login('ivan')
  await cc.apps[0]!.queues!.desk.pause('ivan', 'briefing')
  const callers = [
    { n: '+38761000001', instance: 0 },
    { n: '+38761000002', instance: 1 },
    { n: '+38761000003', instance: 0 },
  ]
  const placed = []
  for (const c of callers) {
    placed.push(cc.call(c.n, 'support', { instance: c.instance }))
    await cc.clock.advance(5000)
  }
  await cc.runUntil(() => false, 20_000)
  const store = cc.apps[0]!.queues!.store
  expect((await store.waiting('support')).count).toBe(3)

  // Redis comes back empty.
  const lostAt = Date.now()
  const keys = await cc.redis.keys(`${cc.prefix}:*`)
  await cc.redis.del(...keys)
  expect(await store.agent('ivan')).toBeUndefined()

  // Each instance notices (on its heartbeat, or when its connection comes back) and rebuilds.
  const rebuilt = await Promise.all(cc.apps.map((a) => a.queues!.recoverIfLost({ restoreDelayMs: 300 })))
  expect(rebuilt).toEqual([true, true])
  expect((await store.agent('ivan'))!).toMatchObject({ state: 'paused', reason: 'briefing' })
  expect((await store.waiting('support')).count).toBe(3)
  const recoverMs = Date.now() - lostAt

  // Someone calling after the rebuild waits behind those who were there before.
  const later = cc.call('+38761000004', 'support', { instance: 1 })
  await cc.runUntil(() => false, 20_000)
  await cc.apps[1]!.queues!.desk.resume('ivan')
  await cc.finish()
  const rows = await cc.rows()
  const order = [...rows].sort((a, b) => answeredAt(a) - answeredAt(b)).map((r) => r.callerNumber)
  expect(order).toEqual(['+38761000001', '+38761000002', '+38761000003', '+38761000004'])
  expect(rows.every((r) => r.answeredBy === 'ivan')).toBe(true)
  expect(later.ended).toBe(true)
  // Nothing to rebuild when nothing was lost.
  expect(await cc.apps[0]!.queues!.recoverIfLost()).toBe(false)
  reportChaos({
    scenario: 'Redis restarts empty with callers waiting',
    injected: `every key deleted (${keys.length}) with 3 callers waiting on 2 instances and the agent paused`,
    before: '3 waiting, agent paused',
    after: `3 waiting in the same order, agent paused again; ${rows.length} calls answered in arrival order`,
    lost: 4 - rows.length,
    duplicated: rows.length - new Set(rows.map((r) => r.callUuid)).size,
    recoverMs,
  })
}, 120_000)
