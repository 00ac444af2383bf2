/**
 * The HTTP API of one app instance. Each area is a fastify plugin of its own (encapsulated:
 * its hooks and state stay inside); access control (authenticate.ts) and the OpenAPI
 * document (docs.ts) span them all. Errors answer { error, message } everywhere: bad JSON
 * and wrong types 400 (naming the field), bodies over the limit 413, unknown routes 404.
 */
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify'
import type { App } from '../app.js'
import { agentRoutes } from './agents.js'
import { operatorCallRoutes } from './operator-calls.js'
import { operatorTransferRoutes } from './operator-transfer.js'
import { agentAdminRoutes } from './agents-admin.js'
import { attemptRoutes } from './attempts.js'
import { authRoutes } from './auth.js'
import { authParts, installAccessControl } from './authenticate.js'
import { callRoutes } from './calls.js'
import { callReasonRoutes } from './call-reasons.js'
import { reportRoutes } from './reports.js'
import { softphoneRoutes } from './softphone.js'
import { vendorRoutes } from '../web/vendor.js'
import { campaignRoutes } from './campaigns.js'
import { clientRoutes } from './clients.js'
import { clientAdminRoutes } from './client-admin.js'
import { dncRoutes } from './dnc.js'
import { registerDocs } from './docs.js'
import { pgErrorCode } from '../db/errors.js'
import { sendError, statusSlug } from './errors.js'
import { exportRoutes } from './exports.js'
import { flowRoutes } from './flows.js'
import { healthRoutes } from './health.js'
import { listRoutes } from './lists.js'
import { metricsRoutes } from './metrics.js'
import { queueRoutes } from './queues.js'
import { queueSettingsRoutes } from './queue-settings.js'
import { recordingRoutes } from './recordings.js'
import { userRoutes } from './users.js'
import { formatSchemaErrors, nulIn, validatorFactory } from './validation.js'
import { webRoutes } from '../web/routes.js'

/** SQLSTATEs of a value the database refused for what it is (encoding, length, range, date). */
const VALUE_ERRORS = new Set(['22021', '22P05', '22001', '22003', '22007', '22008', '22P02'])

/** The largest JSON (or other) body taken; the CSV upload has its own, much larger, limit. */
export const BODY_LIMIT = 1024 * 1024

export function buildHttpServer(app: App): FastifyInstance {
  const log: FastifyBaseLogger = app.log.child({ component: 'http' })
  const server = Fastify({
    loggerInstance: log,
    bodyLimit: BODY_LIMIT,
    schemaController: { compilersFactory: { buildValidator: validatorFactory() } },
    schemaErrorFormatter: formatSchemaErrors,
    // A URL that does not decode (/calls/%E0%A4%A), or a bad Content-Type, before any route runs.
    frameworkErrors: (err, _req, reply) => sendError(reply, err.statusCode ?? 400, statusSlug(err.statusCode ?? 400), err.message),
  })
  // Response schemas are the API's documentation; what a handler answers is sent as it is.
  server.setSerializerCompiler(() => (data) => JSON.stringify(data))

  server.setErrorHandler((err: FastifyError, req, reply) => {
    // Schema validation: the message names the part and the field (body/reason ...).
    if (err.validation) return sendError(reply, 400, 'bad-request', err.message)
    // A value PostgreSQL cannot hold (a safety net: the schemas should have refused it).
    const pg = pgErrorCode(err)
    if (pg !== undefined && VALUE_ERRORS.has(pg)) return sendError(reply, 400, 'bad-request', 'a value in the request cannot be stored; check its characters and size')
    const status = err.statusCode ?? 500
    if (status >= 400 && status < 500) return sendError(reply, status, statusSlug(status), err.message)
    req.log.error({ err }, 'http: request failed')
    return sendError(reply, 500, 'internal-error', 'the request failed; see the logs')
  })
  server.setNotFoundHandler((req, reply) => sendError(reply, 404, 'not-found', `no route ${req.method} ${req.url}`))

  server.addHook('preValidation', async (req, reply) => {
    const where = nulIn({ params: req.params, query: req.query, body: req.body })
    if (where) return sendError(reply, 400, 'bad-request', `${where} holds a NUL character`)
  })

  const auth = authParts(app)
  installAccessControl(server, auth)
  registerDocs(server)

  // Scrapes and health checks come every few seconds: their request lines would drown the log.
  void server.register(healthRoutes, { app, logLevel: 'warn' })
  void server.register(metricsRoutes, { app, logLevel: 'warn' })
  void server.register(authRoutes, { app, auth })
  void server.register(userRoutes, { auth })
  void server.register(agentRoutes, { app })
  void server.register(agentAdminRoutes, { app })
  void server.register(operatorCallRoutes, { app })
  void server.register(operatorTransferRoutes, { app })
  void server.register(softphoneRoutes, { app })
  void server.register(queueRoutes, { app })
  void server.register(queueSettingsRoutes, { app })
  void server.register(campaignRoutes, { app })
  void server.register(attemptRoutes, { app })
  void server.register(listRoutes, { app })
  void server.register(dncRoutes, { app })
  void server.register(exportRoutes, { app })
  void server.register(clientRoutes, { app })
  void server.register(clientAdminRoutes, { app })
  void server.register(callRoutes, { app })
  void server.register(recordingRoutes, { app })
  void server.register(flowRoutes, { app })
  void server.register(callReasonRoutes, { app })
  void server.register(reportRoutes, { app })
  void server.register(vendorRoutes)
  void server.register(webRoutes, { app })
  return server
}

export async function startHttpServer(app: App, address: { host: string; port: number }): Promise<FastifyInstance> {
  const server = buildHttpServer(app)
  await server.listen(address)
  return server
}
