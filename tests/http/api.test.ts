/**
 * The HTTP API against a real app: real Postgres (a database of its own) and Redis (a key
 * prefix of its own), virtual time so waits and idle times are exact. Queue traffic is
 * driven through the QueueStore as the queue service would, no FreeSWITCH needed.
 */
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { agents } from '../../src/db/schema/index.js'
import { buildHttpServer, startHttpServer } from '../../src/http/server.js'
import { silentLogger } from '../../src/log.js'
import { parseQueues } from '../../src/queue/config.js'
import type { Caller } from '../../src/queue/store.js'
import { VirtualClock } from '../../src/time/virtual-clock.js'
import { createTestDatabase, type TestDatabase } from '../helpers/database.js'
import { as, loginAs, type Inject } from './session.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const T0 = Date.parse('2026-11-23T09:00:00Z')

// desk: the round trip's queue; support: the figures' queue; sales: nobody serves it.
const QUEUES = `
queues:
  desk:
    members: { agents: [ivan] }
  support:
    description: Help desk
    members: { agents: [ana] }
    serviceLevelSeconds: 20
    wrapUpSeconds: 0
  sales:
    members: { groups: [sales] }
`

let db: TestDatabase
let redis: Redis
let clock: VirtualClock
let recordings: string
const prefixes: string[] = []
const apps: App[] = []
let app: App
let http: FastifyInstance
/** Requests as an admin. */
let admin: Inject

async function start(options: { queues: boolean }): Promise<App> {
  const prefix = `t${randomUUID().slice(0, 8)}`
  prefixes.push(prefix)
  const config = loadConfig(
    {
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_PREFIX: prefix,
      PROMPTS_DIR: path.join(ROOT, 'prompts'),
      RECORDINGS_DIR: recordings,
      ESL_LISTEN_PORT: '0',
      INSTANCE_ID: `api-${apps.length + 1}`,
      LOG_LEVEL: 'silent',
    },
    ROOT,
  )
  const started = await startApp({
    config,
    log: silentLogger,
    clock,
    flow: async () => {},
    control: false,
    queues: options.queues ? parseQueues(QUEUES, 'api-test-queues.yaml') : undefined,
  })
  apps.push(started)
  return started
}

beforeAll(async () => {
  db = await createTestDatabase()
  await db.db.insert(agents).values([
    { id: 'ivan', name: 'Ivan', endpoint: 'user/ivan', groups: ['operators'] },
    { id: 'ana', name: 'Ana', endpoint: 'user/ana', groups: ['operators'] },
    { id: 'olga', name: 'Olga', endpoint: 'user/olga', groups: ['finance'] },
    { id: 'retired', name: 'Retired', endpoint: 'user/retired', groups: ['operators'], active: false },
  ])
  redis = new Redis(REDIS_URL)
  clock = new VirtualClock({ start: T0, quietMs: 5 })
  recordings = fs.mkdtempSync(path.join(os.tmpdir(), 'api-recordings-'))
  app = await start({ queues: true })
  http = buildHttpServer(app)
  await http.ready()
  admin = as(http, await loginAs(http, app, 'admin-api', 'admin'))
})

afterAll(async () => {
  await http?.close()
  for (const a of apps) await a.stop(0).catch(() => {})
  for (const prefix of prefixes) {
    const keys = await redis.keys(`${prefix}:*`)
    if (keys.length > 0) await redis.del(...keys)
  }
  redis?.disconnect()
  await db?.drop()
  if (recordings) fs.rmSync(recordings, { recursive: true, force: true })
})

/** The samples of a Prometheus text page, by `name{labels}`. */
async function scrape(server: FastifyInstance = http): Promise<Map<string, number>> {
  const res = await server.inject({ method: 'GET', url: '/metrics' })
  expect(res.statusCode).toBe(200)
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
  const samples = new Map<string, number>()
  for (const line of res.body.split('\n')) {
    if (!line || line.startsWith('#')) continue
    const at = line.lastIndexOf(' ')
    samples.set(line.slice(0, at), Number(line.slice(at + 1)))
  }
  return samples
}

const post = (url: string, payload?: object) => admin({ method: 'POST', url, ...(payload ? { payload } : {}) })
const get = (url: string) => admin({ method: 'GET', url })

