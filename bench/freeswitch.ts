/**
 * `npm run bench:freeswitch`: the figures on the real switch (the FreeSWITCH 1.11.1 bundle
 * in /opt/freeswitch, one private instance, log level warning), one run on this machine:
 *
 * 1. IVR callers over loopback at rising concurrency, driven by an in-process Lua script
 *    (bench/freeswitch/ivr-menu.lua: the same prompts and menus, mod_lua, no app): what
 *    FreeSWITCH alone costs per call, and the level where FreeSWITCH itself stops keeping up.
 * 2. The same callers through the app (src/main.ts as its own process, the default flow):
 *    CPU per call of the app and of FreeSWITCH, set-up time, calls lost.
 * 3. Queue hand-off: operator free -> next caller bridged, on the real switch.
 *
 * Prints the tables and writes them, with the command and the date, between the
 * `bench-freeswitch` markers of docs/BENCHMARKS.md.
 *
 *   --levels=25,50,100   concurrency levels (default 25,50,100,200,300,400,500,600,800; stops one past
 *                        the last level FreeSWITCH sustains under Lua)
 *   --window=60          seconds during which new calls start at each level (the first call length included)
 *   --quick              levels 10,25, window 40 s, 40 queue callers (a smoke run; figures not written)
 *   --no-lua / --no-app / --no-queue   leave a part out
 *   --operators=3 --callers=130        the hand-off part
 *   --profile            the app runs with --cpu-prof (profiles kept in the printed directory)
 *   --no-write           print only
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import YAML from 'yaml'
import { personEndpoint, testExtensions } from '../src/bundle/extensions.js'
import { freePort, prepareSharedCerts, startSwitch } from '../src/bundle/freeswitch.js'
import { figure, textTable as table } from '../src/cli/text-table.js'
import { createScratchDatabase } from '../src/db/scratch-database.js'
import { agents, clients } from '../src/db/schema/index.js'
import { PromptLibrary } from '../src/ivr/prompts.js'
import { startBenchApp, type BenchApp } from './freeswitch/app.js'
import { LoadDriver } from './freeswitch/driver.js'
import { runHandoffs, type HandoffResult } from './freeswitch/handoff.js'
import { writeSection } from './freeswitch/doc.js'
import { runIvrLevel, type IvrLevel, type LevelContext } from './freeswitch/ivr-load.js'
import { cpuSeconds, otherLoadLine, postgresBackends, snapshot } from './freeswitch/proc.js'
import { exitWithHelp } from '../src/cli/usage.js'
import { benchAppEnv, benchWorkspace, writeAllDayFlow } from './freeswitch/workspace.js'

exitWithHelp(`
usage: npm run bench:freeswitch [-- options]

The figures on the real FreeSWITCH 1.11.1 bundle (/opt/freeswitch): IVR callers under Lua and
through the app, and the queue hand-off; written to docs/BENCHMARKS.md.

  --levels=25,50,100   concurrency levels
  --window=60          seconds during which new calls start at each level
  --quick              levels 10,25, window 40 s, 40 queue callers (figures not written)
  --no-lua / --no-app / --no-queue   leave a part out
  --operators=3 --callers=130        the hand-off part
  --profile            the app runs with --cpu-prof
  --no-write           print only
  -h, --help           this text
`)

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const LUA = path.join(ROOT, 'bench/freeswitch/ivr-menu.lua')
const LUA_NUMBER = '5100'
const ADMIN_PASSWORD = 'a-long-bench-password'
/** A level FreeSWITCH sustains: no call lost, set-up p99 within this, the machine not saturated. */
const SETUP_LIMIT_MS = 1000
const MIN_IDLE_PERCENT = 5
/** The app's run stops after a level losing more than this share of its calls. */
const APP_GIVE_UP_LOST = 0.05
/** The goal: app CPU per call at most this share of FreeSWITCH's. */
const GOAL_RATIO = 1 / 3
/** IVR callers: clients without a language (they go through the language menu). */
const IVR_CLIENTS = 10_000
const ivrNumber = (i: number): string => `+3876150${String(i % IVR_CLIENTS).padStart(4, '0')}`
const queueNumber = (i: number): string => `+3876151${String(i).padStart(4, '0')}`
const BALANCE = 1234.5

