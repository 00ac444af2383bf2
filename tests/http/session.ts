/**
 * Logging in for API tests: users are created straight in the users table (as an admin would
 * through POST /users), then logged in through POST /auth/login like any client.
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { expect } from 'vitest'
import type { App } from '../../src/app.js'
import { isUserError, UserStore } from '../../src/auth/users.js'
import type { Role } from '../../src/db/schema/index.js'

export const PASSWORD = 'correct horse battery staple'

/** Creates the user unless a user of that name is there. */
export async function ensureUser(app: App, username: string, role: Role, agentId: string | null = null): Promise<number> {
  const store = new UserStore(app.database.db, app.clock)
  const made = await store.create({ username, role, password: PASSWORD, agentId })
  if (!isUserError(made)) return made.id
  if (made.error !== 'username-taken') throw new Error(made.message)
  return (await store.forLogin(username))!.user.id
}

/** The bearer token of a fresh session of `username`. */
export async function login(server: FastifyInstance, username: string, password = PASSWORD): Promise<string> {
  const res = await server.inject({ method: 'POST', url: '/auth/login', payload: { username, password } })
  expect(res.statusCode, res.body).toBe(200)
  return (res.json() as { token: string }).token
}

/** Creates the user if need be and logs in. */
export async function loginAs(server: FastifyInstance, app: App, username: string, role: Role, agentId: string | null = null): Promise<string> {
  await ensureUser(app, username, role, agentId)
  return login(server, username)
}

export type Inject = (options: InjectOptions) => Promise<LightMyRequestResponse>

/** `server.inject` with the token sent as `Authorization: Bearer`. */
export function as(server: FastifyInstance, token: string): Inject {
  return (options) => server.inject({ ...options, headers: { authorization: `Bearer ${token}`, ...options.headers } })
}