describe('an agent at the desk', () => {
  it('logs in, pauses, resumes and logs out, visible in GET /agents/:id and /metrics', async () => {
    const t = clock.now()
    const login = await post('/agents/ivan/login')
    expect(login.statusCode).toBe(200)
    expect(login.json()).toMatchObject({ id: 'ivan', name: 'Ivan', state: 'available', since: t, queues: ['desk'], today: { calls: 0, talkMs: 0, idleMs: 0, missed: 0 } })

    await clock.advance(30_000)
    expect((await get('/agents/ivan')).json()).toMatchObject({ state: 'available', today: { idleMs: 30_000 } })
    let m = await scrape()
    expect(m.get('cc_agent_state{agent="ivan",state="available"}')).toBe(1)
    expect(m.get('cc_agent_state{agent="ivan",state="paused"}')).toBe(0)
    expect(m.get('cc_agent_idle_seconds_today{agent="ivan"}')).toBe(30)
    expect(m.get('cc_queue_agents{queue="desk",state="available"}')).toBe(1)

    const pause = await post('/agents/ivan/pause', { reason: '  lunch ' })
    expect(pause.statusCode).toBe(200)
    expect(pause.json()).toMatchObject({ state: 'paused', reason: 'lunch', since: t + 30_000, today: { idleMs: 30_000 } })
    // A pause is not idle time.
    await clock.advance(60_000)
    expect((await get('/agents/ivan')).json()).toMatchObject({ state: 'paused', reason: 'lunch', today: { idleMs: 30_000 } })
    m = await scrape()
    expect(m.get('cc_agent_state{agent="ivan",state="paused"}')).toBe(1)
    expect(m.get('cc_agent_state{agent="ivan",state="available"}')).toBe(0)
    expect(m.get('cc_queue_agents{queue="desk",state="paused"}')).toBe(1)
    expect(m.get('cc_queue_agents{queue="desk",state="available"}')).toBe(0)
    expect(m.get('cc_agent_idle_seconds_today{agent="ivan"}')).toBe(30)

    const resume = await post('/agents/ivan/resume')
    expect(resume.statusCode).toBe(200)
    expect(resume.json()).toMatchObject({ state: 'available', reason: '', since: t + 90_000 })
    await clock.advance(10_000)
    expect((await get('/agents/ivan')).json()).toMatchObject({ state: 'available', today: { idleMs: 40_000 } })

    const logout = await post('/agents/ivan/logout')
    expect(logout.statusCode).toBe(200)
    expect(logout.json()).toMatchObject({ state: 'logged-out', today: { idleMs: 40_000 } })
    await clock.advance(5000)
    expect((await get('/agents/ivan')).json()).toMatchObject({ state: 'logged-out', today: { idleMs: 40_000 } })
    const desk = (await get('/queues/desk')).json()
    expect(desk.agents).toEqual({ 'logged-out': 0, available: 0, ringing: 0, 'in-call': 0, 'wrap-up': 0, paused: 0 })
    m = await scrape()
    expect(m.get('cc_agent_state{agent="ivan",state="logged-out"}')).toBe(1)
    expect(m.get('cc_agent_state{agent="ivan",state="paused"}')).toBe(0)
    expect(m.get('cc_queue_agents{queue="desk",state="paused"}')).toBe(0)

    const all = (await get('/agents')).json()
    expect(all.agents.map((a: { id: string; state: string }) => [a.id, a.state])).toContainEqual(['ivan', 'logged-out'])
  })

  it('refuses a pause without a reason, naming the field', async () => {
    for (const payload of [undefined, {}, { reason: '' }, { reason: 'x'.repeat(101) }, { reason: '   ' }]) {
      const res = await post('/agents/ana/pause', payload)
      expect(res.statusCode, JSON.stringify(payload)).toBe(400)
      expect(res.json().error).toBe('bad-request')
      expect(res.json().message).toMatch(/reason/)
    }
    expect((await post('/agents/ana/pause', {})).json().message).toBe("body must have required property 'reason'")
    const broken = await admin({ method: 'POST', url: '/agents/ana/pause', headers: { 'content-type': 'application/json' }, payload: '{"reason": ' })
    expect(broken.statusCode).toBe(400)
    expect(broken.json().error).toBe('bad-request')
  })

  it('answers 404 for an unknown agent and 409 for one who cannot serve', async () => {
    const cases: Array<[string, object | undefined, number, string]> = [
      ['/agents/nobody/login', undefined, 404, 'unknown-agent'],
      ['/agents/nobody/pause', { reason: 'lunch' }, 404, 'not-logged-in'],
      ['/agents/olga/logout', undefined, 404, 'not-logged-in'],
      ['/agents/olga/resume', undefined, 404, 'not-logged-in'],
      ['/agents/olga/login', undefined, 409, 'no-queues'],
      ['/agents/retired/login', undefined, 409, 'inactive-agent'],
    ]
    for (const [url, payload, status, error] of cases) {
      const res = await post(url, payload)
      expect(res.statusCode, url).toBe(status)
      expect(res.json(), url).toEqual({ error, message: expect.any(String) })
    }
    expect((await post('/agents/nobody/login')).json().message).toBe("there is no agent 'nobody'")
    expect((await get('/agents/nobody')).statusCode).toBe(404)
    expect((await get('/agents/nobody')).json().error).toBe('unknown-agent')
    expect((await get('/queues/nope')).json()).toEqual({ error: 'unknown-queue', message: "there is no queue 'nope'" })
    expect((await get('/queues/nope')).statusCode).toBe(404)
    expect((await get('/nothing/here')).statusCode).toBe(404)
    // None of that logged anybody in.
    expect((await get('/agents/olga')).statusCode).toBe(404)
  })
})

