/**
 * How many simulated IVR calls one app process holds, and our control overhead while it
 * does: the simulator runs in its own process and calls our outbound socket server at a
 * steady rate until a target number of calls is up; each call answers, then loops
 * "play a prompt (a real WAV), then `set` a variable". `set` completes at once in the
 * simulator, so its round trip (sendmsg -> CHANNEL_EXECUTE_COMPLETE) is pure overhead:
 * our parsing and dispatch, the event loop under load, and TCP. Measured while every
 * other call plays prompts.
 */
import { fork, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Call } from '../src/esl/call.js'
import { OutboundServer } from '../src/esl/outbound-server.js'
import { isOk } from '../src/esl/results.js'
import { silentLogger } from '../src/log.js'
import { realClock } from '../src/time/clock.js'

export interface CapacityLevel {
  targetCalls: number
  heldCalls: number
  /** New calls answered per second while ramping up. */
  callsPerSecond: number
  /** `set` round trips measured during the hold. */
  samples: number
  p50Ms: number
  p99Ms: number
  maxMs: number
  failed: number
  appCpuPercent: number
  /** The simulator's process, for comparison: when it saturates, it is what the latency measures. */
  simCpuPercent: number
  rssMb: number
}

const here = path.dirname(fileURLToPath(import.meta.url))
const PROMPT = path.resolve(here, '../prompts/en/demo-welcome.wav')

/** The p-th percentile of samples sorted ascending: the one at index floor(p% of n). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

export async function capacityBenchmark(levels: number[], options: { rate?: number; holdSeconds?: number } = {}): Promise<CapacityLevel[]> {
  const rate = options.rate ?? 200
  const holdSeconds = options.holdSeconds ?? 10
  let measuring = false
  let latencies: number[] = []
  let failed = 0
  const live = new Set<Call>()
  let answeredAt: number[] = []
  const server = await OutboundServer.listen({
    host: '127.0.0.1',
    port: 0,
    log: silentLogger,
    clock: realClock,
    handler: async (call) => {
      live.add(call)
      const a = await call.answer()
      if (!isOk(a)) return void live.delete(call)
      answeredAt.push(performance.now())
      let i = 0
      while (!call.ended) {
        const t = performance.now()
        const r = await call.set('bench_tick', String(i++))
        if (!isOk(r)) break
        if (measuring) latencies.push(performance.now() - t)
        const p = await call.playback(PROMPT)
        if (!isOk(p)) break
      }
      live.delete(call)
    },
  })
  server.stats.handlerErrors = 0
  const child: ChildProcess = fork(path.join(here, 'sim-process.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const next = (type: string): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const on = (m: Record<string, unknown>): void => {
        if (m.type === 'error') {
          child.off('message', on)
          reject(new Error(String(m.message)))
        } else if (m.type === type) {
          child.off('message', on)
          resolve(m)
        }
      }
      child.on('message', on)
    })
  child.send({ type: 'start', app: `127.0.0.1:${server.port}` })
  await next('ready')

  const results: CapacityLevel[] = []
  for (const target of levels) {
    answeredAt = []
    const need = target - live.size
    if (need > 0) {
      child.send({ type: 'calls', count: need, rate })
      await next('placed')
    }
    const rampStart = answeredAt[0] ?? performance.now()
    const until = Date.now() + 15_000
    while (live.size < target && Date.now() < until) await new Promise((r) => setTimeout(r, 50))
    const rampEnd = answeredAt[answeredAt.length - 1] ?? performance.now()
    const callsPerSecond = answeredAt.length > 1 ? ((answeredAt.length - 1) * 1000) / (rampEnd - rampStart) : 0
    // Settle, then measure while every call plays prompts.
    await new Promise((r) => setTimeout(r, 2000))
    latencies = []
    failed = 0
    child.send({ type: 'stats' })
    const sim0 = Number((await next('stats')).cpuMs)
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    measuring = true
    await new Promise((r) => setTimeout(r, holdSeconds * 1000))
    measuring = false
    const cpu = process.cpuUsage(cpu0)
    child.send({ type: 'stats' })
    const sim1 = Number((await next('stats')).cpuMs)
    const wall = performance.now() - t0
    const sorted = latencies.slice().sort((a, b) => a - b)
    results.push({
      targetCalls: target,
      heldCalls: live.size,
      callsPerSecond,
      samples: sorted.length,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      maxMs: sorted[sorted.length - 1] ?? NaN,
      failed: failed + server.stats.handlerErrors,
      appCpuPercent: ((cpu.user + cpu.system) / 1000 / wall) * 100,
      simCpuPercent: ((sim1 - sim0) / wall) * 100,
      rssMb: process.memoryUsage().rss / 1e6,
    })
    if (live.size < target * 0.95) break
  }
  for (const call of live) void call.hangup()
  await new Promise((r) => setTimeout(r, 1000))
  child.send({ type: 'stop' })
  await server.close()
  return results
}
