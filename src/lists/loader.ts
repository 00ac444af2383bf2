/**
 * Loads an uploaded CSV file into a campaign's contacts, streaming: the scanner
 * (csv-scanner.ts) finds the delimiter and guards field sizes and line numbers, csv-parse
 * reads the fields, each row is checked (rows.ts) and goes to the batch writer (writer.ts),
 * which commits every 10,000 rows or every second with the list's running totals.
 *
 * A row that is bad is rejected with its line and reason and costs nothing else. When the
 * upload breaks off or the database fails, the rows read so far are written (if the database
 * still can), the list is marked failed with the error, and ListLoadError says what stays.
 */
import type { Readable } from 'node:stream'
import { eq } from 'drizzle-orm'
import type pg from 'pg'
import { campaignSettings } from '../campaigns/settings.js'
import type { Database, Db } from '../db/database.js'
import { campaigns, contactLists } from '../db/schema/index.js'
import type { RecordMeta } from './csv-scanner.js'
import { CsvRecords } from './csv-records.js'
import { campaignCurrency } from './values.js'
import { ListLoadError, NeedsPostgresError, UnknownCampaignError } from './errors.js'
import { parseMapping, resolveMapping, type ColumnMapping } from './mapping.js'
import { excerptOf, isBlankRecord, validateRow, type RowRules } from './rows.js'
import { Batch, ListWriter, type ListTotals } from './writer.js'
import { requireSpokenFields } from './typed-fields.js'

export interface LoadListOptions {
  campaignId: number
  /** The list's name, for people (usually the file's). */
  name: string
  /** Which column holds what (parseMapping checks it; a JSON string is read). */
  mapping: ColumnMapping | unknown
  /** The file's bytes. */
  source: Readable
  /** Called after each committed batch with the committed totals. */
  onProgress?: (totals: ListTotals) => void
  /** Rows per batch (default 10,000). */
  batchRows?: number
  /** A batch is written at the latest this long after the previous one, ms (default 1000). */
  flushMs?: number
  /** The file's character encoding as the uploader picked it (encoding.ts: ENCODINGS); found from the bytes when not given. */
  encoding?: string | undefined
}

/** What the loader made of the file beyond single rows (contact_lists.notes). */
export interface ListNotes {
  /** Languages spoken with another's prompts: as the file named them -> the prompts' language and the rows. */
  languages?: Record<string, { to: string; rows: number }>
}

export interface ListLoadResult extends ListTotals {
  listId: number
  status: 'loaded'
}

export const BATCH_ROWS = 10_000
export const FLUSH_MS = 1000

export function requirePool(database: Database): pg.Pool {
  if (!database.pool) throw new NeedsPostgresError()
  return database.pool
}

/** The campaign's rules for rows (its settings with defaults). */
export async function campaignRules(db: Db, campaignId: number): Promise<RowRules> {
  const [campaign] = await db.select({ settings: campaigns.settings, kind: campaigns.kind }).from(campaigns).where(eq(campaigns.id, campaignId)).limit(1)
  if (!campaign) throw new UnknownCampaignError(campaignId)
  const settings = campaignSettings(campaign.settings)
  // A payment reminder says amount_due and due_date: a row without them would be a call that says nothing.
  return { defaultCountry: settings.defaultCountry, requireConsent: settings.requireConsent, currency: campaignCurrency(settings), spoken: campaign.kind === 'payment-reminder' }
}

