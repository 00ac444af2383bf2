/**
 * A whole contact center for the browser tests: the app with its queues, dialer and HTTP
 * server on a port of its own, against the FreeSWITCH simulator over real TCP; a fresh
 * Postgres database and a Redis prefix; users for every role. Time is virtual but keeps
 * moving by itself (about ten times faster than the wall clock), so a page watching the
 * live stream sees calls ring, connect and end within seconds.
 *
 * Chromium is Debian's (/usr/bin/chromium, or CHROMIUM_PATH): when it is missing the tests
 * fail and say how to install it.
 */
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { Redis } from 'ioredis'
import { chromium, type Browser, type Page } from 'playwright-core'
import { startApp, type App } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { agents, clients } from '../../src/db/schema/index.js'
import { loadScripts, parseFlow } from '../../src/ivr/flow/load.js'
import { ivrCallFlow } from '../../src/ivr/service.js'
import { createLogger, silentLogger } from '../../src/log.js'
import { parseQueues } from '../../src/queue/config.js'
import type { Endpoint } from '../../src/sim/dial-string.js'
import { startSimulator, type PartyPlan, type Simulator } from '../../src/sim/index.js'
import { VirtualClock } from '../../src/time/virtual-clock.js'
import { DEMO_PASSWORD, servePages } from '../../src/web/demo-support.js'
import { createTestDatabase, type TestDatabase } from '../helpers/database.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const PROMPTS = path.join(ROOT, 'prompts')
export const SCREENSHOTS = path.join(ROOT, 'test-results')

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** The inbound number that leads straight to the operators' queue. */
export const QUEUE_NUMBER = '7000'
/** The inbound number that rings the caller's account manager. */
export const MANAGER_NUMBER = '7001'
/** The demo's users (src/web/demo-support.ts): manager, supervisor, ivan (operator), admin ... */
export const PASSWORD = DEMO_PASSWORD

export const CLIENT = { name: 'Sarajevo Market d.o.o.', phone: '+38761100001', type: 'key', managerId: 'ana', overdueDebt: '250.75', balance: '1200.00', currency: 'EUR', lastOrderDate: '2026-10-30', vip: true, language: 'en' } as const

/** A client whose account manager is the operator ivan. */
export const IVANS_CLIENT = { name: 'Mini Shop Ilidža', phone: '+38761100002', type: 'retail', managerId: 'ivan', overdueDebt: '0', balance: '80.00', currency: 'BAM', lastOrderDate: '2026-11-02', vip: false, language: 'en' } as const

const QUEUES = `
queues:
  operators:
    members: { groups: [operators] }
    wrapUpSeconds: 10
    serviceLevelSeconds: 20
`

export interface WebCenter {
  app: App
  http: FastifyInstance
  base: string
  /** What the demo prints: where the pages are and who to log in as. */
  banner: string[]
  sim: Simulator
  clock: VirtualClock
  db: TestDatabase
  /** What an agent's phone does when rung (default: answers after 2 s, talks 2 minutes). */
  phones: Map<string, PartyPlan>
  /** What a dialled outside number does (default: a person answers after 3 s and listens). */
  numbers: Map<string, PartyPlan>
  close(): Promise<void>
}

