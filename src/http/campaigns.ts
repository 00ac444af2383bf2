/**
 * Campaigns for their managers: create one with its settings, start, pause, resume, stop,
 * watch its figures, export survey answers; and the operator's disposition of a call.
 */
import { and, eq } from 'drizzle-orm'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { App } from '../app.js'
import { isCampaignError, type CampaignError } from '../campaigns/campaigns.js'
import { attempts, contacts, CAMPAIGN_KINDS, type CampaignStatus } from '../db/schema/index.js'
import { isPreviewError, type PreviewError } from '../dialer/preview.js'
import { sendError } from './errors.js'

const byId = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const
const createBody = {
  type: 'object',
  required: ['name', 'kind'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    kind: { type: 'string', enum: [...CAMPAIGN_KINDS] },
    settings: { type: 'object' },
  },
} as const
const dispositionBody = {
  type: 'object',
  required: ['disposition'],
  additionalProperties: false,
  properties: { disposition: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,39}$' }, agent: { type: 'string', minLength: 1, maxLength: 100 } },
} as const

const STATUS_OF_ERROR: Record<CampaignError['error'], number> = { 'unknown-campaign': 404, 'bad-settings': 400, 'bad-kind': 400, 'bad-transition': 409 }

type ById = { Params: { id: number } }

export async function campaignRoutes(server: FastifyInstance, { app }: { app: App }): Promise<void> {
  const dialer = app.dialer
  if (!dialer) {
    const off = (_req: unknown, reply: FastifyReply): FastifyReply => sendError(reply, 503, 'no-dialer', 'this app runs no dialer (it was started without campaign scripts)')
    server.all('/campaigns', off)
    server.all('/campaigns/*', off)
    return
  }
  const { campaigns } = dialer
  const now = (): Date => new Date(app.clock.now())
  const fail = (reply: FastifyReply, e: CampaignError): FastifyReply => sendError(reply, STATUS_OF_ERROR[e.error], e.error, e.message)

  server.get('/campaigns', async () => ({ campaigns: await campaigns.list() }))

  server.post<{ Body: { name: string; kind: string; settings?: Record<string, unknown> } }>('/campaigns', { schema: { body: createBody } }, async (req, reply) => {
    const r = await campaigns.create(req.body)
    return isCampaignError(r) ? fail(reply, r) : reply.code(201).send(r)
  })

  server.get<ById>('/campaigns/:id', { schema: { params: byId } }, async (req, reply) => {
    const f = await campaigns.figures(req.params.id, now())
    return f ?? sendError(reply, 404, 'unknown-campaign', `there is no campaign ${req.params.id}`)
  })

  const transition = (path: string, status: CampaignStatus): void => {
    server.post<ById>(`/campaigns/:id/${path}`, { schema: { params: byId } }, async (req, reply) => {
      const r = await campaigns.setStatus(req.params.id, status, now())
      if (isCampaignError(r)) return fail(reply, r)
      if (status === 'running') dialer.kick(r.id)
      return r
    })
  }
  transition('start', 'running')
  transition('resume', 'running')
  transition('pause', 'paused')
  transition('stop', 'stopped')

  server.get<ById>('/campaigns/:id/survey.csv', { schema: { params: byId } }, async (req, reply) => {
    if (!(await campaigns.get(req.params.id))) return sendError(reply, 404, 'unknown-campaign', `there is no campaign ${req.params.id}`)
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="campaign-${req.params.id}-survey.csv"`)
      .send(await campaigns.surveyCsv(req.params.id))
  })

  // Preview: the operator takes the next contact's card, then calls it or passes.
  const agentBody = { type: 'object', required: ['agent'], additionalProperties: false, properties: { agent: { type: 'string', minLength: 1, maxLength: 100 } } } as const
  const PREVIEW_STATUS: Record<string, number> = { 'unknown-campaign': 404, 'unknown-agent': 404, 'unknown-attempt': 404, 'nothing-due': 409, 'agent-busy': 409, 'not-preview': 409, 'not-running': 409, 'agent-unreachable': 502 }
  const preview = app.preview!
  const answer = <T extends object>(reply: FastifyReply, r: T | PreviewError): T | FastifyReply => (isPreviewError(r) ? sendError(reply, PREVIEW_STATUS[r.error] ?? 400, r.error, r.message) : r)
  server.post<ById & { Body: { agent: string } }>('/campaigns/:id/preview', { schema: { params: byId, body: agentBody } }, async (req, reply) => answer(reply, await preview.next(req.params.id, req.body.agent)))
  server.post<ById & { Body: { agent: string } }>('/attempts/:id/dial', { schema: { params: byId, body: agentBody } }, async (req, reply) => answer(reply, await preview.dial(req.params.id, req.body.agent)))
  server.post<ById & { Body: { agent: string } }>('/attempts/:id/skip', { schema: { params: byId, body: agentBody } }, async (req, reply) => answer(reply, await preview.skip(req.params.id, req.body.agent)))

  // The operator's word on a call they took: kept on the attempt and the contact.
  server.post<ById & { Body: { disposition: string; agent?: string } }>('/attempts/:id/disposition', { schema: { params: byId, body: dispositionBody } }, async (req, reply) => {
    const { disposition, agent } = req.body
    const where = agent ? and(eq(attempts.id, req.params.id), eq(attempts.agentId, agent)) : eq(attempts.id, req.params.id)
    const [a] = await app.database.db.update(attempts).set({ disposition }).where(where).returning({ contactId: attempts.contactId })
    if (!a) return sendError(reply, 404, 'unknown-attempt', agent ? `attempt ${req.params.id} was not taken by agent '${agent}'` : `there is no attempt ${req.params.id}`)
    await app.database.db.update(contacts).set({ disposition, updatedAt: now() }).where(eq(contacts.id, a.contactId))
    return { attempt: req.params.id, disposition }
  })
}
