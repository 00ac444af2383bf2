/**
 * One test file's world on the real switch: FreeSWITCH 1.11.1 with the test extensions, a
 * scratch Postgres database, a Redis prefix of its own, and the app as its own process
 * (`src/main.ts`, as `npm start` runs it), started and stopped as a test needs. The IVR
 * flow is flows/default.yaml open every hour of every day, so a test passes at any time.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeEach } from 'vitest'
import YAML from 'yaml'
import { agents, calls, clients } from '../../../src/db/schema/index.js'
import { freePort, startAppProcess, type AppProcess } from '../../helpers/app-process.js'
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js'
import { testExtensions } from '../../../src/bundle/extensions.js'
import { SwitchDriver } from './driver.js'
import { startSwitch, type TestSwitch } from '../../../src/bundle/freeswitch.js'

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..')
export const ADMIN_PASSWORD = 'a-long-test-password'

export type AgentRow = typeof agents.$inferInsert
export type ClientRow = typeof clients.$inferInsert

/** Queues for the tests: the shape of queues/queues.yaml with times short enough to watch. */
export const TEST_QUEUES = {
  operators: {
    strategy: 'longest-idle',
    members: { groups: ['operators'] },
    ringTimeoutSeconds: 10,
    maxMissedOffers: 3,
    wrapUpSeconds: 0,
    announceEverySeconds: 30,
    serviceLevelSeconds: 20,
    maxWaitSeconds: 120,
    onMaxWait: 'voicemail',
    onNoAgents: 'voicemail',
    keys: { '1': 'voicemail', '2': 'callback' },
  },
  orders: {
    strategy: 'longest-idle',
    members: { groups: ['sales'] },
    ringTimeoutSeconds: 10,
    wrapUpSeconds: 0,
    announceEverySeconds: 30,
    maxWaitSeconds: 60,
    onMaxWait: { queue: 'operators' },
    onNoAgents: { queue: 'operators' },
  },
} as const

export interface WorldOptions {
  name: string
  /** Queue settings (default TEST_QUEUES). */
  queues?: Record<string, unknown>
  /** Campaign scripts besides those in campaigns/scripts, by id. */
  scripts?: Record<string, unknown>
  /** Changes to the default flow (node settings such as a route's ring time). */
  flow?: (flow: { nodes: Record<string, Record<string, unknown>> }) => void
  /** The app's SIP accounts and operators' lines in the switch (StartOptions.appDirectory). */
  softphones?: boolean
  /** 8 kHz WAVs for local_stream://moh (default prompts/music). */
  holdMusicDir?: string
}

export interface AppOptions {
  /** Extra environment for the app process. */
  env?: Record<string, string>
  /** Wait for the HTTP server and the control connection (default true). */
  waitReady?: boolean
}

export class World {
  private token: string | undefined
  readonly apps: AppProcess[] = []

  private constructor(
    readonly sw: TestSwitch,
    readonly driver: SwitchDriver,
    readonly db: TestDatabase,
    readonly appPort: number,
    readonly httpPort: number,
    readonly redisPrefix: string,
    readonly dirs: { flows: string; scripts: string; queuesFile: string; recordings: string; data: string },
  ) {}

