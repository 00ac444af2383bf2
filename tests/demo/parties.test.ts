/**
 * The demo's outside numbers (what its campaigns dial) are not all people who answer: some
 * are busy or ring out and answer a later try, some are answering machines, some never
 * answer, a few fail; so the demo shows the dialer's retries and answering-machine detection.
 */
import { describe, expect, it } from 'vitest'
import { demoDirectory } from '../../src/demo/parties.js'
import type { Endpoint } from '../../src/sim/dial-string.js'
import type { PartyPlan } from '../../src/sim/index.js'

const outside = (number: string): Endpoint => ({ tech: 'sofia', profile: 'external', gateway: 'carrier', number })
const numbers = Array.from({ length: 400 }, (_, i) => `+3876130${String(i).padStart(4, '0')}`)
const vars = new Map<string, string>()

const kindOf = (p: PartyPlan): string => (p.outcome === 'answer' ? `answer:${p.answeredBy}` : p.outcome)

describe("the demo's outside numbers", () => {
  it('meet busy lines, no answers, machines and failures as well as people', () => {
    const directory = demoDirectory(1)
    const first = numbers.map((n) => kindOf(directory(outside(n), vars)))
    const share = (k: string): number => first.filter((x) => x === k).length / first.length
    expect(share('answer:person')).toBeGreaterThan(0.3)
    expect(share('answer:person')).toBeLessThan(0.6)
    for (const k of ['busy', 'no-answer', 'answer:machine', 'fail']) expect(share(k), k).toBeGreaterThan(0.03)
  })

  it('let a retry reach someone who was busy or did not answer the first time', () => {
    const directory = demoDirectory(1)
    const missed = numbers.filter((n) => ['busy', 'no-answer'].includes(directory(outside(n), vars).outcome))
    const second = missed.map((n) => kindOf(directory(outside(n), vars)))
    expect(second.filter((k) => k === 'answer:person').length).toBeGreaterThan(missed.length / 4)
    // And some never answer, however often they are tried.
    expect(second.filter((k) => k === 'no-answer').length).toBeGreaterThan(0)
  })

  it('replay the same day for the same seed', () => {
    const a = demoDirectory(7)
    const b = demoDirectory(7)
    expect(numbers.map((n) => kindOf(a(outside(n), vars)))).toEqual(numbers.map((n) => kindOf(b(outside(n), vars))))
  })
})
