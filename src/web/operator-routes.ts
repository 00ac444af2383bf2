/**
 * The operator console's own routes: a call's disposition and notes (with what a campaign
 * call's disposition means: do-not-call, a callback; src/campaigns/dispositions.ts), and the
 * calls still to finish: answered in the last day with no disposition, whose wrap-up ran
 * out before one was saved, or that went on without the console.
 *
 *   POST /operator/disposition   { callUuid, disposition, notes, reason?, callbackAt?, dncScope? }
 *     reason: why the client called, an active call_reasons code (the reports group by it)
 *   GET  /operator/to-finish     [?agent=]  (an operator: their own; others name the agent)
 */
import { and, desc, eq, gt, isNotNull, isNull, or, sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import type { App } from '../app.js'
import { applyDisposition, isRefusal, type DncScope } from '../campaigns/dispositions.js'
import { attempts, calls, campaigns, clients, type Role } from '../db/schema/index.js'
import { dispositionEffects } from '../http/attempts.js'
import { isActiveReason, REASON_CODE } from '../http/call-reasons.js'
import { sendError } from '../http/errors.js'
import { SCRIPTS, type LiveData } from './live.js'

const DESK_ROLES: Role[] = ['admin', 'supervisor', 'operator']
/** How far back a call may still be finished. */
const TO_FINISH_HOURS = 24

const dispositionBody = {
  type: 'object',
  required: ['callUuid', 'disposition'],
  additionalProperties: false,
  properties: {
    callUuid: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9-]+$' },
    disposition: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,39}$' },
    notes: { type: 'string', maxLength: 2000 },
    reason: { type: 'string', pattern: REASON_CODE, description: 'why the client called: an active code of GET /call-reasons' },
    ...dispositionEffects,
  },
} as const

/** The dispositions offered for a call of this campaign kind (inbound: none). */
export const dispositionsFor = (kind: string | null | undefined): string[] => (SCRIPTS[kind ?? 'inbound'] ?? SCRIPTS.inbound!).dispositions

