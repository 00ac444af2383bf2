import { sql } from 'drizzle-orm'
import { bigint, bigserial, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

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
    /** The IVR flow the call went through, and the path it took: node ids with digits and times. */
    flowId: text('flow_id'),
    ivrPath: jsonb('ivr_path').$type<IvrStep[]>().notNull().default(sql`'[]'::jsonb`),
    /** The client recognised by the caller's number, if any. */
    clientId: bigint('client_id', { mode: 'number' }),
    /** The language the caller was served in. */
    language: text('language'),
    /** Where the call was routed (`agent:ana`, `group:finance`, `queue:orders` ...) and how it ended there. */
    routedTo: text('routed_to'),
    routeResult: text('route_result'),
    /** The queue the caller waited in: when they joined, how long they waited, how it ended, who answered, every agent rung. */
    queue: text('queue'),
    queueEnteredAt: timestamp('queue_entered_at', { withTimezone: true, mode: 'date' }),
    queueWaitMs: integer('queue_wait_ms'),
    queueOutcome: text('queue_outcome'),
    answeredBy: text('answered_by'),
    /** For a campaign call: the campaign, the contact and the attempt. */
    campaignId: bigint('campaign_id', { mode: 'number' }),
    contactId: bigint('contact_id', { mode: 'number' }),
    attemptId: bigint('attempt_id', { mode: 'number' }),
    queueOffers: jsonb('queue_offers').$type<QueueOffer[]>().notNull().default(sql`'[]'::jsonb`),
    /** Free-form facts about the call that do not deserve a column yet. */
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    /**
     * The call reason the operator picked with the disposition (call_reasons.code), kept in step
     * with details.disposition by Postgres: the register rewrites details, so a column it does
     * not know would lose a reason saved while the call was on.
     */
    reason: text('reason').generatedAlwaysAs(sql`(details -> 'disposition' ->> 'reason')`),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('calls_started_at_idx').on(t.startedAt),
    index('calls_caller_number_idx').on(t.callerNumber),
    index('calls_client_idx').on(t.clientId),
    // An operator's own calls (GET /calls for operators).
    index('calls_answered_by_idx').on(t.answeredBy, t.startedAt),
    // Reports on why clients call (src/reports).
    index('calls_reason_idx').on(t.reason, t.startedAt),
  ],
)

/** An agent rung for a queued caller, and what came of it. */
export interface QueueOffer {
  agent: string
  /** ISO time the phone started ringing. */
  at: string
  /** answered, missed (busy, no answer, not there), lost (another agent answered first), caller-hangup. */
  result: string
}

/** One node a call went through in the IVR. */
export interface IvrStep {
  node: string
  kind: string
  /** ISO time the node was entered. */
  at: string
  digits?: string
  /** What came of it: an option taken, `no-input`, `invalid`, a route target ... */
  result?: string
}

/** Recordings of calls and of messages callers left, with what the file holds. */
export const recordings = pgTable(
  'recordings',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    callUuid: text('call_uuid').notNull(),
    /** `call`: the whole call; `message`: a message the caller left. */
    kind: text('kind').$type<'call' | 'message'>().notNull(),
    /** Path relative to the recordings directory: <yyyy>/<mm>/<dd>/<call uuid>[-message].wav */
    path: text('path').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
    durationMs: integer('duration_ms'),
    sizeBytes: bigint('size_bytes', { mode: 'number' }),
    sampleRate: integer('sample_rate'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('recordings_call_idx').on(t.callUuid), index('recordings_started_idx').on(t.startedAt)],
)