const argv = process.argv.slice(2)
const flag = (name: string): boolean => argv.includes(`--${name}`)
const option = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)
const quick = flag('quick')
const levels = (option('levels') ?? (quick ? '10,25' : '25,50,100,200,300,400,500,600,800')).split(',').map(Number)
const windowSeconds = Number(option('window') ?? (quick ? 40 : 60))
const operatorCount = Number(option('operators') ?? 3)
const callerCount = Number(option('callers') ?? (quick ? 40 : 130))
const write = !flag('no-write') && !quick
const KEY_DELAY_MS = 1500
/** welcome 2.6 s, two menus answered after 1.5 s, the balance ~5 s, the menu, the prices 12.4 s, the menu: ~26 s. */
const CALL_SECONDS = 26

const fmt = figure
const log = (line: string): void => console.log(line)
const cpuModel = os.cpus()[0]?.model ?? 'unknown cpu'
const command = `npm run bench:freeswitch${argv.length ? ` -- ${argv.join(' ')}` : ''}`

log(`real FreeSWITCH benchmark on ${os.cpus().length} cores (${cpuModel}), Node ${process.version}${quick ? ', quick run' : ''}`)
const load0 = os.loadavg()
log(`load average before the run: ${load0.map((l) => l.toFixed(2)).join(' ')}`)
const before = snapshot()

const ws = benchWorkspace('freeswitch', ['flows', 'recordings-app', 'recordings-lua', 'data', 'profiles'], log)
const dirs = { flows: ws.dirs.flows!, appRecordings: ws.dirs['recordings-app']!, luaRecordings: ws.dirs['recordings-lua']!, profiles: ws.dirs.profiles! }
let app: BenchApp | undefined

const luaLevels: IvrLevel[] = []
const appLevels: IvrLevel[] = []
let handoff: HandoffResult | undefined
let fsIdleCpuPercent = NaN
let appIdleCpuPercent = NaN
let fsIdleWithAppPercent = NaN
let appProblems = new Map<string, number>()
let after = before
const ourPids = new Set<number>([process.pid, process.ppid])