export async function operatorRoutes(server: FastifyInstance, { app, live }: { app: App; live: LiveData }): Promise<void> {
  const { db } = app.database

  server.post<{ Body: { callUuid: string; disposition: string; notes?: string; reason?: string; callbackAt?: string; dncScope?: DncScope } }>(
    '/operator/disposition',
    {
      config: { access: DESK_ROLES },
      schema: {
        summary: "Record a call's disposition and notes (an operator: only a call their agent took)",
        description:
          "Kept in the call register (details.disposition: code, notes, by, at); for a campaign call also on the attempt and the contact, with its effects: `do-not-call` puts the number on the do-not-call list (`dncScope` campaign or global), `callback` needs `callbackAt` (the contact's local time) and calls back then. Saving ends the agent's wrap-up when it waited for this.",
        body: dispositionBody,
      },
    },
    async (req, reply) => {
      const who = req.user!
      const { callUuid, disposition, callbackAt, dncScope, reason } = req.body
      const notes = (req.body.notes ?? '').trim()
      if (who.role === 'operator' && !who.agentId) return sendError(reply, 403, 'no-agent', 'your user is linked to no agent')
      // Not register.flush(): with calls going on it may wait long. A row not written yet is a 404
      // the page retries; one written is updated here, and the register's own next write of it
      // (which replaces details) carries the disposition too (note() below).
      const [row] = await db.select({ id: calls.id, answeredBy: calls.answeredBy, routedTo: calls.routedTo }).from(calls).where(eq(calls.callUuid, callUuid))
      const [attempt] = await db.select({ id: attempts.id, agentId: attempts.agentId }).from(attempts).where(eq(attempts.callUuid, callUuid)).limit(1)
      if (!row && !attempt) return sendError(reply, 404, 'unknown-call', `there is no call ${callUuid} in the register (yet): try again in a moment`)
      const agent = who.role === 'operator' ? who.agentId! : null
      // Theirs: they answered it from a queue, the IVR rang them for it (the register knows once the
      // call is over; the shared state while it is on), or their agent holds its attempt.
      const theirs = !agent || row?.answeredBy === agent || row?.routedTo === `agent:${agent}` || attempt?.agentId === agent || (await live.holds(agent, callUuid))
      if (agent && !theirs) return sendError(reply, 403, 'not-your-call', `call ${callUuid} was not taken by your agent '${agent}'`)
      if (!attempt && (callbackAt !== undefined || dncScope !== undefined)) {
        return sendError(reply, 400, 'bad-request', `${callbackAt !== undefined ? 'callbackAt' : 'dncScope'}: only a campaign call's disposition takes it; call ${callUuid} is no campaign call`)
      }
      if (reason !== undefined && !(await isActiveReason(db, reason))) return sendError(reply, 400, 'unknown-reason', `reason: '${reason}' is not a call reason in the list (GET /call-reasons)`)
      const now = new Date(app.clock.now())
      const effects = attempt ? await applyDisposition(db, { attemptId: attempt.id, disposition, callbackAt, dncScope, by: who.username, now }) : undefined
      if (effects && isRefusal(effects)) return sendError(reply, effects.status, effects.error, effects.message)
      const taker = agent ?? row?.answeredBy ?? attempt?.agentId ?? (row?.routedTo?.startsWith('agent:') ? row.routedTo.slice(6) : null)
      const value = { code: disposition, notes, ...(reason ? { reason } : {}), by: who.username, agent: taker, at: now.toISOString() }
      if (attempt) await db.update(attempts).set({ reason: reason ?? null }).where(eq(attempts.id, attempt.id))
      if (row) await db.update(calls).set({ details: sql`${calls.details} || jsonb_build_object('disposition', ${JSON.stringify(value)}::jsonb)` }).where(eq(calls.id, row.id))
      // A call still on: the register's next write of its row keeps the disposition.
      app.register.note(callUuid, { disposition: value })
      // The agent's wrap-up waited for this.
      if (taker) await app.queues?.service.dispositionSaved(taker, callUuid)
      return { callUuid, disposition, notes, reason: reason ?? null, call: row?.id ?? null, attempt: attempt?.id ?? null, callback: effects?.callback ?? null, doNotCall: effects?.doNotCall ?? null }
    },
  )

  server.get<{ Querystring: { agent?: string } }>(
    '/operator/to-finish',
    {
      config: { access: DESK_ROLES },
      schema: {
        summary: "An agent's calls still to finish: answered in the last day, over, with no disposition (an operator: their own)",
        querystring: { type: 'object', additionalProperties: false, properties: { agent: { type: 'string', minLength: 1, maxLength: 100 } } },
      },
    },
    async (req, reply) => {
      const who = req.user!
      const asked = req.query.agent
      if (who.role === 'operator' && (!who.agentId || (asked !== undefined && asked !== who.agentId))) return sendError(reply, 403, 'not-your-agent', `you see only the calls of agent '${who.agentId ?? 'none'}'`)
      const agent = who.role === 'operator' ? who.agentId! : asked
      if (!agent) return sendError(reply, 400, 'bad-request', "querystring must have property 'agent' (the agent whose calls to list)")
      const since = new Date(app.clock.now() - TO_FINISH_HOURS * 3600_000)
      const rows = await db
        .select({
          callUuid: calls.callUuid,
          direction: calls.direction,
          callerNumber: calls.callerNumber,
          destination: calls.destination,
          startedAt: calls.startedAt,
          endedAt: calls.endedAt,
          queue: calls.queue,
          campaignId: calls.campaignId,
          attemptId: calls.attemptId,
          kind: campaigns.kind,
          client: clients.name,
        })
        .from(calls)
        .leftJoin(attempts, eq(attempts.id, calls.attemptId))
        .leftJoin(campaigns, eq(campaigns.id, calls.campaignId))
        .leftJoin(clients, eq(clients.id, calls.clientId))
        .where(
          and(
            or(eq(calls.answeredBy, agent), and(eq(calls.routedTo, `agent:${agent}`), eq(calls.routeResult, 'connected')), eq(attempts.agentId, agent)),
            gt(calls.startedAt, since),
            isNotNull(calls.endedAt),
            isNotNull(calls.answeredAt),
            sql`${calls.details}->'disposition' is null`,
            isNull(attempts.disposition),
          ),
        )
        .orderBy(desc(calls.startedAt))
        .limit(50)
      return { calls: rows.map(({ kind, ...r }) => ({ ...r, dispositions: dispositionsFor(r.campaignId ? kind : 'inbound') })) }
    },
  )
}
