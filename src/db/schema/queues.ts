import { integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

/**
 * The queues' settings, edited in the pages: one row per queue, `settings` as queues.yaml
 * writes a queue (checked by src/queue/config.ts). The first start with an empty table
 * imports queues/queues.yaml; afterwards this table is the source.
 */
export const queueSettings = pgTable('queue_settings', {
  name: text('name').primaryKey(),
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull(),
  /** 1 when created, +1 with every change. */
  version: integer('version').notNull().default(1),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  /** The user who changed it last ('' for the import of queues.yaml). */
  updatedBy: text('updated_by').notNull().default(''),
})
