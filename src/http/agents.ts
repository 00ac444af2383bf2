/**
 * Agents at their desks: log in, pause with a reason, resume, log out; and their live
 * figures. Answers with the agent's snapshot and the day's figures after every action.
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { App } from '../app.js'
import { isDeskError, type DeskError } from '../queue/agent-desk.js'
import { FigureReader, type AgentFigures } from '../queue/figures.js'
import type { AgentSnapshot } from '../queue/store.js'
import { answerNoQueues, sendDeskError, sendError } from './errors.js'

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

type ById = { Params: { id: string } }

export async function agentRoutes(server: FastifyInstance, { app }: { app: App }): Promise<void> {
  const queues = app.queues
  if (!queues) return answerNoQueues(server, '/agents')
  const { desk } = queues
  const figures = new FigureReader(queues.store, queues.settings, app.clock)
  const answer = async (reply: FastifyReply, result: AgentSnapshot | DeskError): Promise<AgentFigures | FastifyReply> =>
    isDeskError(result) ? sendDeskError(reply, result) : figures.of(result)

  server.get('/agents', async () => ({ agents: await figures.agents() }))

  server.get<ById>('/agents/:id', { schema: { params } }, async (req, reply) => {
    const agent = await figures.agent(req.params.id)
    return agent ?? sendError(reply, 404, 'unknown-agent', `no agent '${req.params.id}' has logged in`)
  })

  server.post<ById>('/agents/:id/login', { schema: { params } }, async (req, reply) => answer(reply, await desk.login(req.params.id)))
  server.post<ById>('/agents/:id/logout', { schema: { params } }, async (req, reply) => answer(reply, await desk.logout(req.params.id)))
  server.post<ById>('/agents/:id/resume', { schema: { params } }, async (req, reply) => answer(reply, await desk.resume(req.params.id)))

  server.post<ById & { Body: { reason: string } }>(
    '/agents/:id/pause',
    {
      schema: { params, body: pauseBody },
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
