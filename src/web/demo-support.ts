/**
 * What a demo (or a browser test) needs for the pages to be tried by hand: a user for each
 * role with a known password, and simulated time that keeps moving on its own while people
 * click (the simulation otherwise only moves when a script runs it).
 */
import type { FastifyInstance } from 'fastify'
import type { App } from '../app.js'
import { ensureAdmin, FIRST_ADMIN } from '../auth/bootstrap.js'
import { UserStore, isUserError } from '../auth/users.js'
import { startHttpServer } from '../http/server.js'
import type { Db } from '../db/database.js'
import type { Role } from '../db/schema/index.js'
import type { Clock } from '../time/clock.js'
import type { VirtualClock } from '../time/virtual-clock.js'

export interface DemoLogin {
  username: string
  password: string
  role: Role
  agentId: string | null
  /** Where they start. */
  page: string
}

/**
 * The demo's people (agents from src/demo/sample-data.ts), one per role but admin (the first
 * start's admin: src/auth/bootstrap.ts). Known passwords: a demo only.
 */
export const DEMO_USERS: ReadonlyArray<Omit<DemoLogin, 'password'> & { name: string }> = [
  { username: 'manager', name: 'Mira (campaign manager)', role: 'campaign-manager', agentId: null, page: '/manager' },
  { username: 'supervisor', name: 'Sara (supervisor)', role: 'supervisor', agentId: null, page: '/wallboard' },
  { username: 'ivan', name: 'Ivan Marić', role: 'operator', agentId: 'ivan', page: '/operator' },
  { username: 'maria', name: 'Maria Costa', role: 'operator', agentId: 'maria', page: '/operator' },
  { username: 'petra', name: 'Petra Novak', role: 'operator', agentId: 'petra', page: '/operator' },
]

export const DEMO_PASSWORD = 'demo-password'

/**
 * Creates the demo users that do not exist yet (an existing user keeps their password), all
 * with `password`; answers the logins to print. The operators' agents must exist first.
 */
export async function seedDemoUsers(db: Db, clock: Clock, password = DEMO_PASSWORD): Promise<DemoLogin[]> {
  const store = new UserStore(db, clock)
  const existing = new Set((await store.list()).map((u) => u.username))
  const logins: DemoLogin[] = []
  for (const u of DEMO_USERS) {
    if (!existing.has(u.username)) {
      const made = await store.create({ username: u.username, name: u.name, role: u.role, password, agentId: u.agentId })
      if (isUserError(made)) throw new Error(`demo user '${u.username}': ${made.message}`)
    }
    logins.push({ username: u.username, password: existing.has(u.username) ? '(unchanged)' : password, role: u.role, agentId: u.agentId, page: u.page })
  }
  return logins
}

/**
 * Moves a virtual clock forward by itself, `speed` times the wall clock (in steps of
 * `stepMs` of virtual time), until the returned stop() is awaited.
 */
export function keepTimeMoving(clock: VirtualClock, options: { speed?: number; stepMs?: number } = {}): () => Promise<void> {
  const step = options.stepMs ?? 200
  const pause = Math.max(1, Math.round(step / (options.speed ?? 10)))
  let running = true
  const driving = (async () => {
    while (running) {
      await clock.advance(step)
      await new Promise((r) => setTimeout(r, pause))
    }
  })()
  return async () => {
    running = false
    await driving
  }
}

export interface ServedPages {
  /** Where the pages are, e.g. http://127.0.0.1:3000 */
  url: string
  http: FastifyInstance
  logins: DemoLogin[]
  /** Lines to print: where to go and who to log in as. */
  banner: string[]
  /** Stops taking requests (the clock goes on: stopping the app needs it). */
  closeHttp(): Promise<void>
  /** Stops the HTTP server and the clock (the app is the caller's to stop). */
  stop(): Promise<void>
}

/**
 * For a demo in simulated time: the demo users, the HTTP server (API and pages) on
 * `address`, and the clock moving by itself. Call it once the demo's own scripted run of
 * the clock (if any) is over: two runs of a VirtualClock cannot overlap.
 */
export async function servePages(app: App, clock: VirtualClock, address: { host: string; port: number }, options: { speed?: number; password?: string } = {}): Promise<ServedPages> {
  const password = options.password ?? DEMO_PASSWORD
  // The admin as a first start makes it, with the demo's password.
  const admin = await ensureAdmin(new UserStore(app.database.db, clock), { password, log: app.log })
  const logins = [
    { username: FIRST_ADMIN, password: admin.created ? password : '(unchanged)', role: 'admin' as const, agentId: null, page: '/wallboard' },
    ...(await seedDemoUsers(app.database.db, clock, password)),
  ]
  const stopTime = keepTimeMoving(clock, { speed: options.speed ?? 5 })
  let http: FastifyInstance
  try {
    http = await startHttpServer(app, address)
  } catch (err) {
    await stopTime()
    throw err
  }
  const bound = http.server.address()
  const port = typeof bound === 'object' && bound ? bound.port : address.port
  const url = `http://${address.host.includes(':') ? `[${address.host}]` : address.host}:${port}`
  const banner = [
    `pages: ${url}/login (simulated time runs ${options.speed ?? 5}x the wall clock)`,
    ...logins.map((l) => `  ${l.username.padEnd(10)} ${l.password.padEnd(16)} ${l.role}${l.agentId ? ` (agent ${l.agentId})` : ''}: ${url}${l.page}`),
  ]
  let closing: Promise<void> | undefined
  const closeHttp = (): Promise<void> => (closing ??= http.close())
  return {
    url,
    http,
    logins,
    banner,
    closeHttp,
    async stop() {
      await closeHttp()
      await stopTime()
    },
  }
}
