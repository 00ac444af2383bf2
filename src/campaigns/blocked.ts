/**
 * Why a running campaign is not dialling, in words for its card: a setting naming something
 * that does not exist, nobody logged in to take the calls, the calling window closed for
 * every contact left, no contact due yet. `blockedReason` is pure (the facts and the moment
 * passed in); `blockFacts` reads them from Postgres and the queues' Redis state.
 */
import { and, eq, sql } from 'drizzle-orm'
import type { Db } from '../db/database.js'
import { contacts } from '../db/schema/index.js'
import type { QueueStore } from '../queue/store.js'
import { inWindow, nextWindowStart } from '../dialer/window.js'
import type { Campaign } from './campaigns.js'

export interface BlockFacts {
  /** Problems with the settings (checks.ts), each naming its field. */
  problems: string[]
  /** Operators of the campaign's queue; undefined when no operator takes its calls. */
  operators?: { queue: string; loggedIn: number; paused: number }
  /** Pending contacts that may be called (consent where needed), calls out now, and the earliest due. */
  callable: number
  dialing: number
  /** Time zones of the callable contacts due now. */
  dueZones: string[]
  /** When the next callable contact not due yet is. */
  nextDue: Date | null
}

/** The reason a running campaign makes no calls now, or null when it can (or is not running). */
export function blockedReason(c: Pick<Campaign, 'status' | 'settings'>, f: BlockFacts, now: Date): string | null {
  if (c.status !== 'running') return null
  if (f.problems.length > 0) return f.problems.join('; ')
  if (f.operators && f.operators.loggedIn === 0) return `no operators logged in to queue '${f.operators.queue}'`
  if (f.operators && f.operators.paused === f.operators.loggedIn) return `every operator logged in to queue '${f.operators.queue}' is paused`
  if (f.callable === 0) return f.dialing > 0 ? null : 'no contacts left to call'
  if (f.dueZones.length > 0) {
    if (f.dueZones.some((tz) => inWindow(c.settings.window, tz, now))) return null
    const opens = f.dueZones.map((tz) => nextWindowStart(c.settings.window, tz, now)).filter((d): d is Date => d !== undefined)
    if (opens.length === 0) return 'the calling window never opens for the contacts left'
    return `calling window closed until ${utc(new Date(Math.min(...opens.map((d) => d.getTime()))))}`
  }
  if (f.dialing > 0) return null
  return f.nextDue ? `no contacts due until ${utc(f.nextDue)}` : null
}

/** `2026-11-23 17:00 UTC`. */
function utc(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

/** Reads the facts blockedReason() weighs, for a running campaign. */
export async function blockFacts(db: Db, store: QueueStore | undefined, c: Campaign, problems: string[], now: Date): Promise<BlockFacts> {
  const s = c.settings
  const callable = s.requireConsent ? sql`${contacts.consent} is true` : sql`true`
  const pending = and(eq(contacts.campaignId, c.id), eq(contacts.status, 'pending'), callable)
  const [counts] = await db
    .select({
      callable: sql<number>`count(*) filter (where ${contacts.status} = 'pending' and ${callable})::int`,
      dialing: sql<number>`count(*) filter (where ${contacts.status} = 'dialing')::int`,
      nextDue: sql<string | null>`min(${contacts.nextAttemptAt}) filter (where ${contacts.status} = 'pending' and ${callable} and ${contacts.nextAttemptAt} > ${now})`,
    })
    .from(contacts)
    .where(eq(contacts.campaignId, c.id))
  const zones = await db
    .selectDistinct({ tz: contacts.timezone })
    .from(contacts)
    .where(and(pending, sql`(${contacts.nextAttemptAt} is null or ${contacts.nextAttemptAt} <= ${now})`))
    .limit(50)
  let operators: BlockFacts['operators']
  // Operators pace the dialling (progressive, preview, predictive) or take the calls.
  if (s.operatorsQueue) {
    const members = store ? await store.members(s.operatorsQueue) : []
    const states = store ? (await Promise.all(members.map((m) => store.agent(m)))).map((a) => a?.state ?? 'logged-out') : []
    const loggedIn = states.filter((st) => st !== 'logged-out')
    operators = { queue: s.operatorsQueue, loggedIn: loggedIn.length, paused: loggedIn.filter((st) => st === 'paused').length }
  }
  return {
    problems,
    operators,
    callable: counts?.callable ?? 0,
    dialing: counts?.dialing ?? 0,
    dueZones: zones.map((z) => z.tz),
    nextDue: counts?.nextDue ? new Date(counts.nextDue) : null,
  }
}
