import { sql } from 'drizzle-orm'
import { bigint, boolean, check, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core'
import { agents } from './people.js'

/**
 * Who may use the API and the pages, and as what: admin (everything, users), campaign-manager
 * (campaigns, lists, do-not-call, clients), supervisor (queues, agents, calls, recordings;
 * campaigns read-only), operator (their own agent's desk, calls and campaign attempts).
 */
export const ROLES = ['admin', 'campaign-manager', 'supervisor', 'operator'] as const
export type Role = (typeof ROLES)[number]

/** People who log in. The password is kept only as an scrypt hash with its salt and parameters (src/auth/password.ts). */
export const users = pgTable(
  'users',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    /** Lower case: letters, digits, '.', '_', '-'. */
    username: text('username').notNull().unique(),
    name: text('name').notNull().default(''),
    role: text('role').$type<Role>().notNull(),
    passwordHash: text('password_hash').notNull(),
    /** The agent an operator works as (their desk, their calls); optional for the other roles. */
    agentId: text('agent_id').references(() => agents.id, { onDelete: 'set null' }),
    /** The language of their pages (src/web/i18n.ts); null until chosen or set at the first login from the browser's. */
    language: text('language').$type<'en' | 'bs' | 'ru' | 'pt'>(),
    /** An inactive user cannot log in, and their sessions stop working. */
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    index('users_agent_idx').on(t.agentId),
    check('users_role_check', sql`${t.role} in ('admin', 'campaign-manager', 'supervisor', 'operator')`),
    check('users_language_check', sql`${t.language} in ('en', 'bs', 'ru', 'pt')`),
  ],
)