describe('queue figures', () => {
  it('counts waiting, abandoned, answered, missed calls exactly, in /queues and /metrics', async () => {
    const { store } = app.queues!
    // An instance that holds the callers: alive (it beats), its inbox read by nobody, so
    // the test settles every offer itself.
    await store.heartbeat('api-test')
    const caller = (entry: string): Caller => ({ entry, queue: 'support', call: `call-${entry}`, instance: 'api-test', number: '+38761000001', language: 'en', clientType: '', vip: false, kind: 'call' })
    const t = clock.now()
    const at = (s: number) => clock.advance(t + s * 1000 - clock.now())

    expect((await post('/agents/ana/login')).json()).toMatchObject({ state: 'available', queues: ['support'] })
    await at(5)
    expect((await post('/agents/ana/pause', { reason: 'briefing' })).json()).toMatchObject({ state: 'paused', today: { idleMs: 5000 } })
    await store.enqueue(caller('a'))
    await at(10)
    await store.enqueue(caller('b'))
    await store.enqueue(caller('d'))
    await store.enqueue(caller('e'))
    await at(20)

    const before = await get('/queues/support')
    expect(before.statusCode).toBe(200)
    expect(before.json()).toEqual({
      name: 'support',
      description: 'Help desk',
      serviceLevelSeconds: 20,
      waiting: 4,
      longestWaitMs: 15_000,
      agents: { 'logged-out': 0, available: 0, ringing: 0, 'in-call': 0, 'wrap-up': 0, paused: 1 },
      today: { entered: 4, answered: 0, abandoned: 0, overflowed: 0, voicemail: 0, callbacks: 0, lost: 0, serviceLevel: null, averageAnswerMs: null, abandonRate: null },
    })
    let m = await scrape()
    expect(m.get('cc_queue_waiting{queue="support"}')).toBe(4)
    expect(m.get('cc_queue_longest_wait_seconds{queue="support"}')).toBe(15)
    // No answered or abandoned call yet: no ratio to report.
    expect(m.has('cc_queue_service_level{queue="support"}')).toBe(false)
    expect(m.has('cc_queue_answer_speed_seconds{queue="support"}')).toBe(false)

    expect(await store.leave('b', 'abandoned')).toBe('waiting')
    expect(await store.leave('d', 'overflowed')).toBe('waiting')
    expect(await store.leave('e', 'voicemail')).toBe('waiting')
    // Back from the pause, Ana is offered the caller waiting since 5 s.
    expect((await post('/agents/ana/resume')).json()).toMatchObject({ state: 'ringing' })
    await at(26)
    await store.offerResult('a', { outcome: 'answered', agent: 'ana' }, 20_000) // waited 21 s: outside the 20 s
    expect((await get('/agents/ana')).json()).toMatchObject({ state: 'in-call', since: t + 26_000 })
    await at(86)
    await store.callEnded('a', 'ana', 60_000, 0)
    await at(96)
    await store.enqueue(caller('c'))
    expect((await get('/agents/ana')).json().state).toBe('ringing')
    await at(106)
    await store.offerResult('c', { outcome: 'missed' }, 20_000)
    // The only agent: the caller goes back to her at once.
    expect((await get('/agents/ana')).json()).toMatchObject({ state: 'ringing', missed: 1 })
    await at(109)
    await store.offerResult('c', { outcome: 'answered', agent: 'ana' }, 20_000) // waited 13 s: within
    await at(139)
    await store.callEnded('c', 'ana', 30_000, 0)
    await at(146)

    const after = (await get('/queues/support')).json()
    expect(after).toMatchObject({
      waiting: 0,
      longestWaitMs: 0,
      agents: { 'logged-out': 0, available: 1, ringing: 0, 'in-call': 0, 'wrap-up': 0, paused: 0 },
      today: { entered: 5, answered: 2, abandoned: 1, overflowed: 1, voicemail: 1, callbacks: 0, lost: 0, averageAnswerMs: 17_000 },
    })
    expect(after.today.serviceLevel).toBeCloseTo(1 / 3, 12)
    expect(after.today.abandonRate).toBeCloseTo(1 / 3, 12)

    // Idle: 5 s before the pause, 10 s between the calls, 7 s now; talk 60 s + 30 s.
    const ana = (await get('/agents/ana')).json()
    expect(ana).toMatchObject({ state: 'available', since: t + 139_000, calls: 2, missed: 0, today: { calls: 2, talkMs: 90_000, idleMs: 22_000, missed: 1 } })

    const queues = (await get('/queues')).json().queues
    expect(queues.map((q: { name: string }) => q.name)).toEqual(['desk', 'sales', 'support'])
    expect(queues[1]).toMatchObject({ name: 'sales', waiting: 0, today: { entered: 0, serviceLevel: null, abandonRate: null } })

    m = await scrape()
    const expected: Record<string, number> = {
      'cc_queue_waiting{queue="support"}': 0,
      'cc_queue_longest_wait_seconds{queue="support"}': 0,
      'cc_queue_agents{queue="support",state="available"}': 1,
      'cc_queue_agents{queue="support",state="paused"}': 0,
      'cc_queue_answer_speed_seconds{queue="support"}': 17,
      'cc_queue_calls_today{queue="support",outcome="entered"}': 5,
      'cc_queue_calls_today{queue="support",outcome="answered"}': 2,
      'cc_queue_calls_today{queue="support",outcome="abandoned"}': 1,
      'cc_queue_calls_today{queue="support",outcome="overflowed"}': 1,
      'cc_queue_calls_today{queue="support",outcome="voicemail"}': 1,
      'cc_queue_calls_today{queue="support",outcome="callbacks"}': 0,
      'cc_queue_calls_today{queue="sales",outcome="entered"}': 0,
      'cc_agent_state{agent="ana",state="available"}': 1,
      'cc_agent_state{agent="ana",state="ringing"}': 0,
      'cc_agent_calls_today{agent="ana"}': 2,
      'cc_agent_talk_seconds_today{agent="ana"}': 90,
      'cc_agent_idle_seconds_today{agent="ana"}': 22,
    }
    for (const [sample, value] of Object.entries(expected)) expect(m.get(sample), sample).toBe(value)
    expect(m.get('cc_queue_service_level{queue="support"}')).toBeCloseTo(1 / 3, 12)
    expect(m.get('cc_queue_abandon_rate{queue="support"}')).toBeCloseTo(1 / 3, 12)
    expect(m.has('cc_queue_service_level{queue="sales"}')).toBe(false)
  })
})

