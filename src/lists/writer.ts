/**
 * Writes a list's rows in batches, each batch one transaction on a connection of its own:
 * merge its duplicates, COPY it into a temporary staging table, one INSERT ... SELECT ... ON
 * CONFLICT into contacts that leaves out the numbers on the do-not-call lists, and one statement
 * for its report rows and the list's totals. So contact_lists always shows what is committed, a failing batch takes
 * nothing with it but itself, and the next batch is parsed while this one is written.
 */
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { mergeContact, type ContactRow } from './rows.js'

/** A list's running totals; rowsRead = accepted + rejected + duplicates + doNotCall. */
export interface ListTotals {
  rowsRead: number
  accepted: number
  rejected: number
  duplicates: number
  doNotCall: number
}

export const ZERO_TOTALS: ListTotals = { rowsRead: 0, accepted: 0, rejected: 0, duplicates: 0, doNotCall: 0 }

export interface ReportLine {
  line: number
  reason: string
  excerpt: string
}

/** Rows read since the last flush: the good ones (their report excerpt made only if needed) and the rejected. */
export class Batch {
  readonly rows: Array<{ line: number; contact: ContactRow; excerpt: () => string }> = []
  readonly rejections: ReportLine[] = []
  get size(): number {
    return this.rows.length + this.rejections.length
  }
}

export const DO_NOT_CALL_REASON = 'do not call'

const STAGING = `CREATE TEMP TABLE IF NOT EXISTS list_staging (
  phone text NOT NULL, name text NOT NULL, language text, timezone text NOT NULL,
  client_id bigint, consent boolean, fields jsonb NOT NULL
) ON COMMIT DELETE ROWS`

// Numbers on the global or the campaign's do-not-call list are left out (and returned); the
// rest go in in one order (phone, bytewise) so concurrent loads into one campaign cannot
// deadlock. A contact already there keeps its values; its empty ones are filled (custom fields
// key by key). A merge that changes nothing writes nothing; inserted rows are told apart by
// xmax = 0.
const MERGE = `WITH blocked AS (
  SELECT DISTINCT s.phone FROM list_staging s JOIN do_not_call d ON d.phone = s.phone AND d.campaign_id IN (0, $1)
), written AS (
  INSERT INTO contacts AS c (campaign_id, list_id, phone, name, language, timezone, client_id, consent, fields)
  SELECT $1, $2, s.phone, s.name, s.language, s.timezone, s.client_id, s.consent, s.fields
  FROM list_staging s WHERE NOT EXISTS (SELECT 1 FROM blocked b WHERE b.phone = s.phone)
  ORDER BY s.phone COLLATE "C"
  ON CONFLICT (campaign_id, phone) DO UPDATE SET
    name = CASE WHEN c.name = '' THEN excluded.name ELSE c.name END,
    language = COALESCE(c.language, excluded.language),
    client_id = COALESCE(c.client_id, excluded.client_id),
    consent = COALESCE(c.consent, excluded.consent),
    fields = excluded.fields || c.fields,
    updated_at = now()
  WHERE (c.name = '' AND excluded.name <> '')
     OR (c.language IS NULL AND excluded.language IS NOT NULL)
     OR (c.client_id IS NULL AND excluded.client_id IS NOT NULL)
     OR (c.consent IS NULL AND excluded.consent IS NOT NULL)
     OR (excluded.fields || c.fields) <> c.fields
  RETURNING (xmax = 0) AS inserted
)
SELECT (SELECT count(*)::int FROM written WHERE inserted) AS inserted, (SELECT coalesce(array_agg(phone), '{}') FROM blocked) AS blocked`

// The batch's report lines and the list's new totals, in one statement.
const REPORT = `WITH report AS (
  INSERT INTO list_rejections (list_id, line, reason, excerpt) SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[])
)
UPDATE contact_lists SET rows_read = $5, accepted = $6, rejected = $7, duplicates = $8, do_not_call = $9 WHERE id = $1`

const COPY_ESCAPES = /[\\\t\n\r]/
const copyText = (s: string): string =>
  COPY_ESCAPES.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : s

function copyLine(c: ContactRow): string {
  const consent = c.consent === null ? '\\N' : c.consent ? 't' : 'f'
  return `${copyText(c.phone)}\t${copyText(c.name)}\t${c.language === null ? '\\N' : copyText(c.language)}\t${copyText(c.timezone)}\t${c.clientId ?? '\\N'}\t${consent}\t${copyText(JSON.stringify(c.fields))}\n`
}

