/**
 * Campaigns for their managers: create one with its settings (checked against the queues,
 * agents and scripts), edit, start, pause, resume, stop, archive, watch its figures and why it
 * cannot dial (exports: exports.ts). Campaign managers and admins change them;
 * supervisors read. (The operator's side, preview and dispositions, is attempts.ts.)
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { App } from '../app.js'
import { CAMPAIGN_READERS, CAMPAIGN_WRITERS } from '../auth/access.js'
import { isCampaignError, type CampaignError } from '../campaigns/campaigns.js'
import { CAMPAIGN_KINDS, CAMPAIGN_STATUSES, type CampaignStatus } from '../db/schema/index.js'
import { sendError } from './errors.js'
import { errors, idParams, looseObject } from './schemas.js'

const createBody = {
  type: 'object',
  required: ['name', 'kind'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    kind: { type: 'string', enum: [...CAMPAIGN_KINDS] },
    settings: { type: 'object', description: 'see docs/CAMPAIGNS.md: window, attempts, retries, lines, mode, script ...' },
  },
} as const

const patchBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    settings: { type: 'object', description: 'the settings to change, as at creation; null takes one back to its default' },
  },
} as const

export const campaignSchema = looseObject(
  {
    id: { type: 'integer' },
    name: { type: 'string' },
    kind: { type: 'string', enum: [...CAMPAIGN_KINDS] },
    status: { type: 'string', enum: [...CAMPAIGN_STATUSES] },
    settings: looseObject(),
    startedAt: { type: ['string', 'null'], format: 'date-time' },
    endedAt: { type: ['string', 'null'], format: 'date-time' },
    blockedReason: { type: ['string', 'null'], description: 'why a running campaign makes no calls now' },
  },
  'A campaign',
)

const figures = looseObject(
  {
    campaign: campaignSchema,
    contacts: looseObject({ total: { type: 'integer' }, done: { type: 'integer' }, pending: { type: 'integer' }, byStatus: looseObject() }),
    attempts: looseObject({ total: { type: 'integer' }, byOutcome: looseObject() }),
    answerRate: { type: ['number', 'null'] },
    abandonRate: { type: ['number', 'null'] },
    abandonRateToday: { type: ['number', 'null'] },
    operatorTalkMs: { type: 'number' },
    blockedReason: { type: ['string', 'null'], description: 'why a running campaign makes no calls now: no operators logged in, window closed until ...' },
  },
  "A campaign's live figures",
)

const STATUS_OF_ERROR: Record<CampaignError['error'], number> = { 'unknown-campaign': 404, 'bad-settings': 400, 'bad-kind': 400, 'bad-transition': 409 }

type ById = { Params: { id: number } }

export async function campaignRoutes(server: FastifyInstance, { app }: { app: App }): Promise<void> {
  const dialer = app.dialer
  if (!dialer) {
    const off = (_req: unknown, reply: FastifyReply): FastifyReply => sendError(reply, 503, 'no-dialer', 'this app runs no dialer (it was started without campaign scripts)')
    const options = { config: { access: 'authenticated' as const }, schema: { hide: true } }
    server.all('/campaigns', options, off)
    server.all('/campaigns/*', options, off)
    return
  }
  const { campaigns } = dialer
  const now = (): Date => new Date(app.clock.now())
  const fail = (reply: FastifyReply, e: CampaignError): FastifyReply => sendError(reply, STATUS_OF_ERROR[e.error], e.error, e.message)
  const read = { access: CAMPAIGN_READERS }
  const write = { access: CAMPAIGN_WRITERS }

  server.get<{ Querystring: { archived?: boolean } }>(
    '/campaigns',
    {
      config: read,
      schema: {
        summary: 'Every campaign (archived ones with ?archived=true), each running one with why it cannot dial, if it cannot',
        querystring: { type: 'object', additionalProperties: false, properties: { archived: { type: 'boolean', default: false } } },
        response: { 200: looseObject({ campaigns: { type: 'array', items: campaignSchema } }) },
      },
    },
    async (req) => {
      const list = await campaigns.list({ archived: req.query.archived })
      return { campaigns: await Promise.all(list.map(async (c) => ({ ...c, blockedReason: await campaigns.blockedReason(c, now()) }))) }
    },
  )

  server.patch<ById & { Body: { name?: string; settings?: Record<string, unknown> } }>(
    '/campaigns/:id',
    { config: write, schema: { summary: 'Edit a campaign: its name, and the settings named (null: back to the default), checked as at creation', params: idParams, body: patchBody, response: { 200: campaignSchema, ...errors(400, 404, 409) } } },
    async (req, reply) => {
      const r = await campaigns.update(req.params.id, req.body)
      if (isCampaignError(r)) return fail(reply, r)
      // A running campaign dials by its new settings from its next look.
      if (r.status === 'running') dialer.kick(r.id)
      return r
    },
  )

  server.post<{ Body: { name: string; kind: string; settings?: Record<string, unknown> } }>(
    '/campaigns',
    { config: write, schema: { summary: 'Create a campaign (draft)', body: createBody, response: { 201: campaignSchema, ...errors(400) } } },
    async (req, reply) => {
      const r = await campaigns.create(req.body)
      return isCampaignError(r) ? fail(reply, r) : reply.code(201).send(r)
    },
  )

  server.get<ById>('/campaigns/:id', { config: read, schema: { summary: 'A campaign with its live figures', params: idParams, response: { 200: figures, ...errors(404) } } }, async (req, reply) => {
    const f = await campaigns.figures(req.params.id, now())
    return f ?? sendError(reply, 404, 'unknown-campaign', `there is no campaign ${req.params.id}`)
  })

  const transition = (path: string, status: CampaignStatus, summary: string): void => {
    server.post<ById>(`/campaigns/:id/${path}`, { config: write, schema: { summary, params: idParams, response: { 200: campaignSchema, ...errors(400, 404, 409) } } }, async (req, reply) => {
      const r = await campaigns.setStatus(req.params.id, status, now())
      if (isCampaignError(r)) return fail(reply, r)
      if (status === 'running') dialer.kick(r.id)
      return r
    })
  }
  transition('start', 'running', 'Start dialing')
  transition('resume', 'running', 'Resume a paused campaign')
  transition('pause', 'paused', 'Pause: no new calls until resumed')
  transition('stop', 'stopped', 'Stop for good')
  transition('archive', 'archived', 'Archive a campaign that is not running: hidden from the list, its history kept')
}
