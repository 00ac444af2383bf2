/**
 * User management, for admins: list, read, create (username, role, password, the agent of an
 * operator, their pages' language), change (name, role, password, agent, language, active) and delete. Changing a password or
 * deactivating, and deleting, end the user's sessions at once.
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import { ADMIN } from '../auth/access.js'
import { PASSWORD_MAX, PASSWORD_MIN } from '../auth/password.js'
import { isUserError, type User, type UserError, type UserPatch } from '../auth/users.js'
import { ROLES, type Role } from '../db/schema/index.js'
import { LANGUAGE_CODES, type Language } from '../web/i18n.js'
import type { AuthParts } from './authenticate.js'
import { sendError } from './errors.js'
import { errors, idParams } from './schemas.js'

const username = { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{1,63}$', description: "lower case letters, digits, '.', '_', '-'; 2 to 64" } as const
const password = { type: 'string', minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX } as const
const role = { type: 'string', enum: [...ROLES] } as const
const agentId = { type: ['string', 'null'], minLength: 1, maxLength: 100, description: 'the agent an operator works as (required for operators)' } as const
const name = { type: 'string', maxLength: 200 } as const
/** The pages' language (src/web/i18n.ts); null: not chosen (the next login takes the browser's). */
export const languageSchema = { type: ['string', 'null'], enum: [...LANGUAGE_CODES, null], description: 'the language of their pages: en, bs, ru or pt' } as const

export const userSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    username: { type: 'string' },
    name: { type: 'string' },
    role,
    agentId: { type: ['string', 'null'] },
    language: languageSchema,
    active: { type: 'boolean' },
    lastLoginAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const

const createBody = {
  type: 'object',
  required: ['username', 'role', 'password'],
  additionalProperties: false,
  properties: { username, name, role, password, agentId, language: languageSchema, active: { type: 'boolean' } },
} as const

const patchBody = {
  type: 'object',
  minProperties: 1,
  additionalProperties: false,
  properties: { name, role, password, agentId, language: languageSchema, active: { type: 'boolean' } },
} as const

/** What a user looks like to themselves and to admins: never the password hash. */
export const publicUser = (u: User) => ({ id: u.id, username: u.username, name: u.name, role: u.role, agentId: u.agentId, language: u.language, active: u.active, lastLoginAt: u.lastLoginAt })

const STATUS: Record<UserError['error'], number> = { 'unknown-user': 404, 'username-taken': 409, 'last-admin': 409, 'unknown-agent': 400, 'operator-needs-agent': 400 }

type ById = { Params: { id: number } }

export async function userRoutes(server: FastifyInstance, { auth }: { auth: AuthParts }): Promise<void> {
  const { users, sessions } = auth
  const fail = (reply: FastifyReply, e: UserError): FastifyReply => sendError(reply, STATUS[e.error], e.error, e.message)
  const config = { access: ADMIN }

  server.get('/users', { config, schema: { summary: 'Every user', response: { 200: { type: 'object', properties: { users: { type: 'array', items: userSchema } } } } } }, async () => ({
    users: (await users.list()).map(publicUser),
  }))

  server.get<ById>('/users/:id', { config, schema: { summary: 'One user', params: idParams, response: { 200: userSchema, ...errors(404) } } }, async (req, reply) => {
    const user = await users.get(req.params.id)
    return user ? publicUser(user) : sendError(reply, 404, 'unknown-user', `there is no user ${req.params.id}`)
  })

  server.post<{ Body: { username: string; name?: string; role: Role; password: string; agentId?: string | null; language?: Language | null; active?: boolean } }>(
    '/users',
    { config, schema: { summary: 'Create a user', body: createBody, response: { 201: userSchema, ...errors(400, 409) } } },
    async (req, reply) => {
      const r = await users.create(req.body)
      if (isUserError(r)) return fail(reply, r)
      req.log.info({ by: req.user!.username, user: r.username, role: r.role }, 'users: created')
      return reply.code(201).send(publicUser(r))
    },
  )

  server.patch<ById & { Body: UserPatch }>(
    '/users/:id',
    { config, schema: { summary: 'Change a user: name, role, password, agent, language, active', params: idParams, body: patchBody, response: { 200: userSchema, ...errors(400, 404, 409) } } },
    async (req, reply) => {
      const r = await users.update(req.params.id, req.body)
      if (isUserError(r)) return fail(reply, r)
      if (r.revokeSessions) await sessions.revokeUser(r.user.id)
      req.log.info({ by: req.user!.username, user: r.user.username, changed: Object.keys(req.body) }, 'users: changed')
      return publicUser(r.user)
    },
  )

  server.delete<ById>('/users/:id', { config, schema: { summary: 'Delete a user (their sessions end)', params: idParams, response: { 204: { type: 'null', description: 'Deleted' }, ...errors(404, 409) } } }, async (req, reply) => {
    const r = await users.remove(req.params.id)
    if (isUserError(r)) return fail(reply, r)
    await sessions.revokeUser(r.id)
    req.log.info({ by: req.user!.username, user: r.username }, 'users: deleted')
    return reply.code(204).send()
  })
}
