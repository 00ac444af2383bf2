import { sql } from 'drizzle-orm'
import { bigint, boolean, date, index, jsonb, numeric, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

export const LINE_MODES = ['ringing', 'always-connected'] as const
export type LineMode = (typeof LINE_MODES)[number]

/**
 * Operators, account managers and department heads: everyone a call can be routed to.
 * `groups` are routing groups (key-account-managers, wholesale-heads, department-heads,
 * finance, operators); `skills` are languages, client types and campaigns they handle.
 */
export const agents = pgTable('agents', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** Any FreeSWITCH dial string: user/1001, sofia/gateway/gw/+38761..., loopback/... */
  endpoint: text('endpoint').notNull(),
  /** The SIP account of their softphone, held by the app and published to FreeSWITCH (src/sip). */
  sipUser: text('sip_user'),
  /** The SIP account's device secret (random, made by the app); never shown but once, on rotation. */
  sipSecret: text('sip_secret'),
  /** 'ringing' (each call rings the softphone) or 'always-connected' (one open line all shift). */
  lineMode: text('line_mode').$type<LineMode>().notNull().default('ringing'),
  groups: text('groups').array().notNull().default(sql`'{}'::text[]`),
  skills: jsonb('skills').$type<{ languages?: string[]; clientTypes?: string[]; campaigns?: string[] }>().notNull().default(sql`'{}'::jsonb`),
  active: boolean('active').notNull().default(true),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
})

/**
 * Who is logged in to the queues, and whether paused: the desk's last word, kept where it
 * survives a loss of Redis, so the agents' states can be rebuilt from it.
 */
export const agentSessions = pgTable('agent_sessions', {
  agentId: text('agent_id')
    .primaryKey()
    .references(() => agents.id, { onDelete: 'cascade' }),
  paused: boolean('paused').notNull().default(false),
  reason: text('reason').notNull().default(''),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
})

export const CLIENT_TYPES = ['key', 'retail', 'regional', 'marketer', 'own_outlet'] as const
export type ClientType = (typeof CLIENT_TYPES)[number]

/** Known clients, recognised by their phone number (E.164). */
export const clients = pgTable(
  'clients',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    name: text('name').notNull(),
    /** E.164, e.g. +38761234567. */
    phone: text('phone').notNull().unique(),
    type: text('type').$type<ClientType>().notNull(),
    /** Agent id of the assigned (account) manager. */
    managerId: text('manager_id').references(() => agents.id, { onDelete: 'set null' }),
    overdueDebt: numeric('overdue_debt', { precision: 14, scale: 2 }).notNull().default('0'),
    balance: numeric('balance', { precision: 14, scale: 2 }).notNull().default('0'),
    currency: text('currency').notNull().default('EUR'),
    lastOrderDate: date('last_order_date', { mode: 'string' }),
    vip: boolean('vip').notNull().default(false),
    language: text('language'),
    /** The client's id in the CRM the directory is imported from; imports match on it first. */
    externalId: text('external_id').unique(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('clients_manager_idx').on(t.managerId), index('clients_last_order_idx').on(t.lastOrderDate)],
)