try {
  await prepareSharedCerts()
  const db = await createScratchDatabase('bench')
  ws.onCleanUp(() => db.drop())
  const dbName = new URL(db.url).pathname.slice(1)
  const operators = Array.from({ length: operatorCount }, (_, i) => `op${i + 1}`)
  await db.db.insert(agents).values([
    { id: 'olga', name: 'Olga Ivanova', endpoint: personEndpoint('answers', 'olga'), groups: ['sales'] },
    ...operators.map((id) => ({ id, name: `Operator ${id}`, endpoint: personEndpoint('answers', id), groups: ['operators'] })),
  ])
  // Known retail clients with a manager: the main menu is where they land. The IVR callers have
  // no language (they choose it); the queue's callers have one (straight to the main menu).
  for (let from = 0; from < IVR_CLIENTS; from += 1000) {
    await db.db.insert(clients).values(
      Array.from({ length: 1000 }, (_, k) => ({ name: `Shop ${from + k}`, phone: ivrNumber(from + k), type: 'retail' as const, managerId: 'olga', balance: String(BALANCE), currency: 'EUR' })),
    )
  }
  await db.db.insert(clients).values(Array.from({ length: callerCount }, (_, i) => ({ name: `Waiting shop ${i}`, phone: queueNumber(i), type: 'retail' as const, managerId: 'olga', language: 'en', currency: 'EUR' })))

  // The default flow, open around the clock (as the real-switch tests run it); short-hold queues.
  // The default flow, open around the clock (as the real-switch tests run it); short-hold queues.
  writeAllDayFlow(ROOT, dirs.flows)
  const queue = { strategy: 'longest-idle', members: { groups: ['operators'] }, ringTimeoutSeconds: 10, maxMissedOffers: 3, wrapUpSeconds: 0, announceEverySeconds: 30, serviceLevelSeconds: 20, maxWaitSeconds: 900, onMaxWait: 'voicemail', onNoAgents: 'voicemail' }
  fs.writeFileSync(ws.queuesFile, YAML.stringify({ queues: { operators: queue, orders: { ...queue, members: { groups: ['sales'] }, onMaxWait: { queue: 'operators' }, onNoAgents: { queue: 'operators' } } } }))

  // The balance as the app says it, for the Lua script to play the same files.
  const prompts = new PromptLibrary(path.join(ROOT, 'prompts'))
  const balance = prompts.playlist('en', ['balance-is', ...(prompts.fragments('en', { kind: 'money', amount: BALANCE, currency: 'EUR' }) ?? [])])
  const luaExtension = [
    '  <extension name="bench-lua-ivr">',
    `    <condition field="destination_number" expression="^${LUA_NUMBER}$">`,
    `      <action application="lua" data="${LUA} ${path.join(ROOT, 'prompts')} ${dirs.luaRecordings} ${balance}"/>`,
    '    </condition>',
    '  </extension>',
  ].join('\n')

  const appPort = await freePort()
  const httpPort = await freePort()
  const sw = await startSwitch({ name: 'bench', extensions: `${testExtensions(appPort)}\n${luaExtension}`, logLevel: 'warning', holdMusicDir: path.join(ROOT, 'prompts', 'music') })
  const fsPid = Number(fs.readFileSync(path.join(sw.dir, 'run', 'freeswitch.pid'), 'utf8').trim())
  ws.onCleanUp(() => sw.stop())
  ourPids.add(fsPid)
  const driver = await LoadDriver.connect(sw.ports.esl, sw.password)
  ws.onCleanUp(() => driver.close())
  // The test configuration admits 30 new sessions a second and 1000 in all (a loopback call is
  // two): limits of the configuration, not of the machine.
  await driver.api('fsctl sps 5000')
  await driver.api('fsctl max_sessions 20000')
  log(`FreeSWITCH pid ${fsPid}, run directory ${sw.dir}`)
  {
    const c0 = cpuSeconds(fsPid)
    await new Promise((r) => setTimeout(r, 10_000))
    fsIdleCpuPercent = ((cpuSeconds(fsPid) - c0) / 10) * 100
    log(`FreeSWITCH idle: ${fmt(fsIdleCpuPercent, 1)} % of a core`)
  }

  let seq = 0
  const idle = { fs: fsIdleCpuPercent / 100, app: 0 }
  const base = { driver, fsPid, keyDelayMs: KEY_DELAY_MS, callSeconds: CALL_SECONDS, idle, nextNumber: () => ivrNumber(seq++) } satisfies Partial<LevelContext>
  const sustained = (r: IvrLevel): boolean => r.lost === 0 && r.setupP99Ms <= SETUP_LIMIT_MS && !(r.idlePercent < MIN_IDLE_PERCENT)
  const clearRecordings = (): void => {
    for (const d of [dirs.appRecordings, dirs.luaRecordings]) {
      fs.rmSync(d, { recursive: true, force: true })
      fs.mkdirSync(d, { recursive: true })
    }
  }
  const printLevel = (r: IvrLevel): void => {
    log(
      `  ${r.mode} ${r.level}: ${r.calls} calls, ${r.completed} completed, ${r.lost} lost, max ${r.maxConcurrent} at once; setup p50 ${fmt(r.setupP50Ms)} ms p99 ${fmt(r.setupP99Ms)} ms; ` +
        `CPU ms/call FS ${fmt(r.fsMsPerCall, 1)} app ${fmt(r.appMsPerCall, 1)} pg ${fmt(r.postgresMsPerCall, 1)} bench ${fmt(r.benchMsPerCall, 1)}; FS ${fmt(r.fsCpuPercent)} % app ${fmt(r.appCpuPercent)} %, idle ${fmt(r.idlePercent)} %; ${fmt(r.wallSeconds)} s`,
    )
    for (const [cause, n] of r.lostCauses) log(`    lost ${n}: ${cause}`)
    if (r.reprompts) log(`    ${r.reprompts} menus replayed (a key went missing): ${[...r.repromptCauses].map(([c, n]) => `${n} x ${c}`).join('; ')}`)
  }

  const runLevels = (levels.length ? levels : [25]).filter((l) => l > 0)
  let lastLevel = runLevels.length
  if (!flag('no-lua')) {
    log(`\nIVR callers, mod_lua script (${LUA_NUMBER}), window ${windowSeconds} s a level`)
    for (const level of runLevels) {
      const r = await runIvrLevel({ ...base, mode: 'lua', destination: LUA_NUMBER }, level, windowSeconds)
      luaLevels.push(r)
      printLevel(r)
      clearRecordings()
      await driver.api('hupall NORMAL_CLEARING')
      if (!sustained(r)) break
    }
    lastLevel = luaLevels.length
  }

  if (!flag('no-app') || !flag('no-queue')) {
    const started = await startBenchApp({
      root: ROOT,
      logFile: path.join(ws.work, 'app.log'),
      httpPort,
      adminPassword: ADMIN_PASSWORD,
      cpuProfileDir: flag('profile') ? dirs.profiles : undefined,
      env: benchAppEnv({ root: ROOT, databaseUrl: db.url, ws, sw, appPort, httpPort, recordings: dirs.appRecordings, instance: 'bench-app', adminPassword: ADMIN_PASSWORD }),
    })
    app = started
    ws.onCleanUp(() => started.stop())
    ourPids.add(app.pid)
    // Its idle CPU, once the start's own work is over.
    await new Promise((r) => setTimeout(r, 3000))
    const a0 = cpuSeconds(app.pid)
    const f0 = cpuSeconds(fsPid)
    await new Promise((r) => setTimeout(r, 10_000))
    appIdleCpuPercent = ((cpuSeconds(app.pid) - a0) / 10) * 100
    fsIdleWithAppPercent = ((cpuSeconds(fsPid) - f0) / 10) * 100
    idle.app = appIdleCpuPercent / 100
    idle.fs = fsIdleWithAppPercent / 100
    log(`\napp pid ${app.pid}, log ${app.logFile}; idle: app ${fmt(appIdleCpuPercent, 1)} % of a core, FreeSWITCH ${fmt(fsIdleWithAppPercent, 1)} % with the app connected`)
  }

  if (!flag('no-app') && app) {
    log(`IVR callers through the app (5000, flows/default.yaml), window ${windowSeconds} s a level`)
    for (const level of runLevels.slice(0, Math.max(1, lastLevel))) {
      const r = await runIvrLevel({ ...base, mode: 'app', destination: '5000', appPid: app.pid, database: dbName }, level, windowSeconds)
      appLevels.push(r)
      printLevel(r)
      clearRecordings()
      await driver.api('hupall NORMAL_CLEARING')
      if (r.lost > r.calls * APP_GIVE_UP_LOST) break
    }
  }

  if (!flag('no-queue') && app) {
    log(`\nQueue hand-off: ${callerCount} callers, ${operatorCount} operators`)
    handoff = await runHandoffs({ driver, app, fsPid, operators, numbers: Array.from({ length: callerCount }, (_, i) => queueNumber(i)), keyDelayMs: 1000, talkMs: [500, 1500], log })
    log(
      `  served ${handoff.served}/${handoff.callers}, ${handoff.lost} lost; ${handoff.handoffs} hand-offs p50 ${fmt(handoff.p50Ms, 1)} ms p99 ${fmt(handoff.p99Ms, 1)} ms max ${fmt(handoff.maxMs, 1)} ms (our clock, uuid_kill sent -> bridge seen: p50 ${fmt(handoff.local.p50Ms, 1)} p99 ${fmt(handoff.local.p99Ms, 1)} max ${fmt(handoff.local.maxMs, 1)} ms); resume -> first bridge ${handoff.resumeToBridgeMs.map((v) => fmt(v)).join(', ')} ms`,
    )
    for (const [cause, n] of handoff.lostCauses) log(`    lost ${n}: ${cause}`)
    for (const st of handoff.steps) log(`    ${st.step}: p50 ${fmt(st.p50Ms, 1)} ms, p99 ${fmt(st.p99Ms, 1)} ms`)
  }
  for (const pid of postgresBackends(dbName)) ourPids.add(pid)
  after = snapshot()
  if (app) {
    await app.stop()
    appProblems = app.problems()
    if (appProblems.size) {
      log('\napp log lines at warn or above:')
      for (const [k, n] of appProblems) log(`  ${n} x ${k}`)
    }
    if (flag('profile')) {
      const keep = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-freeswitch-profile-'))
      for (const f of fs.readdirSync(dirs.profiles)) fs.copyFileSync(path.join(dirs.profiles, f), path.join(keep, f))
      log(`app CPU profiles: ${keep}`)
    }
  }
} finally {
  await ws.cleanUp()
}

