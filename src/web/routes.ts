/**
 * The pages (src/web/pages.ts) and their assets (src/web/static), the live stream they
 * listen to, and the two small routes only the pages need: an operator's disposition and
 * notes on a call, and the call register with dispositions and recordings in one answer.
 *
 * Pages declare their roles like every route, so the same access control checks them; a
 * page asked for without a session is answered with a redirect to /login (and back after),
 * a page the role may not open with a page that says so.
 *
 *   GET  /login, /, /manager, /operator, /wallboard      pages
 *   GET  /web/<file>                                       CSS and scripts (public)
 *   GET  /live/events                                      server-sent events: board, desk
 *   GET  /live/calls                                       the register for the pages
 *   POST /operator/disposition, GET /operator/to-finish    the console's own (operator-routes.ts)
 */
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { and, desc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { App } from '../app.js'
import type { Principal } from '../auth/access.js'
import { agents, attempts, calls, campaigns, clients, recordings, type Role } from '../db/schema/index.js'
import { authParts } from '../http/authenticate.js'
import { ownCalls } from '../http/calls.js'
import { sendError } from '../http/errors.js'
import { searchDigits } from '../http/number-search.js'
import { readCookie, SESSION_COOKIE } from '../http/session-cookie.js'
import { contentSecurityPolicy, softphoneSocketSource } from './content-policy.js'
import { fromAcceptLanguage, translator } from './i18n.js'
import { LiveData } from './live.js'
import { dispositionsFor, operatorRoutes } from './operator-routes.js'
import { reportsPage } from './reports-page.js'
import { peoplePage } from './people-page.js'
import { clientsPage } from './clients-page.js'
import { queueSettingsPage } from './queues-page.js'
import { ASSET_PREFIX, forbiddenPage, HOME, loginPage, managerPage, operatorPage, PAGES, wallboardPage, type PageUser } from './pages.js'

const DESK_ROLES: Role[] = ['admin', 'supervisor', 'operator']
const BOARD_ROLES: Role[] = ['admin', 'supervisor', 'campaign-manager']

/** How often the live stream sends, ms (real time: pages watch the wall clock). */
export const LIVE_INTERVAL_MS = 1000
/** A comment line this often keeps proxies from closing a quiet stream. */
const KEEPALIVE_MS = 15_000

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
}

/**
 * The assets directory: next to this module when run from the sources; from dist/web the
 * sources' copy (the build compiles TypeScript only).
 */
export function staticDirectory(): { dir: string } | { missing: string } {
  const here = path.dirname(fileURLToPath(import.meta.url))
  const candidates = [path.join(here, 'static'), path.resolve(here, '../../src/web/static')]
  const found = candidates.find((d) => fs.existsSync(path.join(d, 'common.js')))
  return found ? { dir: found } : { missing: `the pages' assets are missing (looked in ${candidates.join(', ')}): the pages cannot work; the API does` }
}

/** The assets, read once: a name not listed here is not served (no path ever reaches the disk). */
function loadAssets(dir: string): Map<string, { body: Buffer; type: string }> {
  const assets = new Map<string, { body: Buffer; type: string }>()
  for (const name of fs.readdirSync(dir)) {
    const type = TYPES[path.extname(name)]
    if (type && fs.statSync(path.join(dir, name)).isFile()) assets.set(name, { body: fs.readFileSync(path.join(dir, name)), type })
  }
  return assets
}

const PAGE_URLS = new Set(['/', PAGES.manager.path, PAGES.operator.path, PAGES.wallboard.path, PAGES.reports.path, PAGES.people.path, PAGES.queueSettings.path, PAGES.clients.path])

const callsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    number: { type: 'string', maxLength: 32, pattern: '^[+0-9 ()./-]*$' },
    agent: { type: 'string', maxLength: 100 },
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 25 },
  },
} as const

/** How often a stream checks that its session still stands (logout elsewhere, user deactivated). */
const RECHECK_MS = 5_000

/** The token a request came with: the bearer token, or the session cookie. */
function tokenOf(req: FastifyRequest): string | undefined {
  const m = /^Bearer +([^\s]+)\s*$/i.exec(req.headers.authorization ?? '')
  return m ? m[1] : readCookie(req.headers.cookie, SESSION_COOKIE)
}

