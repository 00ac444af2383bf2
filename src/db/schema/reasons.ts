import { sql } from 'drizzle-orm'
import { boolean, check, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

/** A call reason's name in each language the pages speak. */
export interface ReasonLabels {
  en: string
  bs: string
  ru: string
  pt: string
}

/**
 * Why clients call, as the administrator keeps the list: operators pick one with the
 * disposition (calls.reason, attempts.reason) and the reports group by it. A reason is
 * retired (active = false), never deleted, so old calls keep their meaning.
 */
export const callReasons = pgTable(
  'call_reasons',
  {
    /** Lower-case word, as calls.reason holds it: `order`, `invoice-question` ... */
    code: text('code').primaryKey(),
    labels: jsonb('labels').$type<ReasonLabels>().notNull(),
    active: boolean('active').notNull().default(true),
    sortOrder: integer('sort_order').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [check('call_reasons_code_check', sql`${t.code} ~ '^[a-z0-9][a-z0-9_-]{0,39}$'`)],
)
