/**
 * Numbers never to call: for every campaign (campaign_id 0) or for one. Numbers are
 * normalised to E.164 like the loader does (national numbers in the campaign's default
 * country; for the global list, the one given, DEFAULT_COUNTRY in the app).
 *
 * Adding a number also marks the campaign's (or, globally, every campaign's) pending contacts
 * with it as do-not-call, so a list loaded earlier is not called; removing it puts them back to
 * pending when no other entry still covers them.
 */
import { and, count, desc, eq, inArray, sql } from 'drizzle-orm'
import type { Db } from '../db/database.js'
import { contacts, doNotCall } from '../db/schema/index.js'
import { campaignRules } from './loader.js'
import { normalizePhone } from './rows.js'

export const GLOBAL = 0

export interface DncEntry {
  phone: string
  /** 0: every campaign. */
  campaignId: number
  reason: string
  addedAt: Date
}

export class InvalidNumberError extends Error {
  override readonly name = 'InvalidNumberError'
}

export interface DncScope {
  /** 0 or absent: the global list. */
  campaignId?: number
  /** Country of national numbers for the global list (a campaign uses its own). */
  defaultCountry: string
}

/** The number in E.164 for the scope; throws InvalidNumberError, or UnknownCampaignError for a campaign that is not there. */
export async function normalizeDncPhone(db: Db, phone: string, scope: DncScope): Promise<{ phone: string; campaignId: number }> {
  const campaignId = scope.campaignId ?? GLOBAL
  const country = campaignId === GLOBAL ? scope.defaultCountry : (await campaignRules(db, campaignId)).defaultCountry
  const n = normalizePhone(phone, country)
  if (!n.ok) throw new InvalidNumberError(n.reason)
  return { phone: n.phone, campaignId }
}

const entryColumns = { phone: doNotCall.phone, campaignId: doNotCall.campaignId, reason: doNotCall.reason, addedAt: doNotCall.addedAt }

export async function addDoNotCall(db: Db, input: { phone: string; reason?: string }, scope: DncScope): Promise<{ entry: DncEntry; created: boolean; contactsMarked: number }> {
  const { phone, campaignId } = await normalizeDncPhone(db, input.phone, scope)
  const reason = input.reason?.trim()
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(doNotCall)
      .values({ phone, campaignId, reason: reason ?? '' })
      .onConflictDoUpdate({ target: [doNotCall.phone, doNotCall.campaignId], set: { reason: reason === undefined ? sql`${doNotCall.reason}` : reason } })
      .returning({ ...entryColumns, created: sql<boolean>`xmax = 0` })
    const marked = await tx
      .update(contacts)
      .set({ status: 'do-not-call', updatedAt: sql`now()` })
      .where(and(eq(contacts.phone, phone), eq(contacts.status, 'pending'), campaignId === GLOBAL ? undefined : eq(contacts.campaignId, campaignId)))
      .returning({ id: contacts.id })
    const { created, ...entry } = row!
    return { entry, created, contactsMarked: marked.length }
  })
}

export async function removeDoNotCall(db: Db, input: { phone: string }, scope: DncScope): Promise<{ removed: boolean; contactsRestored: number }> {
  const { phone, campaignId } = await normalizeDncPhone(db, input.phone, scope)
  return db.transaction(async (tx) => {
    const removed = await tx
      .delete(doNotCall)
      .where(and(eq(doNotCall.phone, phone), eq(doNotCall.campaignId, campaignId)))
      .returning({ phone: doNotCall.phone })
    if (removed.length === 0) return { removed: false, contactsRestored: 0 }
    const restored = await tx
      .update(contacts)
      .set({ status: 'pending', updatedAt: sql`now()` })
      .where(
        and(
          eq(contacts.phone, phone),
          eq(contacts.status, 'do-not-call'),
          campaignId === GLOBAL ? undefined : eq(contacts.campaignId, campaignId),
          sql`NOT EXISTS (SELECT 1 FROM ${doNotCall} d WHERE d.phone = ${contacts.phone} AND d.campaign_id IN (0, ${contacts.campaignId}))`,
        ),
      )
      .returning({ id: contacts.id })
    return { removed: true, contactsRestored: restored.length }
  })
}

/** The scope's own entries, newest first (UnknownCampaignError for a campaign that is not there). */
export async function listDoNotCall(db: Db, options: { campaignId?: number; offset?: number; limit?: number } = {}): Promise<{ total: number; entries: DncEntry[] }> {
  const campaignId = options.campaignId ?? GLOBAL
  if (campaignId !== GLOBAL) await campaignRules(db, campaignId)
  const where = eq(doNotCall.campaignId, campaignId)
  const [{ total } = { total: 0 }] = await db.select({ total: count() }).from(doNotCall).where(where)
  const entries = await db
    .select(entryColumns)
    .from(doNotCall)
    .where(where)
    .orderBy(desc(doNotCall.addedAt), doNotCall.phone)
    .offset(options.offset ?? 0)
    .limit(options.limit ?? 100)
  return { total, entries }
}

/** Whether the number may not be called in the scope: the global entry and, for a campaign, its own. */
export async function checkDoNotCall(db: Db, phone: string, scope: DncScope): Promise<{ phone: string; blocked: boolean; entries: DncEntry[] }> {
  const n = await normalizeDncPhone(db, phone, scope)
  const entries = await db
    .select(entryColumns)
    .from(doNotCall)
    .where(and(eq(doNotCall.phone, n.phone), inArray(doNotCall.campaignId, [...new Set([GLOBAL, n.campaignId])])))
    .orderBy(doNotCall.campaignId)
  return { phone: n.phone, blocked: entries.length > 0, entries }
}
