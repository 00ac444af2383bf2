/**
 * `npm run demo [-- --calls 40 --seed 1 --at 2026-11-23T09:00:00Z]`: the app against the
 * FreeSWITCH simulator, both over real event-socket TCP in this process, taking calls
 * through the default IVR flow (flows/default.yaml) in simulated time. Sample people and
 * clients are seeded (existing rows are kept); simulated callers of every kind phone in: key
 * clients, a debtor, new callers, menu users, silent callers, callers who hang up. Their
 * managers' phones answer, ring out, are busy or are switched off at random. Prints where
 * each call went and what the call register says.
 *
 * `--freeswitch` runs the same callers through the installed FreeSWITCH 1.11.1 bundle in
 * real time instead (src/demo/real-switch.ts).
 *
 * The HTTP API and the pages are served on HTTP_HOST:HTTP_PORT (http://127.0.0.1:3000) from
 * the start, with the logins printed first: the admin (created with ADMIN_PASSWORD, or the
 * demo password, when there is no user yet) and a demo user per role. After the calls the
 * demo stays up, time moving on, until Ctrl-C (`--exit` ends it instead).
 */
import path from 'node:path'
import { parseArgs } from 'node:util'
import { startApp } from '../app.js'
import { requireBundle } from '../bundle/freeswitch.js'
import { pickCaller, random } from '../demo/callers.js'
import { DemoError, loadDemoSetup, printCallReport, serveDemoPages, startShift, watchStopSignals, type DemoSetup } from '../demo/demo-run.js'
import { repairDemoPhones, runRealSwitchDemo } from '../demo/real-switch.js'
import { demoDirectory } from '../demo/parties.js'
import { seedSampleData } from '../demo/sample-data.js'
import { appStartProblem } from '../startup-problems.js'
import { ivrCallFlow } from '../ivr/service.js'
import { createLogger } from '../log.js'
import { startSimulator } from '../sim/index.js'
import { VirtualClock } from '../time/virtual-clock.js'
import { keepTimeMoving } from '../web/demo-support.js'
import type { Logger } from 'pino'

// Monday 10:00 in Sarajevo: the center is open. Try a Sunday for the after-hours branch.
const DEFAULT_AT = '2026-11-23T09:00:00Z'

const HELP = `Usage: npm run demo [-- options]

The contact center with callers phoning in: the pages and the API on HTTP_HOST:HTTP_PORT
(http://127.0.0.1:3000), a login per role printed first, then the callers through the
default IVR flow and a table of where each call went (from the call register). It stays
up until Ctrl-C unless --exit is given.

Options:
  --calls N        callers to place (default 40)
  --seed N         seed of the caller mix and of the phones' behaviour (default 1)
  --gap S          seconds between two callers (default 20)
  --at TIME        the moment the calls happen, e.g. 2026-11-22T12:00:00Z (a Sunday: the
                   after-hours branch); default ${DEFAULT_AT} (Monday 10:00, open)
  --exit           end after the calls instead of serving the pages on
  --freeswitch     run the callers through the real FreeSWITCH 1.11.1 bundle instead of the
                   simulator: a private switch on ports of its own (hold music from
                   prompts/music), the app on the real clock, the sample people's phones as
                   loopback extensions on it (changed in the demo's database for the run and
                   put back at the end), callers as loopback calls pressing real DTMF, --gap
                   in real seconds. The clock cannot be moved: --at then only decides whether
                   the center is open or closed (after hours) for the whole run. Ctrl-C or
                   SIGTERM stops the app and the switch. Needs the bundle installed:
                   bash ../shared/freeswitch/install.sh (or FREESWITCH_BUNDLE=<dir>)
  -h, --help       this text

Without --freeswitch the demo runs the project's FreeSWITCH simulator in simulated time
(a call in milliseconds). PostgreSQL: DATABASE_URL, else 127.0.0.1:5432 when it answers,
else PGlite under DATA_DIR; Redis: REDIS_URL, else a private redis-server; see README.md.
`

function fail(message: string): never {
  console.error(message)
  process.exit(2)
}

