/**
 * `npm run demo -- --freeswitch`: the demo's callers through the installed FreeSWITCH 1.11.1
 * bundle instead of the simulator. A private switch (src/bundle: own ports, the test
 * extensions, our hold music), the app in this process on the real clock (a real switch
 * cannot follow simulated time), the sample people's phones as loopback extensions on the
 * switch, and the demo's caller mix as loopback calls pressing real DTMF, one every `gap`
 * real seconds. Ctrl-C or SIGTERM at any point stops the app and the switch.
 */
import path from 'node:path'
import { eq } from 'drizzle-orm'
import type { Logger } from 'pino'
import { startApp, type App } from '../app.js'
import { personEndpoint, testExtensions } from '../bundle/extensions.js'
import { freePort, prepareSharedCerts, startSwitch, type TestSwitch } from '../bundle/freeswitch.js'
import type { Db } from '../db/database.js'
import { agents } from '../db/schema/index.js'
import type { Flow } from '../ivr/flow/schema.js'
import { isOpen } from '../ivr/hours.js'
import { ivrCallFlow } from '../ivr/service.js'
import { realClock } from '../time/clock.js'
import { pickCaller, random } from './callers.js'
import { printCallReport, serveDemoPages, startShift, type DemoPages, type DemoSetup } from './demo-run.js'
import { RealCallers } from './real-callers.js'
import { SAMPLE_AGENTS, seedSampleData } from './sample-data.js'

export interface RealSwitchDemoOptions {
  calls: number
  seed: number
  /** Real ms between two callers. */
  gapMs: number
  /** The moment whose opening hours the run takes (the clock itself is the real one). */
  at: number
  exit: boolean
  log: Logger
}

/** A caller hangs up after this long on the line at the latest (queues may keep them longer). */
const PATIENCE_MS = 4 * 60_000

/** People rung by the app: `loopback/demo-phone-<ring ms>-<talk ms>-<agent>/default` rings, answers, talks, hangs up. */
const DEMO_PHONE = `  <extension name="demo-phone">
    <condition field="destination_number" expression="^demo-phone-(\\d+)-(\\d+)-(.+)$">
      <action application="ring_ready"/>
      <action application="sleep" data="$1"/>
      <action application="answer"/>
      <action application="sleep" data="$2"/>
      <action application="hangup"/>
    </condition>
  </extension>`

/**
 * Each sample person's phone for the run, chosen by the seed: the queues' operators and
 * sales answer after a few rings (the queues keep moving); the managers and heads the IVR
 * rings directly are sometimes busy or away, so the routing chains show their next step.
 */
function phonesFor(rnd: () => number): Array<{ id: string; endpoint: string; says: string }> {
  return SAMPLE_AGENTS.map((a) => {
    const atDesk = a.groups.includes('operators') || a.groups.includes('sales')
    const r = rnd()
    const ring = 2000 + Math.round(rnd() * 4) * 1000
    const talk = 8000 + Math.round(rnd() * 22) * 1000
    if (atDesk || r < 0.7) return { id: a.id, endpoint: `loopback/demo-phone-${ring}-${talk}-${a.id}/default`, says: `${a.id} answers after ${ring / 1000} s, talks ${talk / 1000} s` }
    if (r < 0.85) return { id: a.id, endpoint: personEndpoint('busy', a.id), says: `${a.id} is busy` }
    return { id: a.id, endpoint: personEndpoint('noanswer', a.id), says: `${a.id} does not answer` }
  })
}

/** The flows with the opening hours they have at `at`, around the clock: open, or closed (after hours). */
function hoursOf(flows: Flow[], at: number): { flows: Flow[]; open: boolean[] } {
  const open = flows.map((f) => (f.hours ? isOpen(f.hours, new Date(at)) : true))
  const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
  const adjusted = flows.map((f, i) =>
    f.hours ? { ...f, hours: { timezone: f.hours.timezone, weekly: Object.fromEntries(days.map((d) => [d, open[i] ? ['00:00-24:00'] : []])) as NonNullable<Flow['hours']>['weekly'], holidays: [] } } : f,
  )
  return { flows: adjusted, open }
}

