/**
 * Access control for every route. Each route declares `config.access` ('public',
 * 'authenticated' or its roles; a route without one stops the server from starting), and
 * before anything else of a request is read (body included) we find who is asking, from
 * `Authorization: Bearer <token>` or the session cookie, and refuse with 401 (nobody, or a
 * session that has ended) or 403 (a role the route does not admit). Finer rules (an
 * operator acts only for their own agent) are the routes' own, with `actsFor`.
 *
 * A request authenticated by the cookie that changes something must come from our own
 * pages: a cross-site one (Sec-Fetch-Site, or an Origin that is not this host) is refused,
 * on top of SameSite=Lax. Bearer tokens are not sent by browsers on their own, so they need
 * no such check.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import type { App } from '../app.js'
import { admits, type Access, type Principal } from '../auth/access.js'
import { LoginLimiter } from '../auth/rate-limit.js'
import { SessionStore } from '../auth/sessions.js'
import { UserStore } from '../auth/users.js'
import { sendError } from './errors.js'
import { clearedSessionCookie, readCookie, SESSION_COOKIE } from './session-cookie.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking; null on public routes. */
    user: Principal | null
  }
  interface FastifyContextConfig {
    access?: Access
  }
}

export interface AuthParts {
  sessions: SessionStore
  users: UserStore
  limiter: LoginLimiter
  /** Mark the cookie Secure (production runs behind TLS). */
  secureCookies: boolean
}

export function authParts(app: App): AuthParts {
  const { redis, config, clock } = app
  return {
    sessions: new SessionStore({ redis: redis.client, prefix: config.redisPrefix, clock, ttlMs: config.sessionTtlMinutes * 60_000 }),
    users: new UserStore(app.database.db, clock),
    limiter: new LoginLimiter({ redis: redis.client, prefix: config.redisPrefix }),
    secureCookies: config.env === 'production',
  }
}

/** Where the API's documentation is served (public). */
export const DOCS_PREFIX = '/docs'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

type Credential = { token: string; via: Principal['via'] } | { malformed: string } | undefined

function credentialOf(req: FastifyRequest): Credential {
  const header = req.headers.authorization
  if (header !== undefined) {
    const m = /^Bearer +([^\s]+)\s*$/i.exec(header)
    return m ? { token: m[1]!, via: 'bearer' } : { malformed: "Authorization must be 'Bearer <token>'" }
  }
  const cookie = readCookie(req.headers.cookie, SESSION_COOKIE)
  return cookie ? { token: cookie, via: 'cookie' } : undefined
}

function crossSite(req: FastifyRequest): boolean {
  if (req.headers['sec-fetch-site'] === 'cross-site') return true
  const origin = req.headers.origin
  if (origin === undefined) return false
  try {
    return new URL(origin).host !== req.headers.host
  } catch {
    return true
  }
}

function describe(access: Access): string {
  if (access === 'public') return 'Open to anyone.'
  if (access === 'authenticated') return 'Any logged-in user.'
  return `Roles: ${access.join(', ')}.`
}

/** Adds what the OpenAPI document says about access: security, 401/403, the roles, a tag. */
function document(route: RouteOptions, access: Access): void {
  const schema = (route.schema ??= {}) as Record<string, unknown>
  const url = route.url
  schema.tags ??= [url.split('/')[1] || 'root']
  schema.description = [schema.description, describe(access)].filter(Boolean).join(' ')
  if (access === 'public') return
  schema.security = [{ bearer: [] }, { session: [] }]
  schema.response = { 401: { $ref: 'ApiError#' }, 403: { $ref: 'ApiError#' }, ...(schema.response as object | undefined) }
}

export function installAccessControl(server: FastifyInstance, auth: AuthParts): void {
  server.decorateRequest('user', null)

  server.addHook('onRoute', (route) => {
    if (route.url === DOCS_PREFIX || route.url.startsWith(`${DOCS_PREFIX}/`)) {
      route.config = { ...route.config, access: 'public' }
      return
    }
    const access = route.config?.access
    if (access === undefined) throw new Error(`route ${String(route.method)} ${route.url} declares no access (config.access)`)
    document(route, access)
  })

  const refuse = (reply: FastifyReply, status: 401 | 403, error: string, message: string, clearCookie = false): FastifyReply => {
    if (clearCookie) reply.header('set-cookie', clearedSessionCookie(auth.secureCookies))
    return sendError(reply, status, error, message)
  }

  server.addHook('onRequest', async (req, reply) => {
    const access = req.routeOptions.config.access
    // No route (the 404 answer follows), or open to anyone.
    if (access === undefined || access === 'public') return
    const credential = credentialOf(req)
    if (credential === undefined) return refuse(reply, 401, 'unauthenticated', 'log in first (POST /auth/login), then send the session cookie or Authorization: Bearer <token>')
    if ('malformed' in credential) return refuse(reply, 401, 'unauthenticated', credential.malformed)
    const byCookie = credential.via === 'cookie'
    const session = await auth.sessions.get(credential.token)
    if (!session) return refuse(reply, 401, 'unauthenticated', 'the session has ended or is not valid; log in again', byCookie)
    const user = await auth.users.get(session.userId)
    if (!user || !user.active) {
      await auth.sessions.revoke(session.id, session.userId)
      return refuse(reply, 401, 'unauthenticated', 'the user of this session is no longer active; log in again', byCookie)
    }
    req.user = { userId: user.id, username: user.username, role: user.role, agentId: user.agentId, language: user.language ?? 'en', via: credential.via, sessionId: session.id, expiresAt: session.expiresAt }
    if (byCookie && !SAFE_METHODS.has(req.method) && crossSite(req)) {
      return refuse(reply, 403, 'cross-site-request', 'a request that changes something must come from this site (or use a bearer token)')
    }
    if (!admits(access, req.user)) return refuse(reply, 403, 'forbidden', `${req.method} ${req.routeOptions.url} is not for the role ${user.role} (${describe(access)})`)
  })
}
