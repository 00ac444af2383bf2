/**
 * Injection through the caller's number: callers whose caller ID carries dial-string syntax
 * (quotes, braces, brackets, commas, pipes, spaces, newlines) and SQL. They are served like
 * anyone else (answered by the agent), the agent's leg carries no variable they tried to
 * set and no caller ID but a plain number, no extra leg is dialled, and the register keeps
 * their number as it came, byte for byte (parameters, not SQL text).
 */
import { afterAll, expect, it } from 'vitest'
import { startCallCenter, type CallCenter } from '../queue/harness.js'
import { reportChaos } from '../faults/chaos-report.js'

let cc: CallCenter | undefined

afterAll(async () => {
  await cc?.close()
})

const HOSTILE = [
  "1000'},{x_injected=1}",
  '1000,user/evil',
  '1000|sofia/gateway/evil/123',
  '[x_injected=2]1000',
  '1000 &park()',
  "1000'; drop table calls; --",
  '1000\nuuid_kill all',
]

it('a caller ID with dial-string syntax or SQL reaches no command and no query as syntax', async () => {
  cc = await startCallCenter({ at: '2026-11-23T09:00:00Z', queuesYaml: 'queues:\n  support:\n    members: { groups: [operators] }\n    wrapUpSeconds: 1\n', agents: [{ id: 'ivan' }] })
  cc.phones.set('ivan', { ringMs: 500, talkMs: 5000 })
  await cc.apps[0]!.queues!.desk.login('ivan')
  const placed = []
  for (const from of HOSTILE) {
    placed.push({ from, call: cc.call(from, 'support') })
    await cc.clock.advance(500)
  }
  await cc.finish()
  const rows = await cc.rows()
  expect(rows).toHaveLength(HOSTILE.length)
  for (const { from, call } of placed) {
    const row = rows.find((r) => r.callUuid === call.uuid)!
    expect(row.callerNumber, JSON.stringify(from)).toBe(from)
    expect(row.answeredBy, JSON.stringify(from)).toBe('ivan')
  }
  const legs = [...cc.channels.values()]
  // Only the callers' legs and one leg to the agent per caller: nothing else was dialled.
  const agentLegs = legs.filter((ch) => ch.name.startsWith('sofia/internal/ivan@'))
  expect(agentLegs).toHaveLength(HOSTILE.length)
  // (The callers' own inbound legs are named after them: sofia/external/<their number>@...)
  expect(legs.filter((ch) => !ch.name.startsWith('sofia/external/') && /evil/.test(ch.name)).map((ch) => ch.name)).toEqual([])
  for (const leg of legs) {
    expect(leg.getVar('x_injected')).toBeUndefined()
  }
  for (const leg of agentLegs) expect(leg.profile.callerIdNumber).toMatch(/^\+?[0-9]+$/)
  reportChaos({
    scenario: 'injection through the caller ID',
    injected: `${HOSTILE.length} callers with dial-string syntax, SQL and a newline in their number`,
    before: `${HOSTILE.length} calls`,
    after: `${rows.length} answered by the agent, numbers kept verbatim; no injected variable, no extra leg`,
    lost: HOSTILE.length - rows.length,
    duplicated: 0,
    recoverMs: 0,
  })
}, 120_000)
