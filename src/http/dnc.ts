/**
 * The do-not-call lists: global (/dnc) and a campaign's own (/campaigns/:id/dnc). GET lists
 * the entries, or with ?phone= says whether that number is blocked there; POST {phone, reason}
 * adds (201, or 200 when the number was there: its reason is updated); DELETE {phone} removes.
 * Numbers are normalised to E.164 like the list loader does.
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { App } from '../app.js'
import { addDoNotCall, checkDoNotCall, GLOBAL, InvalidNumberError, listDoNotCall, removeDoNotCall, UnknownCampaignError, type DncScope } from '../lists/index.js'
import { CAMPAIGN_READERS, CAMPAIGN_WRITERS } from '../auth/access.js'
import { sendError } from './errors.js'
import { errors, idParams } from './schemas.js'

const listQuery = {
  type: 'object',
  properties: {
    phone: { type: 'string', minLength: 1, maxLength: 100 },
    offset: { type: 'integer', minimum: 0, default: 0 },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  },
} as const

const addBody = {
  type: 'object',
  required: ['phone'],
  additionalProperties: false,
  properties: { phone: { type: 'string', minLength: 1, maxLength: 100 }, reason: { type: 'string', maxLength: 500 } },
} as const

const removeBody = {
  type: 'object',
  additionalProperties: false,
  properties: { phone: { type: 'string', minLength: 1, maxLength: 100 } },
} as const

const removeQuery = {
  type: 'object',
  properties: { phone: { type: 'string', minLength: 1, maxLength: 100 } },
} as const

type ListQuery = { Querystring: { phone?: string; offset: number; limit: number } }
type AddBody = { Body: { phone: string; reason?: string } }
type RemoveRequest = { Body: { phone?: string } | undefined; Querystring: { phone?: string } }

export async function dncRoutes(server: FastifyInstance, { app }: { app: App }): Promise<void> {
  const { db } = app.database
  const scopeOf = (campaignId: number): DncScope => ({ campaignId, defaultCountry: app.config.defaultCountry })

  const failed = (reply: FastifyReply, err: unknown): FastifyReply => {
    if (err instanceof InvalidNumberError) return sendError(reply, 400, 'invalid-number', err.message)
    if (err instanceof UnknownCampaignError) return sendError(reply, 404, 'unknown-campaign', err.message)
    throw err
  }

  const list = async (campaignId: number, query: ListQuery['Querystring'], reply: FastifyReply): Promise<unknown> => {
    try {
      if (query.phone !== undefined) return await checkDoNotCall(db, query.phone, scopeOf(campaignId))
      return { campaignId, offset: query.offset, limit: query.limit, ...(await listDoNotCall(db, { campaignId, offset: query.offset, limit: query.limit })) }
    } catch (err) {
      return failed(reply, err)
    }
  }
  const add = async (campaignId: number, body: AddBody['Body'], reply: FastifyReply): Promise<unknown> => {
    try {
      const { entry, created, contactsMarked } = await addDoNotCall(db, body, scopeOf(campaignId))
      return reply.code(created ? 201 : 200).send({ ...entry, contactsMarked })
    } catch (err) {
      return failed(reply, err)
    }
  }

  const remove = async (campaignId: number, req: { body: RemoveRequest['Body']; query: RemoveRequest['Querystring'] }, reply: FastifyReply): Promise<unknown> => {
    const phone = req.body?.phone ?? req.query.phone
    if (!phone) return sendError(reply, 400, 'bad-request', 'say which number: body {"phone": "..."} or ?phone=')
    try {
      const { removed, contactsRestored } = await removeDoNotCall(db, { phone }, scopeOf(campaignId))
      if (!removed) return sendError(reply, 404, 'not-listed', `${phone} is not on the ${campaignId === GLOBAL ? 'global' : `campaign ${campaignId}`} do-not-call list`)
      return { phone, campaignId, removed, contactsRestored }
    } catch (err) {
      return failed(reply, err)
    }
  }

  // DELETE ?phone= comes without a body: that is an empty one, not "body must be object".
  const noBody = async (req: { body: unknown }): Promise<void> => {
    if (req.body === undefined) req.body = {}
  }

  const read = { access: CAMPAIGN_READERS }
  const write = { access: CAMPAIGN_WRITERS }
  const listSummary = 'The entries, or with ?phone= whether that number is blocked here'
  const addSummary = 'Add a number (200 when it was there: its reason is updated)'
  const removeSummary = 'Remove a number: body {"phone"} or ?phone='

  server.get<ListQuery>('/dnc', { config: read, schema: { summary: `Global do-not-call list. ${listSummary}`, querystring: listQuery, response: errors(400) } }, (req, reply) => list(GLOBAL, req.query, reply))
  server.post<AddBody>('/dnc', { config: write, schema: { summary: `Global do-not-call list. ${addSummary}`, body: addBody, response: errors(400) } }, (req, reply) => add(GLOBAL, req.body, reply))
  server.delete<RemoveRequest>('/dnc', { config: write, schema: { summary: `Global do-not-call list. ${removeSummary}`, body: removeBody, querystring: removeQuery, response: errors(400, 404) }, preValidation: noBody }, (req, reply) => remove(GLOBAL, req, reply))

  server.get<{ Params: { id: number } } & ListQuery>('/campaigns/:id/dnc', { config: read, schema: { summary: `A campaign's do-not-call list. ${listSummary}`, params: idParams, querystring: listQuery, response: errors(400, 404) } }, (req, reply) => list(req.params.id, req.query, reply))
  server.post<{ Params: { id: number } } & AddBody>('/campaigns/:id/dnc', { config: write, schema: { summary: `A campaign's do-not-call list. ${addSummary}`, params: idParams, body: addBody, response: errors(400, 404) } }, (req, reply) => add(req.params.id, req.body, reply))
  server.delete<{ Params: { id: number } } & RemoveRequest>(
    '/campaigns/:id/dnc',
    { config: write, schema: { summary: `A campaign's do-not-call list. ${removeSummary}`, params: idParams, body: removeBody, querystring: removeQuery, response: errors(400, 404) }, preValidation: noBody },
    (req, reply) => remove(req.params.id, req, reply),
  )
}
