/**
 * The HTTP API of one app instance: agents' desk actions, live queue and agent figures,
 * Prometheus metrics and health. Each area is a fastify plugin of its own (encapsulated:
 * its hooks and state stay inside); errors answer { error, message } everywhere.
 */
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify'
import type { App } from '../app.js'
import { agentRoutes } from './agents.js'
import { campaignRoutes } from './campaigns.js'
import { dncRoutes } from './dnc.js'
import { sendError, statusSlug } from './errors.js'
import { healthRoutes } from './health.js'
import { listRoutes } from './lists.js'
import { metricsRoutes } from './metrics.js'
import { queueRoutes } from './queues.js'

export function buildHttpServer(app: App): FastifyInstance {
  const log: FastifyBaseLogger = app.log.child({ component: 'http' })
  const server = Fastify({ loggerInstance: log })

  server.setErrorHandler((err: FastifyError, req, reply) => {
    // Schema validation: fastify's message names the part and the field (body/reason ...).
    if (err.validation) return sendError(reply, 400, 'bad-request', err.message)
    const status = err.statusCode ?? 500
    if (status < 500) return sendError(reply, status, statusSlug(status), err.message)
    req.log.error({ err }, 'http: request failed')
    return sendError(reply, 500, 'internal-error', 'the request failed; see the logs')
  })
  server.setNotFoundHandler((req, reply) => sendError(reply, 404, 'not-found', `no route ${req.method} ${req.url}`))

  // Scrapes and health checks come every few seconds: their request lines would drown the log.
  void server.register(healthRoutes, { app, logLevel: 'warn' })
  void server.register(metricsRoutes, { app, logLevel: 'warn' })
  void server.register(agentRoutes, { app })
  void server.register(queueRoutes, { app })
  void server.register(campaignRoutes, { app })
  void server.register(listRoutes, { app })
  void server.register(dncRoutes, { app })
  return server
}

export async function startHttpServer(app: App, address: { host: string; port: number }): Promise<FastifyInstance> {
  const server = buildHttpServer(app)
  await server.listen(address)
  return server
}
