/**
 * `npm run demo [-- --calls 40 --seed 1 --at 2026-11-23T09:00:00Z]`: the app against the
 * FreeSWITCH simulator, both over real event-socket TCP in this process, taking calls
 * through the default IVR flow (flows/default.yaml) in simulated time. Sample people and
 * clients are seeded (existing rows are kept); simulated callers of every kind phone in: key
 * clients, a debtor, new callers, menu users, silent callers, callers who hang up. Their
 * managers' phones answer, ring out, are busy or are switched off at random. Prints where
 * each call went and what the call register says.
 *
 * The HTTP API and the pages are served on HTTP_HOST:HTTP_PORT (http://127.0.0.1:3000) from
 * the start, with the logins printed first: the admin (created with ADMIN_PASSWORD, or the
 * demo password, when there is no user yet) and a demo user per role. After the calls the
 * demo stays up, simulated time moving on by itself, until Ctrl-C (`--exit` ends it instead).
 */
import path from 'node:path'
import { parseArgs } from 'node:util'
import { inArray } from 'drizzle-orm'
import type { AddressInfo } from 'node:net'
import { startApp } from '../app.js'
import { ensureAdmin, FIRST_ADMIN } from '../auth/bootstrap.js'
import { UserStore } from '../auth/users.js'
import { ConfigError, loadConfig } from '../config.js'
import { calls, recordings } from '../db/schema/index.js'
import { SAMPLE_AGENTS, SAMPLE_CLIENTS, seedSampleData } from '../demo/sample-data.js'
import { startHttpServer } from '../http/server.js'
import { loadScripts } from '../ivr/flow/load.js'
import { FlowError } from '../ivr/flow/problems.js'
import { loadReadyFlows } from '../ivr/readiness.js'
import { ivrCallFlow } from '../ivr/service.js'
import { isDeskError } from '../queue/agent-desk.js'
import { loadQueues, QueueConfigError } from '../queue/config.js'
import { createLogger } from '../log.js'
import { textTable } from './text-table.js'
import type { Endpoint } from '../sim/dial-string.js'
import { startSimulator, type CallerScript, type PartyPlan, type ScriptStep } from '../sim/index.js'
import { VirtualClock } from '../time/virtual-clock.js'
import { DEMO_PASSWORD, keepTimeMoving, seedDemoUsers } from '../web/demo-support.js'

const { values: opts } = parseArgs({
  options: {
    calls: { type: 'string', default: '40' },
    seed: { type: 'string', default: '1' },
    // Monday 10:00 in Sarajevo: the center is open. Try a Sunday for the after-hours branch.
    at: { type: 'string', default: '2026-11-23T09:00:00Z' },
    // Seconds between two callers (simulated time).
    gap: { type: 'string', default: '20' },
    // End after the calls instead of serving the pages on.
    exit: { type: 'boolean', default: false },
  },
})

function fail(message: string): never {
  console.error(message)
  process.exit(2)
}

const totalCalls = Number(opts.calls)
if (!Number.isInteger(totalCalls) || totalCalls <= 0) fail(`--calls must be a positive whole number (got '${opts.calls}')`)
const gapMs = Number(opts.gap) * 1000
if (!Number.isFinite(gapMs) || gapMs < 0) fail(`--gap must be a number of seconds (got '${opts.gap}')`)
const startAt = Date.parse(opts.at ?? '')
if (Number.isNaN(startAt)) fail(`--at must be a date and time such as 2026-11-23T09:00:00Z (got '${opts.at}')`)

