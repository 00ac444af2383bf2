/**
 * What FreeSWITCH itself spends on being driven over the event socket, taken apart: the same
 * IVR callers (driver.ts) at one level, each variant in turn on one switch, no app:
 *
 *   lua           ivr-menu.lua calling the media functions directly (the anchor)
 *   lua-execute   the same script running every step as an application (session:execute):
 *                 FreeSWITCH makes CHANNEL_EXECUTE / _COMPLETE events, nobody reads them
 *   esl-all       minimal-controller.ts (raw TCP, none of the app's code) sending the app's
 *                 commands in the app's order, every event of the channel sent to it (myevents)
 *   esl-filtered  the same, FreeSWITCH sending only the events a controller waits for
 *   esl-setvar    filtered, and variables set with the uuid_setvar_multi api, not `execute set`
 *
 *   npx tsx bench/freeswitch/control-cost.ts [--level=200] [--window=45] [--rounds=3] [--write]
 *
 * The variants take turns, round after round, after a short warm-up; the table gives the
 * median of the rounds and their range (this machine's run-to-run noise is some 10 %).
 *
 * --write puts the table between the `bench-freeswitch-control` markers of docs/BENCHMARKS.md.
 */
import { fork } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort, prepareSharedCerts, startSwitch, type TestSwitch } from '../../src/bundle/freeswitch.js'
import { figure, textTable } from '../../src/cli/text-table.js'
import { PromptLibrary } from '../../src/ivr/prompts.js'
import { writeSection } from './doc.js'
import { LoadDriver } from './driver.js'
import { runIvrLevel, type IvrLevel } from './ivr-load.js'
import { cpuSeconds } from './proc.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const argv = process.argv.slice(2)
const option = (name: string, d: string): string => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? d
const LEVEL = Number(option('level', '200'))
const WINDOW = Number(option('window', '45'))
const ROUNDS = Number(option('rounds', '3'))
const only = option('only', '')
  .split(',')
  .filter(Boolean)
const fmt = figure

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'control-cost-'))
const recordings = path.join(work, 'recordings')
fs.mkdirSync(recordings)
const prompts = new PromptLibrary(path.join(ROOT, 'prompts'))
const balance = prompts.playlist('en', ['balance-is', ...(prompts.fragments('en', { kind: 'money', amount: 1234.5, currency: 'EUR' }) ?? [])])
const lua = path.join(ROOT, 'bench/freeswitch/ivr-menu.lua')
const luaArgs = `${lua} ${path.join(ROOT, 'prompts')} ${recordings} ${balance}`
const controllerPort = await freePort()
const ext = (name: string, number: string, app: string, data: string): string =>
  `  <extension name="${name}">\n    <condition field="destination_number" expression="^${number}$">\n      <action application="${app}" data="${data}"/>\n    </condition>\n  </extension>`
const extensions = [ext('cc-lua', '5100', 'lua', luaArgs), ext('cc-lua-execute', '5101', 'lua', `${luaArgs} execute`), ext('cc-esl', '5200', 'socket', `127.0.0.1:${controllerPort} async full`)].join('\n')