describe('the server', () => {
  it('keeps a metrics registry per server, so two in one process both scrape', async () => {
    const second = buildHttpServer(app)
    try {
      const [a, b] = await Promise.all([scrape(), scrape(second)])
      expect(b.get('cc_queue_calls_today{queue="support",outcome="entered"}')).toBe(a.get('cc_queue_calls_today{queue="support",outcome="entered"}'))
      expect(b.size).toBeGreaterThan(10)
    } finally {
      await second.close()
    }
  })

  it('listens on a real port and says it is healthy', async () => {
    const server = await startHttpServer(app, { host: '127.0.0.1', port: 0 })
    try {
      const { port } = server.server.address() as { port: number }
      const res = await fetch(`http://127.0.0.1:${port}/health`)
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({ status: 'ok', freeswitch: { status: 'not-used', nodes: [] }, database: { ok: true, status: 'up', kind: 'postgres' }, redis: { ok: true, status: 'up' } })
    } finally {
      await server.close()
    }
  })

  it('answers 503 no-queues for queue and agent routes of an app without queues, and 503 health once it is down', async () => {
    const bare = await start({ queues: false })
    const server = buildHttpServer(bare)
    try {
      const asAdmin = as(server, await loginAs(server, bare, 'admin-api', 'admin'))
      for (const [method, url] of [['GET', '/agents'], ['GET', '/agents/ivan'], ['POST', '/agents/ivan/pause'], ['GET', '/queues'], ['GET', '/queues/support']] as const) {
        const res = await asAdmin({ method, url })
        expect(res.statusCode, url).toBe(503)
        expect(res.json().error, url).toBe('no-queues')
      }
      const metrics = await scrape(server)
      expect(metrics.size).toBe(0)
      expect((await server.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200)
      await bare.stop(0)
      const down = await server.inject({ method: 'GET', url: '/health' })
      expect(down.statusCode).toBe(503)
      expect(down.json()).toMatchObject({ status: 'unavailable', database: { ok: false, status: 'down' }, redis: { ok: false, status: 'down' } })
    } finally {
      await server.close()
    }
  })
})
