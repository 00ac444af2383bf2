/**
 * How long a free agent waits for the next caller: two app instances (each a process of
 * its own, bench/queue-app-process.ts) share one queue in Redis; the FreeSWITCH simulator
 * runs here, in the benchmark's process, and hands inbound calls to the instances in turn.
 * Agents log in paused, the callers arrive and wait on hold, then every agent resumes at
 * once. Phones answer after a short ring and agents talk 1-3 s, so agents free up
 * continuously until every caller is served.
 *
 * A handoff runs from the moment an agent's leg hangs up (their previous call is over)
 * to the moment the simulator starts the `bridge` that rings this agent for the next
 * caller: the app hears the bridge end, tells the shared queue the agent is free, the
 * queue offers the next caller to the instance holding their call, that instance stops
 * the hold music and sends the bridge. Both ends are seen on the simulator's side, as
 * events on its channels, and timed with performance.now() in this one process.
 *
 * The simulator runs without its 20 ms frame delay (frameMs 0), as in the capacity
 * benchmark: the figures are our overhead (the app, Redis, TCP), not FreeSWITCH's media
 * loop, which in production adds up to a frame for the hold music to stop.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import { agents as agentsTable } from '../src/db/schema/index.js'
import { startSimulator, type SimChannel, type Simulator } from '../src/sim/index.js'
import { parseDialString } from '../src/sim/dial-string.js'
import type { EventSink } from '../src/sim/esl-session.js'
import type { SimEvent } from '../src/sim/event.js'
import { realClock } from '../src/time/clock.js'
import { percentile } from './capacity.js'
import { createScratchDatabase } from '../src/db/scratch-database.js'
import type { AppCommand, AppReply, AppStats } from './queue-app-process.js'

export interface QueueLatencyOptions {
  agents: number
  callers: number
  /** Callers placed per second while they arrive (default 100). */
  arrivalRate?: number
  /** An agent's phone rings this long before they answer, ms (default 200). */
  ringMs?: number
  /** Agents talk a random time in this range, ms (default 1-3 s). */
  talkMs?: [number, number]
}

export interface QueueLatencyResult {
  agents: number
  callers: number
  /** Callers bridged to an agent. */
  served: number
  /** Callers who ended without an agent, plus call handlers that failed in the apps. */
  failed: number
  handoffs: number
  /** Handoffs where the agent's previous caller and their next one were held by the same instance. */
  sameInstance: number
  crossInstance: number
  p50Ms: number
  p99Ms: number
  maxMs: number
  sameP99Ms: number
  crossP99Ms: number
  /** From the resume to the end of the last caller's call, s. */
  totalSeconds: number
  /** Callers served per second over that time. */
  callsPerSecond: number
  /** Each app instance's CPU while the agents served the callers. */
  appCpuPercent: number[]
  /** This process (the simulator, and the measuring) over the same time. */
  simCpuPercent: number
}

const here = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.resolve(here, '..')
const QUEUE = 'operators'
const QUEUE_NUMBER = '7000'
const INSTANCES = 2

const QUEUES_YAML = [
  'queues:',
  `  ${QUEUE}:`,
  '    strategy: longest-idle',
  '    members: { groups: [operators] }',
  '    ringTimeoutSeconds: 30',
  '    wrapUpSeconds: 0',
  '    announceEverySeconds: 0',
  '    maxWaitSeconds: 7200',
].join('\n')

// The caller is looked up (an unknown number here) and routed to the queue.
const FLOW_YAML = [
  'id: to-operators',
  `numbers: ['${QUEUE_NUMBER}']`,
  'languages: [en]',
  'defaultLanguage: en',
  'recording: none',
  'start: lookup',
  'nodes:',
  '  lookup: { type: lookup, next: wait }',
  `  wait: { type: route, chain: [{ queue: ${QUEUE} }], onFail: bye }`,
  '  bye: { type: hangup }',
].join('\n')

interface Handoff {
  ms: number
  cross: boolean
}