interface Row {
  variant: string
  r: IvrLevel
}
const rows: Row[] = []
let sw: TestSwitch | undefined
let driver: LoadDriver | undefined
try {
  await prepareSharedCerts()
  sw = await startSwitch({ name: 'control-cost', extensions, logLevel: 'warning' })
  const fsPid = Number(fs.readFileSync(path.join(sw.dir, 'run', 'freeswitch.pid'), 'utf8').trim())
  driver = await LoadDriver.connect(sw.ports.esl, sw.password)
  await driver.api('fsctl sps 5000')
  await driver.api('fsctl max_sessions 20000')
  const idleFor = async (pid: number, seconds = 10): Promise<number> => {
    const c0 = cpuSeconds(pid)
    await new Promise((r) => setTimeout(r, seconds * 1000))
    return (cpuSeconds(pid) - c0) / seconds
  }
  const fsIdle = await idleFor(fsPid)
  let n = 0
  const base = { driver, fsPid, keyDelayMs: 1500, callSeconds: 26, nextNumber: () => `+3876150${String(n++ % 10_000).padStart(4, '0')}` }
  let warm = false
  const run = async (variant: string, destination: string, controllerPid?: number, controllerIdle = 0): Promise<void> => {
    if (only.length && !only.includes(variant)) return
    const ctx = { ...base, mode: controllerPid ? ('app' as const) : ('lua' as const), destination, appPid: controllerPid, idle: { fs: fsIdle, app: controllerIdle } }
    if (!warm) {
      warm = true
      await runIvrLevel(ctx, Math.min(50, LEVEL), 30)
    }
    const r = await runIvrLevel(ctx, LEVEL, WINDOW)
    rows.push({ variant, r })
    console.log(`${variant}: ${r.completed}/${r.calls} completed, setup p50 ${fmt(r.setupP50Ms)} ms p99 ${fmt(r.setupP99Ms)} ms, FS ${fmt(r.fsMsPerCall, 1)} ms/call, controller ${fmt(r.appMsPerCall, 1)} ms/call, FS ${fmt(r.fsCpuPercent)} %, idle ${fmt(r.idlePercent)} %`)
    for (const [cause, k] of r.lostCauses) console.log(`  lost ${k}: ${cause}`)
    fs.rmSync(recordings, { recursive: true, force: true })
    fs.mkdirSync(recordings)
    await driver!.api('hupall NORMAL_CLEARING')
  }
  for (let round = 1; round <= ROUNDS; round++) {
    console.log(`round ${round} of ${ROUNDS}`)
    await run('lua', '5100')
    await run('lua-execute', '5101')
    for (const variant of ['all', 'filtered', 'setvar']) {
      if (only.length && !only.includes(`esl-${variant}`)) continue
      const child = fork(path.join(ROOT, 'bench/freeswitch/minimal-controller.ts'), [String(controllerPort), path.join(ROOT, 'prompts'), recordings, balance, variant], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
      await new Promise<void>((resolve, reject) => {
        child.once('message', () => resolve())
        child.once('exit', (code) => reject(new Error(`the controller exited (${code})`)))
      })
      const idle = await idleFor(child.pid!, 5)
      await run(`esl-${variant}`, '5200', child.pid!, idle)
      child.kill('SIGKILL')
      await new Promise((r) => child.once('exit', r))
    }
  }
} finally {
  driver?.close()
  await sw?.stop().catch(() => {})
  fs.rmSync(work, { recursive: true, force: true })
}

const variants = [...new Set(rows.map((x) => x.variant))]
const median = (v: number[]): number => {
  const s = v.slice().sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}
const of = (variant: string, pick: (r: IvrLevel) => number): number[] => rows.filter((x) => x.variant === variant).map((x) => pick(x.r))
const cell = (v: number[], digits = 1): string => (v.length > 1 ? `${fmt(median(v), digits)} (${fmt(Math.min(...v), digits)}-${fmt(Math.max(...v), digits)})` : fmt(v[0] ?? NaN, digits))
const anchorFs = median(of('lua', (r) => r.fsMsPerCall))
const table = textTable(
  ['variant', 'calls', 'lost', 'setup p50 ms', 'setup p99 ms', 'FS CPU ms/call', 'FS vs lua', 'controller CPU ms/call', 'FS CPU % (steady)', 'machine idle %', 'others CPU %'],
  variants.map((variant) => {
    const fsMs = of(variant, (r) => r.fsMsPerCall)
    const d = median(fsMs) - anchorFs
    return [
      variant,
      of(variant, (r) => r.calls).reduce((a, b) => a + b, 0),
      of(variant, (r) => r.lost).reduce((a, b) => a + b, 0),
      cell(of(variant, (r) => r.setupP50Ms), 0),
      cell(of(variant, (r) => r.setupP99Ms), 0),
      cell(fsMs),
      variant === 'lua' ? '' : `${d >= 0 ? '+' : ''}${fmt(d, 1)}`,
      variant.startsWith('esl') ? cell(of(variant, (r) => r.appMsPerCall)) : '-',
      cell(of(variant, (r) => r.fsCpuPercent), 0),
      cell(of(variant, (r) => r.idlePercent), 0),
      cell(of(variant, (r) => r.otherCpuPercent), 0),
    ]
  }),
)
console.log(`\n${LEVEL} callers at once, window ${WINDOW} s, ${ROUNDS} rounds: median (range)\n${table}`)
if (argv.includes('--write')) {
  writeSection('bench-freeswitch-control', [
    `Measured ${new Date().toISOString().slice(0, 10)} with \`npx tsx bench/freeswitch/control-cost.ts ${argv.join(' ')}\` on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown cpu'}), Node ${process.version}: ${LEVEL} callers at once, window ${WINDOW} s, one switch, no app; the variants took turns for ${ROUNDS} rounds after a warm-up: median (range).`,
    '',
    table,
  ])
}
