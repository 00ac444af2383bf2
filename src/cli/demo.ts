/**
 * `npm run demo [-- --calls 40 --rate 4 --language en]`: the app against the FreeSWITCH
 * simulator, both over real event-socket TCP in this process. Simulated callers phone in
 * and go through the built-in flow (answer, a prompt, one digit, goodbye); some press a
 * digit, some stay silent, some hang up mid-prompt. Live counts every second, CDRs in the
 * database (Postgres, or embedded PGlite when none is running).
 */
import path from 'node:path'
import { parseArgs } from 'node:util'
import { sql } from 'drizzle-orm'
import { startApp } from '../app.js'
import { ConfigError, loadConfig } from '../config.js'
import { basicFlow, type BasicFlowResult } from '../demo/basic-flow.js'
import { createLogger } from '../log.js'
import { startSimulator, type CallerScript } from '../sim/index.js'
import { realClock } from '../time/clock.js'

const { values: opts } = parseArgs({
  options: {
    calls: { type: 'string', default: '40' },
    rate: { type: 'string', default: '4' },
    language: { type: 'string', default: 'en' },
    seed: { type: 'string', default: '1' },
  },
})

function positive(name: string, raw: string | undefined): number {
  const n = Number(raw)
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`--${name} must be a positive number (got '${raw}')`)
    process.exit(2)
  }
  return n
}

const totalCalls = Math.round(positive('calls', opts.calls))
const rate = positive('rate', opts.rate)
const language = opts.language ?? 'en'
if (!['en', 'ru', 'pt', 'bs'].includes(language)) {
  console.error(`--language must be one of en, ru, pt, bs (got '${language}')`)
  process.exit(2)
}

/** A small deterministic generator, so a seed replays the same callers. */
function random(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

/** What a simulated caller does: most press a digit, some stay silent, some hang up. */
function callerScript(rnd: () => number): { kind: string; script: CallerScript } {
  const r = rnd()
  const digit = String(1 + Math.floor(rnd() * 9))
  if (r < 0.55) return { kind: 'presses a digit', script: { steps: [{ app: 'play_and_get_digits' }, { wait: 1500 + rnd() * 3000 }, { dtmf: digit }] } }
  if (r < 0.7) return { kind: 'barges in', script: { steps: [{ app: 'play_and_get_digits' }, { wait: 500 }, { dtmf: digit }] } }
  if (r < 0.85) return { kind: 'stays silent', script: { steps: [] } }
  return { kind: 'hangs up mid-prompt', script: { steps: [{ app: 'play_and_get_digits' }, { wait: 1000 + rnd() * 1500 }, { hangup: true }] } }
}

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
  // The demo prints its own live table: only warnings and worse go to the log, unless
  // LOG_LEVEL asks for debug or trace.
  const level = config.logLevel === 'debug' || config.logLevel === 'trace' ? config.logLevel : 'warn'
  const log = createLogger(level, { instance: 'demo' })
  const prompts = path.resolve(config.promptsDir)
  const sim = await startSimulator({
    clock: realClock,
    log,
    media: { localStreams: { moh: path.join(prompts, 'music/hold.wav') } },
  })
  const results: BasicFlowResult[] = []
  const instanceId = `demo-${process.pid}`
  const app = await startApp({
    config: {
      ...config,
      instanceId,
      eslListen: { host: '127.0.0.1', port: 0 },
      freeswitch: [{ host: sim.address.host, port: sim.address.port, password: 'ClueCon' }],
    },
    log,
    clock: realClock,
    flow: async (call) => {
      results.push(
        await basicFlow(call, {
          greeting: path.join(prompts, language, 'demo-welcome.wav'),
          goodbye: path.join(prompts, language, 'demo-goodbye.wav'),
        }),
      )
    },
  })
  sim.sw.appAddress = `127.0.0.1:${app.outbound.port}`
  const started = new Date()
  console.log(
    `demo: ${totalCalls} simulated calls at ${rate}/s; FreeSWITCH simulator on ${sim.address.host}:${sim.address.port}, ` +
      `our outbound socket on ${sim.sw.appAddress}, database ${app.database.where}`,
  )

  const rnd = random(Number(opts.seed) || 1)
  const kinds = new Map<string, number>()
  const done: Array<Promise<void>> = []
  let placed = 0
  const placer = setInterval(() => {
    if (placed >= totalCalls) return clearInterval(placer)
    placed++
    const { kind, script } = callerScript(rnd)
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1)
    const from = `+3876100${String(placed).padStart(4, '0')}`
    done.push(sim.sw.placeCall({ from, fromName: `Caller ${placed}`, to: '5000', script }).done)
  }, 1000 / rate)

  const t0 = Date.now()
  const report = (): void => {
    const digits = results.filter((r) => r.digit !== undefined).length
    const hungUp = results.filter((r) => r.ended === 'caller').length
    console.log(
      `t=${String(Math.round((Date.now() - t0) / 1000)).padStart(3)}s  placed ${String(placed).padStart(3)}  ` +
        `in progress ${String(app.outbound.activeCalls.size).padStart(3)}  finished ${String(results.length).padStart(3)}  ` +
        `with a digit ${String(digits).padStart(3)}  caller hung up ${String(hungUp).padStart(3)}  CDR backlog ${app.register.backlog}`,
    )
  }
  const ticker = setInterval(report, 1000)
  while (placed < totalCalls) await new Promise((r) => setTimeout(r, 100))
  await Promise.all(done)
  while (app.outbound.activeCalls.size > 0) await new Promise((r) => setTimeout(r, 50))
  await app.register.flush()
  clearInterval(ticker)
  report()

  const rows = await app.database.db.execute(
    sql`select hangup_cause, count(*)::int as n from calls where instance_id = ${instanceId} and started_at >= ${started} group by hangup_cause`,
  )
  const byCause = (rows as unknown as { rows?: Array<{ hangup_cause: string; n: number }> }).rows ?? (rows as unknown as Array<{ hangup_cause: string; n: number }>)
  console.log('\ncallers:', Object.fromEntries(kinds))
  console.log('digits pressed:', Object.fromEntries(countBy(results.map((r) => r.digit ?? 'none'))))
  console.log('CDR rows written, by hangup cause:', Object.fromEntries(byCause.map((r) => [r.hangup_cause, r.n])))
  await app.stop(5000)
  await sim.close()
}

function countBy(items: string[]): Map<string, number> {
  const m = new Map<string, number>()
  for (const i of items.sort()) m.set(i, (m.get(i) ?? 0) + 1)
  return m
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err)
    process.exit(1)
  },
)
