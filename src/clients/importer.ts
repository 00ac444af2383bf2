/**
 * Loads a CRM export into the client directory: read as dial lists are (src/lists/csv-records.ts),
 * each row checked (import-row.ts), then matched to a client by its external id, else by its
 * number, and updated (only what the row says), or created. Rows are committed in batches,
 * each one transaction with the import's counts and its report rows, so GET /client-imports/:id
 * shows the counts growing while a file loads; a row that cannot be written (its number is
 * another client's) is rejected alone (a savepoint), and a load that breaks off keeps what it
 * committed and is marked failed.
 */
import type { Readable } from 'node:stream'
import { eq } from 'drizzle-orm'
import type { Database, Db } from '../db/database.js'
import { pgErrorCode, UNIQUE_VIOLATION } from '../db/errors.js'
import { agents, clientImportRejections, clientImports, clients } from '../db/schema/index.js'
import { CsvRecords } from '../lists/csv-records.js'
import { excerptOf, isBlankRecord } from '../lists/rows.js'
import { campaignCurrency } from '../lists/values.js'
import { parseClientMapping, resolveClientMapping } from './import-mapping.js'
import { readClientRow, type ClientRow, type ClientRules } from './import-row.js'

export interface ImportTotals {
  rowsRead: number
  created: number
  updated: number
  unchanged: number
  rejected: number
}

export interface ClientImportOptions {
  name: string
  mapping: unknown
  source: Readable
  /** The country national numbers, amounts and dates are read in (the app's DEFAULT_COUNTRY). */
  defaultCountry: string
  encoding?: string | undefined
  createdBy?: string | undefined
  batchRows?: number
  flushMs?: number
}

/** A load that stopped partway: the import is marked failed; what was committed stays. */
export class ClientImportError extends Error {
  override readonly name = 'ClientImportError'
  constructor(
    readonly importId: number,
    readonly totals: ImportTotals,
    override readonly cause: Error,
  ) {
    super(`client import ${importId} failed after ${totals.rowsRead} rows: ${cause.message}`)
  }
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]
type Read = { line: number; excerpt: string } & ({ client: ClientRow & { lastOrderDate?: string } } | { reason: string })
type Outcome = 'created' | 'updated' | 'unchanged' | { reason: string }

const BATCH_ROWS = 500
const FLUSH_MS = 1000

/** Active agents by id and by (unshared) name, lower-case. */
async function activeManagers(db: Db): Promise<Map<string, string>> {
  const rows = await db.select({ id: agents.id, name: agents.name }).from(agents).where(eq(agents.active, true))
  const byName = new Map<string, string | null>()
  for (const a of rows) {
    const key = a.name.trim().toLowerCase()
    byName.set(key, byName.has(key) ? null : a.id)
  }
  const managers = new Map<string, string>()
  for (const [name, id] of byName) if (id) managers.set(name, id)
  for (const a of rows) managers.set(a.id.toLowerCase(), a.id)
  return managers
}

export async function importClients(database: Database, options: ClientImportOptions): Promise<ImportTotals & { importId: number; status: 'loaded' }> {
  const { db } = database
  const mapping = parseClientMapping(options.mapping)
  const rules: ClientRules = {
    defaultCountry: options.defaultCountry,
    currency: campaignCurrency({ defaultCountry: options.defaultCountry }) ?? 'EUR',
    managers: await activeManagers(db),
  }
  const csv = await CsvRecords.open(options.source, { encoding: options.encoding, country: options.defaultCountry })
  let timer: NodeJS.Timeout | undefined
  try {
    const resolved = resolveClientMapping(csv.header, mapping)
    const [created] = await db.insert(clientImports).values({ name: options.name, encoding: csv.encoding, createdBy: options.createdBy }).returning({ id: clientImports.id })
    const importId = created!.id
    const totals: ImportTotals = { rowsRead: 0, created: 0, updated: 0, unchanged: 0, rejected: 0 }
    const batchRows = options.batchRows ?? BATCH_ROWS
    const flushMs = options.flushMs ?? FLUSH_MS
    let batch: Read[] = []
    let lastFlush = Date.now()
    // Batches are written one after another while the next is read; the first failure stops the writing.
    let tail: Promise<void> = Promise.resolve()
    let writeFailure: Error | undefined
    const flush = (): Promise<void> => {
      const rows = batch
      batch = []
      lastFlush = Date.now()
      if (rows.length === 0) return tail
      tail = tail
        .then(() => (writeFailure ? undefined : writeBatch(db, importId, rows, totals, csv.encoding, rules.currency)))
        .catch((err: unknown) => {
          writeFailure ??= err instanceof Error ? err : new Error(String(err))
        })
      return tail
    }
    // Rows that arrive and then a pause in the upload still show within about a second.
    timer = setInterval(() => {
      if (batch.length > 0 && Date.now() - lastFlush >= flushMs) void flush()
    }, Math.max(50, flushMs / 4))
    timer.unref()
    let failure: Error | undefined
    try {
      for await (const { record, meta } of csv.rows()) {
        if (isBlankRecord(record) && !meta.oversized && !meta.unclosedQuote) continue
        rules.encoding ??= csv.encoding
        const r = readClientRow(record, resolved, rules, meta)
        const excerpt = excerptOf(record, csv.delimiter)
        batch.push(r.ok ? { line: meta.line, excerpt, client: r.client } : { line: meta.line, excerpt, reason: r.reason })
        if (batch.length >= batchRows || Date.now() - lastFlush >= flushMs) {
          await flush()
          if (writeFailure) throw writeFailure
        }
      }
    } catch (err) {
      failure = err instanceof Error ? err : new Error(String(err))
    }
    clearInterval(timer)
    // What was read is written, whatever stopped the reading (unless the database is what failed).
    await flush()
    failure ??= writeFailure
    const status = failure ? 'failed' : 'loaded'
    await db
      .update(clientImports)
      .set({ status, error: failure ? failure.message.replaceAll('\u0000', '') : null, finishedAt: new Date(), encoding: csv.encoding ?? null })
      .where(eq(clientImports.id, importId))
      .catch(() => {})
    if (failure) throw new ClientImportError(importId, totals, failure)
    return { importId, status: 'loaded', ...totals }
  } finally {
    if (timer) clearInterval(timer)
    csv.close()
  }
}

