/**
 * An attempt's life in Postgres, each step one transaction: claimed (the contact is taken
 * for dialing and the attempt row written, numbered, so it exists once), dialled (marked
 * before the originate, so a retried job never dials twice), answered, finished (its
 * outcome, and the contact's next step by the retry policy). Several app instances claim at
 * once without overlap: a lock per campaign and SKIP LOCKED rows.
 */
import { randomUUID } from 'node:crypto'
import { and, eq, isNull, sql } from 'drizzle-orm'
import { CALLBACK_WAIT_MINUTES } from '../campaigns/dispositions.js'
import type { CampaignSettings } from '../campaigns/settings.js'
import type { Db } from '../db/database.js'
import { attempts, contacts, type AttemptOutcome } from '../db/schema/index.js'
import { afterAttempt, nextAllowedByDailyLimit } from './retry.js'
import { inWindow, nextWindowStart } from './window.js'

export interface Claimed {
  attemptId: number
  contactId: number
  number: number
  phone: string
  callUuid: string
}

export interface AttemptResult {
  outcome: AttemptOutcome
  /** FreeSWITCH's hangup or failure cause. */
  cause?: string
  disposition?: string
  agentId?: string
  /** The call was lost on our side (a crash), not the contact's: retried without the rule's wait. */
  lostByUs?: boolean
}

type Row = Record<string, unknown>
const rows = (r: unknown): Row[] => ((r as { rows?: Row[] }).rows ?? (r as Row[]))

export interface ClaimLimits {
  /** Calls at once over every campaign (the trunk). */
  globalMaxLines: number
  /** How many calls the pacing asks for now (the free operators, for progressive). */
  wanted: number
  /** Count calls not yet with an operator against `wanted` (progressive: one call per free operator). */
  perOperator: boolean
  /**
   * The operators free now. A callback agreed with one of them waits until they are (up to
   * CALLBACK_WAIT_MINUTES past its time, then anyone may take it). Undefined: no waiting.
   */
  agentsFree?: readonly string[]
}

/** The claim lock: one claimer at a time over every instance, so the line counts stay true. */
const CLAIM_LOCK = 77_001

/**
 * Takes contacts due now (in their window, within their limits) and writes their attempts:
 * as many as the pacing wants, the campaign's and the trunk's free lines and the calls per
 * second allow.
 */
