/**
 * A call center under test: one or more app instances (each its own outbound socket
 * server, queue service and inbox) sharing one Redis (under a prefix of their own) and one
 * Postgres, against the FreeSWITCH simulator over real TCP, in virtual time. Agents' phones
 * answer, ring out or are busy as the test says; callers dial a number per queue and wait.
 */
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { eq, inArray } from 'drizzle-orm'
import { Redis } from 'ioredis'
import { startApp, type App } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { agents, calls, clients } from '../../src/db/schema/index.js'
import { loadScripts, parseFlow } from '../../src/ivr/flow/load.js'
import { ivrCallFlow } from '../../src/ivr/service.js'
import { createLogger, silentLogger } from '../../src/log.js'
import { parseQueues, type QueueSettings } from '../../src/queue/config.js'
import type { Endpoint } from '../../src/sim/dial-string.js'
import { startSimulator, type CallerScript, type PartyPlan, type Simulator, type SimChannel } from '../../src/sim/index.js'
import { VirtualClock } from '../../src/time/virtual-clock.js'
import { createTestDatabase, type TestDatabase } from '../helpers/database.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const PROMPTS = path.join(ROOT, 'prompts')

/** An agent's phone: answers after `ringMs` and talks `talkMs`; or busy, rings out, not there. */
export type Phone = { ringMs: number; talkMs: number } | 'busy' | 'no-answer' | 'absent'

export interface AgentSpec {
  id: string
  groups?: string[]
  languages?: string[]
  clientTypes?: string[]
}

export interface ClientSpec {
  phone: string
  type?: string
  vip?: boolean
  language?: string
}

/** What a dialled outside number does: a plan, or one chosen per call to it (1 = the first). */
export type Party = PartyPlan | ((callNumber: number) => PartyPlan)

export interface CallCenter {
  apps: App[]
  sim: Simulator
  clock: VirtualClock
  db: TestDatabase
  redis: Redis
  prefix: string
  settings: QueueSettings[]
  /** What outside numbers do when the dialer calls them (default: a person answers after 3 s). */
  numbers: Map<string, Party>
  /** Every channel the simulator created, kept after it is gone (for what was played on it). */
  channels: Map<string, SimChannel>
  /** Every call made to an outside number, in order: number and virtual time. */
  dialled: Array<{ number: string; at: number }>
  /** What each agent's phone does when it rings (default: answers after 2 s, talks 60 s). */
  phones: Map<string, Phone | ((agent: string) => Phone)>
  /** Places a call to a queue (through a one-node flow: lookup, route to the queue). */
  call(from: string, queue: string, options?: { script?: CallerScript; instance?: number }): PlacedCall
  /** Stops instance `i` and starts a new process-alike with the same instance id and settings. */
  restart(i: number): Promise<App>
  /** Runs virtual time until `done()` or `limitMs` of it passed. */
  runUntil(done: () => boolean, limitMs?: number): Promise<void>
  /** Runs until every placed call has ended, then lets the register catch up. */
  finish(limitMs?: number): Promise<void>
  rows(): Promise<Array<typeof calls.$inferSelect>>
  row(uuid: string): Promise<typeof calls.$inferSelect>
  close(): Promise<void>
}

export interface PlacedCall {
  uuid: string
  channel: SimChannel
  ended: boolean
  done: Promise<void>
}

const QUEUE_NUMBER_BASE = 7000

