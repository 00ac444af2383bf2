/**
 * The client directory, read-only: search by name or number (digits anywhere in it), type,
 * manager; one client with their recent calls. Every logged-in role reads it (an operator
 * needs the caller's card); client-admin.ts changes it. A whole number is searched as the
 * center writes it (national in DEFAULT_COUNTRY, or international).
 */
import { and, desc, eq, ilike, or, sql, type SQL } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import type { App } from '../app.js'
import { calls, clients, CLIENT_TYPES, type ClientType } from '../db/schema/index.js'
import { ownCalls } from './calls.js'
import { sendError } from './errors.js'
import { searchDigits } from './number-search.js'
import { errors, idParams, looseObject, pageProperties } from './schemas.js'

const searchQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    q: { type: 'string', minLength: 1, maxLength: 100, description: 'part of the name, or digits of the number' },
    type: { type: 'string', enum: [...CLIENT_TYPES] },
    manager: { type: 'string', minLength: 1, maxLength: 100, description: "the account manager's agent id" },
    ...pageProperties,
  },
} as const

export const clientSchema = looseObject(
  {
    id: { type: 'integer' },
    name: { type: 'string' },
    phone: { type: 'string' },
    type: { type: 'string', enum: [...CLIENT_TYPES] },
    managerId: { type: ['string', 'null'] },
    overdueDebt: { type: 'string', description: 'decimal, in currency' },
    balance: { type: 'string' },
    currency: { type: 'string' },
    lastOrderDate: { type: ['string', 'null'], format: 'date' },
    vip: { type: 'boolean' },
    language: { type: ['string', 'null'] },
    externalId: { type: ['string', 'null'], description: "the client's id in the CRM" },
  },
  'A client',
)

/** `%` and `_` typed by a user are letters, not patterns. */
export const likeEscape = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`)

type Search = { Querystring: { q?: string; type?: ClientType; manager?: string; offset: number; limit: number } }

export async function clientRoutes(server: FastifyInstance, { app }: { app: App }): Promise<void> {
  const { db } = app.database
  const config = { access: 'authenticated' as const }

  server.get<Search>(
    '/clients',
    {
      config,
      schema: {
        summary: 'Search the clients',
        querystring: searchQuery,
        response: { 200: looseObject({ total: { type: 'integer' }, offset: { type: 'integer' }, limit: { type: 'integer' }, clients: { type: 'array', items: clientSchema } }), ...errors(400) },
      },
    },
    async (req) => {
      const { q, type, manager, offset, limit } = req.query
      const where: SQL[] = []
      if (q !== undefined) {
        const digits = searchDigits(q, app.config.defaultCountry)
        const byName = ilike(clients.name, `%${likeEscape(q.trim())}%`)
        where.push(digits.length >= 3 ? or(byName, sql`${clients.phone} like ${`%${digits}%`}`)! : byName)
      }
      if (type !== undefined) where.push(eq(clients.type, type))
      if (manager !== undefined) where.push(eq(clients.managerId, manager))
      const filter = where.length > 0 ? and(...where) : undefined
      const [rows, [counted]] = await Promise.all([
        db.select().from(clients).where(filter).orderBy(clients.name, clients.id).offset(offset).limit(limit),
        db.select({ n: sql<number>`count(*)::int` }).from(clients).where(filter),
      ])
      return { total: counted?.n ?? 0, offset, limit, clients: rows }
    },
  )

  server.get<{ Params: { id: number } }>(
    '/clients/:id',
    { config, schema: { summary: 'One client with their last calls', params: idParams, response: { 200: clientSchema, ...errors(404) } } },
    async (req, reply) => {
      const [client] = await db.select().from(clients).where(eq(clients.id, req.params.id))
      if (!client) return sendError(reply, 404, 'unknown-client', `there is no client ${req.params.id}`)
      // An operator sees only the calls they answered, here as in GET /calls.
      const mine = ownCalls(req.user!)
      const recent = await db
        .select({ id: calls.id, startedAt: calls.startedAt, direction: calls.direction, routedTo: calls.routedTo, answeredBy: calls.answeredBy, hangupCause: calls.hangupCause })
        .from(calls)
        .where(and(eq(calls.clientId, client.id), mine))
        .orderBy(desc(calls.startedAt))
        .limit(10)
      return { ...client, recentCalls: recent }
    },
  )
}