// --- the tables -------------------------------------------------------------------------

const otherLine = otherLoadLine(before, after, ourPids, load0)
log(`\n${otherLine}`)

const luaTable = table(
  ['callers at once', 'calls', 'completed', 'lost', 'setup p50 ms', 'setup p99 ms', 'FS CPU ms/call', 'FS CPU % (steady)', 'machine idle %', 'others CPU %'],
  luaLevels.map((r) => [r.level, r.calls, r.completed, r.lost, fmt(r.setupP50Ms), fmt(r.setupP99Ms), fmt(r.fsMsPerCall, 1), fmt(r.fsCpuPercent), fmt(r.idlePercent), fmt(r.otherCpuPercent)]),
)
const appTable = table(
  ['callers at once', 'calls', 'completed', 'lost', 'setup p50 ms', 'setup p99 ms', 'app CPU ms/call', 'FS CPU ms/call', 'app / FS', 'Postgres CPU ms/call', 'app CPU % (steady)', 'FS CPU % (steady)', 'machine idle %', 'others CPU %'],
  appLevels.map((r) => [
    r.level,
    r.calls,
    r.completed,
    r.lost,
    fmt(r.setupP50Ms),
    fmt(r.setupP99Ms),
    fmt(r.appMsPerCall, 1),
    fmt(r.fsMsPerCall, 1),
    fmt(r.appMsPerCall / r.fsMsPerCall, 2),
    fmt(r.postgresMsPerCall, 1),
    fmt(r.appCpuPercent),
    fmt(r.fsCpuPercent),
    fmt(r.idlePercent),
    fmt(r.otherCpuPercent),
  ]),
)
const compareTable = table(
  ['callers at once', 'Lua: FS CPU ms/call', 'app: app + FS CPU ms/call', 'of which app', 'of which FS', 'app + FS / Lua FS'],
  appLevels.map((a) => {
    const l = luaLevels.find((x) => x.level === a.level)
    return [a.level, fmt(l?.fsMsPerCall ?? NaN, 1), fmt(a.appMsPerCall + a.fsMsPerCall, 1), fmt(a.appMsPerCall, 1), fmt(a.fsMsPerCall, 1), fmt(l ? (a.appMsPerCall + a.fsMsPerCall) / l.fsMsPerCall : NaN, 2)]
  }),
)
const handoffTable = handoff
  ? table(
      ['operators', 'callers', 'served', 'lost', 'hand-offs', 'p50 ms', 'p99 ms', 'max ms', 'our clock: p50 / p99 / max ms', 'resume -> first bridge ms', 's', 'app CPU %', 'FS CPU %'],
      [
        [
          handoff.operators,
          handoff.callers,
          handoff.served,
          handoff.lost,
          handoff.handoffs,
          fmt(handoff.p50Ms, 1),
          fmt(handoff.p99Ms, 1),
          fmt(handoff.maxMs, 1),
          `${fmt(handoff.local.p50Ms, 1)} / ${fmt(handoff.local.p99Ms, 1)} / ${fmt(handoff.local.maxMs, 1)}`,
          handoff.resumeToBridgeMs.map((v) => fmt(v)).join(' / '),
          fmt(handoff.seconds, 1),
          fmt(handoff.appCpuPercent),
          fmt(handoff.fsCpuPercent),
        ],
      ],
    )
  : ''