export async function startCallCenter(options: {
  at: string
  queuesYaml: string
  agents: AgentSpec[]
  clients?: ClientSpec[]
  instances?: number
  /** Connect the apps' control clients to the simulator's inbound event socket (for callbacks). */
  control?: boolean
  /** Run the dialer with the project's campaign scripts (needs control). */
  dialer?: boolean
  /** Real ms of quiet the virtual clock waits for before it moves on (default 5; load runs use less). */
  quietMs?: number
  /** Keep every channel after it is gone, for what was played on it (default true; not for load runs). */
  keepChannels?: boolean
}): Promise<CallCenter> {
  const db = await createTestDatabase()
  await db.db.insert(agents).values(
    options.agents.map((a) => ({
      id: a.id,
      name: a.id,
      endpoint: `user/${a.id}`,
      groups: a.groups ?? ['operators'],
      skills: { languages: a.languages, clientTypes: a.clientTypes },
    })),
  )
  if (options.clients?.length) {
    await db.db.insert(clients).values(
      options.clients.map((c, i) => ({ name: `client ${i + 1}`, phone: c.phone, type: (c.type ?? 'retail') as 'retail', vip: c.vip ?? false, language: c.language ?? 'en' })),
    )
  }
  const settings = parseQueues(options.queuesYaml, 'test-queues.yaml')
  const flows = settings.map((q, i) =>
    parseFlow(
      [
        `id: to-${q.name}`,
        `numbers: ['${QUEUE_NUMBER_BASE + i}']`,
        'languages: [en, ru, pt, bs]',
        'defaultLanguage: en',
        'recording: none',
        'start: lookup',
        'nodes:',
        '  lookup: { type: lookup, next: language }',
        '  language: { type: language, prompt: choose-language, useVariable: client.language, options: { "1": en }, default: en, maxRetries: 0, timeoutMs: 1000, next: wait }',
        `  wait: { type: route, chain: [{ queue: ${q.name} }], onFail: bye }`,
        '  bye: { type: hangup }',
      ].join('\n'),
      `to-${q.name}.yaml`,
    ),
  )
  const clock = new VirtualClock({ start: Date.parse(options.at), quietMs: options.quietMs ?? 5 })
  const recordingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'recordings-'))
  const phones = new Map<string, Phone | ((agent: string) => Phone)>()
  const numbers = new Map<string, Party>()
  const dialled: CallCenter['dialled'] = []
  const plan = (endpoint: Endpoint): PartyPlan => {
    if (endpoint.tech === 'sofia') {
      dialled.push({ number: endpoint.number, at: clock.now() })
      const party = numbers.get(endpoint.number)
      const n = dialled.filter((d) => d.number === endpoint.number).length
      return (typeof party === 'function' ? party(n) : party) ?? { outcome: 'answer', ringMs: 3000, answeredBy: 'person', talkMs: 60_000 }
    }
    if (endpoint.tech !== 'user') return { outcome: 'answer', ringMs: 3000, answeredBy: 'person', talkMs: 60_000 }
    const spec = phones.get(endpoint.user)
    const phone = typeof spec === 'function' ? spec(endpoint.user) : (spec ?? { ringMs: 2000, talkMs: 60_000 })
    if (phone === 'busy') return { outcome: 'busy', ringMs: 300 }
    if (phone === 'no-answer') return { outcome: 'no-answer', ringMs: 0 }
    if (phone === 'absent') return { outcome: 'not-registered', ringMs: 0 }
    return { outcome: 'answer', ringMs: phone.ringMs, answeredBy: 'person', talkMs: phone.talkMs }
  }
  const scripts = options.dialer ? await loadScripts(path.join(ROOT, 'campaigns/scripts')) : undefined
  const addresses: string[] = []
  let next = 0
  const sim = await startSimulator({
    clock,
    directory: plan,
    media: { localStreams: { moh: path.join(PROMPTS, 'music/hold.wav') } },
    dialplan: () => [['socket', `${addresses[next++ % addresses.length]} async full`]],
  })
  const channels = new Map<string, SimChannel>()
  const addChannel = sim.sw.addChannel.bind(sim.sw)
  sim.sw.addChannel = (ch) => {
    if (options.keepChannels !== false) channels.set(ch.uuid, ch)
    addChannel(ch)
  }
  const prefix = `t${randomUUID().slice(0, 8)}`
  const apps: App[] = []
  const startInstance = async (i: number): Promise<App> => {
    const config = loadConfig(
      {
        DATABASE_URL: db.url,
        REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        REDIS_PREFIX: prefix,
        PROMPTS_DIR: PROMPTS,
        RECORDINGS_DIR: recordingsDir,
        ESL_LISTEN_PORT: '0',
        INSTANCE_ID: `app-${i + 1}`,
        FREESWITCH_NODES: `${sim.address.host}:${sim.address.port}`,
        LOG_LEVEL: 'silent',
      },
      ROOT,
    )
    const log = process.env.QDEBUG ? createLogger('debug', { instance: `app-${i + 1}` }) : silentLogger
    const app = await startApp({ config, log, clock, flow: ivrCallFlow({ flows }), control: options.control ?? options.dialer ?? false, queues: settings, scripts })
    apps[i] = app
    addresses[i] = `127.0.0.1:${app.outbound.port}`
    return app
  }
  for (let i = 0; i < (options.instances ?? 1); i++) await startInstance(i)
  // Stopping writes the last register rows on the (virtual) clock: keep it running meanwhile.
  const stopInstance = async (app: App): Promise<void> => {
    let stopped = false
    const stopping = app.stop(0).finally(() => (stopped = true))
    await cc.runUntil(() => stopped, 60_000)
    await stopping
  }
  if (options.control || options.dialer) {
    for (let i = 0; i < 200 && !apps.every((a) => a.controls.every((c) => c.isUp)); i++) await new Promise((r) => setTimeout(r, 10))
  }
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
  // Only what finish() and rows() need: a placed call's channel is not kept alive by it.
  const placed: Array<{ uuid: string; ended: boolean }> = []

  const cc: CallCenter = {
    apps,
    sim,
    clock,
    db,
    redis,
    prefix,
    settings,
    phones,
    numbers,
    channels,
    dialled,
    call(from, queue, opts = {}) {
      const index = settings.findIndex((q) => q.name === queue)
      if (index < 0) throw new Error(`no queue '${queue}'`)
      if (opts.instance !== undefined) next = opts.instance
      const sip = sim.sw.placeSipCall({ from, to: String(QUEUE_NUMBER_BASE + index), script: opts.script ?? { steps: [] } })
      const p: PlacedCall = { uuid: sip.channel.uuid, channel: sip.channel, ended: false, done: sip.done }
      const kept = { uuid: p.uuid, ended: false }
      void sip.done.then(() => (p.ended = kept.ended = true))
      placed.push(kept)
      return p
    },
    async restart(i) {
      await stopInstance(apps[i]!)
      return startInstance(i)
    },
    async runUntil(done, limitMs = 60 * 60_000) {
      const deadline = clock.now() + limitMs
      const realDeadline = Date.now() + 60_000
      while (!done() && clock.now() < deadline && Date.now() < realDeadline) {
        await clock.runWhile(() => !done() && clock.now() < deadline, deadline - clock.now())
        if (done()) return
        // Nothing due before the deadline. Work may still be on its way (an offer through
        // Redis); give it a moment, and if it schedules nothing sooner, move on to the deadline.
        await new Promise((r) => setTimeout(r, 20))
        const next = clock.nextAt()
        if (!done() && (next === undefined || next > deadline)) await clock.advance(deadline - clock.now())
      }
    },
    async finish(limitMs = 4 * 60 * 60_000) {
      await cc.runUntil(() => placed.every((p) => p.ended), limitMs)
      await clock.advance(2000)
      await Promise.all(apps.map((a) => a.register.flush()))
    },
    async rows() {
      return db.db.select().from(calls).where(inArray(calls.callUuid, placed.map((p) => p.uuid)))
    },
    async row(uuid) {
      const [r] = await db.db.select().from(calls).where(eq(calls.callUuid, uuid))
      if (!r) throw new Error(`no call row for ${uuid}`)
      return r
    },
    async close() {
      for (const app of apps) await stopInstance(app)
      await sim.close()
      const keys = await redis.keys(`${prefix}:*`)
      if (keys.length > 0) await redis.del(...keys)
      redis.disconnect()
      await db.drop()
      fs.rmSync(recordingsDir, { recursive: true, force: true })
    },
  }
  return cc
}