export async function runRealSwitchDemo(setup: DemoSetup, options: RealSwitchDemoOptions): Promise<void> {
  const { config, queues, scripts } = setup
  const { log } = options
  const rnd = random(options.seed)
  // Stopping is asked for by Ctrl-C / SIGTERM at any point; what was started is undone in reverse.
  const stopping = new AbortController()
  const onSignal = (): void => {
    if (stopping.signal.aborted) console.error('demo: stopping the app and FreeSWITCH, a moment ...')
    else console.log('\ndemo: stopping the app and FreeSWITCH')
    stopping.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  const undo: Array<() => Promise<void>> = []
  try {
    const { flows, open } = hoursOf(setup.flows, options.at)
    const appPort = process.env.ESL_LISTEN_PORT ? config.eslListen.port : await freePort()
    // The DTLS/WSS keys every instance shares: made once per machine (a first start takes 6-13 s).
    await prepareSharedCerts()
    const sw: TestSwitch = await startSwitch({
      name: `demo-${process.pid}`,
      extensions: `${testExtensions(appPort)}\n${DEMO_PHONE}`,
      logLevel: 'info',
      holdMusicDir: path.join(path.resolve(config.promptsDir), 'music'),
      // The app's SIP accounts and operators' open lines, as in freeswitch/conf.
      appDirectory: true,
    })
    undo.push(() => sw.stop())
    if (stopping.signal.aborted) return

    const app: App = await startApp({
      config: {
        ...config,
        instanceId: `demo-${process.pid}`,
        eslListen: { host: '127.0.0.1', port: appPort },
        eslAdvertiseHost: '127.0.0.1',
        freeswitch: [{ host: '127.0.0.1', port: sw.ports.esl, password: sw.password }],
        // Outside numbers (callbacks, campaign contacts) are extensions of the same switch.
        gatewayTemplate: 'loopback/{number}/default',
        // The consoles' softphones register with this switch (plain WebSocket on loopback).
        softphoneWsUrl: config.softphoneWsUrl ?? `ws://127.0.0.1:${sw.ports.ws}`,
      },
      log,
      clock: realClock,
      flow: ivrCallFlow({ flows }),
      flows,
      queues,
      scripts,
    })
    undo.push(() => app.stop(5000))
    await seedSampleData(app.database.db)
    const restore = await pointPhonesAtSwitch(app, phonesFor(rnd))
    undo.push(restore.run)
    if (stopping.signal.aborted) return

    const pages: DemoPages = await serveDemoPages(app, realClock, config)
    undo.push(() => pages.close())
    const shift = await startShift(app)
    const callers = await RealCallers.connect({ host: '127.0.0.1', port: sw.ports.esl, password: sw.password }, log)
    undo.push(async () => {
      await callers.hangUpAll()
      callers.close()
    })
    await waitFor(() => app.controls.every((c) => c.isUp), 15_000, stopping.signal)

    const number = flows[0]!.numbers[0]!
    const hours = flows[0]!.hours ? `the center is ${open[0] ? 'open' : 'closed (after hours)'} for the whole run, as at ${new Date(options.at).toISOString()} (--at)` : 'the flow has no hours'
    console.log(
      `demo: ${options.calls} callers, one every ${options.gapMs / 1000} s (real time), to ${number} (flow '${flows[0]!.id}'); ${hours}\n` +
        `FreeSWITCH 1.11.1 on ${sw.eslAddress}, its files in ${sw.dir}; database ${app.database.where}\n` +
        `${wrap(`phones (extensions on the switch): ${restore.says.join('; ')}`)}\n` +
        `logged in to the queues: ${shift.join('; ')}\n`,
    )

    const placed: Array<{ kind: string; uuid: string; done: Promise<void> }> = []
    for (let n = 1; n <= options.calls && !stopping.signal.aborted; n++) {
      const caller = pickCaller(rnd)
      const call = await callers.place({ from: caller.from(n), to: number, steps: caller.steps, patienceMs: PATIENCE_MS })
      placed.push({ kind: caller.kind, uuid: call.bLeg, done: call.done })
      console.log(`demo: caller ${n} of ${options.calls}: ${caller.kind} (${caller.from(n)})`)
      if (n < options.calls) await sleep(options.gapMs, stopping.signal)
    }
    const allDone = Promise.all(placed.map((p) => p.done))
    await Promise.race([allDone, aborted(stopping.signal)])
    if (stopping.signal.aborted) return
    // The app's own end of each call (register, recording) follows the caller's hangup.
    await sleep(2000, stopping.signal)
    await app.register.flush()
    await printCallReport(app, placed)

    if (options.exit) return
    console.log(`\ndemo: still serving ${pages.base} (log in as above) with FreeSWITCH on ${sw.eslAddress}; Ctrl-C to stop`)
    await aborted(stopping.signal)
  } finally {
    for (const step of undo.reverse()) {
      await step().catch((err: unknown) => console.error(`demo: while stopping: ${(err as Error).message}`))
    }
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

/**
 * Points the sample people's phones at the switch (this demo's database only) and answers
 * how to put back what they were, with what each phone does for the banner.
 */
async function pointPhonesAtSwitch(app: App, phones: Array<{ id: string; endpoint: string; says: string }>): Promise<{ says: string[]; run: () => Promise<void> }> {
  const db = app.database.db
  await repairDemoPhones(db)
  const before = new Map((await db.select({ id: agents.id, endpoint: agents.endpoint }).from(agents)).map((a) => [a.id, a.endpoint]))
  for (const p of phones) await db.update(agents).set({ endpoint: p.endpoint }).where(eq(agents.id, p.id))
  return {
    says: phones.map((p) => p.says),
    run: async () => {
      for (const p of phones) {
        const was = before.get(p.id)
        if (was !== undefined) await db.update(agents).set({ endpoint: was }).where(eq(agents.id, p.id))
      }
    },
  }
}

/**
 * A run that was killed (SIGKILL) could not put the sample people's phones back: a phone
 * still pointing at a demo switch's loopback extension gets its sample endpoint again.
 */
export async function repairDemoPhones(db: Db): Promise<void> {
  for (const a of SAMPLE_AGENTS) {
    const [row] = await db.select({ endpoint: agents.endpoint }).from(agents).where(eq(agents.id, a.id))
    if (row && new RegExp(`^loopback/(demo-phone-\\d+-\\d+|busy|noanswer)-${a.id}/default$`).test(row.endpoint)) {
      await db.update(agents).set({ endpoint: a.endpoint }).where(eq(agents.id, a.id))
    }
  }
}

/** Long lines of the banner, cut at spaces for a terminal. */
function wrap(text: string, width = 110): string {
  const lines = ['']
  for (const word of text.split(' ')) {
    if (lines.at(-1)!.length + word.length + 1 > width && lines.at(-1)!.trim() !== '') lines.push('  ')
    lines[lines.length - 1] += lines.at(-1)!.trim() === '' ? word : ` ${word}`
  }
  return lines.join('\n')
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })))
}

async function waitFor(check: () => boolean, ms: number, signal: AbortSignal): Promise<void> {
  const from = Date.now()
  while (!check() && !signal.aborted) {
    if (Date.now() - from > ms) throw new Error(`demo: the app's control connection to FreeSWITCH did not come up within ${ms} ms`)
    await sleep(100, signal)
  }
}