const stepsTable = handoff ? table(['step', 'p50 ms', 'p99 ms'], handoff.steps.map((st) => [st.step, fmt(st.p50Ms, 1), fmt(st.p99Ms, 1)])) : ''

// The highest level FreeSWITCH sustains (under Lua), and the goal there.
const luaSustained = luaLevels.filter((r) => r.lost === 0 && r.setupP99Ms <= SETUP_LIMIT_MS && !(r.idlePercent < MIN_IDLE_PERCENT))
const top = luaSustained.at(-1)
const luaStopped = luaLevels.length > luaSustained.length ? luaLevels.at(-1) : undefined
const appAtTop = top ? appLevels.find((a) => a.level === top.level) : undefined
const appUpToTop = appLevels.filter((a) => !top || a.level <= top.level)
const ratioOk = appUpToTop.length > 0 && appUpToTop.every((a) => a.appMsPerCall <= a.fsMsPerCall * GOAL_RATIO)
const noLoss = appAtTop !== undefined && appAtTop.lost === 0
const appSustained = appLevels.filter((r) => r.lost === 0 && r.setupP99Ms <= SETUP_LIMIT_MS && !(r.idlePercent < MIN_IDLE_PERCENT))
const appTop = appSustained.at(-1)
const appStopped = appLevels.find((r) => !appSustained.includes(r))
const why = (r: IvrLevel): string =>
  [r.lost ? `${r.lost} of ${r.calls} calls lost` : '', r.setupP99Ms > SETUP_LIMIT_MS ? `setup p99 ${fmt(r.setupP99Ms)} ms` : '', r.idlePercent < MIN_IDLE_PERCENT ? `machine idle ${fmt(r.idlePercent)} %` : ''].filter(Boolean).join(', ')
