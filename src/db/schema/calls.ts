import { sql } from 'drizzle-orm'
import { bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

/** The call register: one row per call our app handled (the call detail record). */
export const calls = pgTable(
  'calls',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** FreeSWITCH channel UUID of the leg our socket controlled. */
    callUuid: text('call_uuid').notNull().unique(),
    direction: text('direction').notNull(),
    callerNumber: text('caller_number').notNull().default(''),
    callerName: text('caller_name').notNull().default(''),
    destination: text('destination').notNull().default(''),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
    answeredAt: timestamp('answered_at', { withTimezone: true, mode: 'date' }),
    endedAt: timestamp('ended_at', { withTimezone: true, mode: 'date' }),
    hangupCause: text('hangup_cause'),
    /** App instance that handled the call. */
    instanceId: text('instance_id').notNull().default(''),
    /** Free-form facts about the call that do not deserve a column yet. */
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('calls_started_at_idx').on(t.startedAt), index('calls_caller_number_idx').on(t.callerNumber)],
)
