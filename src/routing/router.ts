/**
 * How the IVR (and campaign scripts) hand a call to people. The IVR decides *who* in
 * what order (a chain of targets); a Router decides *how*: reserving an agent atomically
 * in shared state, ringing their endpoint, queueing with hold music, overflowing.
 */
import type { Call } from '../esl/call.js'

export type RouteTarget =
  /** Wait in a named queue (hold music, position announcements, VIP first). */
  | { queue: string }
  /** A specific agent by id. */
  | { agent: string }
  /** The recognised client's assigned account manager. */
  | { manager: true }
  /** Any free member of a routing group (key-account-managers, wholesale-heads, finance ...). */
  | { group: string }
  /** An outside number (E.164). */
  | { external: string }

export interface CallerContext {
  number: string
  language: string
  clientId?: number
  clientType?: string
  managerId?: string
  vip: boolean
  /** Where the call came from: the IVR flow id or a campaign id. */
  source: string
  /** The agent to reach when free (a callback agreed with them); anyone free otherwise. */
  agent?: string
}

export interface RouteRequest {
  call: Call
  /** Tried in order until one connects. */
  chain: RouteTarget[]
  caller: CallerContext
  /** How long one person's phone rings before the next target is tried, ms. */
  ringTimeoutMs: number
}

export type AttemptReason = 'busy' | 'absent' | 'no-answer' | 'failed' | 'unknown' | 'logged-out'

export interface RouteAttempt {
  /** Readable target, e.g. `agent:ana`, `group:finance`, `queue:orders`. */
  target: string
  agentId?: string
  reason: AttemptReason
}

export type RouteResult =
  /** A person answered; the call has ended or is still bridged when this returns. */
  | { outcome: 'connected'; target: string; agentId?: string; attempts: RouteAttempt[] }
  /** A queue took the call and finished with it. */
  | {
      outcome: 'queued'
      queue: string
      result: 'answered' | 'abandoned' | 'overflow' | 'callback' | 'voicemail' | 'timeout'
      agentId?: string
      attempts: RouteAttempt[]
    }
  /** Nobody could take the call; the flow decides what happens next. */
  | { outcome: 'unavailable'; attempts: RouteAttempt[] }
  /** The caller hung up while being routed. */
  | { outcome: 'caller-hangup'; attempts: RouteAttempt[] }

/**
 * The agents' shared states (kept by the queues), asked before a person is rung directly so
 * that nobody on a call, ringing or in wrap-up gets a second one.
 */
export interface AgentPresence {
  /** 'free': not logged in to any queue, ring them; 'reserved': held for this call until result(). */
  reserve(agent: string, token: string): Promise<'free' | 'reserved' | 'busy' | 'paused'>
  result(agent: string, token: string, outcome: 'answered' | 'released' | 'ended', talkMs?: number): Promise<unknown>
}

export interface Router {
  route(request: RouteRequest): Promise<RouteResult>
}

export function describeTarget(t: RouteTarget): string {
  if ('queue' in t) return `queue:${t.queue}`
  if ('agent' in t) return `agent:${t.agent}`
  if ('manager' in t) return 'manager'
  if ('group' in t) return `group:${t.group}`
  return `external:${t.external}`
}
