/**
 * The call register: search by number, time, agent, outcome, campaign, with paging; one
 * call with its path through the IVR, its events in order and its recordings. Supervisors
 * and admins see every call; an operator only the calls they answered (others are not
 * found, and asking for another agent's is refused).
 */
import { and, desc, eq, gte, lt, or, sql, type SQL } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import type { App } from '../app.js'
import { DESK, type Principal } from '../auth/access.js'
import { attempts, calls, recordings, supervision, type IvrStep, type QueueOffer } from '../db/schema/index.js'
import { sendError } from './errors.js'
import { searchDigits } from './number-search.js'
import { errors, idParams, looseObject, pageProperties } from './schemas.js'

const searchQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    number: { type: 'string', minLength: 3, maxLength: 32, pattern: '^\\+?[0-9 ()./-]+$', description: "digits of the caller's or the dialled number (3 or more)" },
    from: { type: 'string', format: 'date-time', description: 'started at or after' },
    to: { type: 'string', format: 'date-time', description: 'started before' },
    agent: { type: 'string', minLength: 1, maxLength: 100, description: 'the agent who answered' },
    outcome: { type: 'string', minLength: 1, maxLength: 64, description: "the queue's outcome (answered, abandoned ...) or the route's result" },
    cause: { type: 'string', minLength: 1, maxLength: 64, description: 'the hangup cause (NORMAL_CLEARING ...)' },
    direction: { type: 'string', enum: ['inbound', 'outbound'] },
    campaign: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
    ...pageProperties,
  },
} as const

type Search = {
  Querystring: { number?: string; from?: string; to?: string; agent?: string; outcome?: string; cause?: string; direction?: string; campaign?: number; offset: number; limit: number }
}

const callSummary = looseObject(
  {
    id: { type: 'integer' },
    callUuid: { type: 'string' },
    direction: { type: 'string' },
    callerNumber: { type: 'string' },
    destination: { type: 'string' },
    startedAt: { type: 'string', format: 'date-time' },
    answeredAt: { type: ['string', 'null'], format: 'date-time' },
    endedAt: { type: ['string', 'null'], format: 'date-time' },
    hangupCause: { type: ['string', 'null'] },
    routedTo: { type: ['string', 'null'] },
    queue: { type: ['string', 'null'] },
    queueOutcome: { type: ['string', 'null'] },
    answeredBy: { type: ['string', 'null'] },
  },
  'A call in the register',
)

const callDetail = looseObject(
  {
    ivrPath: { type: 'array', items: looseObject() },
    events: { type: 'array', items: looseObject({ at: { type: 'string', format: 'date-time' }, event: { type: 'string' } }) },
    recordings: { type: 'array', items: looseObject({ id: { type: 'integer' }, kind: { type: 'string' }, url: { type: 'string' }, download: { type: 'string' } }) },
    supervision: {
      type: 'array',
      description: 'supervisors who listened, whispered or barged in (and stopped), in order; shown to supervisors and admins',
      items: looseObject({ at: { type: 'string', format: 'date-time' }, supervisor: { type: 'string' }, agent: { type: 'string' }, mode: { type: 'string' } }),
    },
  },
  'A call with its IVR path, events in order, recordings and supervision',
)

/**
 * The calls `who` may see: an operator's are the ones their agent answered, from a queue, as
 * the person the IVR rang directly (a key client's manager), or as the agent of a campaign attempt.
 */
export function ownCalls(who: Principal): SQL | undefined {
  if (who.role !== 'operator') return undefined
  const agent = who.agentId ?? ''
  return or(
    eq(calls.answeredBy, agent),
    and(eq(calls.routedTo, `agent:${agent}`), eq(calls.routeResult, 'connected')),
    sql`exists (select 1 from ${attempts} where ${attempts.id} = ${calls.attemptId} and ${attempts.agentId} = ${agent})`,
  )
}

export interface CallEvent {
  at: string
  event: string
  [more: string]: unknown
}

/** The call's life in time order, from what the register kept. */
export function callEvents(row: typeof calls.$inferSelect): CallEvent[] {
  const events: CallEvent[] = [{ at: row.startedAt.toISOString(), event: 'started', from: row.callerNumber, to: row.destination }]
  if (row.answeredAt) events.push({ at: row.answeredAt.toISOString(), event: 'answered' })
  for (const step of row.ivrPath as IvrStep[]) events.push({ ...step, event: 'ivr' })
  if (row.queueEnteredAt) events.push({ at: row.queueEnteredAt.toISOString(), event: 'queue-joined', queue: row.queue })
  for (const offer of row.queueOffers as QueueOffer[]) events.push({ at: offer.at, event: 'agent-rung', agent: offer.agent, result: offer.result })
  if (row.endedAt) events.push({ at: row.endedAt.toISOString(), event: 'ended', cause: row.hangupCause, queueOutcome: row.queueOutcome, routeResult: row.routeResult })
  // A stable sort: events at one instant keep the order above.
  return events.map((e, i) => ({ e, i, t: Date.parse(e.at) })).sort((a, b) => a.t - b.t || a.i - b.i).map((x) => x.e)
}

