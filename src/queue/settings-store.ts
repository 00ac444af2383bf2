/**
 * The queues' settings in Postgres (table queue_settings), the source every app instance
 * reads: seeded from queues/queues.yaml on the first start, changed through the API. Every
 * change is checked as a whole set (an overflow into a queue that is gone is refused) with
 * the same rules as the file (config.ts), under one lock, so two writers cannot interleave.
 */
import { asc, eq, sql } from 'drizzle-orm'
import type { Db } from '../db/database.js'
import { queueSettings } from '../db/schema/index.js'
import { checkQueues, QueueConfigError, queueSpec, type QueueSettings } from './config.js'

/** Serializes writers of the table (any app instance): one key for pg_advisory_xact_lock. */
const LOCK = 0x71756575 // 'queu'
const SOURCE = 'queue settings'

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]

/** The first start (an empty table): imports `seed` (queues.yaml). Answers whether it did. */
export async function seedQueueSettings(db: Db, seed: QueueSettings[]): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${LOCK})`)
    const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(queueSettings)
    if ((row?.n ?? 0) > 0 || seed.length === 0) return false
    await tx.insert(queueSettings).values(seed.map((q) => ({ name: q.name, settings: queueSpec(q), updatedBy: '' })))
    return true
  })
}

/** Every queue, checked (a row broken by hand names itself), by name. */
export async function readQueueSettings(db: Db | Tx): Promise<QueueSettings[]> {
  const rows = await db.select().from(queueSettings).orderBy(asc(queueSettings.name))
  if (rows.length === 0) return []
  // By name: an object puts names that are numbers ('100') first.
  const byName = (a: QueueSettings, b: QueueSettings): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  return checkQueues({ queues: Object.fromEntries(rows.map((r) => [r.name, r.settings])) }, SOURCE).sort(byName)
}

/** What changes whenever any queue's settings change: instances compare it to find changes they missed. */
export async function settingsSignature(db: Db): Promise<string> {
  const [row] = await db
    .select({ sig: sql<string | null>`md5(string_agg(${queueSettings.name} || '=' || ${queueSettings.settings}::text, ',' order by ${queueSettings.name}))` })
    .from(queueSettings)
  return row?.sig ?? ''
}

export interface StoredQueue {
  settings: QueueSettings
  version: number
  updatedAt: Date
  updatedBy: string
}

/** Every queue with its version and who changed it last, by name. */
export async function readStoredQueues(db: Db): Promise<StoredQueue[]> {
  const rows = await db.select().from(queueSettings).orderBy(asc(queueSettings.name))
  if (rows.length === 0) return []
  const checked = checkQueues({ queues: Object.fromEntries(rows.map((r) => [r.name, r.settings])) }, SOURCE)
  return rows.map((r) => ({ settings: checked.find((q) => q.name === r.name)!, version: r.version, updatedAt: r.updatedAt, updatedBy: r.updatedBy }))
}

export async function readQueue(db: Db, name: string): Promise<StoredQueue | undefined> {
  return (await readStoredQueues(db)).find((q) => q.settings.name === name)
}

/**
 * Creates or replaces a queue: `spec` as the file writes one. A QueueConfigError names the
 * queue and the field.
 */
export async function putQueue(db: Db, name: string, spec: unknown, by: string): Promise<{ created: boolean; queue: StoredQueue }> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${LOCK})`)
    const rows = await tx.select().from(queueSettings)
    const all: Record<string, unknown> = Object.fromEntries(rows.map((r) => [r.name, r.settings]))
    all[name] = spec
    const checked = checkQueues({ queues: all }, SOURCE).find((q) => q.name === name)!
    const current = rows.find((r) => r.name === name)
    const values = { settings: queueSpec(checked), version: (current?.version ?? 0) + 1, updatedAt: new Date(), updatedBy: by }
    await tx.insert(queueSettings).values({ name, ...values }).onConflictDoUpdate({ target: queueSettings.name, set: values })
    return { created: !current, queue: { settings: checked, version: values.version, updatedAt: values.updatedAt, updatedBy: by } }
  })
}

/** Removes a queue; `guard` (called under the lock) may refuse by throwing. False: there was none. */
export async function deleteQueue(db: Db, name: string, guard: () => Promise<void>): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${LOCK})`)
    const rows = await tx.select().from(queueSettings)
    if (!rows.some((r) => r.name === name)) return false
    const rest = rows.filter((r) => r.name !== name)
    if (rest.length === 0) throw new QueueConfigError([`${SOURCE}: queue '${name}' is the last queue; the center needs at least one`])
    // Another queue overflowing into this one is named.
    checkQueues({ queues: Object.fromEntries(rest.map((r) => [r.name, r.settings])) }, SOURCE)
    await guard()
    await tx.delete(queueSettings).where(eq(queueSettings.name, name))
    return true
  })
}