function* copyChunks(rows: Iterable<{ contact: ContactRow }>): Generator<string> {
  let chunk = ''
  for (const { contact } of rows) {
    chunk += copyLine(contact)
    if (chunk.length >= 256 * 1024) {
      yield chunk
      chunk = ''
    }
  }
  if (chunk) yield chunk
}

export class ListWriter {
  /** What is committed. */
  totals: ListTotals = { ...ZERO_TOTALS }
  /** The first error a flush met; nothing is written after it. */
  failure: Error | undefined
  private tail: Promise<void> = Promise.resolve()
  private flushing = 0

  private constructor(
    private readonly client: pg.PoolClient,
    private readonly listId: number,
    private readonly campaignId: number,
    private readonly onProgress: ((totals: ListTotals) => void) | undefined,
  ) {}

  static async open(pool: pg.Pool, listId: number, campaignId: number, onProgress?: (totals: ListTotals) => void): Promise<ListWriter> {
    const client = await pool.connect()
    try {
      await client.query(STAGING)
    } catch (err) {
      client.release(err as Error)
      throw err
    }
    return new ListWriter(client, listId, campaignId, onProgress)
  }

  /** A flush is running or queued. */
  get busy(): boolean {
    return this.flushing > 0
  }

  /**
   * Queues the batch; resolves once the batch before it is written, so one batch is written
   * while the next is read. Never rejects: see `failure`.
   */
  submit(batch: Batch): Promise<void> {
    const previous = this.tail
    this.flushing++
    this.tail = previous
      .then(() => (this.failure ? undefined : this.flush(batch)))
      .catch((err: unknown) => {
        this.failure ??= err instanceof Error ? err : new Error(String(err))
      })
      .finally(() => {
        this.flushing--
      })
    return previous
  }

  /** Waits for every queued batch; throws the first failure. */
  async drain(): Promise<ListTotals> {
    await this.tail
    if (this.failure) throw this.failure
    return this.totals
  }

  /** Gives the connection back (dropping the staging table), or closes it after a failure. */
  async close(): Promise<void> {
    await this.tail
    if (this.failure) {
      this.client.release(this.failure)
      return
    }
    try {
      await this.client.query('DROP TABLE IF EXISTS list_staging')
      this.client.release()
    } catch (err) {
      this.client.release(err as Error)
    }
  }

  private async flush(batch: Batch): Promise<void> {
    const c = this.client
    const report = batch.rejections.slice()
    // One staged row per number: the first row's values, filled from the later rows.
    const byPhone = new Map<string, { contact: ContactRow; rows: number }>()
    for (const { contact } of batch.rows) {
      const first = byPhone.get(contact.phone)
      if (first) {
        first.contact = mergeContact(first.contact, contact)
        first.rows++
      } else {
        byPhone.set(contact.phone, { contact, rows: 1 })
      }
    }
    let accepted = 0
    let duplicates = 0
    let doNotCall = 0
    await c.query('BEGIN')
    try {
      if (byPhone.size > 0) {
        await pipeline(
          Readable.from(copyChunks(byPhone.values())),
          c.query(copyFrom('COPY list_staging (phone, name, language, timezone, client_id, consent, fields) FROM STDIN')),
        )
        const merged = await c.query<{ inserted: number; blocked: string[] }>(MERGE, [this.campaignId, this.listId])
        const { inserted, blocked } = merged.rows[0]!
        const dnc = new Set(blocked)
        for (const r of batch.rows) {
          if (!dnc.has(r.contact.phone)) continue
          doNotCall++
          report.push({ line: r.line, reason: DO_NOT_CALL_REASON, excerpt: r.excerpt() })
        }
        accepted = inserted
        duplicates = batch.rows.length - doNotCall - inserted
      }
      const t = this.totals
      const next: ListTotals = {
        rowsRead: t.rowsRead + batch.size,
        accepted: t.accepted + accepted,
        rejected: t.rejected + batch.rejections.length,
        duplicates: t.duplicates + duplicates,
        doNotCall: t.doNotCall + doNotCall,
      }
      await c.query(REPORT, [
        this.listId,
        report.map((r) => r.line),
        report.map((r) => r.reason),
        report.map((r) => r.excerpt),
        next.rowsRead,
        next.accepted,
        next.rejected,
        next.duplicates,
        next.doNotCall,
      ])
      await c.query('COMMIT')
      this.totals = next
    } catch (err) {
      await c.query('ROLLBACK').catch(() => {})
      throw err
    }
    this.onProgress?.({ ...this.totals })
  }
}
