/**
 * The campaign simulation (a model of calls and operators in virtual time, paced by the
 * dialer's own pacing code): abandoned calls stay under the cap on several seeds and
 * parameter sets, including a sudden change of the answer rate mid-day and a team of 5, and
 * predictive pacing is never the worse choice against progressive and VICIdial's adaptive
 * method on the same people (the same seed). Runs are kept short (2-3 simulated hours, small
 * teams) so the file runs in well under a minute.
 */
import { describe, expect, it } from 'vitest'
import type { OutcomeMix, SimulationConfig } from '../../src/dialer/simulation/config.js'
import { simulate, type SimulationResult } from '../../src/dialer/simulation/simulate.js'

const CAP = 0.03
const mix = (human: number): OutcomeMix => ({ human, machine: 0.1, busy: 0.1, noAnswer: 0.7 - human, failed: 0.1 })

/** The three modes on one configuration (the same seed: the same contacts answer the same way). */
function compare(c: Partial<SimulationConfig>): Record<'predictive' | 'progressive' | 'vicidial', SimulationResult> {
  return {
    predictive: simulate({ ...c, mode: 'predictive' }),
    progressive: simulate({ ...c, mode: 'progressive' }),
    vicidial: simulate({ ...c, mode: 'vicidial-adapt' }),
  }
}

/** Predictive is never the worse choice: at least the talk share of both peers, abandons within the cap and no more than VICIdial's. */
function expectPredictiveBest(r: ReturnType<typeof compare>): void {
  expect(r.predictive.abandonRate).toBeLessThanOrEqual(CAP)
  expect(r.predictive.talkShare).toBeGreaterThanOrEqual(r.progressive.talkShare)
  expect(r.predictive.talkShare).toBeGreaterThanOrEqual(r.vicidial.talkShare)
  expect(r.predictive.abandonRate).toBeLessThanOrEqual(Math.max(CAP, r.vicidial.abandonRate))
  // Progressive never abandons: an operator is held for every call out.
  expect(r.progressive.abandoned).toBe(0)
}

describe('campaign simulation', () => {
  it('is deterministic: the same seed gives the same day', () => {
    const a = simulate({ agents: 5, hours: 0.5, seed: 9 })
    const b = simulate({ agents: 5, hours: 0.5, seed: 9 })
    expect({ ...a, wallSeconds: 0 }).toEqual({ ...b, wallSeconds: 0 })
    expect(a.callsPlaced).toBeGreaterThan(50)
    const c = simulate({ agents: 5, hours: 0.5, seed: 10 })
    expect(c.callsPlaced === a.callsPlaced && c.humanAnswers === a.humanAnswers && c.talkShare === a.talkShare).toBe(false)
  })

  it('the figures add up: people answering are those reached plus those abandoned, shares within their ceilings', () => {
    const r = simulate({ agents: 10, hours: 1, seed: 3 })
    expect(r.humanAnswers).toBeGreaterThan(100)
    expect(r.humanAnswers - r.abandoned - r.contactsCompleted).toBeGreaterThanOrEqual(0)
    // People still talking at the end are answered but not yet completed.
    expect(r.humanAnswers - r.abandoned - r.contactsCompleted).toBeLessThanOrEqual(10)
    expect(r.talkShare).toBeLessThan(r.occupancy)
    expect(r.occupancy).toBeLessThanOrEqual(1)
    expect(r.maxAbandonRateAnyHour).toBeGreaterThanOrEqual(r.abandonRate - 1e-9)
  })

  describe.each([1, 2, 3])('10 operators, 30 %% answering, seed %i', (seed) => {
    it('predictive keeps abandons under 3 % and beats progressive and vicidial-adapt', () => {
      const r = compare({ agents: 10, hours: 2, seed })
      expectPredictiveBest(r)
      // Dialling ahead pays: clearly more talk than one call per free operator.
      expect(r.predictive.talkShare).toBeGreaterThan(r.progressive.talkShare + 0.05)
    })
  })

  describe.each([1, 2])('a team of 5, seed %i', (seed) => {
    it('predictive keeps abandons under 3 % and is never the worse choice', () => {
      expectPredictiveBest(compare({ agents: 5, hours: 3, seed }))
    })
  })

  it('10 operators, 15 % answering, 300 s talk: under the cap and ahead of the peers', () => {
    const r = compare({ agents: 10, hours: 3, seed: 6, rates: mix(0.15), talkMeanSeconds: 300 })
    expectPredictiveBest(r)
    expect(r.predictive.talkShare).toBeGreaterThan(0.75)
  })

  it('no operators: nothing is dialled', () => {
    const r = simulate({ agents: 0, hours: 0.25, seed: 1 })
    expect(r.callsPlaced).toBe(0)
  })
})