export async function loadList(database: Database, options: LoadListOptions): Promise<ListLoadResult> {
  const pool = requirePool(database)
  const mapping = parseMapping(options.mapping)
  const rules = await campaignRules(database.db, options.campaignId)
  const batchRows = options.batchRows ?? BATCH_ROWS
  const flushMs = options.flushMs ?? FLUSH_MS
  const { source } = options

  const csv = await CsvRecords.open(source, { encoding: options.encoding, country: rules.defaultCountry })
  const { delimiter } = csv
  let timer: NodeJS.Timeout | undefined
  try {
    const resolved = resolveMapping(csv.header, mapping)
    requireSpokenFields(resolved, rules)
    // Known once a byte that is not ASCII went through (until then, it makes no difference).
    rules.encoding = csv.encoding
    const notes: ListNotes = {}

    const [list] = await database.db.insert(contactLists).values({ campaignId: options.campaignId, name: options.name, encoding: rules.encoding }).returning({ id: contactLists.id })
    const listId = list!.id
    let writer: ListWriter
    try {
      writer = await ListWriter.open(pool, listId, options.campaignId, options.onProgress)
    } catch (err) {
      await markFailed(pool, listId, undefined, err as Error)
      throw new ListLoadError(listId, { rowsRead: 0, accepted: 0, rejected: 0, duplicates: 0, doNotCall: 0 }, err as Error)
    }

    let batch = new Batch()
    let lastFlush = Date.now()
    const flushNow = (): Promise<void> => {
      const full = batch
      batch = new Batch()
      lastFlush = Date.now()
      return writer.submit(full)
    }
    // Rows that arrive and then a pause in the upload still show within about a second.
    timer = setInterval(
      () => {
        if (batch.size > 0 && !writer.busy && Date.now() - lastFlush >= flushMs) void flushNow()
      },
      Math.max(50, flushMs / 4),
    )
    timer.unref()

    let failure: Error | undefined
    try {
      for await (const { record, meta } of csv.rows()) {
        if (isBlankRecord(record) && !meta.oversized && !meta.unclosedQuote) continue
        rules.encoding ??= csv.encoding
        addRow(batch, record, meta, resolved, rules, delimiter, notes)
        if (batch.size >= batchRows || Date.now() - lastFlush >= flushMs) {
          await flushNow()
          if (writer.failure) throw writer.failure
        }
      }
    } catch (err) {
      failure = err instanceof Error ? err : new Error(String(err))
    }
    clearInterval(timer)
    await pool.query('UPDATE contact_lists SET encoding = $2, notes = $3 WHERE id = $1', [listId, csv.encoding ?? null, notes]).catch((err: Error) => (failure ??= err))
    // What was read is written, whatever stopped the reading (unless the database is what failed).
    if (batch.size > 0 && !writer.failure) void flushNow()
    return await finishList(pool, listId, writer, failure)
  } finally {
    if (timer) clearInterval(timer)
    csv.close()
  }
}

/** Languages noted, at most (a file of free text in its language column must not make the notes huge). */
const MAX_NOTED_LANGUAGES = 50

function addRow(batch: Batch, record: string[], meta: RecordMeta, mapping: ReturnType<typeof resolveMapping>, rules: RowRules, delimiter: string, notes: ListNotes): void {
  const result = validateRow(record, mapping, rules, meta)
  if (result.ok) {
    batch.rows.push({ line: meta.line, contact: result.contact, excerpt: () => excerptOf(record, delimiter) })
    if (result.language) {
      const languages = (notes.languages ??= {})
      const seen = languages[result.language.written]
      if (seen) seen.rows++
      else if (Object.keys(languages).length < MAX_NOTED_LANGUAGES) languages[result.language.written] = { to: result.language.to, rows: 1 }
    }
  } else batch.rejections.push({ line: meta.line, reason: result.reason, excerpt: excerptOf(record, delimiter) })
}

/**
 * The end of a load, whatever fed the writer: waits for its last batches, then marks the
 * list loaded, or failed (with what was committed) and throws ListLoadError.
 */
export async function finishList(pool: pg.Pool, listId: number, writer: ListWriter, failure: Error | undefined): Promise<ListLoadResult> {
  let totals: ListTotals
  try {
    totals = await writer.drain()
  } catch (err) {
    failure ??= err as Error
    totals = writer.totals
  }
  await writer.close()
  if (failure) {
    await markFailed(pool, listId, totals, failure)
    throw new ListLoadError(listId, totals, failure)
  }
  await pool.query("UPDATE contact_lists SET status = 'loaded', finished_at = now() WHERE id = $1", [listId])
  return { listId, status: 'loaded', ...totals }
}

/** Marks the list failed; its totals stay those committed (given when known). */
export async function markFailed(pool: pg.Pool, listId: number, totals: ListTotals | undefined, err: Error): Promise<void> {
  const message = err.message.replaceAll('\u0000', '')
  await pool
    .query(
      totals
        ? "UPDATE contact_lists SET status = 'failed', error = $2, finished_at = now(), rows_read = $3, accepted = $4, rejected = $5, duplicates = $6, do_not_call = $7 WHERE id = $1"
        : "UPDATE contact_lists SET status = 'failed', error = $2, finished_at = now() WHERE id = $1",
      totals ? [listId, message, totals.rowsRead, totals.accepted, totals.rejected, totals.duplicates, totals.doNotCall] : [listId, message],
    )
    .catch(() => {})
}