export async function callRoutes(server: FastifyInstance, { app }: { app: App }): Promise<void> {
  const { db } = app.database
  const config = { access: DESK }

  server.get<Search>(
    '/calls',
    {
      config,
      schema: {
        summary: 'Search the call register, newest first (an operator: only calls they answered)',
        querystring: searchQuery,
        response: { 200: looseObject({ total: { type: 'integer' }, offset: { type: 'integer' }, limit: { type: 'integer' }, calls: { type: 'array', items: callSummary } }), ...errors(400) },
      },
    },
    async (req, reply) => {
      const who = req.user!
      const q = req.query
      if (who.role === 'operator' && q.agent !== undefined && q.agent !== who.agentId) return sendError(reply, 403, 'not-your-agent', `you see only the calls of agent '${who.agentId ?? 'none'}'`)
      if (q.from !== undefined && q.to !== undefined && Date.parse(q.from) >= Date.parse(q.to)) return sendError(reply, 400, 'bad-request', 'querystring/from must be before querystring/to')
      if (q.number !== undefined && searchDigits(q.number).length < 3) return sendError(reply, 400, 'bad-request', 'querystring/number must have 3 digits or more after a leading 0')
      const where: SQL[] = []
      const mine = ownCalls(who)
      if (mine) where.push(mine)
      if (q.number !== undefined) {
        const digits = `%${searchDigits(q.number)}%`
        where.push(or(sql`regexp_replace(${calls.callerNumber}, '[^0-9]', '', 'g') like ${digits}`, sql`regexp_replace(${calls.destination}, '[^0-9]', '', 'g') like ${digits}`)!)
      }
      if (q.from !== undefined) where.push(gte(calls.startedAt, new Date(q.from)))
      if (q.to !== undefined) where.push(lt(calls.startedAt, new Date(q.to)))
      if (q.agent !== undefined) where.push(eq(calls.answeredBy, q.agent))
      if (q.outcome !== undefined) where.push(or(eq(calls.queueOutcome, q.outcome), eq(calls.routeResult, q.outcome))!)
      if (q.cause !== undefined) where.push(eq(calls.hangupCause, q.cause))
      if (q.direction !== undefined) where.push(eq(calls.direction, q.direction))
      if (q.campaign !== undefined) where.push(eq(calls.campaignId, q.campaign))
      const filter = where.length > 0 ? and(...where) : undefined
      const [rows, [counted]] = await Promise.all([
        db
          .select({
            id: calls.id,
            callUuid: calls.callUuid,
            direction: calls.direction,
            callerNumber: calls.callerNumber,
            callerName: calls.callerName,
            destination: calls.destination,
            startedAt: calls.startedAt,
            answeredAt: calls.answeredAt,
            endedAt: calls.endedAt,
            hangupCause: calls.hangupCause,
            clientId: calls.clientId,
            language: calls.language,
            routedTo: calls.routedTo,
            routeResult: calls.routeResult,
            queue: calls.queue,
            queueWaitMs: calls.queueWaitMs,
            queueOutcome: calls.queueOutcome,
            answeredBy: calls.answeredBy,
            campaignId: calls.campaignId,
          })
          .from(calls)
          .where(filter)
          .orderBy(desc(calls.startedAt), desc(calls.id))
          .offset(q.offset)
          .limit(q.limit),
        db.select({ n: sql<number>`count(*)::int` }).from(calls).where(filter),
      ])
      return { total: counted?.n ?? 0, offset: q.offset, limit: q.limit, calls: rows }
    },
  )

  server.get<{ Params: { id: number } }>(
    '/calls/:id',
    { config, schema: { summary: 'One call: its IVR path, events in order and recordings', params: idParams, response: { 200: callDetail, ...errors(404) } } },
    async (req, reply) => {
      const [row] = await db.select().from(calls).where(and(eq(calls.id, req.params.id), ownCalls(req.user!)))
      if (!row) return sendError(reply, 404, 'unknown-call', req.user!.role === 'operator' ? `there is no call ${req.params.id} among the calls you answered` : `there is no call ${req.params.id}`)
      const recs = await db
        .select({ id: recordings.id, kind: recordings.kind, startedAt: recordings.startedAt, durationMs: recordings.durationMs, sizeBytes: recordings.sizeBytes })
        .from(recordings)
        .where(eq(recordings.callUuid, row.callUuid))
        .orderBy(recordings.id)
      const watched =
        req.user!.role === 'operator'
          ? []
          : await db.select({ at: supervision.at, supervisor: supervision.supervisor, agent: supervision.agentId, mode: supervision.mode }).from(supervision).where(eq(supervision.callUuid, row.callUuid)).orderBy(supervision.id)
      return {
        ...row,
        events: callEvents(row),
        recordings: recs.map((r) => ({ ...r, url: `/recordings/${r.id}`, download: `/recordings/${r.id}/download` })),
        supervision: watched,
      }
    },
  )
}
