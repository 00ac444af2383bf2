/**
 * What an operator's disposition of a campaign call does, beyond being recorded: one domain
 * function for both routes that save one (the console's POST /operator/disposition and the
 * API's POST /attempts/:id/disposition).
 *
 * - `do-not-call`: the number goes on the do-not-call list, the campaign's or every
 *   campaign's (`dncScope`, the operator's choice; the campaign's by default), and the
 *   contact leaves the campaign at once (a call still on keeps it off when it ends).
 * - `callback`: a date and time in the contact's own time zone (contacts.timezone), in the
 *   future and inside the campaign's calling window. The contact is pending again, due
 *   then, for the operator who took the call (callback_at, callback_agent_id). The dialer
 *   dials it when that operator is free, waiting for them up to CALLBACK_WAIT_MINUTES past
 *   the agreed time, then lets any operator take it (see claimDue).
 * - anything else on a contact put back for a callback: the callback is off, the contact
 *   reached (done).
 *
 * Only the contact's latest call moves the contact: editing an older call's disposition
 * changes that call alone (do-not-call still blocks the number: the person asked).
 * A later disposition does not take a number off the do-not-call list: that is a manager's
 * decision (DELETE /dnc).
 */
import { and, desc, eq } from 'drizzle-orm'
import type { Db } from '../db/database.js'
import { attempts, campaigns, contacts, doNotCall } from '../db/schema/index.js'
import { inWindow, instantOf, nextWindowStart, type CallingWindow } from '../dialer/window.js'
import { localTime } from '../ivr/hours.js'
import { campaignSettings } from './settings.js'

export const DNC_SCOPES = ['campaign', 'global'] as const
export type DncScope = (typeof DNC_SCOPES)[number]

/**
 * How long an agreed callback waits, past its time, for its own operator to be free before
 * any operator may take it. A promise to call at 14:30 is kept by a colleague rather than
 * broken because its operator is on another call, on a break or gone home; a quarter of an
 * hour is what people take "at half past two" to mean.
 */
export const CALLBACK_WAIT_MINUTES = 15
/** Further ahead than this, a callback is refused: campaigns rarely live longer. */
const CALLBACK_MAX_DAYS = 90
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/

export interface DispositionRequest {
  attemptId: number
  disposition: string
  /** For a callback: local date and time in the contact's zone, 2026-11-24T14:30. */
  callbackAt?: string
  dncScope?: DncScope
  /** Who saved it (username), kept as the do-not-call entry's reason. */
  by: string
  now: Date
}

export interface DispositionEffects {
  attempt: number
  contactId: number
  disposition: string
  callback: { at: string; local: string; timeZone: string; agent: string | null } | null
  doNotCall: { campaignId: number } | null
}

export interface DispositionRefusal {
  status: 400 | 404 | 409
  error: string
  message: string
}

export const isRefusal = (x: DispositionEffects | DispositionRefusal): x is DispositionRefusal => 'status' in x

const bad = (message: string): DispositionRefusal => ({ status: 400, error: 'bad-request', message })
const hhmm = (minutes: number): string => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`
const localText = (at: Date, timeZone: string): string => {
  const l = localTime(at, timeZone)
  return `${l.date}T${hhmm(l.minutes)}`
}

/** The instant a local date and time names in `timeZone`, or why it names none. */
export function callbackInstant(local: string, timeZone: string): Date | string {
  const m = LOCAL.exec(local)
  if (!m) return `callbackAt: '${local.slice(0, 40)}' is not a date and time such as 2026-11-24T14:30`
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number]
  const date = `${m[1]}-${m[2]}-${m[3]}`
  if (h > 23 || mi > 59 || new Date(Date.UTC(y, mo - 1, d)).toISOString().slice(0, 10) !== date) return `callbackAt: ${local} is not a date and time that exists`
  const at = new Date(instantOf(date, h * 60 + mi, timeZone))
  if (localText(at, timeZone) !== local) return `callbackAt: ${local} does not exist in ${timeZone} (the clocks change then)`
  return at
}

/** A callback's time checked against the moment and the calling window (pure): the instant, or what is wrong. */
export function checkCallback(local: string | undefined, timeZone: string, window: CallingWindow, now: Date): Date | string {
  if (!local) return `callbackAt: a callback needs the date and time to call back, such as 2026-11-24T14:30, in the contact's time zone (${timeZone})`
  const at = callbackInstant(local, timeZone)
  if (typeof at === 'string') return at
  if (at.getTime() <= now.getTime()) return `callbackAt: ${local} (${timeZone}) has passed: it is ${localText(now, timeZone).replace('T', ' ')} there now`
  if (at.getTime() > now.getTime() + CALLBACK_MAX_DAYS * 86_400_000) return `callbackAt: ${local} is more than ${CALLBACK_MAX_DAYS} days ahead`
  if (!inWindow(window, timeZone, at)) {
    const next = nextWindowStart(window, timeZone, at)
    const holidays = window.holidays.length > 0 ? `, not on ${window.holidays.join(' ')}` : ''
    return `callbackAt: ${local} (${timeZone}) is outside the campaign's calling window (${window.start}–${window.end}, ${window.days.join(' ')}${holidays})${next ? `; it opens next at ${localText(next, timeZone)}` : ''}`
  }
  return at
}