export async function claimDue(db: Db, campaignId: number, settings: CampaignSettings, now: Date, limits: ClaimLimits): Promise<Claimed[]> {
  if (limits.wanted <= 0) return []
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${CLAIM_LOCK})`)
    const perSecondWindowMs = Math.max(1000, 1000 / settings.callsPerSecond)
    const [load] = rows(
      await tx.execute(sql`
        select
          count(*) filter (where outcome is null and campaign_id = ${campaignId}) as lines,
          count(*) filter (where outcome is null) as all_lines,
          count(*) filter (where outcome is null and agent_id is null and campaign_id = ${campaignId}) as unconnected,
          count(*) filter (where campaign_id = ${campaignId} and started_at > ${new Date(now.getTime() - perSecondWindowMs)}) as recent
        from attempts where outcome is null or started_at > ${new Date(now.getTime() - perSecondWindowMs)}`),
    )
    const lines = Number(load?.lines ?? 0)
    const allLines = Number(load?.all_lines ?? 0)
    const n = Math.min(
      limits.wanted - (limits.perOperator ? Number(load?.unconnected ?? 0) : 0),
      settings.maxLines - lines,
      limits.globalMaxLines - allLines,
      Math.floor((settings.callsPerSecond * perSecondWindowMs) / 1000) - Number(load?.recent ?? 0),
    )
    if (n <= 0) return []
    // Numbers put on the do-not-call list since they were loaded leave the campaign.
    await tx.execute(sql`
      update contacts c set status = 'do-not-call', updated_at = ${now}
      where c.campaign_id = ${campaignId} and c.status = 'pending'
        and exists (select 1 from do_not_call d where d.phone = c.phone and d.campaign_id in (0, ${campaignId}))`)
    const candidates = rows(
      await tx.execute(sql`
        select c.id, c.phone, c.timezone, c.attempts, c.callback_at, c.callback_agent_id from contacts c
        where c.campaign_id = ${campaignId} and c.status = 'pending'
          and (c.next_attempt_at is null or c.next_attempt_at <= ${now})
          and (${!settings.requireConsent} or c.consent is true)
        order by (c.callback_at is not null) desc, c.next_attempt_at nulls first, c.id
        limit ${n * 4}
        for update skip locked`),
    )
    if (candidates.length === 0) return []
    const ids = candidates.map((c) => Number(c.id))
    const recent = rows(
      await tx.execute(sql`
        select contact_id, started_at from attempts
        where contact_id in ${sql.raw(`(${ids.join(',')})`)} and started_at > ${new Date(now.getTime() - 24 * 3600_000)}`),
    )
    const claimed: Claimed[] = []
    const free = limits.agentsFree ? new Set(limits.agentsFree) : undefined
    for (const c of candidates) {
      const id = Number(c.id)
      const tz = String(c.timezone)
      // An agreed callback: its operator's, while they may still come free (then left for a later look).
      const callbackAt = c.callback_at ? new Date(c.callback_at as string | Date).getTime() : undefined
      const callbackFor = callbackAt !== undefined && c.callback_agent_id ? String(c.callback_agent_id) : undefined
      if (callbackFor && free && !free.has(callbackFor) && now.getTime() < callbackAt! + CALLBACK_WAIT_MINUTES * 60_000) continue
      if (callbackFor) free?.delete(callbackFor)
      const starts = recent.filter((r) => Number(r.contact_id) === id).map((r) => new Date(r.started_at as string | Date))
      // A time the contact agreed to is kept whatever the daily limit says; the window holds.
      const allowedAt = callbackAt !== undefined ? now.getTime() : nextAllowedByDailyLimit(starts, settings.maxAttemptsPerDay, now)
      if (claimed.length >= n || allowedAt > now.getTime() || !inWindow(settings.window, tz, now)) {
        if (claimed.length >= n) continue
        // Not now: when it may be, so it is not looked at again before then.
        const next = nextWindowStart(settings.window, tz, new Date(Math.max(allowedAt, now.getTime() + 60_000)))
        await tx
          .update(contacts)
          .set(next ? { nextAttemptAt: next, updatedAt: now } : { status: 'failed', lastOutcome: 'no-window', updatedAt: now })
          .where(eq(contacts.id, id))
        continue
      }
      const number = Number(c.attempts) + 1
      const callUuid = randomUUID()
      await tx.update(contacts).set({ status: 'dialing', attempts: number, updatedAt: now }).where(eq(contacts.id, id))
      const [a] = await tx.insert(attempts).values({ campaignId, contactId: id, number, callUuid, startedAt: now }).returning({ id: attempts.id })
      claimed.push({ attemptId: a!.id, contactId: id, number, phone: String(c.phone), callUuid })
    }
    return claimed
  })
}

/** Marks the attempt dialled; false when it already was (a retried job must not dial again). */
export async function markDialed(db: Db, attemptId: number, now: Date): Promise<boolean> {
  const r = await db.update(attempts).set({ dialedAt: now }).where(and(eq(attempts.id, attemptId), isNull(attempts.dialedAt), isNull(attempts.outcome))).returning({ id: attempts.id })
  return r.length > 0
}

/** Gives back a claim that was never dialled (the campaign was paused or stopped meanwhile). */
export async function unclaim(db: Db, attemptId: number, now: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [a] = await tx.delete(attempts).where(and(eq(attempts.id, attemptId), isNull(attempts.dialedAt))).returning({ contactId: attempts.contactId })
    if (!a) return false
    await tx.update(contacts).set({ status: 'pending', attempts: sql`${contacts.attempts} - 1`, updatedAt: now }).where(eq(contacts.id, a.contactId))
    return true
  })
}

export async function markAnswered(db: Db, attemptId: number, now: Date): Promise<void> {
  await db.update(attempts).set({ answeredAt: now }).where(and(eq(attempts.id, attemptId), isNull(attempts.answeredAt)))
}

/**
 * Writes how the attempt ended and what the contact does next. Once: a second call for the
 * same attempt changes nothing and returns undefined.
 */
export async function finishAttempt(db: Db, attemptId: number, result: AttemptResult, settings: CampaignSettings, now: Date): Promise<{ contactId: number; status: string } | undefined> {
  return db.transaction(async (tx) => {
    const [a] = await tx
      .update(attempts)
      .set({ endedAt: now, outcome: result.outcome, cause: result.cause ?? null, disposition: result.disposition ?? null, agentId: result.agentId ?? null })
      .where(and(eq(attempts.id, attemptId), isNull(attempts.outcome)))
      .returning({ contactId: attempts.contactId })
    if (!a) return undefined
    const [contact] = await tx.select().from(contacts).where(eq(contacts.id, a.contactId)).for('update')
    if (!contact) return undefined
    const starts = (await tx.select({ startedAt: attempts.startedAt }).from(attempts).where(eq(attempts.contactId, a.contactId))).map((r) => r.startedAt)
    const next = afterAttempt({ outcome: result.outcome, now, attemptsMade: contact.attempts, attemptStarts: starts, timeZone: contact.timezone, lostByUs: result.lostByUs, cause: result.cause, settings })
    // A contact taken off the list while its call was on stays off.
    // A callback agreed on this call (saved before it ended) is the contact's next step; one
    // whose time has come was this call, or is missed with it: retries go to anyone.
    const callback = contact.callbackAt && contact.callbackAt > now && contact.status !== 'do-not-call' ? contact.callbackAt : undefined
    const status = contact.status === 'do-not-call' ? 'do-not-call' : callback ? 'pending' : next.status
    await tx
      .update(contacts)
      .set({
        status,
        nextAttemptAt: callback ?? (next.status === 'pending' ? next.nextAttemptAt : null),
        ...(contact.callbackAt && !callback ? { callbackAt: null, callbackAgentId: null } : {}),
        lastOutcome: (next.status === 'failed' && next.lastOutcome) || result.outcome,
        disposition: result.disposition ?? contact.disposition,
        updatedAt: now,
      })
      .where(eq(contacts.id, a.contactId))
    return { contactId: a.contactId, status }
  })
}

/** How an originate that was not answered maps to an outcome. */
export function outcomeOfFailure(cause: string): AttemptOutcome {
  if (cause === 'USER_BUSY' || cause === 'CALL_REJECTED') return 'busy'
  if (cause === 'NO_ANSWER' || cause === 'NO_USER_RESPONSE' || cause === 'ORIGINATOR_CANCEL' || cause === 'ALLOTTED_TIMEOUT') return 'no-answer'
  return 'failed'
}
