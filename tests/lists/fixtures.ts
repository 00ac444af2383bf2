/** Campaigns, files and read-backs shared by the list tests. */
import { Readable } from 'node:stream'
import { asc, eq } from 'drizzle-orm'
import type { Db } from '../../src/db/database.js'
import { campaigns, contactLists, contacts, listRejections, type CampaignKind } from '../../src/db/schema/index.js'

export async function createCampaign(db: Db, settings: Record<string, unknown> = {}, kind: CampaignKind = 'informational'): Promise<number> {
  const [c] = await db.insert(campaigns).values({ name: `campaign ${kind}`, kind, settings }).returning({ id: campaigns.id })
  return c!.id
}

/** The bytes as a stream in chunks of `chunk` bytes (so rows and fields straddle reads). */
export function streamOf(data: string | Buffer | Array<string | Buffer>, chunk = 64 * 1024): Readable {
  const bytes = Buffer.concat((Array.isArray(data) ? data : [data]).map((d) => (typeof d === 'string' ? Buffer.from(d) : d)))
  return Readable.from(
    (function* () {
      for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk)
    })(),
  )
}

export async function contactsOf(db: Db, campaignId: number) {
  return db
    .select({
      phone: contacts.phone,
      name: contacts.name,
      language: contacts.language,
      timezone: contacts.timezone,
      clientId: contacts.clientId,
      consent: contacts.consent,
      fields: contacts.fields,
      listId: contacts.listId,
      status: contacts.status,
    })
    .from(contacts)
    .where(eq(contacts.campaignId, campaignId))
    .orderBy(asc(contacts.phone))
}

export async function reportOf(db: Db, listId: number) {
  return db.select({ line: listRejections.line, reason: listRejections.reason, excerpt: listRejections.excerpt }).from(listRejections).where(eq(listRejections.listId, listId)).orderBy(asc(listRejections.line))
}

export async function listRow(db: Db, listId: number) {
  const [row] = await db.select().from(contactLists).where(eq(contactLists.id, listId))
  return row!
}
