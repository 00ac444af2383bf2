/**
 * Applies changed queue settings to this instance's running queues, without a restart:
 * the settings objects are updated in place (callers already waiting see the new ring time,
 * announcements, overflow), new queues are added, removed ones dropped; the shared state in
 * Redis follows (cfg, free agents' order for the strategy, who serves which queue). Every
 * instance runs it on the same settings; each step is one Lua script and gives the same
 * result whoever runs it first. An agent left serving no queue is logged out of the queues.
 */
import { inArray } from 'drizzle-orm'
import type { Db } from '../db/database.js'
import { agents } from '../db/schema/index.js'
import { queuesOf, type QueueSettings } from './config.js'
import type { Queues } from './index.js'

export type LiveQueues = Pick<Queues, 'settings' | 'store' | 'service' | 'callbacks' | 'desk'>

export async function applyQueueSettings(queues: LiveQueues, db: Db, next: QueueSettings[]): Promise<{ added: string[]; removed: string[]; changed: string[] }> {
  const list = queues.settings
  const before = new Map(list.map((q) => [q.name, q]))
  const added: string[] = []
  const changed: string[] = []
  const updated = next.map((q) => {
    const current = before.get(q.name)
    if (!current) {
      added.push(q.name)
      return { ...q }
    }
    if (JSON.stringify(current) !== JSON.stringify(q)) changed.push(q.name)
    // In place: waiters, figures and the desk hold these objects and this array.
    for (const k of Object.keys(current) as Array<keyof QueueSettings>) if (!(k in q)) delete current[k]
    Object.assign(current, q)
    return current
  })
  const removed = [...before.keys()].filter((name) => !next.some((q) => q.name === name))
  list.splice(0, list.length, ...updated)
  queues.service.useSettings(list)
  queues.callbacks.useSettings(list)

  const { store } = queues
  for (const name of removed) await store.forgetQueue(name)
  // Who serves what first, then each queue's cfg and matching.
  const loggedIn = await store.agents()
  const rows = loggedIn.length ? await db.select().from(agents).where(inArray(agents.id, loggedIn.map((a) => a.id))) : []
  for (const a of loggedIn) {
    const row = rows.find((r) => r.id === a.id)
    const serves = row ? queuesOf(row, list) : []
    if (serves.join(',') === a.queues.join(',')) continue
    // Serving no queue any more: logged out (after a call in progress), as the people page does.
    if (serves.length === 0 && a.state !== 'logged-out') await queues.desk.logout(a.id)
    else await store.requeue(a.id, serves)
  }
  for (const q of list) await store.applyQueue(q)
  return { added, removed, changed }
}
