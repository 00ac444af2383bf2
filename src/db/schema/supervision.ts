import { bigint, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

/**
 * A supervisor taking part in a conversation (listen, whisper, barge), kept beside the call
 * register's row of the customer's call: written by whichever instance the supervisor
 * reached, whoever holds the call.
 */
export const supervision = pgTable(
  'supervision',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    /** The customer's call (calls.call_uuid). */
    callUuid: text('call_uuid').notNull(),
    /** The operator listened to. */
    agentId: text('agent_id').notNull(),
    /** The supervisor's login. */
    supervisor: text('supervisor').notNull(),
    mode: text('mode').$type<'listen' | 'whisper' | 'barge' | 'stop'>().notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('supervision_call_idx').on(t.callUuid)],
)
