/**
 * Dial lists: upload a CSV file into a campaign (the raw body, streamed into the loader as it
 * arrives), follow a load while it runs, read its report of rejected rows. Campaign
 * managers and admins upload; supervisors read too.
 */
import { finished, Transform, type Readable, type TransformCallback } from 'node:stream'
import { desc, eq } from 'drizzle-orm'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { App } from '../app.js'
import { campaigns, contactLists } from '../db/schema/index.js'
import { CsvFileError, ListLoadError, loadList, MappingError, NeedsPostgresError, UnknownCampaignError } from '../lists/index.js'
import { CAMPAIGN_READERS, CAMPAIGN_WRITERS } from '../auth/access.js'
import { sendError } from './errors.js'
import { rejectionsPage } from './rejections.js'
import { errors, idParams, looseObject } from './schemas.js'

/** The largest upload taken (the body is streamed, never held whole). */
export const MAX_UPLOAD_BYTES = 2 * 1024 * 1024 * 1024

export const CSV_TYPES = ['text/csv', 'application/csv']

const uploadQuery = {
  type: 'object',
  required: ['name', 'mapping'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    mapping: { type: 'string', minLength: 2, maxLength: 10_000 },
    // The file's character encoding; found from the bytes when not given (GET /lists/:id says which was read).
    encoding: { type: 'string', minLength: 1, maxLength: 40 },
  },
} as const

const pageQuery = {
  type: 'object',
  properties: { offset: { type: 'integer', minimum: 0, default: 0 }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
} as const

type ById = { Params: { id: number } }

export class UploadTooLarge extends Error {
  override readonly name = 'UploadTooLarge'
}

/** Passes bytes through until there are more than `limit`. */
export class ByteLimit extends Transform {
  private seen = 0
  constructor(private readonly limit: number) {
    super()
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length
    if (this.seen > this.limit) callback(new UploadTooLarge(`the upload is bigger than ${this.limit} bytes`))
    else callback(null, chunk)
  }
}

/** An answer before the whole body was read: close the connection rather than read the rest. */
export function closeIfUnread(req: FastifyRequest, reply: FastifyReply): void {
  if (!req.raw.complete) reply.header('connection', 'close')
}

/**
 * A list loaded into a campaign that had finished (started empty, or every contact done) is
 * dialled: the campaign runs again. Returns the campaign's status after the load.
 */
async function reopenIfDone(app: App, campaignId: number, accepted: number): Promise<string | undefined> {
  const dialer = app.dialer
  if (dialer && accepted > 0 && (await dialer.campaigns.reopen(campaignId))) dialer.kick(campaignId)
  const [c] = await app.database.db.select({ status: campaigns.status }).from(campaigns).where(eq(campaigns.id, campaignId))
  return c?.status
}

export async function listRoutes(server: FastifyInstance, { app }: { app: App }): Promise<void> {
  const { database } = app
  const { db } = database

  // The body stays a stream: the loader reads it as it arrives.
  server.addContentTypeParser(CSV_TYPES, (_req, payload, done) => done(null, payload))

  server.post<ById & { Querystring: { name: string; mapping: string; encoding?: string } }>(
    '/campaigns/:id/lists',
    {
      config: { access: CAMPAIGN_WRITERS },
      bodyLimit: MAX_UPLOAD_BYTES,
      schema: {
        summary: 'Upload a dial list: the CSV file as the body (Content-Type text/csv), streamed into the loader',
        params: idParams,
        querystring: uploadQuery,
        response: { 201: looseObject({}, 'the list with its totals'), ...errors(400, 404, 413, 415, 503) },
      },
    },
    async (req, reply) => {
      const body = req.body as Readable | undefined
      if (!body || typeof body.pipe !== 'function') {
        closeIfUnread(req, reply)
        return sendError(reply, 415, 'unsupported-media-type', `send the file as the request body with Content-Type ${CSV_TYPES.join(' or ')}`)
      }
      if (Number(req.headers['content-length'] ?? 0) > MAX_UPLOAD_BYTES) {
        closeIfUnread(req, reply)
        return sendError(reply, 413, 'payload-too-large', `the upload is bigger than ${MAX_UPLOAD_BYTES} bytes`)
      }
      const limited = new ByteLimit(MAX_UPLOAD_BYTES)
      // A client that goes away mid-upload (an error, or a close before the end) fails the load.
      finished(body, (err) => {
        if (err) limited.destroy(err)
      })
      body.pipe(limited)
      try {
        const result = await loadList(database, { campaignId: req.params.id, name: req.query.name, mapping: req.query.mapping, encoding: req.query.encoding, source: limited })
        return reply.code(201).send({ ...result, campaignStatus: await reopenIfDone(app, req.params.id, result.accepted) })
      } catch (err) {
        closeIfUnread(req, reply)
        if (err instanceof MappingError) return sendError(reply, 400, 'bad-mapping', err.message)
        if (err instanceof CsvFileError) return sendError(reply, 400, 'bad-file', err.message)
        if (err instanceof UnknownCampaignError) return sendError(reply, 404, 'unknown-campaign', err.message)
        if (err instanceof NeedsPostgresError) return sendError(reply, 503, 'needs-postgres', err.message)
        if (err instanceof ListLoadError) {
          if (err.cause instanceof UploadTooLarge) return sendError(reply, 413, 'payload-too-large', `${err.message}; what was read before is loaded (GET /lists/${err.listId})`)
          req.log.error({ err: err.cause, listId: err.listId }, 'lists: load failed')
          return sendError(reply, 500, 'load-failed', `${err.message}; what was committed before stays (GET /lists/${err.listId})`)
        }
        throw err
      }
    },
  )

  const read = { access: CAMPAIGN_READERS }

  server.get<ById>('/campaigns/:id/lists', { config: read, schema: { summary: "A campaign's dial lists", params: idParams, response: errors(404) } }, async (req, reply) => {
    const [campaign] = await db.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.id, req.params.id))
    if (!campaign) return sendError(reply, 404, 'unknown-campaign', `there is no campaign ${req.params.id}`)
    const lists = await db.select().from(contactLists).where(eq(contactLists.campaignId, req.params.id)).orderBy(desc(contactLists.id))
    return { lists }
  })

  server.get<ById>('/lists/:id', { config: read, schema: { summary: 'A list: status and totals (they grow while it loads)', params: idParams, response: errors(404) } }, async (req, reply) => {
    const [list] = await db.select().from(contactLists).where(eq(contactLists.id, req.params.id))
    return list ?? sendError(reply, 404, 'unknown-list', `there is no list ${req.params.id}`)
  })

  server.get<ById & { Querystring: { offset: number; limit: number } }>('/lists/:id/rejections', { config: read, schema: { summary: "The list's rejected rows: line, reason, excerpt", params: idParams, querystring: pageQuery, response: errors(404) } }, async (req, reply) => {
    const listId = req.params.id
    const [list] = await db.select({ id: contactLists.id }).from(contactLists).where(eq(contactLists.id, listId))
    if (!list) return sendError(reply, 404, 'unknown-list', `there is no list ${listId}`)
    const { offset, limit } = req.query
    const { total, rejections } = await rejectionsPage(db, { list: listId }, offset, limit)
    return { listId, total, offset, limit, rejections }
  })
}
