/**
 * The campaign simulation when the day changes under the pacing: the share of people
 * answering jumps up or down mid-day, and a tighter cap. Abandons stay under the cap. (Apart
 * from simulation.test.ts so the two files run side by side.)
 */
import { describe, expect, it } from 'vitest'
import type { OutcomeMix, SimulationConfig } from '../../src/dialer/simulation/config.js'
import { simulate } from '../../src/dialer/simulation/simulate.js'

const CAP = 0.03
const mix = (human: number): OutcomeMix => ({ human, machine: 0.1, busy: 0.1, noAnswer: 0.7 - human, failed: 0.1 })

describe('campaign simulation, a changing day', () => {
  it('a sudden rise of people answering mid-day (30 % -> 50 %): abandons stay under the cap', () => {
    const r = simulate({ agents: 12, hours: 3, seed: 4, rates: mix(0.3), phases: [{ atHour: 1.5, rates: mix(0.5) }] })
    expect(r.abandonRate).toBeLessThanOrEqual(CAP)
    // The hour after the change is the dangerous one; it too stays near the cap.
    expect(r.maxAbandonRateAnyHour).toBeLessThanOrEqual(0.05)
  })

  it('a sudden drop of people answering mid-day (30 % -> 15 %): under the cap, and it dials more to keep operators talking', () => {
    const cfg: Partial<SimulationConfig> = { agents: 12, hours: 3, seed: 5, rates: mix(0.3), phases: [{ atHour: 1.5, rates: mix(0.15) }] }
    const perSecondAfter: number[] = []
    const perSecondBefore: number[] = []
    const start = Date.UTC(2026, 10, 23, 8)
    const r = simulate({
      ...cfg,
      startAt: start,
      trace: (at, d) => {
        const h = (at - start) / 3600_000
        if (h > 1 && h < 1.5) perSecondBefore.push(d.dials)
        if (h > 2.5) perSecondAfter.push(d.dials)
      },
    })
    expect(r.abandonRate).toBeLessThanOrEqual(CAP)
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length
    // Half as many people per dial: about twice the dials for the same operators.
    expect(mean(perSecondAfter)).toBeGreaterThan(1.5 * mean(perSecondBefore))
    const progressive = simulate({ ...cfg, mode: 'progressive' })
    expect(r.talkShare).toBeGreaterThan(progressive.talkShare)
  })

  it('a tighter cap (1 %) is kept too', () => {
    const r = simulate({ agents: 20, hours: 2, seed: 7, maxAbandonRate: 0.01 })
    expect(r.abandonRate).toBeLessThanOrEqual(0.01)
    expect(r.abandoned).toBeGreaterThan(0)
  })

})