/** One batch, one transaction: the clients, the report rows and the import's counts. */
async function writeBatch(db: Db, importId: number, rows: Read[], totals: ImportTotals, encoding: string | undefined, currency: string): Promise<void> {
  const next = { ...totals }
  await db.transaction(async (tx) => {
    const report: Array<{ importId: number; line: number; reason: string; excerpt: string }> = []
    for (const row of rows) {
      next.rowsRead++
      const outcome: Outcome = 'client' in row ? await applyRow(tx, row.client, currency) : { reason: row.reason }
      if (typeof outcome === 'string') next[outcome]++
      else {
        next.rejected++
        report.push({ importId, line: row.line, reason: outcome.reason, excerpt: row.excerpt })
      }
    }
    if (report.length > 0) await tx.insert(clientImportRejections).values(report).onConflictDoNothing()
    await tx.update(clientImports).set({ ...next, encoding: encoding ?? null }).where(eq(clientImports.id, importId))
  })
  Object.assign(totals, next)
}

const numeric = (a: string, b: string): boolean => Number(a) === Number(b)

/** Matches the row to a client (external id, then number) and writes what changes. */
async function applyRow(tx: Tx, row: ClientRow & { lastOrderDate?: string }, defaultCurrency: string): Promise<Outcome> {
  const [byExternal] = row.externalId ? await tx.select().from(clients).where(eq(clients.externalId, row.externalId)).for('update') : []
  let target = byExternal
  if (!target) {
    const [byPhone] = await tx.select().from(clients).where(eq(clients.phone, row.phone)).for('update')
    if (byPhone && byPhone.externalId && row.externalId && byPhone.externalId !== row.externalId) {
      return { reason: `number ${row.phone} is client ${byPhone.id} with external id "${byPhone.externalId}", not "${row.externalId}"` }
    }
    target = byPhone
  }
  if (!target) {
    if (row.name === undefined || row.type === undefined) return { reason: `a new client (${row.phone}) needs a name and a type` }
    return savepoint(tx, row.phone, async (sp) => {
      await sp.insert(clients).values({
        phone: row.phone,
        name: row.name!,
        type: row.type!,
        externalId: row.externalId ?? null,
        managerId: row.managerId ?? null,
        vip: row.vip ?? false,
        language: row.language ?? null,
        balance: row.balance ?? '0',
        overdueDebt: row.overdueDebt ?? '0',
        currency: row.currency ?? defaultCurrency,
        lastOrderDate: row.lastOrderDate ?? null,
      })
      return 'created'
    })
  }
  const changes: Partial<typeof clients.$inferInsert> = {}
  if (row.phone !== target.phone) changes.phone = row.phone
  if (row.externalId !== undefined && row.externalId !== target.externalId) changes.externalId = row.externalId
  for (const key of ['name', 'type', 'managerId', 'vip', 'language', 'currency', 'lastOrderDate'] as const) {
    if (row[key] !== undefined && row[key] !== target[key]) (changes as Record<string, unknown>)[key] = row[key]
  }
  for (const key of ['balance', 'overdueDebt'] as const) {
    if (row[key] !== undefined && !numeric(row[key], target[key])) changes[key] = row[key]
  }
  if (Object.keys(changes).length === 0) return 'unchanged'
  return savepoint(tx, row.phone, async (sp) => {
    await sp.update(clients).set(changes).where(eq(clients.id, target.id))
    return 'updated'
  })
}

/** A write that may meet another client's number: rolled back alone and reported. */
async function savepoint(tx: Tx, phone: string, write: (sp: Tx) => Promise<Outcome>): Promise<Outcome> {
  try {
    return await tx.transaction(write)
  } catch (err) {
    if (pgErrorCode(err) === UNIQUE_VIOLATION) return { reason: `number ${phone} belongs to another client` }
    throw err
  }
}
