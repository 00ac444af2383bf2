/**
 * Production entry point: `npm start`. Reads the configuration, starts the app against
 * the configured FreeSWITCH nodes and its HTTP API, and shuts down gracefully on SIGTERM/SIGINT.
 */
import type { FastifyInstance } from 'fastify'
import { startApp } from './app.js'
import { ensureAdmin } from './auth/bootstrap.js'
import { UserStore } from './auth/users.js'
import { ConfigError, loadConfig } from './config.js'
import { startHttpServer } from './http/server.js'
import { FlowError } from './ivr/flow/problems.js'
import { loadReadyFlows } from './ivr/readiness.js'
import { ivrCallFlow } from './ivr/service.js'
import { loadQueues, QueueConfigError } from './queue/config.js'
import { createLogger } from './log.js'
import { realClock } from './time/clock.js'

async function main(): Promise<void> {
  let config
  try {
    config = loadConfig()
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message)
      process.exit(2)
    }
    throw err
  }
  const log = createLogger(config.logLevel, { instance: config.instanceId })
  // A bad flow or queue, or a missing prompt, stops the start, with every problem listed.
  let flows, queues, scripts
  try {
    queues = await loadQueues(config.queuesFile)
    flows = await loadReadyFlows(config.flowsDir, config.promptsDir, queues.map((q) => q.name))
    scripts = await loadReadyFlows(config.scriptsDir, config.promptsDir, queues.map((q) => q.name), 'script')
  } catch (err) {
    if (err instanceof FlowError || err instanceof QueueConfigError) {
      log.fatal({ problems: err.problems }, 'the IVR flows or queues cannot run')
      console.error(err.message)
      process.exit(2)
    }
    throw err
  }
  log.info({ flows: flows.map((f) => ({ id: f.id, numbers: f.numbers, source: f.source })) }, 'IVR flows loaded')
  const app = await startApp({ config, log, clock: realClock, flow: ivrCallFlow({ flows }), flows, queues, scripts })
  // With nobody in the users table, the first admin (its password on stdout, not in the log).
  await ensureAdmin(new UserStore(app.database.db, realClock), { password: config.adminPassword, log })
  let http: FastifyInstance
  try {
    http = await startHttpServer(app, config.http)
  } catch (err) {
    log.fatal({ err, http: config.http }, 'the HTTP API cannot listen (HTTP_HOST / HTTP_PORT)')
    await app.stop(0)
    process.exit(2)
  }
  let stopping = false
  const shutdown = (signal: string): void => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'shutting down: no new calls, finishing calls in progress')
    // No new call or dial from this moment; then the API, so nothing acts on the queues while they stop.
    app.outbound.stopAccepting()
    Promise.resolve(app.dialer?.stop())
      .then(() => http.close())
      .then(() => app.stop(30_000))
      .then(
        () => process.exit(0),
        (err: unknown) => {
          log.error({ err }, 'shutdown failed')
          process.exit(1)
        },
      )
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
}

void main()
