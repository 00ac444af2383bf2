/**
 * The console's buttons on the conversation going on (src/lines/call-control.ts), for the
 * agent the logged-in user works as, and the wallboard's listen / whisper / barge for
 * supervisors, who are called on their own agent's phone.
 *
 *   POST /operator/hold        { hold }   the customer hears music (or comes back)
 *   POST /operator/hangup      {}         the customer is hung up; an open line stays open
 *   GET  /operator/talk                    the conversation the agent is in, or 404
 *   POST /supervisor/monitor   { agent, mode: listen|whisper|barge }
 *   POST /supervisor/monitor/stop {}
 */
import { eq } from 'drizzle-orm'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { App } from '../app.js'
import { DESK } from '../auth/access.js'
import { agents } from '../db/schema/index.js'
import { MONITOR_MODES, type ControlError } from '../lines/call-control.js'
import { answerNoQueues, sendError } from './errors.js'
import { errors, looseObject } from './schemas.js'

const STATUS: Record<ControlError['error'], number> = { 'no-call': 404, 'no-phone': 409, 'switch-refused': 409, 'switch-unavailable': 503 }
const SUPERVISOR_ONLY = ['supervisor'] as const

function answer<T extends object>(reply: FastifyReply, r: T | ControlError): T | FastifyReply {
  return 'error' in r ? sendError(reply, STATUS[r.error], r.error, r.message) : r
}

export async function operatorCallRoutes(server: FastifyInstance, { app }: { app: App }): Promise<void> {
  const queues = app.queues
  if (!queues) {
    for (const path of ['/operator/hold', '/operator/hangup', '/operator/talk']) answerNoQueues(server, path, DESK)
    answerNoQueues(server, '/supervisor/monitor', SUPERVISOR_ONLY)
    return
  }
  const { control } = queues

  // Every route here acts for the user's own agent.
  server.addHook('preHandler', async (req, reply) => {
    // Admitted, but with no phone to act on: a state to fix, not a refusal.
    if (!req.user?.agentId) return sendError(reply, 409, 'no-agent', 'your user is linked to no agent: ask an administrator to link it (People)')
  })

  server.post<{ Body: { hold: boolean } }>(
    '/operator/hold',
    {
      config: { access: DESK },
      schema: {
        summary: 'Put the customer your agent talks to on hold (they hear music), or take them off it',
        body: { type: 'object', required: ['hold'], additionalProperties: false, properties: { hold: { type: 'boolean' } } },
        response: { 200: looseObject({ hold: { type: 'boolean' }, call: { type: 'string' } }), ...errors(404, 409, 503) },
      },
    },
    async (req, reply) => answer(reply, await control.hold(req.user!.agentId!, req.body.hold)),
  )

  server.post(
    '/operator/hangup',
    {
      config: { access: DESK },
      schema: {
        summary: 'Hang up the customer your agent talks to (an always-connected line stays open)',
        response: { 200: looseObject({ call: { type: 'string' } }), ...errors(404, 409, 503) },
      },
    },
    async (req, reply) => answer(reply, await control.hangup(req.user!.agentId!)),
  )

  server.get(
    '/operator/talk',
    {
      config: { access: DESK },
      schema: {
        summary: 'The conversation your agent is in: the customer’s call, since when, whether in the open line',
        response: { 200: looseObject({ call: { type: 'string' }, since: { type: 'number' }, line: { type: 'boolean' } }), ...errors(404, 409) },
      },
    },
    async (req, reply) => {
      const talk = await control.talkOf(req.user!.agentId!)
      if ('error' in talk) return answer(reply, talk)
      return { call: talk.call, since: talk.since, line: talk.room !== '' }
    },
  )

  server.post<{ Body: { agent: string; mode: (typeof MONITOR_MODES)[number] } }>(
    '/supervisor/monitor',
    {
      config: { access: SUPERVISOR_ONLY },
      schema: {
        summary: 'Listen to, whisper to (the customer does not hear) or barge into an agent’s conversation, on your own phone',
        description: 'Your phone (your agent’s softphone) is called and answers by itself; calling again with another mode changes it at once. Each change is logged beside the call register (table supervision).',
        body: {
          type: 'object',
          required: ['agent', 'mode'],
          additionalProperties: false,
          properties: { agent: { type: 'string', minLength: 1, maxLength: 64 }, mode: { type: 'string', enum: [...MONITOR_MODES] } },
        },
        response: { 200: looseObject({ call: { type: 'string' }, mode: { type: 'string' }, leg: { type: 'string' } }), ...errors(404, 409, 503) },
      },
    },
    async (req, reply) => {
      const who = req.user!
      if (req.body.agent === who.agentId) return sendError(reply, 409, 'own-call', 'you cannot listen to your own conversation')
      const [me] = await app.database.db.select({ endpoint: agents.endpoint, active: agents.active }).from(agents).where(eq(agents.id, who.agentId!))
      if (!me?.active) return sendError(reply, 409, 'no-agent', `your agent '${who.agentId}' is not active`)
      return answer(reply, await control.monitor({ agent: who.agentId!, endpoint: me.endpoint, username: who.username }, req.body.agent, req.body.mode))
    },
  )

  server.post(
    '/supervisor/monitor/stop',
    { config: { access: SUPERVISOR_ONLY }, schema: { summary: 'Stop listening (your phone is hung up)', response: { 200: looseObject({ stopped: { type: 'boolean' } }) } } },
    async (req) => control.stop(req.user!.agentId!, req.user!.username),
  )
}