/** A small deterministic generator, so a seed replays the same callers. */
function random(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

const menu = (digit: string, waitMs = 1500): ScriptStep[] => [{ app: 'play_and_get_digits' }, { wait: waitMs }, { dtmf: digit }]

/** The kinds of caller the demo mixes, with what each does once the IVR answers. */
const CALLERS: Array<{ kind: string; weight: number; from: (n: number) => string; steps: ScriptStep[] }> = [
  { kind: 'key client', weight: 3, from: () => SAMPLE_CLIENTS.key.phone, steps: [] },
  { kind: 'client with overdue debt', weight: 2, from: () => SAMPLE_CLIENTS.debtor.phone, steps: [] },
  { kind: 'new caller', weight: 3, from: (n) => `+3876200${String(n).padStart(4, '0')}`, steps: menu('2') },
  { kind: 'client without a manager', weight: 1, from: () => SAMPLE_CLIENTS.noManager.phone, steps: [] },
  { kind: 'retail: hears prices, then an operator', weight: 3, from: () => SAMPLE_CLIENTS.retail.phone, steps: [...menu('2'), ...menu('0')] },
  { kind: 'retail: asks for the balance, hangs up', weight: 2, from: () => SAMPLE_CLIENTS.retail.phone, steps: [...menu('3'), { app: 'play_and_get_digits' }, { wait: 800 }, { hangup: true }] },
  { kind: 'retail: places an order', weight: 2, from: () => SAMPLE_CLIENTS.retail.phone, steps: menu('1', 600) },
  { kind: 'retail: stays silent', weight: 1, from: () => SAMPLE_CLIENTS.retail.phone, steps: [] },
  { kind: 'marketer: chooses Portuguese, presses 9 twice, then 0', weight: 1, from: () => SAMPLE_CLIENTS.marketer.phone, steps: [...menu('3'), ...menu('9'), ...menu('9'), ...menu('0')] },
]

function pick(rnd: () => number): (typeof CALLERS)[number] {
  const total = CALLERS.reduce((s, c) => s + c.weight, 0)
  let r = rnd() * total
  for (const c of CALLERS) if ((r -= c.weight) < 0) return c
  return CALLERS[0]!
}

async function main(): Promise<void> {
  let config
  try {
    config = loadConfig()
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message)
    throw err
  }
  let flows, queues, scripts
  try {
    queues = await loadQueues(config.queuesFile)
    flows = await loadReadyFlows(config.flowsDir, config.promptsDir, queues.map((q) => q.name))
    scripts = await loadScripts(config.scriptsDir)
  } catch (err) {
    if (err instanceof FlowError || err instanceof QueueConfigError) fail(err.message)
    throw err
  }
  const level = config.logLevel === 'debug' || config.logLevel === 'trace' ? config.logLevel : 'warn'
  const log = createLogger(level, { instance: 'demo' })
  const rnd = random(Number(opts.seed) || 1)
  const clock = new VirtualClock({ start: startAt, quietMs: 5 })

  // Agents' phones: most answer after a few rings; some ring out, are busy or switched off.
  const phone = (endpoint: Endpoint): PartyPlan => {
    if (endpoint.tech !== 'user') return { outcome: 'answer', ringMs: 1000, answeredBy: 'person', talkMs: 60_000 }
    const r = rnd()
    if (r < 0.65) return { outcome: 'answer', ringMs: 2000 + rnd() * 6000, answeredBy: 'person', talkMs: 30_000 + rnd() * 120_000 }
    if (r < 0.8) return { outcome: 'busy', ringMs: 300 }
    if (r < 0.93) return { outcome: 'no-answer', ringMs: 0 }
    return { outcome: 'not-registered', ringMs: 0 }
  }
  const prompts = path.resolve(config.promptsDir)
  const sim = await startSimulator({ clock, log, directory: phone, media: { localStreams: { moh: path.join(prompts, 'music/hold.wav') } } })
  const instanceId = `demo-${process.pid}`
  const app = await startApp({
    config: {
      ...config,
      instanceId,
      eslListen: { host: '127.0.0.1', port: 0 },
      freeswitch: [{ host: sim.address.host, port: sim.address.port, password: 'ClueCon' }],
    },
    log,
    clock,
    flow: ivrCallFlow({ flows }),
    flows,
    queues,
    scripts,
  })
  await seedSampleData(app.database.db)

  // The pages and the API, with the logins to use them.
  const users = new UserStore(app.database.db, clock)
  const adminPassword = config.adminPassword ?? DEMO_PASSWORD
  const admin = await ensureAdmin(users, { password: adminPassword, log })
  const logins = [
    { username: FIRST_ADMIN, password: admin.created ? adminPassword : '(unchanged: set at its first start)', role: 'admin', page: '/wallboard' },
    ...(await seedDemoUsers(app.database.db, clock)),
  ]
  let http
  try {
    http = await startHttpServer(app, config.http)
  } catch (err) {
    await app.stop(0)
    await sim.close()
    fail(`demo: cannot serve HTTP on ${config.http.host}:${config.http.port} (${(err as Error).message}); set HTTP_PORT to a free port`)
  }
  const { port } = http.server.address() as AddressInfo
  const base = `http://${config.http.host}:${port}`
  console.log(`demo: pages and API at ${base} (API documentation: ${base}/docs). Log in as:`)
  console.log(textTable(['user', 'password', 'role', 'page'], logins.map((l) => [l.username, l.password, l.role, `${base}${l.page}`])))
  console.log('')
  // The operators and sales start their shift: the queues' agents log in.
  const desk = app.queues!.desk
  const shift = []
  for (const a of SAMPLE_AGENTS) {
    const r = await desk.login(a.id)
    if (!isDeskError(r)) shift.push(`${a.id} (${r.queues.join(', ')})`)
  }
  sim.sw.appAddress = `127.0.0.1:${app.outbound.port}`
  const number = flows[0]!.numbers[0]!
  console.log(
    `demo: ${totalCalls} callers, one every ${gapMs / 1000} s from ${new Date(startAt).toISOString()} (simulated time), to ${number} ` +
      `(flow '${flows[0]!.id}'); simulator on ${sim.address.host}:${sim.address.port}; database ${app.database.where}\n` +
      `logged in to the queues: ${shift.join('; ')}\n`,
  )

  const placed: Array<{ kind: string; uuid: string; done: Promise<unknown> }> = []
  let finished = 0
  for (let n = 1; n <= totalCalls; n++) {
    const caller = pick(rnd)
    const script: CallerScript = { steps: caller.steps }
    const call = sim.sw.placeSipCall({ from: caller.from(n), to: number, script })
    placed.push({ kind: caller.kind, uuid: call.channel.uuid, done: call.done.then(() => finished++) })
    const until = clock.now() + gapMs
    await clock.runWhile(() => clock.now() < until)
  }
  await clock.runWhile(() => finished < placed.length, 60 * 60_000)
  await clock.advance(2000)
  await app.register.flush()

  const uuids = placed.map((p) => p.uuid)
  const rows = new Map((await app.database.db.select().from(calls).where(inArray(calls.callUuid, uuids))).map((r) => [r.callUuid, r]))
  const recs = await app.database.db.select().from(recordings).where(inArray(recordings.callUuid, uuids))
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
  console.log(`call register rows: ${rows.size} of ${placed.length}; recordings: ${recs.filter((r) => r.kind === 'call').length} calls, ${recs.filter((r) => r.kind === 'message').length} messages, in ${config.recordingsDir}`)

  const shutdown = async (): Promise<void> => {
    await http.close()
    await app.stop(5000)
    await sim.close()
  }
  if (opts.exit) return shutdown()
  // Simulated time goes on (ten times the wall clock) so the pages show a live center.
  const stopTime = keepTimeMoving(clock, { speed: 10, stepMs: 200 })
  console.log(`\ndemo: still serving ${base} (log in as above); Ctrl-C to stop`)
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  await stopTime()
  await shutdown()
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err)
    process.exit(1)
  },
)
