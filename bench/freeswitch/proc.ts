/**
 * CPU time read from /proc, for processes the benchmark did not start in its own process
 * (FreeSWITCH, the app, PostgreSQL's backends) and for the machine as a whole.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import { figure as fmt } from '../../src/cli/text-table.js'

/** Clock ticks per second of /proc's times (100 on Linux, asked once). */
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100
  } catch {
    return 100
  }
})()

interface Stat {
  comm: string
  /** utime + stime, seconds. */
  cpu: number
  /** cutime + cstime (children reaped), seconds. */
  children: number
  ppid: number
}

function stat(pid: number): Stat | undefined {
  let text: string
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return undefined
  }
  // The command name is in parentheses and may hold spaces: the fields follow the last ')'.
  const close = text.lastIndexOf(')')
  const comm = text.slice(text.indexOf('(') + 1, close)
  const f = text.slice(close + 2).split(' ')
  // f[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17; ppid field 4.
  return { comm, cpu: (Number(f[11]) + Number(f[12])) / CLK_TCK, children: (Number(f[13]) + Number(f[14])) / CLK_TCK, ppid: Number(f[1]) }
}

/** CPU seconds (user + system, all threads) a process has used; NaN when it is gone. */
export function cpuSeconds(pid: number): number {
  return stat(pid)?.cpu ?? NaN
}

/** The machine's CPU time since boot, in seconds summed over cores: busy and idle (with iowait). */
export function machineTimes(): { busy: number; idle: number } {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!
  const v = line.trim().split(/\s+/).slice(1).map(Number)
  // user nice system idle iowait irq softirq steal (guest time is already in user)
  const idle = (v[3] ?? 0) + (v[4] ?? 0)
  const busy = (v[0] ?? 0) + (v[1] ?? 0) + (v[2] ?? 0) + (v[5] ?? 0) + (v[6] ?? 0) + (v[7] ?? 0)
  return { busy: busy / CLK_TCK, idle: idle / CLK_TCK }
}

/** Idle share of the machine between two readings, in percent. */
export function idlePercent(a: { busy: number; idle: number }, b: { busy: number; idle: number }): number {
  const idle = b.idle - a.idle
  const total = idle + (b.busy - a.busy)
  return total > 0 ? (idle / total) * 100 : NaN
}

function cmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim()
  } catch {
    return ''
  }
}

function pids(): number[] {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
}

/** PostgreSQL backends serving one database (their command line names it). */
export function postgresBackends(database: string): number[] {
  return pids().filter((pid) => {
    const c = cmdline(pid)
    return c.startsWith('postgres: ') && c.split(' ').includes(database)
  })
}

/** CPU seconds of a set of processes that may come and go: summed per pid between readings. */
export class ProcessGroupCpu {
  private start = new Map<number, number>()
  constructor(private readonly find: () => number[]) {
    for (const pid of find()) this.start.set(pid, cpuSeconds(pid))
  }

  /** CPU seconds since construction (a process that appeared since counts from zero). */
  used(): number {
    let sum = 0
    for (const pid of this.find()) {
      const now = cpuSeconds(pid)
      if (!Number.isFinite(now)) continue
      sum += now - (this.start.get(pid) ?? 0)
    }
    return sum
  }
}

export interface ProcessSnapshot {
  taken: number
  machine: { busy: number; idle: number }
  processes: Map<number, { name: string; cpu: number }>
}

/** Every process's CPU so far, and the machine's, to tell afterwards what else ran. */
export function snapshot(): ProcessSnapshot {
  const processes = new Map<number, { name: string; cpu: number }>()
  for (const pid of pids()) {
    const s = stat(pid)
    if (!s) continue
    const c = cmdline(pid)
    processes.set(pid, { name: describe(s.comm, c), cpu: s.cpu + s.children })
  }
  return { taken: Date.now(), machine: machineTimes(), processes }
}

function describe(comm: string, cmd: string): string {
  if (cmd.startsWith('postgres: ')) {
    const parts = cmd.split(' ')
    // "postgres: 15/main: user database host(port) state"
    return parts.length >= 5 ? `postgres (${parts[3]})` : `postgres (${parts.slice(1, 3).join(' ')})`
  }
  if (/vitest/.test(cmd)) return `vitest (${/vitest\S*\s+run\s+(\S+)/.exec(cmd)?.[1] ?? 'worker'})`
  if (comm === 'freeswitch') return `freeswitch ${/-conf (\S+)/.exec(cmd)?.[1]?.replace(/\/conf$/, '') ?? ''}`.trim()
  return comm
}

/**
 * What else used the machine between two snapshots: the machine's busy CPU seconds less those
 * of our own processes (`ours`: CPU seconds they used in between), and, as a hint of who, the
 * processes not ours that used the most (a parent's figure includes the children it reaped,
 * e.g. a shell running a test suite).
 */
export function otherLoad(a: ProcessSnapshot, b: ProcessSnapshot, ours: number, isOurs: (pid: number, name: string) => boolean): { seconds: number; machineBusy: number; top: Array<{ name: string; seconds: number }> } {
  const byName = new Map<string, number>()
  for (const [pid, p] of b.processes) {
    if (isOurs(pid, p.name)) continue
    const before = a.processes.get(pid)
    const used = p.cpu - (before && before.name === p.name ? before.cpu : 0)
    if (used <= 0.5) continue
    byName.set(p.name, (byName.get(p.name) ?? 0) + used)
  }
  const top = [...byName.entries()]
    .map(([name, s]) => ({ name, seconds: s }))
    .sort((x, y) => y.seconds - x.seconds)
    .slice(0, 5)
  const machineBusy = b.machine.busy - a.machine.busy
  return { seconds: Math.max(0, machineBusy - ours), machineBusy, top }
}

/**
 * The sentence a benchmark prints and writes about the rest of the machine over its run: our
 * processes are `ours` (by pid) and the helpers named `(bench_...`; the load average is the
 * one read before the run.
 */
export function otherLoadLine(before: ProcessSnapshot, after: ProcessSnapshot, ours: Set<number>, loadBefore: number[]): string {
  const isOurs = (pid: number, name: string): boolean => ours.has(pid) || name.includes('(bench_')
  let oursSeconds = 0
  for (const [pid, p] of after.processes) {
    if (!isOurs(pid, p.name)) continue
    const b = before.processes.get(pid)
    oursSeconds += p.cpu - (b && b.name === p.name ? b.cpu : 0)
  }
  const others = otherLoad(before, after, oursSeconds, isOurs)
  const runSeconds = (after.taken - before.taken) / 1000
  const top = others.top.length ? `; the others that used most (with the children they reaped): ${others.top.map((t) => `${t.name} ${fmt(t.seconds)} s`).join(', ')}` : ''
  return `Other load during the run: load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} before it; the machine was busy ${fmt(others.machineBusy)} CPU s over its ${fmt(runSeconds)} s, ${fmt(others.seconds)} s of them (${fmt((others.seconds / runSeconds) * 100)} % of one core on average) not ours${top}.`
}