const pageUser = (who: Principal): PageUser => ({ username: who.username, role: who.role, agentId: who.agentId, language: who.language ?? 'en', t: translator(who.language) })

export async function webRoutes(server: FastifyInstance, { app }: { app: App }): Promise<void> {
  const { db } = app.database
  // Without the assets (an image built without src/web/static) the API still serves; the pages say why they cannot.
  const found = staticDirectory()
  if ('missing' in found) server.log.error(found.missing)
  const assets = 'dir' in found ? loadAssets(found.dir) : new Map<string, { body: Buffer; type: string }>()
  // Changes with every start: browsers keep assets only as long as they are the same.
  const version = randomBytes(4).toString('hex')
  const live = new LiveData(app)
  const auth = authParts(app)
  const softphoneSocket = (req: FastifyRequest): string[] => [softphoneSocketSource(app.config.softphoneWsUrl, req.headers.host)].filter((s): s is string => s !== null)
  /** Whether the session a stream was opened with still stands, and its user is active. */
  const stillValid = async (token: string | undefined, userId: number): Promise<boolean> => {
    const session = token ? await auth.sessions.get(token) : undefined
    if (!session || session.userId !== userId) return false
    return (await auth.users.get(userId))?.active === true
  }
  // `connect`: sources a page may connect to besides ourselves (the softphone's WebSocket).
  const html = (reply: FastifyReply, body: string, connect: string[] = []): FastifyReply =>
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-security-policy', contentSecurityPolicy(connect))
      .header('x-frame-options', 'DENY')
      .header('referrer-policy', 'same-origin')
      .header('x-content-type-options', 'nosniff')
      .send(body)

  // A page refused by access control: to the login (and back), or a page saying why.
  server.addHook('onSend', async (req, reply, payload) => {
    if (req.method !== 'GET' || !PAGE_URLS.has(req.routeOptions.url ?? '')) return payload
    if (reply.statusCode === 401) {
      const next = req.url === '/' ? '' : `?next=${encodeURIComponent(req.url)}`
      reply.code(303).header('location', `/login${next}`).header('content-type', 'text/html; charset=utf-8')
      return `<!doctype html><a href="/login${next}">Log in</a>`
    }
    if (reply.statusCode === 403 && req.user) {
      reply.header('content-type', 'text/html; charset=utf-8')
      const who = pageUser(req.user)
      return forbiddenPage(who, version, who.t('common.notForRole.text', { role: who.t(`common.role.${req.user.role}`) }))
    }
    return payload
  })

  server.get<{ Params: { name: string } }>(`${ASSET_PREFIX}:name`, { config: { access: 'public' }, schema: { hide: true }, logLevel: 'warn' }, async (req, reply) => {
    const asset = assets.get(req.params.name)
    if (!asset && 'missing' in found) return sendError(reply, 503, 'pages-unavailable', found.missing)
    if (!asset) return sendError(reply, 404, 'not-found', `no asset ${req.params.name}`)
    return reply.header('content-type', asset.type).header('cache-control', 'public, max-age=3600').send(asset.body)
  })

  server.get('/login', { config: { access: 'public' }, schema: { hide: true } }, async (req, reply) => html(reply, loginPage(version, translator(fromAcceptLanguage(req.headers['accept-language'])))))
  server.get('/', { config: { access: 'authenticated' }, schema: { hide: true } }, async (req, reply) => reply.redirect(HOME[req.user!.role], 303))
  server.get(PAGES.manager.path, { config: { access: PAGES.manager.roles }, schema: { hide: true } }, async (req, reply) => html(reply, managerPage(pageUser(req.user!), version)))
  server.get(PAGES.operator.path, { config: { access: PAGES.operator.roles }, schema: { hide: true } }, async (req, reply) => html(reply, operatorPage(pageUser(req.user!), version), softphoneSocket(req)))
  server.get(PAGES.wallboard.path, { config: { access: PAGES.wallboard.roles }, schema: { hide: true } }, async (req, reply) => html(reply, wallboardPage(pageUser(req.user!), version), softphoneSocket(req)))
  server.get(PAGES.reports.path, { config: { access: PAGES.reports.roles }, schema: { hide: true } }, async (req, reply) => html(reply, reportsPage(pageUser(req.user!), version)))
  server.get(PAGES.people.path, { config: { access: PAGES.people.roles }, schema: { hide: true } }, async (req, reply) => html(reply, peoplePage(pageUser(req.user!), version)))
  server.get(PAGES.clients.path, { config: { access: PAGES.clients.roles }, schema: { hide: true } }, async (req, reply) => html(reply, clientsPage(pageUser(req.user!), version)))
  server.get(PAGES.queueSettings.path, { config: { access: PAGES.queueSettings.roles }, schema: { hide: true } }, async (req, reply) => html(reply, queueSettingsPage(pageUser(req.user!), version)))

  // Open streams end when the server closes (else close() would wait for them).
  const streams = new Set<() => void>()
  server.addHook('onClose', async () => {
    for (const close of [...streams]) close()
  })

  // The board is the same for everyone who sees it: read once a tick, whoever asks.
  const boards = new Map<string, { at: number; value: ReturnType<LiveData['board']> }>()
  const sharedBoard = (want: { queues: boolean; campaigns: boolean; register: boolean }): ReturnType<LiveData['board']> => {
    const key = `${want.queues}:${want.campaigns}:${want.register}`
    const hit = boards.get(key)
    if (hit && Date.now() - hit.at < LIVE_INTERVAL_MS * 0.8) return hit.value
    const value = live.board(want)
    boards.set(key, { at: Date.now(), value })
    value.catch(() => boards.delete(key))
    return value
  }

  server.get(
    '/live/events',
    {
      config: { access: 'authenticated' },
      schema: {
        summary: 'Live updates for the pages (text/event-stream)',
        description:
          "Every second: `board` (queues and agents for supervisors and admins; campaigns for campaign managers, supervisors and admins) and `desk` (the user's own agent and the call offered to it or connected, with the client's card). An operator gets only their own agent's desk.",
        produces: ['text/event-stream'],
      },
      logLevel: 'warn',
    },
    async (req, reply) => {
      const who = req.user!
      const wallboard = who.role === 'admin' || who.role === 'supervisor'
      // register: a stamp of the latest calls, so the wallboard's register reloads when one starts or ends.
      const want = { queues: wallboard, campaigns: BOARD_ROLES.includes(who.role), register: wallboard }
      const agentId = who.agentId
      const token = tokenOf(req)
      let checkedAt = Date.now()
      reply.hijack()
      const res = reply.raw
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' })
      res.write(`retry: 2000\n\n`)
      let open = true
      let busy = false
      let lastWrite = Date.now()
      const send = (event: string, data: unknown): void => {
        if (!open) return
        res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
        lastWrite = Date.now()
      }
      const tick = async (): Promise<void> => {
        if (busy || !open) return
        busy = true
        try {
          // The session may have ended (expired, logged out, user deactivated): the stream ends with it.
          let ended = app.clock.now() >= who.expiresAt
          if (!ended && Date.now() - checkedAt >= RECHECK_MS) {
            checkedAt = Date.now()
            ended = !(await stillValid(token, who.userId))
          }
          if (ended) {
            send('ended', { message: 'the session has ended; log in again' })
            return close()
          }
          if (want.queues || want.campaigns || want.register) send('board', await sharedBoard(want))
          if (agentId) send('desk', await live.desk(agentId))
          if (Date.now() - lastWrite > KEEPALIVE_MS) res.write(': keep-alive\n\n')
        } catch (err) {
          req.log.warn({ err: (err as Error).message }, 'web: live update failed')
          send('problem', { message: 'live figures are unavailable for a moment' })
        } finally {
          busy = false
        }
      }
      const timer = setInterval(() => void tick(), LIVE_INTERVAL_MS)
      const close = (): void => {
        if (!open) return
        open = false
        clearInterval(timer)
        res.end()
      }
      req.raw.on('close', close)
      streams.add(close)
      res.on('close', () => streams.delete(close))
      void tick()
    },
  )

  server.get<{ Params: { id: number } }>(
    '/live/campaigns/:id/history',
    {
      config: { access: BOARD_ROLES },
      schema: {
        summary: "A campaign's figures over time (contacts done, answer and abandon rates), for the dashboard's chart",
        params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } } },
      },
    },
    async (req) => ({ points: await live.history(req.params.id) }),
  )

  server.get<{ Querystring: { number?: string; agent?: string; limit: number } }>(
    '/live/calls',
    {
      config: { access: DESK_ROLES },
      schema: { summary: 'The latest calls, with dispositions and recordings (an operator: the calls they answered)', querystring: callsQuery },
    },
    async (req, reply) => {
      const who = req.user!
      const q = req.query
      if (who.role === 'operator' && q.agent && q.agent !== who.agentId) return sendError(reply, 403, 'not-your-agent', `you see only the calls of agent '${who.agentId ?? 'none'}'`)
      const where: SQL[] = []
      const mine = ownCalls(who)
      if (mine) where.push(mine)
      // An agent by id, or by the name the pages show (any part of it, any case).
      if (q.agent) where.push(or(eq(calls.answeredBy, q.agent), inArray(calls.answeredBy, db.select({ id: agents.id }).from(agents).where(ilike(agents.name, `%${q.agent.replace(/[\\%_]/g, '\\$&')}%`))))!)
      // A national number (062 351 516) read in the center's country: +38762351516.
      const digits = q.number ? searchDigits(q.number, app.config.defaultCountry) : ''
      if (digits.length >= 3) where.push(or(sql`regexp_replace(${calls.callerNumber}, '[^0-9]', '', 'g') like ${`%${digits}%`}`, sql`regexp_replace(${calls.destination}, '[^0-9]', '', 'g') like ${`%${digits}%`}`)!)
      const rows = await db
        .select({
          id: calls.id,
          callUuid: calls.callUuid,
          direction: calls.direction,
          callerNumber: calls.callerNumber,
          destination: calls.destination,
          startedAt: calls.startedAt,
          answeredAt: calls.answeredAt,
          endedAt: calls.endedAt,
          queue: calls.queue,
          queueOutcome: calls.queueOutcome,
          routedTo: calls.routedTo,
          routeResult: calls.routeResult,
          answeredBy: calls.answeredBy,
          agentName: agents.name,
          campaignId: calls.campaignId,
          // A campaign call's outcome is its attempt's (human, machine, completed, abandoned ...).
          campaignOutcome: attempts.outcome,
          campaignKind: campaigns.kind,
          client: clients.name,
          details: calls.details,
        })
        .from(calls)
        .leftJoin(clients, eq(clients.id, calls.clientId))
        .leftJoin(attempts, eq(attempts.id, calls.attemptId))
        .leftJoin(campaigns, eq(campaigns.id, calls.campaignId))
        .leftJoin(agents, eq(agents.id, calls.answeredBy))
        .where(where.length > 0 ? and(...where) : undefined)
        .orderBy(desc(calls.startedAt), desc(calls.id))
        .limit(q.limit)
      const recs = rows.length
        ? await db
            .select({ id: recordings.id, callUuid: recordings.callUuid, kind: recordings.kind, durationMs: recordings.durationMs })
            .from(recordings)
            .where(inArray(recordings.callUuid, rows.map((r) => r.callUuid)))
            .orderBy(recordings.id)
        : []
      return {
        calls: rows.map(({ details, campaignKind, ...r }) => {
          const d = (details.disposition ?? null) as { code?: string; notes?: string; by?: string; at?: string } | null
          return {
            ...r,
            disposition: d?.code ?? null,
            notes: d?.notes ?? '',
            // The call reason picked with it (call_reasons), kept when the disposition is edited.
            reason: (d as { reason?: string } | null)?.reason ?? null,
            // What the console offers when the call is reopened to edit its disposition.
            dispositions: dispositionsFor(r.campaignId ? campaignKind : 'inbound'),
            recordings: recs.filter((x) => x.callUuid === r.callUuid).map((x) => ({ id: x.id, kind: x.kind, durationMs: x.durationMs, url: `/recordings/${x.id}` })),
          }
        }),
      }
    },
  )

  await operatorRoutes(server, { app, live })
}
