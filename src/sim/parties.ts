/**
 * The people (and machines) at the far end of simulated calls: what happens when a
 * number or an agent's phone is dialled (answers after some ringing, busy, no answer,
 * failure; a person or an answering machine; how long they stay), and what an answered
 * party then does (a caller script: DTMF, speech, hang-up).
 */
import type { CallerScript } from './caller-script.js'
import type { Endpoint } from './dial-string.js'

export interface PartyPlan {
  outcome: 'answer' | 'busy' | 'no-answer' | 'fail' | 'not-registered'
  /** Ringing before the answer (or before busy/failure is reported), ms. */
  ringMs: number
  answeredBy?: 'person' | 'machine'
  /** The party hangs up after this long once answered; undefined: stays until the other side hangs up. */
  talkMs?: number
  /** Hangup cause of a failure (default NORMAL_TEMPORARY_FAILURE). */
  failCause?: string
  /** What the answered party does. */
  script?: CallerScript
  /** An answering machine's greeting before its beep, ms (default 4000). */
  greetingMs?: number
}

/** Decides what happens when an endpoint is dialled. */
export type Directory = (endpoint: Endpoint, vars: ReadonlyMap<string, string>) => PartyPlan

/**
 * The default world: registered users (agents' phones) answer after 1 s; unknown users are
 * not registered; a number on a gateway answers after 3 s and stays; `error/<cause>` fails
 * at once with that cause.
 */
export function defaultDirectory(registered: ReadonlySet<string> | undefined = undefined): Directory {
  return (endpoint) => {
    switch (endpoint.tech) {
      case 'user':
        if (registered && !registered.has(endpoint.user)) return { outcome: 'not-registered', ringMs: 0 }
        return { outcome: 'answer', ringMs: 1000, answeredBy: 'person' }
      case 'sofia':
        return { outcome: 'answer', ringMs: 3000, answeredBy: 'person' }
      case 'error':
        return endpoint.cause === 'USER_BUSY' ? { outcome: 'busy', ringMs: 0 } : { outcome: 'fail', ringMs: 0, failCause: endpoint.cause }
      case 'loopback':
        return { outcome: 'answer', ringMs: 0, answeredBy: 'person' }
      default:
        return { outcome: 'fail', ringMs: 0, failCause: 'CHAN_NOT_IMPLEMENTED' }
    }
  }
}