function readOptions() {
  try {
    return parseArgs({
      options: {
        calls: { type: 'string', default: '40' },
        seed: { type: 'string', default: '1' },
        at: { type: 'string' },
        // Seconds between two callers (simulated time, or real time with --freeswitch).
        gap: { type: 'string', default: '20' },
        // End after the calls instead of serving the pages on.
        exit: { type: 'boolean', default: false },
        freeswitch: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values
  } catch (err) {
    fail(`demo: ${(err as Error).message}\n(npm run demo -- --help lists the options)`)
  }
}

const opts = readOptions()
if (opts.help) {
  console.log(HELP)
  process.exit(0)
}

const totalCalls = Number(opts.calls)
if (!Number.isInteger(totalCalls) || totalCalls <= 0) fail(`--calls must be a positive whole number (got '${opts.calls}')`)
const gapMs = Number(opts.gap) * 1000
if (!Number.isFinite(gapMs) || gapMs < 0) fail(`--gap must be a number of seconds (got '${opts.gap}')`)
const startAt = Date.parse(opts.at ?? DEFAULT_AT)
if (Number.isNaN(startAt)) fail(`--at must be a date and time such as 2026-11-23T09:00:00Z (got '${opts.at}')`)
const seed = Number(opts.seed) || 1

/** The demo against the simulator, in simulated time. */
async function runSimulatedDemo(setup: DemoSetup, log: Logger): Promise<void> {
  const { config, flows, queues, scripts } = setup
  // Ctrl-C or TERM from now on, calls placed or not: everything started is stopped.
  const stop = watchStopSignals()
  const rnd = random(seed)
  const clock = new VirtualClock({ start: startAt, quietMs: 5 })

  // Agents' phones and the outside numbers campaigns dial: busy, no answer, machines too (src/demo/parties.ts).
  const phone = demoDirectory(seed)
  const prompts = path.resolve(config.promptsDir)
  const sim = await startSimulator({ clock, log, directory: phone, media: { localStreams: { moh: path.join(prompts, 'music/hold.wav') } } })
  const app = await startApp({
    config: {
      ...config,
      instanceId: `demo-${process.pid}`,
      eslListen: { host: '127.0.0.1', port: 0 },
      freeswitch: [{ host: sim.address.host, port: sim.address.port, password: 'ClueCon' }],
    },
    log,
    clock,
    flow: ivrCallFlow({ flows }),
    flows,
    queues,
    scripts,
  }).catch(async (err: unknown) => {
    await sim.close()
    // Redis or PostgreSQL away: the setting to change (DemoError), not a stack trace.
    const problem = appStartProblem(err, config)
    throw problem ? new DemoError(`demo: ${problem}`) : err
  })
  await seedSampleData(app.database.db)
  await repairDemoPhones(app.database.db)

  let pages
  try {
    pages = await serveDemoPages(app, clock, config)
  } catch (err) {
    await app.stop(0)
    await sim.close()
    throw err
  }
  const shift = await startShift(app)
  sim.sw.appAddress = `127.0.0.1:${app.outbound.port}`
  const number = flows[0]!.numbers[0]!
  console.log(
    `demo: ${totalCalls} callers, one every ${gapMs / 1000} s from ${new Date(startAt).toISOString()} (simulated time), to ${number} ` +
      `(flow '${flows[0]!.id}'); simulator on ${sim.address.host}:${sim.address.port}; database ${app.database.where}\n` +
      `logged in to the queues: ${shift.join('; ')}\n`,
  )

  const placed: Array<{ kind: string; uuid: string; done: Promise<unknown> }> = []
  let finished = 0
  for (let n = 1; n <= totalCalls && !stop.requested; n++) {
    const caller = pickCaller(rnd)
    const call = sim.sw.placeSipCall({ from: caller.from(n), to: number, script: { steps: caller.steps } })
    placed.push({ kind: caller.kind, uuid: call.channel.uuid, done: call.done.then(() => finished++) })
    const until = clock.now() + gapMs
    await clock.runWhile(() => clock.now() < until && !stop.requested)
  }
  // Stopping waits for the calls' handlers, which wait on simulated time: it keeps moving meanwhile.
  let moving: (() => Promise<void>) | undefined
  const shutdown = async (): Promise<void> => {
    moving ??= keepTimeMoving(clock, { speed: 50, stepMs: 200 })
    await pages.close()
    await app.stop(stop.requested ? 0 : 5000)
    await sim.close()
    await moving()
  }
  await clock.runWhile(() => finished < placed.length && !stop.requested, 60 * 60_000)
  if (stop.requested) return shutdown()
  await clock.advance(2000)
  await app.register.flush()
  await printCallReport(app, placed)

  if (opts.exit || stop.requested) return shutdown()
  // Simulated time goes on (ten times the wall clock) so the pages show a live center.
  moving = keepTimeMoving(clock, { speed: 10, stepMs: 200 })
  console.log(`\ndemo: still serving ${pages.base} (log in as above); Ctrl-C to stop`)
  await stop.signal
  await shutdown()
}

async function main(): Promise<void> {
  if (opts.freeswitch) {
    try {
      requireBundle()
    } catch (err) {
      fail(`demo --freeswitch: ${(err as Error).message}`)
    }
  }
  let setup
  try {
    setup = await loadDemoSetup()
  } catch (err) {
    if (err instanceof DemoError) fail(err.message)
    throw err
  }
  const { logLevel } = setup.config
  const log = createLogger(logLevel === 'debug' || logLevel === 'trace' ? logLevel : 'warn', { instance: 'demo' })
  if (!opts.freeswitch) return runSimulatedDemo(setup, log)
  return runRealSwitchDemo(setup, { calls: totalCalls, seed, gapMs, at: startAt, exit: opts.exit, log })
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    if (err instanceof DemoError) fail(err.message)
    console.error(err)
    process.exit(1)
  },
)