/** `queuesYaml`: the queues instead of the one above (its operators group still serves); `flowsYaml`: more IVR flows (own numbers). */
export async function startWebCenter(options: { queuesYaml?: string; flowsYaml?: string[] } = {}): Promise<WebCenter> {
  const db = await createTestDatabase()
  await db.db.insert(agents).values([
    { id: 'ivan', name: 'Ivan Marić', endpoint: 'user/ivan', groups: ['operators'] },
    { id: 'ana', name: 'Ana Kovač', endpoint: 'user/ana', groups: ['key-account-managers'] },
    // The demo's other operators, serving no queue here.
    { id: 'maria', name: 'Maria Costa', endpoint: 'user/maria', groups: ['sales'] },
    { id: 'petra', name: 'Petra Novak', endpoint: 'user/petra', groups: ['sales'] },
  ])
  await db.db.insert(clients).values([{ ...CLIENT }, { ...IVANS_CLIENT }])
  const settings = parseQueues(options.queuesYaml ?? QUEUES, 'web-queues.yaml')
  // A second number: the caller's own account manager, rung directly.
  const direct = parseFlow(
    [
      'id: to-manager',
      `numbers: ['${MANAGER_NUMBER}']`,
      'languages: [en]',
      'defaultLanguage: en',
      'recording: all',
      'start: lookup',
      'nodes:',
      '  lookup: { type: lookup, next: ring }',
      '  ring: { type: route, chain: [{ manager: true }], onFail: bye }',
      '  bye: { type: hangup }',
    ].join('\n'),
    'to-manager.yaml',
  )
  const flow = parseFlow(
    [
      'id: to-operators',
      `numbers: ['${QUEUE_NUMBER}']`,
      'languages: [en]',
      'defaultLanguage: en',
      'recording: all',
      'start: lookup',
      'nodes:',
      '  lookup: { type: lookup, next: wait }',
      '  wait: { type: route, chain: [{ queue: operators }], onFail: bye }',
      '  bye: { type: hangup }',
    ].join('\n'),
    'to-operators.yaml',
  )
  // Monday 23 November 2026, 10:00 in Sarajevo: inside every calling window.
  const clock = new VirtualClock({ start: Date.parse('2026-11-23T09:00:00Z'), quietMs: 5 })
  const recordings = fs.mkdtempSync(path.join(os.tmpdir(), 'web-recordings-'))
  const phones = new Map<string, PartyPlan>()
  const numbers = new Map<string, PartyPlan>()
  const plan = (endpoint: Endpoint): PartyPlan => {
    if (endpoint.tech === 'user') return phones.get(endpoint.user) ?? { outcome: 'answer', ringMs: 2000, answeredBy: 'person', talkMs: 120_000 }
    if (endpoint.tech === 'sofia') return numbers.get(endpoint.number) ?? { outcome: 'answer', ringMs: 3000, answeredBy: 'person', talkMs: 120_000 }
    return { outcome: 'answer', ringMs: 1000, answeredBy: 'person', talkMs: 60_000 }
  }
  let appAddress = ''
  const sim = await startSimulator({
    clock,
    directory: plan,
    media: { localStreams: { moh: path.join(PROMPTS, 'music/hold.wav') } },
    dialplan: () => [['socket', `${appAddress} async full`]],
  })
  const prefix = `w${randomUUID().slice(0, 8)}`
  const config = loadConfig(
    {
      DATABASE_URL: db.url,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: prefix,
      PROMPTS_DIR: PROMPTS,
      RECORDINGS_DIR: recordings,
      ESL_LISTEN_PORT: '0',
      INSTANCE_ID: 'web-1',
      FREESWITCH_NODES: `${sim.address.host}:${sim.address.port}`,
      LOG_LEVEL: 'silent',
    },
    ROOT,
  )
  const log = process.env.WEBDEBUG ? createLogger('debug', { instance: 'web-1' }) : silentLogger
  const app = await startApp({ config, log, clock, flow: ivrCallFlow({ flows: [flow, direct, ...(options.flowsYaml ?? []).map((y, i) => parseFlow(y, `extra-${i}.yaml`))] }), queues: settings, scripts: await loadScripts(path.join(ROOT, 'campaigns/scripts')) })
  appAddress = `127.0.0.1:${app.outbound.port}`
  for (let i = 0; i < 200 && !app.controls.every((c) => c.isUp); i++) await new Promise((r) => setTimeout(r, 10))
  // As the demo serves them: its users, the HTTP server, time moving by itself (10x).
  const pages = await servePages(app, clock, { host: '127.0.0.1', port: 0 }, { speed: 10 })
  const { http, url: base } = pages
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
  return {
    app,
    http,
    base,
    banner: pages.banner,
    sim,
    clock,
    db,
    phones,
    numbers,
    async close() {
      await pages.closeHttp()
      let stopped = false
      const stopping = app.stop(0).finally(() => (stopped = true))
      const deadline = Date.now() + 20_000
      while (!stopped && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
      await pages.stop()
      await stopping.catch(() => {})
      await sim.close()
      const keys = await redis.keys(`${prefix}:*`)
      if (keys.length > 0) await redis.del(...keys)
      redis.disconnect()
      await db.drop()
      fs.rmSync(recordings, { recursive: true, force: true })
    },
  }
}

/** Debian's chromium, headless; a missing binary is a failure that says how to install it. */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`the browser tests need Debian's chromium at ${CHROMIUM} (apt-get install -y chromium), or CHROMIUM_PATH set to a Chromium binary`)
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] })
}

export async function logIn(page: Page, base: string, username: string, path = '/'): Promise<void> {
  await page.goto(`${base}${path}`)
  await page.waitForURL(/\/login/)
  await page.fill('input[name=username]', username)
  await page.fill('input[name=password]', PASSWORD)
  await page.click('button[type=submit]')
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true })
}
