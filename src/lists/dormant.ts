/**
 * A dormant-clients campaign's contacts come straight from the clients table: everyone with
 * no order in the last N months (last_order_date before the cutoff, or none at all). They
 * go through the same rules and writer as an uploaded file (do-not-call, merging with the
 * campaign's contacts, consent when the campaign requires it), as a list of their own whose
 * report lines are the clients' places in id order.
 */
import type { Database } from '../db/database.js'
import { contactLists } from '../db/schema/index.js'
import { ListLoadError } from './errors.js'
import { campaignRules, finishList, markFailed, requirePool, type ListLoadResult } from './loader.js'
import type { ResolvedMapping } from './mapping.js'
import { validateRow } from './rows.js'
import { Batch, ListWriter, ZERO_TOTALS, type ListTotals } from './writer.js'

export interface DormantOptions {
  /** No order in this many months (default 6). */
  months?: number
  /** The moment the months count back from (default: now). */
  now?: Date | number
  onProgress?: (totals: ListTotals) => void
  batchRows?: number
}

/**
 * The calendar date `months` months before `now` (UTC), clamped to the month's last day
 * (31 March - 1 month = 28/29 February), as yyyy-mm-dd.
 */
export function monthsBefore(now: Date | number, months: number): string {
  const d = new Date(now)
  const total = d.getUTCFullYear() * 12 + d.getUTCMonth() - months
  const year = Math.floor(total / 12)
  const month = total - year * 12
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  const day = Math.min(d.getUTCDate(), lastDay)
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

// The clients' columns as a "file": phone, name, language, client id, last order date (a custom field).
const MAPPING: ResolvedMapping = {
  headers: ['phone', 'name', 'language', 'client_id', 'last_order_date'],
  phone: 0,
  name: 1,
  language: 2,
  timezone: undefined,
  clientId: 3,
  consent: undefined,
  fields: [['last_order_date', 4]],
}

interface ClientRow {
  id: string
  name: string
  phone: string
  language: string | null
  last_order_date: string | null
}

export async function loadDormantClients(database: Database, campaignId: number, options: DormantOptions = {}): Promise<ListLoadResult> {
  const pool = requirePool(database)
  const months = options.months ?? 6
  if (!Number.isInteger(months) || months < 1) throw new RangeError(`months must be a whole number of at least 1 (got ${months})`)
  const rules = await campaignRules(database.db, campaignId)
  const cutoff = monthsBefore(options.now ?? Date.now(), months)
  const batchRows = options.batchRows ?? 10_000
  const [list] = await database.db
    .insert(contactLists)
    .values({ campaignId, name: `dormant clients: no order in ${months} months (since ${cutoff})` })
    .returning({ id: contactLists.id })
  const listId = list!.id
  let writer: ListWriter
  try {
    writer = await ListWriter.open(pool, listId, campaignId, options.onProgress)
  } catch (err) {
    await markFailed(pool, listId, undefined, err as Error)
    throw new ListLoadError(listId, { ...ZERO_TOTALS }, err as Error)
  }
  let failure: Error | undefined
  try {
    let after = '0'
    let ordinal = 0
    for (;;) {
      const { rows } = await pool.query<ClientRow>(
        `SELECT id::text, name, phone, language, last_order_date::text FROM clients
         WHERE (last_order_date IS NULL OR last_order_date < $1::date) AND id > $2::bigint
         ORDER BY id LIMIT $3`,
        [cutoff, after, batchRows],
      )
      if (rows.length === 0) break
      const batch = new Batch()
      for (const c of rows) {
        ordinal++
        const record = [c.phone, c.name, c.language ?? '', c.id, c.last_order_date ?? '']
        const excerpt = `client ${c.id}: ${c.name}, ${c.phone}`
        const result = validateRow(record, MAPPING, rules)
        if (result.ok) batch.rows.push({ line: ordinal, contact: result.contact, excerpt: () => excerpt })
        else batch.rejections.push({ line: ordinal, reason: result.reason, excerpt })
      }
      await writer.submit(batch)
      if (writer.failure) break
      after = rows[rows.length - 1]!.id
    }
  } catch (err) {
    failure = err as Error
  }
  return finishList(pool, listId, writer, failure)
}
