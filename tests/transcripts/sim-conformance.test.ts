/**
 * The simulator against the golden transcripts: driven by the same commands and caller
 * actions, it must say what FreeSWITCH 1.11.1 said, message for message: the same kinds
 * in the same order, the same reply texts, event names, header names in the same order,
 * the same states and result values, and the same set of channel variables.
 */
import { describe, expect, it } from 'vitest'
import { runScenario, type Shape } from './conformance.js'

function compare(recorded: Shape[], simulated: Shape[]): void {
  expect(simulated.map((s) => s.kind)).toEqual(recorded.map((s) => s.kind))
  recorded.forEach((r, i) => {
    const s = simulated[i]!
    const where = `message ${i} (${r.kind})`
    expect(s.values, where).toEqual(r.values)
    expect(s.names, where).toEqual(r.names)
    expect(s.variables, where).toEqual(r.variables)
  })
}

describe('simulator conformance with FreeSWITCH 1.11.1 transcripts (outbound socket)', () => {
  for (const name of ['outbound-ivr-call', 'outbound-caller-hangup', 'outbound-app-hangup', 'outbound-json-events', 'record-silence']) {
    it(name, async () => {
      const { recorded, simulated } = await runScenario(name)
      for (const [conn, shapes] of recorded) compare(shapes, simulated.get(conn) ?? [])
    })
  }
})
