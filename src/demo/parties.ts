/**
 * What the demo's phones do when the simulator rings them. Agents' phones mostly answer; some
 * ring out, are busy or switched off. Outside numbers (a campaign's contacts, callbacks) behave
 * as on a real list: some are busy or ring out and answer a later try, some reach an answering
 * machine, some never answer, a few fail. So the dialer's retries and answering-machine
 * detection show in the demo, not only people who answer. Seeded: a seed replays the same day.
 */
import type { Endpoint } from '../sim/dial-string.js'
import type { Directory, PartyPlan } from '../sim/index.js'
import { random } from './callers.js'

/** How an outside number behaves over its attempts, with its share of a list. */
const PROFILES = [
  { kind: 'person', share: 0.42 },
  { kind: 'busy, then answers', share: 0.14 },
  { kind: 'rings out, then answers', share: 0.14 },
  { kind: 'answering machine', share: 0.14 },
  { kind: 'never answers', share: 0.1 },
  { kind: 'fails', share: 0.06 },
] as const

export type OutsideProfile = (typeof PROFILES)[number]['kind']

/** A number's profile: the same for a number and a seed, whatever order numbers are dialled in. */
export function outsideProfile(number: string, seed: number): OutsideProfile {
  let h = seed >>> 0
  for (const c of number) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0
  let r = random(h)()
  for (const p of PROFILES) if ((r -= p.share) < 0) return p.kind
  return 'person'
}

/** What the `attempt`-th call (1, 2 ...) to a number of `profile` does. */
export function outsidePlan(profile: OutsideProfile, attempt: number, rnd: () => number): PartyPlan {
  const person = (): PartyPlan => ({ outcome: 'answer', ringMs: 3000 + rnd() * 9000, answeredBy: 'person', talkMs: 40_000 + rnd() * 120_000 })
  switch (profile) {
    case 'person':
      return person()
    case 'busy, then answers':
      return attempt === 1 ? { outcome: 'busy', ringMs: 500 } : person()
    case 'rings out, then answers':
      return attempt === 1 ? { outcome: 'no-answer', ringMs: 2000 } : person()
    case 'answering machine':
      return { outcome: 'answer', ringMs: 4000 + rnd() * 8000, answeredBy: 'machine', greetingMs: 3000 + rnd() * 4000, talkMs: 30_000 }
    case 'never answers':
      return { outcome: 'no-answer', ringMs: 2000 }
    case 'fails':
      return { outcome: 'fail', ringMs: 0, failCause: 'NORMAL_TEMPORARY_FAILURE' }
  }
}

/** An agent's phone: most answer after a few rings; some ring out, are busy or switched off. */
function agentPlan(rnd: () => number): PartyPlan {
  const r = rnd()
  if (r < 0.65) return { outcome: 'answer', ringMs: 2000 + rnd() * 6000, answeredBy: 'person', talkMs: 30_000 + rnd() * 120_000 }
  if (r < 0.8) return { outcome: 'busy', ringMs: 300 }
  if (r < 0.93) return { outcome: 'no-answer', ringMs: 0 }
  return { outcome: 'not-registered', ringMs: 0 }
}

/** The simulator's directory for the demo. */
export function demoDirectory(seed: number): Directory {
  const rnd = random(seed * 7919 + 17)
  const attempts = new Map<string, number>()
  return (endpoint: Endpoint) => {
    if (endpoint.tech === 'user') return agentPlan(rnd)
    if (endpoint.tech === 'sofia') {
      const n = (attempts.get(endpoint.number) ?? 0) + 1
      attempts.set(endpoint.number, n)
      return outsidePlan(outsideProfile(endpoint.number, seed), n, rnd)
    }
    return { outcome: 'answer', ringMs: 1000, answeredBy: 'person', talkMs: 60_000 }
  }
}
