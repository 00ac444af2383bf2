/**
 * One page of an upload's report (a dial list's or a client import's rejected rows): the
 * rows by line, and how many there are in all.
 */
import { asc, count, eq } from 'drizzle-orm'
import type { Db } from '../db/database.js'
import { clientImportRejections, listRejections } from '../db/schema/index.js'

export interface RejectionsPage {
  total: number
  rejections: Array<{ line: number; reason: string; excerpt: string }>
}

export async function rejectionsPage(db: Db, of: { list: number } | { clientImport: number }, offset: number, limit: number): Promise<RejectionsPage> {
  const [table, owner, id] = 'list' in of ? [listRejections, listRejections.listId, of.list] : [clientImportRejections, clientImportRejections.importId, of.clientImport]
  const [{ total } = { total: 0 }] = await db.select({ total: count() }).from(table).where(eq(owner, id))
  const rejections = await db.select({ line: table.line, reason: table.reason, excerpt: table.excerpt }).from(table).where(eq(owner, id)).orderBy(asc(table.line)).offset(offset).limit(limit)
  return { total, rejections }
}
