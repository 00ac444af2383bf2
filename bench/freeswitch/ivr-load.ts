/**
 * One concurrency level of IVR callers on the real switch: `level` callers at a time, each
 * going through the menus (driver.ts's ivrCaller) and calling again as soon as their call is
 * over, for a window; the first calls are spread over one call's length so the callers do not
 * press their keys in step. Measured over the level, from before the first originate to the
 * end of the last call: CPU seconds of FreeSWITCH, of the app (when there is one), of the
 * PostgreSQL backends of the app's database and of the benchmark's own process, and the
 * machine's idle share while every slot is busy.
 */
import { percentile } from '../capacity.js'
import { ivrCaller, type CallOutcome, type LoadDriver } from './driver.js'
import { cpuSeconds, idlePercent, machineTimes, postgresBackends, ProcessGroupCpu } from './proc.js'

export interface IvrLevel {
  mode: 'app' | 'lua'
  level: number
  calls: number
  completed: number
  lost: number
  /** Why calls were lost, counted. */
  lostCauses: Map<string, number>
  /** Menus played again because a key went missing (no-input / invalid-option prompts). */
  reprompts: number
  repromptCauses: Map<string, number>
  maxConcurrent: number
  setupP50Ms: number
  setupP99Ms: number
  setupMaxMs: number
  /**
   * CPU seconds over the level less what the process uses when idle over the same time (its
   * timers, pings), per call placed, in ms.
   */
  fsMsPerCall: number
  appMsPerCall: number
  postgresMsPerCall: number
  benchMsPerCall: number
  /** FreeSWITCH's CPU, percent of one core, while every slot was busy. */
  fsCpuPercent: number
  appCpuPercent: number
  /** The machine's idle share (both cores) while every slot was busy. */
  idlePercent: number
  /** CPU the rest of the machine used over the level (not FreeSWITCH, the app, its Postgres backends or the benchmark), percent of one core. */
  otherCpuPercent: number
  wallSeconds: number
}

export interface LevelContext {
  driver: LoadDriver
  mode: 'app' | 'lua'
  /** The number dialled: 5000 (the app) or the Lua extension's. */
  destination: string
  fsPid: number
  appPid?: number
  database?: string
  /** The caller's number for the next call (a known client's). */
  nextNumber: () => string
  keyDelayMs: number
  /** Roughly how long one call lasts: the first calls are spread over it. */
  callSeconds: number
  /** CPU seconds a second FreeSWITCH and the app use when no call is up. */
  idle: { fs: number; app: number }
}

export async function runIvrLevel(ctx: LevelContext, level: number, windowSeconds: number): Promise<IvrLevel> {
  const { driver } = ctx
  const script = ivrCaller(ctx.keyDelayMs)
  const rampMs = ctx.callSeconds * 1000
  const windowMs = Math.max(windowSeconds * 1000, rampMs + 10_000)
  const fs0 = cpuSeconds(ctx.fsPid)
  const app0 = ctx.appPid ? cpuSeconds(ctx.appPid) : 0
  const pg = ctx.database ? new ProcessGroupCpu(() => postgresBackends(ctx.database!)) : undefined
  const bench0 = process.cpuUsage()
  const machine0 = machineTimes()
  const start = Date.now()
  const outcomes: CallOutcome[] = []
  let live = 0
  let maxConcurrent = 0
  // While every slot is busy: from the end of the ramp to the end of the window.
  let steady: { machine: ReturnType<typeof machineTimes>; fs: number; app: number; at: number } | undefined
  let steadyEnd: typeof steady
  const mark = (): NonNullable<typeof steady> => ({ machine: machineTimes(), fs: cpuSeconds(ctx.fsPid), app: ctx.appPid ? cpuSeconds(ctx.appPid) : 0, at: Date.now() })
  const marks = [setTimeout(() => (steady = mark()), rampMs + 2000), setTimeout(() => (steadyEnd = mark()), windowMs)]

  const slot = async (i: number): Promise<void> => {
    await new Promise((r) => setTimeout(r, (i * rampMs) / level))
    while (Date.now() - start < windowMs) {
      live++
      maxConcurrent = Math.max(maxConcurrent, live)
      const call = driver.place(ctx.destination, ctx.nextNumber(), script)
      outcomes.push(await call.done)
      live--
    }
  }
  await Promise.all(Array.from({ length: level }, (_, i) => slot(i)))
  for (const t of marks) clearTimeout(t)
  await new Promise((r) => setTimeout(r, 1000))
  const wall = (Date.now() - start) / 1000
  const fsUsed = cpuSeconds(ctx.fsPid) - fs0
  const appUsed = ctx.appPid ? cpuSeconds(ctx.appPid) - app0 : 0
  const pgUsed = pg ? pg.used() : 0
  const b = process.cpuUsage(bench0)
  const benchUsed = (b.user + b.system) / 1e6
  const machineBusy = machineTimes().busy - machine0.busy
  const fsNet = fsUsed - ctx.idle.fs * wall
  const appNet = ctx.appPid ? appUsed - ctx.idle.app * wall : 0

  const setups = outcomes
    .map((o) => o.setupMs)
    .filter((v): v is number => v !== undefined)
    .sort((x, y) => x - y)
  const lostCauses = new Map<string, number>()
  for (const o of outcomes) if (o.lost) lostCauses.set(o.lost, (lostCauses.get(o.lost) ?? 0) + 1)
  const repromptCauses = new Map<string, number>()
  for (const o of outcomes) for (const r of o.reprompts) repromptCauses.set(r, (repromptCauses.get(r) ?? 0) + 1)
  const n = outcomes.length
  const steadySeconds = steady && steadyEnd ? (steadyEnd.at - steady.at) / 1000 : NaN
  return {
    mode: ctx.mode,
    level,
    calls: n,
    completed: outcomes.filter((o) => o.completed).length,
    lost: outcomes.filter((o) => !o.completed).length,
    lostCauses,
    reprompts: outcomes.reduce((s, o) => s + o.reprompts.length, 0),
    repromptCauses,
    maxConcurrent,
    setupP50Ms: percentile(setups, 50),
    setupP99Ms: percentile(setups, 99),
    setupMaxMs: setups.at(-1) ?? NaN,
    fsMsPerCall: (fsNet * 1000) / n,
    appMsPerCall: (appNet * 1000) / n,
    postgresMsPerCall: (pgUsed * 1000) / n,
    benchMsPerCall: (benchUsed * 1000) / n,
    fsCpuPercent: steady && steadyEnd ? ((steadyEnd.fs - steady.fs) / steadySeconds) * 100 : NaN,
    appCpuPercent: steady && steadyEnd && ctx.appPid ? ((steadyEnd.app - steady.app) / steadySeconds) * 100 : NaN,
    idlePercent: steady && steadyEnd ? idlePercent(steady.machine, steadyEnd.machine) : NaN,
    otherCpuPercent: (Math.max(0, machineBusy - fsUsed - appUsed - pgUsed - benchUsed) / wall) * 100,
    wallSeconds: wall,
  }
}
