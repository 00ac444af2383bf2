/**
 * The list of call reasons operators pick from with a disposition (call_reasons), kept by
 * the administrator: read by anyone logged in (the operator's form, the reports), added and
 * changed by admins. A reason is retired with `active: false`, never deleted: calls keep it.
 *
 *   GET   /call-reasons[?all=true]   the active ones in their order (all: retired too)
 *   POST  /call-reasons              { code, labels: {en,bs,ru,pt}, active?, sortOrder? }
 *   PATCH /call-reasons/:code        { labels?, active?, sortOrder? }
 */
import { asc, eq, sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import type { App } from '../app.js'
import { ADMIN } from '../auth/access.js'
import type { Db } from '../db/database.js'
import { callReasons, type ReasonLabels } from '../db/schema/index.js'
import { sendError } from './errors.js'
import { errors } from './schemas.js'

export const REASON_CODE = '^[a-z0-9][a-z0-9_-]{0,39}$'
const label = { type: 'string', minLength: 1, maxLength: 100 } as const
const labels = {
  type: 'object',
  required: ['en', 'bs', 'ru', 'pt'],
  additionalProperties: false,
  description: 'the reason as each language names it',
  properties: { en: label, bs: label, ru: label, pt: label },
} as const
const reasonSchema = {
  type: 'object',
  properties: { code: { type: 'string' }, labels, active: { type: 'boolean' }, sortOrder: { type: 'integer' } },
} as const
const sortOrder = { type: 'integer', minimum: -1000000, maximum: 1000000 } as const

export interface CallReason {
  code: string
  labels: ReasonLabels
  active: boolean
  sortOrder: number
}

const columns = { code: callReasons.code, labels: callReasons.labels, active: callReasons.active, sortOrder: callReasons.sortOrder }

export async function listReasons(db: Db, all = false): Promise<CallReason[]> {
  return db
    .select(columns)
    .from(callReasons)
    .where(all ? undefined : eq(callReasons.active, true))
    .orderBy(asc(callReasons.sortOrder), asc(callReasons.code))
}

/** Whether `code` is a reason operators may pick now (an active one). */
export async function isActiveReason(db: Db, code: string): Promise<boolean> {
  const [row] = await db.select({ active: callReasons.active }).from(callReasons).where(eq(callReasons.code, code)).limit(1)
  return row?.active === true
}

export async function callReasonRoutes(server: FastifyInstance, { app }: { app: App }): Promise<void> {
  const { db } = app.database

  server.get<{ Querystring: { all?: boolean } }>(
    '/call-reasons',
    {
      config: { access: 'authenticated' },
      schema: {
        summary: 'The call reasons operators pick from, in their order (all=true: retired ones too)',
        querystring: { type: 'object', additionalProperties: false, properties: { all: { type: 'boolean', default: false } } },
        response: { 200: { type: 'object', properties: { reasons: { type: 'array', items: reasonSchema } } } },
      },
    },
    async (req) => ({ reasons: await listReasons(db, req.query.all === true) }),
  )

  server.post<{ Body: CallReason }>(
    '/call-reasons',
    {
      config: { access: ADMIN },
      schema: {
        summary: 'Add a call reason',
        body: {
          type: 'object',
          required: ['code', 'labels'],
          additionalProperties: false,
          properties: { code: { type: 'string', pattern: REASON_CODE, description: "lower case letters, digits, '-', '_'; up to 40" }, labels, active: { type: 'boolean' }, sortOrder },
        },
        response: { 201: reasonSchema, ...errors(400, 409) },
      },
    },
    async (req, reply) => {
      const { code, labels: names, active = true, sortOrder: order } = req.body
      // Without an order it goes last.
      const next = order ?? (await db.select({ n: sql<number>`coalesce(max(${callReasons.sortOrder}), 0) + 10` }).from(callReasons))[0]!.n
      const [row] = await db.insert(callReasons).values({ code, labels: names, active, sortOrder: next }).onConflictDoNothing().returning(columns)
      if (!row) return sendError(reply, 409, 'reason-exists', `code: there is already a call reason '${code}'; change it with PATCH /call-reasons/${code}`)
      req.log.info({ by: req.user!.username, reason: code }, 'call reasons: added')
      return reply.code(201).send(row)
    },
  )

  server.patch<{ Params: { code: string }; Body: Partial<Omit<CallReason, 'code'>> }>(
    '/call-reasons/:code',
    {
      config: { access: ADMIN },
      schema: {
        summary: 'Change a call reason: its names, active (false retires it), its order',
        params: { type: 'object', required: ['code'], properties: { code: { type: 'string', pattern: REASON_CODE } } },
        body: { type: 'object', minProperties: 1, additionalProperties: false, properties: { labels, active: { type: 'boolean' }, sortOrder } },
        response: { 200: reasonSchema, ...errors(400, 404) },
      },
    },
    async (req, reply) => {
      const { code } = req.params
      const [row] = await db
        .update(callReasons)
        .set({ ...req.body, updatedAt: new Date(app.clock.now()) })
        .where(eq(callReasons.code, code))
        .returning(columns)
      if (!row) return sendError(reply, 404, 'unknown-reason', `there is no call reason '${code}'`)
      req.log.info({ by: req.user!.username, reason: code, changed: Object.keys(req.body) }, 'call reasons: changed')
      return row
    },
  )
}
