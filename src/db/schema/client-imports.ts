import { bigint, bigserial, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'

export const CLIENT_IMPORT_STATUSES = ['loading', 'loaded', 'failed'] as const
export type ClientImportStatus = (typeof CLIENT_IMPORT_STATUSES)[number]

/**
 * A CSV file from the CRM loaded into the client directory, tracked like a dial list: its
 * counts grow with each committed batch, so a page can follow a load while it runs.
 */
export const clientImports = pgTable('client_imports', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  name: text('name').notNull(),
  status: text('status').$type<ClientImportStatus>().notNull().default('loading'),
  /** Data rows read (not the header) = created + updated + unchanged + rejected. */
  rowsRead: integer('rows_read').notNull().default(0),
  created: integer('created').notNull().default(0),
  updated: integer('updated').notNull().default(0),
  unchanged: integer('unchanged').notNull().default(0),
  rejected: integer('rejected').notNull().default(0),
  error: text('error'),
  /** The character encoding the file was read in (detected or as chosen). */
  encoding: text('encoding'),
  /** The user who sent the file. */
  createdBy: text('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
})

/** A row of an import that changed nothing, and why. */
export const clientImportRejections = pgTable(
  'client_import_rejections',
  {
    importId: bigint('import_id', { mode: 'number' })
      .notNull()
      .references(() => clientImports.id, { onDelete: 'cascade' }),
    /** Line number in the file (1 = the header). */
    line: integer('line').notNull(),
    reason: text('reason').notNull(),
    excerpt: text('excerpt').notNull().default(''),
  },
  (t) => [primaryKey({ columns: [t.importId, t.line] })],
)
