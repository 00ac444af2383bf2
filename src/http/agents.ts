/**
 * Agents at their desks: log in, pause with a reason, resume, log out; and their live
 * figures. Answers with the agent's snapshot and the day's figures after every action.
 * Supervisors and admins act for and see any agent; an operator only their own (GET /agents
 * lists just them).
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { App } from '../app.js'
import { actsFor, DESK } from '../auth/access.js'
import { isDeskError, type DeskError } from '../queue/agent-desk.js'
import { FigureReader, type AgentFigures } from '../queue/figures.js'
import type { AgentSnapshot } from '../queue/store.js'
import { answerNoQueues, sendDeskError, sendError } from './errors.js'
import { errors, looseObject } from './schemas.js'

const params = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 100 } },
} as const

const pauseBody = {
  type: 'object',
  required: ['reason'],
  properties: { reason: { type: 'string', minLength: 1, maxLength: 100 } },
} as const

const agentFigures = looseObject(
  {
    id: { type: 'string' },
    name: { type: 'string' },
    state: { type: 'string', enum: ['logged-out', 'available', 'ringing', 'in-call', 'wrap-up', 'paused'] },
    reason: { type: 'string' },
    since: { type: 'number', description: 'ms since the epoch' },
    queues: { type: 'array', items: { type: 'string' } },
    today: looseObject({ calls: { type: 'integer' }, talkMs: { type: 'number' }, idleMs: { type: 'number' }, missed: { type: 'integer' } }),
  },
  "The agent's state and the day's figures",
)

type ById = { Params: { id: string } }

export async function agentRoutes(server: FastifyInstance, { app }: { app: App }): Promise<void> {
  const queues = app.queues
  if (!queues) return answerNoQueues(server, '/agents', DESK)
  const { desk } = queues
  const figures = new FigureReader(queues.store, queues.settings, app.clock)
  const answer = async (reply: FastifyReply, result: AgentSnapshot | DeskError): Promise<AgentFigures | FastifyReply> =>
    isDeskError(result) ? sendDeskError(reply, result) : figures.of(result)
  const config = { access: DESK }

  // An operator's own agent only: refused before the body is read.
  server.addHook('onRequest', async (req, reply) => {
    const id = (req.params as { id?: string }).id
    if (id !== undefined && req.user && !actsFor(req.user, id)) return sendError(reply, 403, 'not-your-agent', `you act only as agent '${req.user.agentId ?? 'none'}'`)
  })

  server.get('/agents', { config, schema: { summary: 'Agents with live figures (an operator: only their own)', response: { 200: looseObject({ agents: { type: 'array', items: agentFigures } }) } } }, async (req) => {
    const all = await figures.agents()
    const who = req.user!
    return { agents: who.role === 'operator' ? all.filter((a) => a.id === who.agentId) : all }
  })

  server.get<ById>('/agents/:id', { config, schema: { summary: "An agent's state and the day's figures", params, response: { 200: agentFigures, ...errors(404) } } }, async (req, reply) => {
    const agent = await figures.agent(req.params.id)
    return agent ?? sendError(reply, 404, 'unknown-agent', `no agent '${req.params.id}' has logged in`)
  })

  const action = (verb: 'login' | 'logout' | 'resume', summary: string): void => {
    server.post<ById>(`/agents/:id/${verb}`, { config, schema: { summary, params, response: { 200: agentFigures, ...errors(404, 409) } } }, async (req, reply) => answer(reply, await desk[verb](req.params.id)))
  }
  action('login', 'The agent logs in to their queues')
  action('logout', 'The agent logs out')
  action('resume', 'The agent is back from a pause')

  server.post<ById & { Body: { reason: string } }>(
    '/agents/:id/pause',
    {
      config,
      schema: { summary: 'The agent pauses, with a reason', params, body: pauseBody, response: { 200: agentFigures, ...errors(400, 404, 409) } },
      // No body at all is a missing reason: say that, not "body must be object".
      preValidation: async (req) => {
        if (req.body === undefined) req.body = {} as typeof req.body
      },
    },
    async (req, reply) => {
      const reason = req.body.reason.trim()
      if (!reason) return sendError(reply, 400, 'bad-request', 'body/reason must not be blank')
      return answer(reply, await desk.pause(req.params.id, reason))
    },
  )
}
