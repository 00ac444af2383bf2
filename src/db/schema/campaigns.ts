import { sql } from 'drizzle-orm'
import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'

export const CAMPAIGN_KINDS = ['informational', 'survey', 'payment-reminder', 'telesales', 'dormant'] as const
export type CampaignKind = (typeof CAMPAIGN_KINDS)[number]

export const CAMPAIGN_STATUSES = ['draft', 'running', 'paused', 'stopped', 'done', 'archived'] as const
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number]

/**
 * An outbound campaign. `settings` is the campaign as its manager wrote it (calling window,
 * attempts, retry delays, dial template, lines, mode, script...), validated by
 * src/campaigns/settings.ts before it is stored.
 */
export const campaigns = pgTable('campaigns', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  name: text('name').notNull(),
  kind: text('kind').$type<CampaignKind>().notNull(),
  status: text('status').$type<CampaignStatus>().notNull().default('draft'),
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }),
  endedAt: timestamp('ended_at', { withTimezone: true, mode: 'date' }),
})

export const LIST_STATUSES = ['loading', 'loaded', 'failed'] as const
export type ListStatus = (typeof LIST_STATUSES)[number]

/** One uploaded file of contacts, with its running totals (the upload's progress). */
export const contactLists = pgTable('contact_lists', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  campaignId: bigint('campaign_id', { mode: 'number' })
    .notNull()
    .references(() => campaigns.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  status: text('status').$type<ListStatus>().notNull().default('loading'),
  /** Data rows read so far (not counting the header), accepted, rejected, merged into an earlier contact, left out as do-not-call. */
  rowsRead: integer('rows_read').notNull().default(0),
  accepted: integer('accepted').notNull().default(0),
  rejected: integer('rejected').notNull().default(0),
  duplicates: integer('duplicates').notNull().default(0),
  doNotCall: integer('do_not_call').notNull().default(0),
  error: text('error'),
  /** The character encoding the file was read in (utf-8, windows-1250 ...), as detected or as the uploader chose. */
  encoding: text('encoding'),
  /** What the loader made of the file beyond single rows: languages mapped to the prompts we have ({"hr": {"to": "bs", "rows": 3}}) ... */
  notes: jsonb('notes').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
})

/** A row of an uploaded file that was not loaded, and why: the upload's report. */
export const listRejections = pgTable(
  'list_rejections',
  {
    listId: bigint('list_id', { mode: 'number' })
      .notNull()
      .references(() => contactLists.id, { onDelete: 'cascade' }),
    /** Line number in the file (1 = the header). */
    line: integer('line').notNull(),
    reason: text('reason').notNull(),
    /** The start of the row as read, for the report. */
    excerpt: text('excerpt').notNull().default(''),
  },
  (t) => [primaryKey({ columns: [t.listId, t.line] })],
)

export const CONTACT_STATUSES = ['pending', 'dialing', 'done', 'failed', 'do-not-call'] as const
export type ContactStatus = (typeof CONTACT_STATUSES)[number]

/**
 * A person a campaign calls: one per campaign and phone number (lists are merged). The
 * dialer keeps `status`, the attempt counts and `nextAttemptAt` up to date.
 */
export const contacts = pgTable(
  'contacts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    campaignId: bigint('campaign_id', { mode: 'number' })
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    listId: bigint('list_id', { mode: 'number' }).references(() => contactLists.id, { onDelete: 'set null' }),
    /** E.164. */
    phone: text('phone').notNull(),
    name: text('name').notNull().default(''),
    language: text('language'),
    /** IANA time zone the calling window is read in. */
    timezone: text('timezone').notNull(),
    clientId: bigint('client_id', { mode: 'number' }),
    consent: boolean('consent'),
    /** Custom fields from the file (amount_due, due_date ...), spoken or shown to the operator. */
    fields: jsonb('fields').$type<Record<string, string>>().notNull().default(sql`'{}'::jsonb`),
    status: text('status').$type<ContactStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }),
    lastOutcome: text('last_outcome'),
    disposition: text('disposition'),
    /** A callback the contact agreed with an operator: when (also nextAttemptAt) and with whom. */
    callbackAt: timestamp('callback_at', { withTimezone: true, mode: 'date' }),
    callbackAgentId: text('callback_agent_id'),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('contacts_campaign_phone_idx').on(t.campaignId, t.phone),
    index('contacts_due_idx').on(t.campaignId, t.status, t.nextAttemptAt),
  ],
)

/** Numbers never to call: for every campaign (campaign_id 0) or for one. */
export const doNotCall = pgTable(
  'do_not_call',
  {
    phone: text('phone').notNull(),
    /** 0: every campaign. */
    campaignId: bigint('campaign_id', { mode: 'number' }).notNull().default(0),
    reason: text('reason').notNull().default(''),
    addedAt: timestamp('added_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.phone, t.campaignId] })],
)

export const ATTEMPT_OUTCOMES = ['human', 'machine', 'busy', 'no-answer', 'failed', 'abandoned', 'completed'] as const
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number]

/** One call to a contact: when, how it ended, what the operator or the script recorded. */
export const attempts = pgTable(
  'attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    campaignId: bigint('campaign_id', { mode: 'number' }).notNull(),
    contactId: bigint('contact_id', { mode: 'number' }).notNull(),
    /** 1 for the contact's first attempt: with the contact, unique, so an attempt is never made twice. */
    number: integer('number').notNull(),
    callUuid: text('call_uuid').notNull(),
    /** When it was claimed for dialing. */
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** When the originate was sent: set once, so a retried job never dials twice. */
    dialedAt: timestamp('dialed_at', { withTimezone: true, mode: 'date' }),
    answeredAt: timestamp('answered_at', { withTimezone: true, mode: 'date' }),
    /**
     * When the contact began talking with an operator (their answer, or the join of their open
     * line): connected - answered is the connect time predictive pacing measures.
     */
    connectedAt: timestamp('connected_at', { withTimezone: true, mode: 'date' }),
    endedAt: timestamp('ended_at', { withTimezone: true, mode: 'date' }),
    /** Empty while the call is on. */
    outcome: text('outcome').$type<AttemptOutcome>(),
    cause: text('cause'),
    disposition: text('disposition'),
    /** The call reason the operator picked with the disposition (call_reasons.code). */
    reason: text('reason'),
    agentId: text('agent_id'),
  },
  (t) => [uniqueIndex('attempts_contact_number_idx').on(t.contactId, t.number), index('attempts_campaign_idx').on(t.campaignId, t.startedAt)],
)

/** A survey's answers, one row per question a contact answered. */
export const surveyAnswers = pgTable(
  'survey_answers',
  {
    campaignId: bigint('campaign_id', { mode: 'number' }).notNull(),
    contactId: bigint('contact_id', { mode: 'number' }).notNull(),
    question: text('question').notNull(),
    answer: text('answer').notNull(),
    answeredAt: timestamp('answered_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.contactId, t.question] }), index('survey_answers_campaign_idx').on(t.campaignId)],
)
