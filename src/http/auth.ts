/**
 * Logging in and out. POST /auth/login checks the password (rate-limited per username and
 * client address), opens a session, sets the session cookie for pages and answers the same
 * token for programs; POST /auth/logout ends the session; GET /auth/me says who is asking;
 * POST /auth/password changes one's own password (the current one is asked for, every session
 * of the user ends, and a new one is opened for this client); PUT /auth/me/language chooses the
 * language of one's pages (the first login takes the browser's Accept-Language).
 */
import type { FastifyInstance } from 'fastify'
import type { App } from '../app.js'
import { burnPasswordCheck, needsRehash, hashPassword, PASSWORD_MAX, PASSWORD_MIN, verifyPassword } from '../auth/password.js'
import { isUserError } from '../auth/users.js'
import type { AuthParts } from './authenticate.js'
import { sendError } from './errors.js'
import { errors, looseObject } from './schemas.js'
import { clearedSessionCookie, sessionCookie } from './session-cookie.js'
import { publicUser, userSchema } from './users.js'
import { fromAcceptLanguage, LANGUAGE_CODES, type Language } from '../web/i18n.js'

const loginBody = {
  type: 'object',
  required: ['username', 'password'],
  additionalProperties: false,
  properties: { username: { type: 'string', minLength: 1, maxLength: 64 }, password: { type: 'string', minLength: 1, maxLength: 200 } },
} as const

const loginAnswer = {
  type: 'object',
  properties: {
    token: { type: 'string', description: 'Send as `Authorization: Bearer <token>`; the same value is in the session cookie.' },
    expiresAt: { type: 'string', format: 'date-time' },
    user: userSchema,
  },
} as const

