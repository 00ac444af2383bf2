/**
 * What follows an attempt: the contact is done, has used up its attempts, or is called again
 * after the delay its outcome asks for, no more than the daily limit allows, inside their
 * calling window. Pure: the dialer passes the moment and the contact's recent attempts.
 */
import type { AttemptOutcome } from '../db/schema/index.js'
import type { CampaignSettings } from '../campaigns/settings.js'
import { nextWindowStart } from './window.js'

const DAY_MS = 24 * 60 * 60_000

export type ContactNext =
  | { status: 'done'; reason: string }
  | { status: 'failed'; reason: string; lastOutcome?: string }
  | { status: 'pending'; nextAttemptAt: Date; reason: string }

export interface AttemptEnd {
  outcome: AttemptOutcome
  now: Date
  /** Every attempt of this contact so far, this one included. */
  attemptsMade: number
  /** Start times of the contact's attempts (this one included), any order. */
  attemptStarts: Date[]
  timeZone: string
  /** The call was lost on our side (a crash), not the contact's: no retry wait, the other limits hold. */
  lostByUs?: boolean
  /** FreeSWITCH's hangup or failure cause, when there is one. */
  cause?: string
  settings: Pick<CampaignSettings, 'maxAttempts' | 'maxAttemptsPerDay' | 'retryMinutes' | 'window'>
}

/**
 * Causes saying the number does not exist: calling again cannot help. NO_ROUTE_DESTINATION
 * is not one: it is as often our own trunk or dial template, and would fail every contact.
 */
export const INVALID_NUMBER_CAUSES: ReadonlySet<string> = new Set(['UNALLOCATED_NUMBER', 'INVALID_NUMBER_FORMAT'])

export function afterAttempt(a: AttemptEnd): ContactNext {
  if (a.outcome === 'completed' || a.outcome === 'human') return { status: 'done', reason: `reached (${a.outcome})` }
  if (a.cause && INVALID_NUMBER_CAUSES.has(a.cause)) return { status: 'failed', reason: `the number does not exist (${a.cause}): not tried again`, lastOutcome: 'invalid-number' }
  if (a.attemptsMade >= a.settings.maxAttempts) return { status: 'failed', reason: `${a.attemptsMade} attempts made, the most allowed` }
  const delayMin = a.lostByUs ? 0 : a.settings.retryMinutes[a.outcome]
  const earliest = new Date(Math.max(a.now.getTime() + delayMin * 60_000, nextAllowedByDailyLimit(a.attemptStarts, a.settings.maxAttemptsPerDay, a.now)))
  const next = nextWindowStart(a.settings.window, a.timeZone, earliest)
  if (!next) return { status: 'failed', reason: 'the calling window never opens for this contact' }
  return { status: 'pending', nextAttemptAt: next, reason: `${a.outcome}: again in ${delayMin} min or later` }
}

/**
 * The earliest moment another attempt keeps within `perDay` attempts in any 24 hours:
 * when the oldest attempt that would make one too many drops out of the window.
 */
export function nextAllowedByDailyLimit(starts: Date[], perDay: number, now: Date): number {
  const recent = starts.map((d) => d.getTime()).filter((t) => t > now.getTime() - DAY_MS).sort((x, y) => x - y)
  if (recent.length < perDay) return now.getTime()
  return recent[recent.length - perDay]! + DAY_MS
}