export async function queueLatencyBenchmark(options: QueueLatencyOptions): Promise<QueueLatencyResult> {
  const { agents: agentCount, callers } = options
  const arrivalRate = options.arrivalRate ?? 100
  const ringMs = options.ringMs ?? 200
  const [talkMin, talkMax] = options.talkMs ?? [1000, 3000]
  const agentIds = Array.from({ length: agentCount }, (_, i) => `agent-${String(i + 1).padStart(3, '0')}`)
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
  const prefix = `bq${randomBytes(4).toString('hex')}`

  const db = await createScratchDatabase('bench')
  const redis = new Redis(redisUrl)
  const apps: AppProcess[] = []
  let sim: Simulator | undefined
  try {
    await db.db.insert(agentsTable).values(agentIds.map((id) => ({ id, name: id, endpoint: `user/${id}`, groups: ['operators'] })))

    // --- the simulator, and what it sees ----------------------------------------------
    /** Caller channel -> the app instance its call went to. */
    const instanceOf = new Map<string, number>()
    /** Agent -> when their last call ended, and which instance held that caller. */
    const freed = new Map<string, { at: number; instance: number }>()
    const handoffs: Handoff[] = []
    const addresses: string[] = []
    let route = 0
    sim = await startSimulator({
      clock: realClock,
      frameMs: 0,
      writeRecordings: false,
      media: { localStreams: { moh: path.join(ROOT, 'prompts/music/hold.wav') } },
      // Agents' phones answer after a short ring; the agent talks, then hangs up.
      directory: (endpoint) =>
        endpoint.tech === 'user'
          ? { outcome: 'answer', ringMs, answeredBy: 'person', talkMs: talkMin + Math.random() * (talkMax - talkMin) }
          : { outcome: 'fail', ringMs: 0, failCause: 'NO_ROUTE_DESTINATION' },
      dialplan: () => [['socket', `${addresses[route]} async full`]],
    })
    const watcher: EventSink = {
      interested: (name, _subclass, ch) =>
        ch !== undefined && ((name === 'CHANNEL_EXECUTE' && instanceOf.has(ch.uuid)) || (name === 'CHANNEL_HANGUP' && ch.getVar('cc_agent') !== undefined)),
      deliver(event: SimEvent, ch: SimChannel | undefined) {
        // Offered every event someone wants: keep to ours.
        const now = performance.now()
        if (!ch) return
        if (event.name === 'CHANNEL_HANGUP') {
          // An agent's leg hangs up: the agent is free (no wrap-up in this queue).
          const agent = ch.getVar('cc_agent')
          const caller = ch.otherLeg?.channel
          const instance = caller && instanceOf.get(caller.uuid)
          if (agent !== undefined && instance !== undefined) freed.set(agent, { at: now, instance })
        } else if (event.name === 'CHANNEL_EXECUTE' && event.get('Application') === 'bridge') {
          // A caller's instance rings an agent: a handoff when that agent's last call just ended.
          const instance = instanceOf.get(ch.uuid)
          const agent = agentOf(event.get('Application-Data') ?? '')
          const last = agent === undefined ? undefined : freed.get(agent)
          if (agent === undefined || instance === undefined || !last) return
          freed.delete(agent)
          handoffs.push({ ms: now - last.at, cross: last.instance !== instance })
        }
      },
    }
    sim.sw.addSink(watcher)

    // --- the app instances ------------------------------------------------------------
    for (let i = 0; i < INSTANCES; i++) {
      const app = new AppProcess()
      apps.push(app)
      const port = await app.request<number>({
        type: 'start',
        env: {
          DATABASE_URL: db.url,
          REDIS_URL: redisUrl,
          REDIS_PREFIX: prefix,
          ESL_LISTEN_PORT: '0',
          INSTANCE_ID: `bench-${i + 1}`,
          FREESWITCH_NODES: `${sim.address.host}:${sim.address.port}`,
          LOG_LEVEL: 'silent',
        },
        queuesYaml: QUEUES_YAML,
        flowYaml: FLOW_YAML,
      })
      addresses.push(`127.0.0.1:${port}`)
    }
    // Half the agents log in at each instance (the state is shared: it makes no difference).
    const half = (i: number): string[] => agentIds.filter((_, k) => k % INSTANCES === i)
    await Promise.all(apps.map((a, i) => a.request({ type: 'login-paused', agents: half(i) })))

    // --- callers arrive and wait ------------------------------------------------------
    let ended = 0
    let served = 0
    let lastEndedAt = 0
    const start = performance.now()
    for (let i = 0; i < callers; i++) {
      const wait = start + (i * 1000) / arrivalRate - performance.now()
      if (wait > 1) await new Promise((r) => setTimeout(r, wait))
      route = i % INSTANCES
      const sip = sim.sw.placeSipCall({ from: `+3876${String(i + 1).padStart(7, '0')}`, to: QUEUE_NUMBER })
      instanceOf.set(sip.channel.uuid, route)
      void sip.done.then(() => {
        ended++
        if (sip.channel.profile.bridgedUs > 0) served++
        lastEndedAt = performance.now()
      })
    }
    const waitingKey = `${prefix}:q:${QUEUE}:waiting`
    const enqueued = await until(async () => (await redis.zcard(waitingKey)) >= callers || ended > 0, 30_000)
    if (!enqueued || ended > 0) throw new Error(`callers did not all reach the queue: ${await redis.zcard(waitingKey)} of ${callers} waiting, ${ended} gone`)
    // Let the last ones settle into their hold music.
    await new Promise((r) => setTimeout(r, 1000))

    // --- every agent resumes; measured until the last caller is served --------------
    const app0 = await Promise.all(apps.map((a) => a.request<AppStats>({ type: 'stats' })))
    const cpu0 = process.cpuUsage()
    const resumedAt = performance.now()
    await Promise.all(apps.map((a, i) => a.request({ type: 'resume', agents: half(i) })))
    const rounds = Math.ceil(callers / agentCount)
    const limitMs = rounds * (ringMs + talkMax + 1000) * 2 + 30_000
    const done = await until(async () => ended >= callers, limitMs)
    const wall = (done ? lastEndedAt : performance.now()) - resumedAt
    const cpu = process.cpuUsage(cpu0)
    const app1 = await Promise.all(apps.map((a) => a.request<AppStats>({ type: 'stats' })))
    if (!done) console.warn(`queue benchmark: ${callers - ended} callers still up after ${Math.round(limitMs / 1000)} s`)

    const all = handoffs.map((h) => h.ms).sort((a, b) => a - b)
    const same = handoffs.filter((h) => !h.cross).map((h) => h.ms).sort((a, b) => a - b)
    const cross = handoffs.filter((h) => h.cross).map((h) => h.ms).sort((a, b) => a - b)
    return {
      agents: agentCount,
      callers,
      served,
      failed: callers - served + app1.reduce((n, s) => n + s.handlerErrors, 0),
      handoffs: all.length,
      sameInstance: same.length,
      crossInstance: cross.length,
      p50Ms: percentile(all, 50),
      p99Ms: percentile(all, 99),
      maxMs: all[all.length - 1] ?? NaN,
      sameP99Ms: percentile(same, 99),
      crossP99Ms: percentile(cross, 99),
      totalSeconds: wall / 1000,
      callsPerSecond: (served * 1000) / wall,
      appCpuPercent: app1.map((s, i) => ((s.cpuMs - app0[i]!.cpuMs) / wall) * 100),
      simCpuPercent: ((cpu.user + cpu.system) / 1000 / wall) * 100,
    }
  } finally {
    for (const app of apps) await app.stop()
    await sim?.close()
    await deleteKeys(redis, `${prefix}:*`)
    redis.disconnect()
    await db.drop()
  }
}