/** Records the disposition on the attempt and applies what it means to the contact and the do-not-call list; all or nothing. */
export async function applyDisposition(db: Db, r: DispositionRequest): Promise<DispositionEffects | DispositionRefusal> {
  if (r.dncScope !== undefined && r.disposition !== 'do-not-call') return bad(`dncScope: only a do-not-call disposition takes a scope (campaign or global), not '${r.disposition}'`)
  if (r.callbackAt !== undefined && r.disposition !== 'callback') return bad(`callbackAt: only a callback disposition takes a time, not '${r.disposition}'`)
  const [row] = await db
    .select({ a: attempts, c: contacts, settings: campaigns.settings })
    .from(attempts)
    .innerJoin(contacts, eq(contacts.id, attempts.contactId))
    .innerJoin(campaigns, eq(campaigns.id, attempts.campaignId))
    .where(eq(attempts.id, r.attemptId))
  if (!row) return { status: 404, error: 'unknown-attempt', message: `there is no attempt ${r.attemptId}` }
  const { a, c } = row
  const timeZone = c.timezone
  let callbackAt: Date | undefined
  if (r.disposition === 'callback') {
    if (c.status === 'do-not-call') return { status: 409, error: 'do-not-call', message: `callbackAt: ${c.phone} is on the do-not-call list: it cannot be called back` }
    const at = checkCallback(r.callbackAt, timeZone, campaignSettings(row.settings).window, r.now)
    if (typeof at === 'string') return bad(at)
    callbackAt = at
  }
  const { disposition, now } = r
  return db.transaction(async (tx) => {
    const [contact] = await tx.select().from(contacts).where(eq(contacts.id, a.contactId)).for('update')
    const [latest] = await tx.select({ id: attempts.id }).from(attempts).where(eq(attempts.contactId, a.contactId)).orderBy(desc(attempts.number)).limit(1)
    await tx.update(attempts).set({ disposition }).where(eq(attempts.id, a.id))
    const effects: DispositionEffects = { attempt: a.id, contactId: a.contactId, disposition, callback: null, doNotCall: null }
    if (!contact) return effects
    if (disposition === 'do-not-call') {
      const campaignId = r.dncScope === 'global' ? 0 : a.campaignId
      await tx.insert(doNotCall).values({ phone: contact.phone, campaignId, reason: `asked on a call (${r.by}, attempt ${a.id})` }).onConflictDoNothing()
      // This contact at once, even with its call on (finishAttempt keeps it off); others the entry covers that wait to be called.
      await tx
        .update(contacts)
        .set({ status: 'do-not-call', nextAttemptAt: null, callbackAt: null, callbackAgentId: null, ...(latest?.id === a.id ? { disposition } : {}), updatedAt: now })
        .where(eq(contacts.id, contact.id))
      await tx
        .update(contacts)
        .set({ status: 'do-not-call', updatedAt: now })
        .where(and(eq(contacts.phone, contact.phone), eq(contacts.status, 'pending'), campaignId === 0 ? undefined : eq(contacts.campaignId, campaignId)))
      effects.doNotCall = { campaignId }
      return effects
    }
    // An older call edited: the contact has moved on since.
    if (latest?.id !== a.id) return effects
    if (callbackAt) {
      // A call still on stays 'dialing': its end (finishAttempt) puts the contact back for the callback.
      await tx
        .update(contacts)
        .set({ disposition, callbackAt, callbackAgentId: a.agentId, nextAttemptAt: callbackAt, ...(contact.status === 'dialing' ? {} : { status: 'pending' }), updatedAt: now })
        .where(eq(contacts.id, contact.id))
      effects.callback = { at: callbackAt.toISOString(), local: localText(callbackAt, timeZone), timeZone, agent: a.agentId }
      return effects
    }
    // No callback (any more): a contact waiting for one is done, reached on this call.
    const undo = contact.callbackAt !== null
    await tx
      .update(contacts)
      .set({ disposition, ...(undo ? { callbackAt: null, callbackAgentId: null } : {}), ...(undo && contact.status === 'pending' ? { status: 'done', nextAttemptAt: null } : {}), updatedAt: now })
      .where(eq(contacts.id, contact.id))
    return effects
  })
}