const verdict = [
  top
    ? `Highest level FreeSWITCH sustains here (under Lua: no call lost, setup p99 <= ${SETUP_LIMIT_MS} ms, machine idle >= ${MIN_IDLE_PERCENT} %): **${top.level} callers at once**${luaStopped ? `; at ${luaStopped.level}: ${why(luaStopped)}` : ' (the highest level run)'}.`
    : 'No Lua level was sustained (or the Lua part was left out).',
  `Highest level sustained through the app (same test): **${appTop ? `${appTop.level} callers at once` : 'none'}**${appStopped ? `; at ${appStopped.level}: ${why(appStopped)}` : ''}.`,
  `App CPU per call at most a third of FreeSWITCH's at every level up to it: **${ratioOk ? 'yes' : 'no'}** (app / FS ${appUpToTop.map((a) => `${a.level}: ${fmt(a.appMsPerCall / a.fsMsPerCall, 2)}`).join(', ')}).`,
  `No call lost through the app at that level: **${appAtTop ? (noLoss ? 'yes' : `no (${appAtTop.lost} of ${appAtTop.calls})`) : 'not measured'}**.`,
  `Goal "the app is never the bottleneck": **${ratioOk && noLoss ? 'holds' : 'does not hold'}**.`,
]

log(`\nIVR callers, in-process Lua script (FreeSWITCH alone; idle FreeSWITCH: ${fmt(fsIdleCpuPercent, 1)} % of a core)\n${luaTable}`)
log(`\nIVR callers through the app (one app process)\n${appTable}`)
log(`\nWhat the control costs: CPU per call, app + FreeSWITCH against FreeSWITCH under Lua\n${compareTable}`)
if (handoff) log(`\nQueue hand-off on the real switch: operator hangs up -> next caller bridged to them\n${handoffTable}\n\n${stepsTable}`)
log(`\n${verdict.join('\n')}`)
if (appProblems.size) log(`\napp warnings/errors: ${[...appProblems].map(([k, n]) => `${n} x ${k}`).join('; ')}`)

if (write) {
  const date = new Date().toISOString().slice(0, 10)
  // Causes without their timings ("pressed 2 118 ms late ..."), counted per level.
  const lostLines = [...luaLevels, ...appLevels]
    .filter((r) => r.lostCauses.size > 0)
    .map((r) => {
      const causes = new Map<string, number>()
      for (const [c, n] of r.lostCauses) {
        const k = c.replace(/ \d+ ms late/g, '').replace(/no prompt for \d+ s/, 'no prompt for 45 s').replace(/^(caller|dialplan) leg hung up/, 'hung up')
        causes.set(k, (causes.get(k) ?? 0) + n)
      }
      const list = [...causes].sort((x, y) => y[1] - x[1])
      return `- ${r.mode} at ${r.level}: ${list.slice(0, 5).map(([c, n]) => `${n} x ${c}`).join('; ')}${list.length > 5 ? `; ${list.slice(5).reduce((t, [, n]) => t + n, 0)} more` : ''}`
    })
  writeSection('bench-freeswitch', [
    `Measured ${date} with \`${command}\` on ${os.cpus().length} cores (${cpuModel}), Node ${process.version}, FreeSWITCH 1.11.1 (the bundle, log level warning), window ${windowSeconds} s a level.`,
    '',
    otherLine,
    '',
    `CPU per call is the process's CPU over the level, less its idle rate over the same time, over the calls placed: idle, FreeSWITCH used ${fmt(fsIdleCpuPercent, 1)} % of a core alone and ${fmt(fsIdleWithAppPercent, 1)} % with the app connected, the app ${fmt(appIdleCpuPercent, 1)} %.`,
    '',
    `### IVR callers, in-process Lua script: FreeSWITCH alone (idle: ${fmt(fsIdleCpuPercent, 1)} % of a core)`,
    '',
    luaTable,
    '',
    '### IVR callers through the app (one app process)',
    '',
    appTable,
    '',
    '### What the control costs: CPU per call, app + FreeSWITCH against FreeSWITCH under Lua',
    '',
    compareTable,
    ...(handoff ? ['', '### Queue hand-off: operator hangs up -> next caller bridged to them', '', handoffTable, '', 'The hand-off in steps (FreeSWITCH\'s event times, which advance in 20 ms steps here):', '', stepsTable] : []),
    ...(lostLines.length ? ['', 'Calls lost, by cause:', '', ...lostLines] : []),
    '',
    ...verdict.flatMap((v) => [v, '']).slice(0, -1),
  ])
}
