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
import { queuesForStart } from './queue/startup.js'
import { createLogger } from './log.js'
import { realClock } from './time/clock.js'
import { exitWithHelp } from './cli/usage.js'
import { appStartProblem, httpStartProblem } from './startup-problems.js'

const USAGE = `
usage: npm start   (node dist/main.js; from the sources: npx tsx src/main.ts)

The contact center: takes FreeSWITCH's calls on the event socket, dials campaigns, serves the
HTTP API and the pages. Configured by environment variables (README.md lists them all):

  DATABASE_URL        postgres://... (default: 127.0.0.1:5432 if it answers, else PGlite in DATA_DIR)
  REDIS_URL           redis://127.0.0.1:6379      REDIS_PREFIX   cc
  FREESWITCH_NODES    host:port,...  (127.0.0.1:8021)   FREESWITCH_PASSWORD
  ESL_LISTEN_HOST     127.0.0.1      ESL_LISTEN_PORT 8084   where FreeSWITCH's calls come in
  ESL_ADVERTISE_HOST  the address FreeSWITCH reaches ESL_LISTEN_PORT at
  HTTP_HOST           127.0.0.1      HTTP_PORT 3000         the API and the pages
  FLOWS_DIR flows  QUEUES_FILE queues/queues.yaml  SCRIPTS_DIR campaigns/scripts  PROMPTS_DIR prompts
  RECORDINGS_DIR recordings  DATA_DIR data  DEFAULT_COUNTRY BA  LOG_LEVEL info
  ADMIN_PASSWORD  METRICS_TOKEN  SESSION_TTL_MINUTES  DIALER_MAX_LINES  OUTBOUND_CALLER_ID  GATEWAY_TEMPLATE

  -h, --help   this text
`

async function main(): Promise<void> {
  exitWithHelp(USAGE)
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
    const seed = await loadQueues(config.queuesFile)
    // The file seeds the first start; then the table queue_settings (edited in the pages) is the source.
    queues = await queuesForStart(config, log, seed).catch((err: unknown) => {
      const problem = err instanceof QueueConfigError ? undefined : appStartProblem(err, config)
      if (!problem) throw err
      log.fatal({ err: (err as Error).message }, problem)
      console.error(problem)
      process.exit(2)
    })
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
  let app
  try {
    app = await startApp({ config, log, clock: realClock, flow: ivrCallFlow({ flows }), flows, queues, scripts })
  } catch (err) {
    // A port taken, Redis or PostgreSQL away: the setting to change, not a stack trace.
    const problem = appStartProblem(err, config)
    if (!problem) throw err
    log.fatal({ err: (err as Error).message }, problem)
    console.error(problem)
    process.exit(2)
  }
  // With nobody in the users table, the first admin (its password on stdout, not in the log).
  await ensureAdmin(new UserStore(app.database.db, realClock), { password: config.adminPassword, log })
  let http: FastifyInstance
  try {
    http = await startHttpServer(app, config.http)
  } catch (err) {
    log.fatal({ err, http: config.http }, 'the HTTP API cannot listen (HTTP_HOST / HTTP_PORT)')
    console.error(httpStartProblem(err, config))
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
