/**
 * What both demos share, on the simulator and on the real switch: loading the flows and
 * queues (a bad file stops the demo with its message), the pages and the logins banner, the
 * operators' shift, and the report of where each call went, read from the call register.
 */
import { inArray } from 'drizzle-orm'
import type { AddressInfo } from 'node:net'
import type { App } from '../app.js'
import { ensureAdmin, FIRST_ADMIN } from '../auth/bootstrap.js'
import { UserStore } from '../auth/users.js'
import { ConfigError, loadConfig, type Config } from '../config.js'
import { calls, recordings } from '../db/schema/index.js'
import { startHttpServer } from '../http/server.js'
import { loadScripts } from '../ivr/flow/load.js'
import { FlowError } from '../ivr/flow/problems.js'
import type { Flow } from '../ivr/flow/schema.js'
import { loadReadyFlows } from '../ivr/readiness.js'
import { isDeskError } from '../queue/agent-desk.js'
import { loadQueues, QueueConfigError, type QueueSettings } from '../queue/config.js'
import type { Clock } from '../time/clock.js'
import { DEMO_PASSWORD, seedDemoUsers } from '../web/demo-support.js'
import { textTable } from '../cli/text-table.js'
import { SAMPLE_AGENTS } from './sample-data.js'

/** A demo that cannot start: the message is for the person at the terminal (exit code 2). */
export class DemoError extends Error {
  override name = 'DemoError'
}

export interface DemoSetup {
  config: Config
  flows: Flow[]
  queues: QueueSettings[]
  scripts: Flow[]
}

export async function loadDemoSetup(): Promise<DemoSetup> {
  let config
  try {
    config = loadConfig()
  } catch (err) {
    if (err instanceof ConfigError) throw new DemoError(err.message)
    throw err
  }
  try {
    // The demo's operators are simulated phones with no console: nobody saves a disposition.
    const queues = (await loadQueues(config.queuesFile)).map((q) => ({ ...q, dispositionMaxSeconds: 0 }))
    const flows = await loadReadyFlows(config.flowsDir, config.promptsDir, queues.map((q) => q.name))
    const scripts = await loadScripts(config.scriptsDir)
    return { config, flows, queues, scripts }
  } catch (err) {
    if (err instanceof FlowError || err instanceof QueueConfigError) throw new DemoError(err.message)
    throw err
  }
}

export interface DemoPages {
  base: string
  close(): Promise<void>
}

/** The pages and the API, with the logins to use them printed first. */
export async function serveDemoPages(app: App, clock: Clock, config: Config): Promise<DemoPages> {
  const users = new UserStore(app.database.db, clock)
  const adminPassword = config.adminPassword ?? DEMO_PASSWORD
  const admin = await ensureAdmin(users, { password: adminPassword, log: app.log })
  const logins = [
    { username: FIRST_ADMIN, password: admin.created ? adminPassword : '(unchanged: set at its first start)', role: 'admin', page: '/wallboard' },
    ...(await seedDemoUsers(app.database.db, clock)),
  ]
  let http
  try {
    http = await startHttpServer(app, config.http)
  } catch (err) {
    throw new DemoError(`demo: cannot serve HTTP on ${config.http.host}:${config.http.port} (${(err as Error).message}); set HTTP_PORT to a free port`)
  }
  const { port } = http.server.address() as AddressInfo
  const base = `http://${config.http.host}:${port}`
  console.log(`demo: pages and API at ${base} (API documentation: ${base}/docs). Log in as:`)
  console.log(textTable(['user', 'password', 'role', 'page'], logins.map((l) => [l.username, l.password, l.role, `${base}${l.page}`])))
  console.log('')
  return { base, close: () => http.close() }
}

/** The operators and sales start their shift: the queues' agents log in. Answers who did, for the banner. */
export async function startShift(app: App): Promise<string[]> {
  const desk = app.queues!.desk
  const shift = []
  for (const a of SAMPLE_AGENTS) {
    const r = await desk.login(a.id)
    if (!isDeskError(r)) shift.push(`${a.id} (${r.queues.join(', ')})`)
  }
  return shift
}

/** Where each placed call went, from the call register (the call's uuid is the channel the app ran). */
export async function printCallReport(app: App, placed: Array<{ kind: string; uuid: string }>): Promise<void> {
  const uuids = placed.map((p) => p.uuid)
  const rows = new Map((uuids.length ? await app.database.db.select().from(calls).where(inArray(calls.callUuid, uuids)) : []).map((r) => [r.callUuid, r]))
  const recs = uuids.length ? await app.database.db.select().from(recordings).where(inArray(recordings.callUuid, uuids)) : []
  const table = placed.map((p, i) => {
    const row = rows.get(p.uuid)
    const nodes = (row?.ivrPath ?? []).map((s) => s.node).filter((n, j, all) => n !== all[j - 1])
    const seconds = row?.endedAt ? Math.round((row.endedAt.getTime() - row.startedAt.getTime()) / 1000) : ''
    const answered = row?.answeredBy ? `${row.answeredBy} after ${Math.round((row.queueWaitMs ?? 0) / 1000)} s` : ''
    return [i + 1, p.kind, row?.callerNumber ?? '?', row?.language ?? '', row?.routedTo ?? '-', row?.routeResult ?? '-', answered, seconds, nodes.slice(3).join(' > ')]
  })
  console.log(textTable(['#', 'caller', 'from', 'lang', 'went to', 'result', 'queue: answered by', 'sec', 'IVR path (after welcome > lookup > language)'], table))
  const count = (values: string[]): string =>
    [...new Set(values)].sort().map((v) => `${v} ${values.filter((x) => x === v).length}`).join(', ')
  console.log(`\nrouted to: ${count(table.map((t) => String(t[4])))}`)
  console.log(`hangup causes: ${count([...rows.values()].map((r) => r.hangupCause ?? 'none'))}`)
  console.log(`call register rows: ${rows.size} of ${placed.length}; recordings: ${recs.filter((r) => r.kind === 'call').length} calls, ${recs.filter((r) => r.kind === 'message').length} messages, in ${app.config.recordingsDir}`)
}

export interface StopRequest {
  /** Whether SIGINT or SIGTERM came. */
  readonly requested: boolean
  /** Resolves with the first of them. */
  readonly signal: Promise<NodeJS.Signals>
}

/**
 * Listens for SIGINT (Ctrl-C) and SIGTERM from the start, so a stop asked for at any moment
 * (calls still being placed) ends the demo cleanly: its private redis-server and ports go
 * with it. Later signals are ignored (a terminal's Ctrl-C reaches npm, tsx and the demo, and
 * each passes it on); a stop stuck for `graceMs` exits anyway.
 */
export function watchStopSignals(graceMs = 20_000): StopRequest {
  let requested = false
  let resolve!: (s: NodeJS.Signals) => void
  const signal = new Promise<NodeJS.Signals>((r) => (resolve = r))
  const stop = (s: NodeJS.Signals): void => {
    if (requested) return
    requested = true
    console.log(`\ndemo: ${s}: stopping`)
    setTimeout(() => {
      console.error(`demo: not stopped within ${graceMs / 1000} s of ${s}; exiting`)
      process.exit(1)
    }, graceMs).unref()
    resolve(s)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  return {
    get requested() {
      return requested
    },
    signal,
  }
}

/** Resolves at the first SIGINT (Ctrl-C) or SIGTERM. */
export function untilStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve(signal)
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
}