/** The agent a `bridge` rings: the queue names them in the leg's `cc_agent` variable. */
function agentOf(dial: string): string | undefined {
  return parseDialString(dial).groups[0]?.[0]?.vars.get('cc_agent')
}

/** Polls `check` every 20 ms until it holds (true) or `limitMs` passed (false). */
async function until(check: () => Promise<boolean>, limitMs: number): Promise<boolean> {
  const deadline = performance.now() + limitMs
  while (performance.now() < deadline) {
    if (await check()) return true
    await new Promise((r) => setTimeout(r, 20))
  }
  return check()
}

async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  for await (const keys of redis.scanStream({ match: pattern, count: 500 }) as AsyncIterable<string[]>) {
    if (keys.length > 0) await redis.del(...keys)
  }
}

/** An app instance in a child process, driven by request and reply over IPC. */
class AppProcess {
  private readonly child: ChildProcess
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  private nextId = 1
  private exited = false

  constructor() {
    this.child = fork(path.join(here, 'queue-app-process.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    this.child.on('message', (m: AppReply) => {
      const p = this.pending.get(m.id)
      if (!p) return
      this.pending.delete(m.id)
      if (m.ok) p.resolve(m.value)
      else p.reject(new Error(`app instance: ${m.message}`))
    })
    this.child.on('exit', (code) => {
      this.exited = true
      for (const p of this.pending.values()) p.reject(new Error(`app instance exited (code ${code})`))
      this.pending.clear()
    })
  }

  request<T = unknown>(command: AppCommand): Promise<T> {
    if (this.exited) return Promise.reject(new Error('app instance exited'))
    const id = this.nextId++
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      this.child.send({ id, command })
    })
  }

  async stop(): Promise<void> {
    if (this.exited) return
    const gone = new Promise((r) => this.child.once('exit', r))
    // An instance that does not stop within 10 s is killed.
    const timer = setTimeout(() => this.child.kill(), 10_000)
    await this.request({ type: 'stop' }).catch(() => this.child.kill())
    await gone
    clearTimeout(timer)
  }
}
