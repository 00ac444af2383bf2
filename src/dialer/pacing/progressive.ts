/**
 * Progressive pacing: one call per free operator. Calls already out and not yet with an
 * operator (ringing, or answered and waiting) each hold a free operator, so a person who
 * answers always finds one: no call is ever abandoned, and operators wait while lines ring
 * into busy signals, voicemail and no answer.
 */
import { freeOperators, type PacingDecision, type PacingSnapshot } from './snapshot.js'

export function progressivePacing(s: PacingSnapshot): PacingDecision {
  if (s.operators.length === 0) return { dials: 0, reason: 'no operator logged in' }
  const free = freeOperators(s)
  const unconnected = s.ringing.length + s.waiting.length
  const dials = Math.max(0, free - unconnected)
  return {
    dials,
    reason: dials > 0 ? `${free} free operator(s), ${unconnected} call(s) out for them` : free === 0 ? 'no free operator' : 'every free operator has a call out',
    detail: { free, unconnected },
  }
}