export async function authRoutes(server: FastifyInstance, { app, auth }: { app: App; auth: AuthParts }): Promise<void> {
  const { sessions, users, limiter } = auth

  server.post<{ Body: { username: string; password: string } }>(
    '/auth/login',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Log in: sets the session cookie and answers a bearer token',
        body: loginBody,
        response: { 200: loginAnswer, ...errors(400, 401, 403, 429) },
      },
    },
    async (req, reply) => {
      const username = req.body.username.trim().toLowerCase()
      const limited = await limiter.hit(username, req.ip)
      if (!limited.allowed) {
        const seconds = Math.ceil(limited.retryAfterMs / 1000)
        reply.header('retry-after', String(seconds))
        return sendError(reply, 429, 'too-many-attempts', `too many login attempts for '${username}' from this address; try again in ${seconds} s`)
      }
      const found = await users.forLogin(username)
      const ok = found ? await verifyPassword(req.body.password, found.passwordHash) : (await burnPasswordCheck(req.body.password), false)
      if (!found || !ok) {
        req.log.info({ username, ip: req.ip }, 'auth: login refused')
        return sendError(reply, 401, 'bad-credentials', 'wrong username or password')
      }
      if (!found.user.active) return sendError(reply, 403, 'inactive-user', `user '${username}' is deactivated`)
      await limiter.clear(username, req.ip)
      const { token, session } = await sessions.create(found.user.id)
      await users.loggedIn(found.user.id, needsRehash(found.passwordHash) ? await hashPassword(req.body.password) : undefined)
      // A user who never chose a language gets their browser's (kept only while unset).
      let language = found.user.language
      if (language === null && req.headers['accept-language']) {
        await users.languageIfUnset(found.user.id, fromAcceptLanguage(req.headers['accept-language']))
        language = (await users.get(found.user.id))?.language ?? null
      }
      req.log.info({ user: username, role: found.user.role }, 'auth: logged in')
      reply.header('set-cookie', sessionCookie(token, sessions.ttlMs / 1000, auth.secureCookies))
      return { token, expiresAt: new Date(session.expiresAt).toISOString(), user: publicUser({ ...found.user, language, lastLoginAt: new Date(app.clock.now()) }) }
    },
  )

  server.post(
    '/auth/logout',
    { config: { access: 'authenticated' }, schema: { summary: 'End this session (cookie or token)', response: { 204: { type: 'null', description: 'Logged out' } } } },
    async (req, reply) => {
      const who = req.user!
      await sessions.revoke(who.sessionId, who.userId)
      return reply.code(204).header('set-cookie', clearedSessionCookie(auth.secureCookies)).send()
    },
  )

  server.post<{ Body: { currentPassword: string; newPassword: string } }>(
    '/auth/password',
    {
      config: { access: 'authenticated' },
      schema: {
        summary: 'Change your own password: every session of yours ends, and this client gets a new one',
        body: {
          type: 'object',
          required: ['currentPassword', 'newPassword'],
          additionalProperties: false,
          properties: { currentPassword: { type: 'string', minLength: 1, maxLength: PASSWORD_MAX }, newPassword: { type: 'string', minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX } },
        },
        response: { 200: loginAnswer, ...errors(400, 401, 429) },
      },
    },
    async (req, reply) => {
      const who = req.user!
      // Guessing the current password through this route counts like failed logins.
      const limited = await limiter.hit(who.username, req.ip)
      if (!limited.allowed) {
        const seconds = Math.ceil(limited.retryAfterMs / 1000)
        reply.header('retry-after', String(seconds))
        return sendError(reply, 429, 'too-many-attempts', `too many password attempts for '${who.username}' from this address; try again in ${seconds} s`)
      }
      const found = await users.forLogin(who.username)
      if (!found || !(await verifyPassword(req.body.currentPassword, found.passwordHash))) return sendError(reply, 400, 'wrong-password', 'currentPassword is not your password')
      if (req.body.newPassword === req.body.currentPassword) return sendError(reply, 400, 'same-password', 'newPassword must differ from currentPassword')
      const r = await users.update(who.userId, { password: req.body.newPassword })
      if (isUserError(r)) return sendError(reply, 400, r.error, r.message)
      await limiter.clear(who.username, req.ip)
      await sessions.revokeUser(who.userId)
      const { token, session } = await sessions.create(who.userId)
      req.log.info({ user: who.username }, 'auth: password changed')
      reply.header('set-cookie', sessionCookie(token, sessions.ttlMs / 1000, auth.secureCookies))
      return { token, expiresAt: new Date(session.expiresAt).toISOString(), user: publicUser(r.user) }
    },
  )

  server.put<{ Body: { language: Language } }>(
    '/auth/me/language',
    {
      config: { access: 'authenticated' },
      schema: {
        summary: 'Choose the language of your pages (en, bs, ru, pt)',
        body: { type: 'object', required: ['language'], additionalProperties: false, properties: { language: { type: 'string', enum: [...LANGUAGE_CODES], description: 'en, bs, ru or pt' } } },
        response: { 200: looseObject({ user: userSchema }), ...errors(400, 401) },
      },
    },
    async (req, reply) => {
      const user = await users.setLanguage(req.user!.userId, req.body.language)
      if (!user) return sendError(reply, 401, 'unauthenticated', 'the user of this session is gone')
      return { user: publicUser(user) }
    },
  )

  server.get(
    '/auth/me',
    {
      config: { access: 'authenticated' },
      schema: {
        summary: 'Who is asking, and until when',
        response: { 200: looseObject({ user: userSchema, session: looseObject({ via: { type: 'string', enum: ['cookie', 'bearer'] }, expiresAt: { type: 'string', format: 'date-time' } }) }) },
      },
    },
    async (req, reply) => {
      const who = req.user!
      const user = await users.get(who.userId)
      if (!user) return sendError(reply, 401, 'unauthenticated', 'the user of this session is gone')
      return { user: publicUser(user), session: { via: who.via, expiresAt: new Date(who.expiresAt).toISOString() } }
    },
  )
}
