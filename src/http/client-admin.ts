/**
 * Changing the client directory the IVR reads: create and edit a client, import a CRM export
 * (the CSV file as the raw body, streamed into the importer like a dial list), and follow an
 * import and read its report. Admins and campaign managers write; supervisors read imports.
 */
import { finished, type Readable } from 'node:stream'
import { desc, eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import type { App } from '../app.js'
import { CAMPAIGN_READERS, CAMPAIGN_WRITERS } from '../auth/access.js'
import { ClientImportError, importClients } from '../clients/importer.js'
import { pgErrorCode, UNIQUE_VIOLATION } from '../db/errors.js'
import { clientImports, clients } from '../db/schema/index.js'
import { CsvFileError, MappingError } from '../lists/index.js'
import { campaignCurrency } from '../lists/values.js'
import { checkClient, clientBody, clientSchema, newClientBody, type ClientInput, type ClientValues } from './client-edits.js'
import { sendError } from './errors.js'
import { rejectionsPage } from './rejections.js'
import { ByteLimit, closeIfUnread, CSV_TYPES, MAX_UPLOAD_BYTES, UploadTooLarge } from './lists.js'
import { errors, idParams, looseObject } from './schemas.js'

const importQuery = {
  type: 'object',
  required: ['name', 'mapping'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    mapping: { type: 'string', minLength: 2, maxLength: 10_000, description: 'JSON: {"phone": "<column>", "externalId", "name", "type", "manager", "vip", "language", "balance", "overdueDebt", "currency", "lastOrderDate"}' },
    encoding: { type: 'string', minLength: 1, maxLength: 40 },
  },
} as const

const pageQuery = {
  type: 'object',
  properties: { offset: { type: 'integer', minimum: 0, default: 0 }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
} as const

const importSchema = looseObject(
  {
    id: { type: 'integer' },
    name: { type: 'string' },
    status: { type: 'string', enum: ['loading', 'loaded', 'failed'] },
    rowsRead: { type: 'integer' },
    created: { type: 'integer' },
    updated: { type: 'integer' },
    unchanged: { type: 'integer' },
    rejected: { type: 'integer' },
    error: { type: ['string', 'null'] },
    encoding: { type: ['string', 'null'] },
  },
  'A client import: status and counts (they grow while it loads)',
)

type ById = { Params: { id: number } }

export async function clientAdminRoutes(server: FastifyInstance, { app }: { app: App }): Promise<void> {
  const { database } = app
  const { db } = database
  const country = app.config.defaultCountry
  const write = { access: CAMPAIGN_WRITERS }
  const read = { access: CAMPAIGN_READERS }

  /** A number or external id another client has: 409 naming it. */
  const saved = async (run: () => Promise<unknown>, values: ClientValues): Promise<{ conflict: string } | { row: unknown }> => {
    try {
      return { row: await run() }
    } catch (err) {
      if (pgErrorCode(err) !== UNIQUE_VIOLATION) throw err
      const detail = String((err as { cause?: { constraint?: string }; constraint?: string }).cause?.constraint ?? (err as { constraint?: string }).constraint ?? '')
      return { conflict: detail.includes('external') ? `externalId: "${values.externalId}" is another client's` : `phone: ${values.phone} is another client's number` }
    }
  }

  server.post<{ Body: ClientInput }>(
    '/clients',
    { config: write, schema: { summary: 'Add a client to the directory', body: newClientBody, response: { 201: clientSchema, ...errors(400, 409) } } },
    async (req, reply) => {
      const checked = await checkClient(db, req.body, country, campaignCurrency({ defaultCountry: country }) ?? 'EUR')
      if (!checked.ok) return sendError(reply, 400, 'bad-field', checked.message)
      const values = { currency: campaignCurrency({ defaultCountry: country }) ?? 'EUR', ...checked.values } as typeof clients.$inferInsert
      const r = await saved(async () => (await db.insert(clients).values(values).returning())[0], values)
      if ('conflict' in r) return sendError(reply, 409, 'client-exists', r.conflict)
      return reply.code(201).send(r.row)
    },
  )

  server.patch<ById & { Body: ClientInput }>(
    '/clients/:id',
    { config: write, schema: { summary: "Change a client's values (only those sent)", params: idParams, body: clientBody, response: { 200: clientSchema, ...errors(400, 404, 409) } } },
    async (req, reply) => {
      const [current] = await db.select({ currency: clients.currency }).from(clients).where(eq(clients.id, req.params.id))
      if (!current) return sendError(reply, 404, 'unknown-client', `there is no client ${req.params.id}`)
      const checked = await checkClient(db, req.body, country, current.currency)
      if (!checked.ok) return sendError(reply, 400, 'bad-field', checked.message)
      if (Object.keys(checked.values).length === 0) return (await db.select().from(clients).where(eq(clients.id, req.params.id)))[0]
      const r = await saved(async () => (await db.update(clients).set(checked.values).where(eq(clients.id, req.params.id)).returning())[0], checked.values)
      if ('conflict' in r) return sendError(reply, 409, 'client-exists', r.conflict)
      return r.row ?? sendError(reply, 404, 'unknown-client', `there is no client ${req.params.id}`)
    },
  )

  // The body stays a stream: the importer reads it as it arrives.
  server.addContentTypeParser(CSV_TYPES, (_req, payload, done) => done(null, payload))

  server.post<{ Querystring: { name: string; mapping: string; encoding?: string } }>(
    '/clients/import',
    {
      config: write,
      bodyLimit: MAX_UPLOAD_BYTES,
      schema: {
        summary: 'Import clients from a CRM export: the CSV file as the body (Content-Type text/csv); rows match clients by external id, then number',
        querystring: importQuery,
        response: { 201: looseObject({}, 'the import with its counts'), ...errors(400, 413, 415) },
      },
    },
    async (req, reply) => {
      const body = req.body as Readable | undefined
      if (!body || typeof body.pipe !== 'function') {
        closeIfUnread(req, reply)
        return sendError(reply, 415, 'unsupported-media-type', `send the file as the request body with Content-Type ${CSV_TYPES.join(' or ')}`)
      }
      const limited = new ByteLimit(MAX_UPLOAD_BYTES)
      finished(body, (err) => {
        if (err) limited.destroy(err)
      })
      body.pipe(limited)
      try {
        const result = await importClients(database, { name: req.query.name, mapping: req.query.mapping, encoding: req.query.encoding, source: limited, defaultCountry: country, createdBy: req.user?.username })
        return reply.code(201).send(result)
      } catch (err) {
        closeIfUnread(req, reply)
        if (err instanceof MappingError) return sendError(reply, 400, 'bad-mapping', err.message)
        if (err instanceof CsvFileError) return sendError(reply, 400, 'bad-file', err.message)
        if (err instanceof ClientImportError) {
          if (err.cause instanceof UploadTooLarge) return sendError(reply, 413, 'payload-too-large', `${err.message}; what was read before is loaded (GET /client-imports/${err.importId})`)
          req.log.error({ err: err.cause, importId: err.importId }, 'clients: import failed')
          return sendError(reply, 500, 'import-failed', `${err.message}; what was committed before stays (GET /client-imports/${err.importId})`)
        }
        throw err
      }
    },
  )

  server.get('/client-imports', { config: read, schema: { summary: 'The latest client imports, newest first (one loading shows its counts growing)', response: { 200: looseObject({ imports: { type: 'array', items: importSchema } }) } } }, async () => ({
    imports: await db.select().from(clientImports).orderBy(desc(clientImports.id)).limit(20),
  }))

  server.get<ById>('/client-imports/:id', { config: read, schema: { summary: 'A client import: status and counts', params: idParams, response: { 200: importSchema, ...errors(404) } } }, async (req, reply) => {
    const [row] = await db.select().from(clientImports).where(eq(clientImports.id, req.params.id))
    return row ?? sendError(reply, 404, 'unknown-import', `there is no client import ${req.params.id}`)
  })

  server.get<ById & { Querystring: { offset: number; limit: number } }>(
    '/client-imports/:id/rejections',
    { config: read, schema: { summary: "The import's rejected rows: line, reason, excerpt", params: idParams, querystring: pageQuery, response: errors(404) } },
    async (req, reply) => {
      const importId = req.params.id
      const [row] = await db.select({ id: clientImports.id }).from(clientImports).where(eq(clientImports.id, importId))
      if (!row) return sendError(reply, 404, 'unknown-import', `there is no client import ${importId}`)
      const { offset, limit } = req.query
      const { total, rejections } = await rejectionsPage(db, { clientImport: importId }, offset, limit)
      return { importId, total, offset, limit, rejections }
    },
  )
}