  static async start(options: WorldOptions): Promise<World> {
    const appPort = await freePort()
    const httpPort = await freePort()
    const db = await createTestDatabase()
    let sw: TestSwitch | undefined
    try {
      sw = await startSwitch({ name: options.name, extensions: testExtensions(appPort), holdMusicDir: options.holdMusicDir ?? path.join(ROOT, 'prompts', 'music'), appDirectory: options.softphones })
      const driver = await SwitchDriver.connect(sw)
      const base = fs.mkdtempSync(path.join(os.tmpdir(), `world-${options.name}-`))
      const dirs = { flows: path.join(base, 'flows'), scripts: path.join(base, 'scripts'), queuesFile: path.join(base, 'queues.yaml'), recordings: path.join(base, 'recordings'), data: path.join(base, 'data') }
      fs.mkdirSync(dirs.flows)
      fs.mkdirSync(dirs.recordings)
      fs.cpSync(path.join(ROOT, 'campaigns/scripts'), dirs.scripts, { recursive: true })
      for (const [id, script] of Object.entries(options.scripts ?? {})) fs.writeFileSync(path.join(dirs.scripts, `${id}.yaml`), YAML.stringify(script))
      // The default flow, open around the clock: the tests must not depend on the hour or the day.
      const flow = YAML.parse(fs.readFileSync(path.join(ROOT, 'flows/default.yaml'), 'utf8')) as Record<string, unknown>
      const allDay = ['00:00-24:00']
      flow.hours = { timezone: 'Europe/Sarajevo', weekly: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay }, holidays: [] }
      options.flow?.(flow as { nodes: Record<string, Record<string, unknown>> })
      fs.writeFileSync(path.join(dirs.flows, 'default.yaml'), YAML.stringify(flow))
      fs.writeFileSync(dirs.queuesFile, YAML.stringify({ queues: options.queues ?? TEST_QUEUES }))
      return new World(sw, driver, db, appPort, httpPort, `fs${randomUUID().slice(0, 8)}`, dirs)
    } catch (err) {
      await sw?.stop()
      await db.drop()
      throw err
    }
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      DATABASE_URL: this.db.url,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: this.redisPrefix,
      FREESWITCH_NODES: this.sw.eslAddress,
      FREESWITCH_PASSWORD: this.sw.password,
      ESL_LISTEN_PORT: String(this.appPort),
      HTTP_PORT: String(this.httpPort),
      FLOWS_DIR: this.dirs.flows,
      SCRIPTS_DIR: this.dirs.scripts,
      QUEUES_FILE: this.dirs.queuesFile,
      RECORDINGS_DIR: this.dirs.recordings,
      DATA_DIR: this.dirs.data,
      GATEWAY_TEMPLATE: 'loopback/{number}/default',
      INSTANCE_ID: `app-${this.apps.length + 1}`,
      ADMIN_PASSWORD,
      LOG_LEVEL: 'debug',
      ...extra,
    }
  }

  /** Starts the app (src/main.ts as a process) and waits until it serves HTTP and controls the switch. */
  async startApp(options: AppOptions = {}): Promise<AppProcess> {
    const app = startAppProcess(this.env(options.env))
    this.apps.push(app)
    if (options.waitReady !== false) {
      await app.waitForLine((l) => typeof l.msg === 'string' && l.msg.includes('Server listening'))
      await app.waitForLine((l) => l.msg === 'FreeSWITCH control connection up')
    }
    return app
  }

  /** Kills every app still running (after a test, failed or not). */
  async killApps(): Promise<void> {
    for (const app of this.apps) if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL')
    await Promise.all(this.apps.map((a) => a.exited))
  }

  /** Stops an app process: SIGTERM (a deploy) or SIGKILL (a crash); resolves once it is gone. */
  async stopApp(app: AppProcess, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<number | string> {
    if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill(signal)
    return app.exited
  }

  async seed(rows: { agents?: AgentRow[]; clients?: ClientRow[] }): Promise<void> {
    if (rows.agents?.length) await this.db.db.insert(agents).values(rows.agents)
    if (rows.clients?.length) await this.db.db.insert(clients).values(rows.clients)
  }

  /** An HTTP request to the running app as its admin. */
  async http(method: string, url: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    this.token ??= await this.login()
    return this.httpWith(this.token, method, url, body)
  }

  /** A user (POST /users) and a way to make requests as them. */
  async user(username: string, role: string, agentId?: string): Promise<(method: string, url: string, body?: unknown) => Promise<{ status: number; json: Record<string, unknown> }>> {
    const password = `${username}-long-test-password`
    const made = await this.http('POST', '/users', { username, role, password, agentId })
    if (made.status !== 201 && made.status !== 200) throw new Error(`user ${username}: ${made.status} ${JSON.stringify(made.json)}`)
    const token = await this.login(username, password)
    return (method, url, body) => this.httpWith(token, method, url, body)
  }

  private async httpWith(token: string, method: string, url: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(`http://127.0.0.1:${this.httpPort}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    let json: Record<string, unknown> = { text }
    try {
      json = JSON.parse(text) as Record<string, unknown>
    } catch {
      // not JSON: kept as text
    }
    return { status: res.status, json }
  }

  /** Logs agents in to their queues (POST /agents/:id/login). */
  async loginAgents(...ids: string[]): Promise<void> {
    for (const id of ids) {
      const r = await this.http('POST', `/agents/${id}/login`)
      if (r.status !== 200) throw new Error(`agent ${id} could not log in: ${r.status} ${JSON.stringify(r.json)}`)
    }
  }

  /** The call register's row of a call. */
  async callRow(uuid: string): Promise<typeof calls.$inferSelect | undefined> {
    return (await this.db.db.select().from(calls).where(eq(calls.callUuid, uuid)))[0]
  }

  /** The call register's row of a call once it says the call ended. */
  endedRow(uuid: string, ms = 20_000): Promise<typeof calls.$inferSelect> {
    return eventually(`the register's end of ${uuid}`, async () => {
      const r = await this.callRow(uuid)
      return r?.endedAt ? r : undefined
    }, ms, () => this.tail())
  }

  /** What a test failure should show: the app's last lines and the switch's log tail. */
  tail(): string {
    const app = this.apps.at(-1)
    return `--- app:\n${(app?.lines ?? []).slice(-25).map((l) => JSON.stringify(l)).join('\n')}\n--- FreeSWITCH:\n${this.sw.logTail(30)}`
  }

  async stop(): Promise<void> {
    await this.killApps()
    this.driver.close()
    await this.sw.stop()
    await this.db.drop()
  }

  private async login(username = 'admin', password = ADMIN_PASSWORD): Promise<string> {
    const res = await fetch(`http://127.0.0.1:${this.httpPort}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    })
    if (res.status !== 200) throw new Error(`${username} login failed: ${res.status} ${await res.text()}`)
    return ((await res.json()) as { token: string }).token
  }
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `ms`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, ms = 20_000, explain?: () => string): Promise<T> {
  const from = Date.now()
  for (;;) {
    const v = await check()
    if (v !== undefined && v !== false) return v
    if (Date.now() - from > ms) throw new Error(`${what}: not within ${ms} ms${explain ? `\n${explain()}` : ''}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** What every test file on the real switch does around its tests: no call left from the last test, and the world stopped at the end. */
export function aroundTests(world: () => World | undefined): void {
  beforeEach(async () => {
    await world()?.driver.drain()
  })
  afterAll(async () => {
    await world()?.stop()
  }, 60_000)
}
