/**
 * Logging in through the API: the cookie (HttpOnly, SameSite=Lax) and the bearer token open
 * the same session; logout ends it; it ends at its time; a deactivated user or a changed
 * password ends every session of the user; login attempts are limited per username and
 * address (429, counted in Redis); the first start creates one admin with a password shown once.
 */
import { count, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp } from '../../src/app.js'
import { ensureAdmin, FIRST_ADMIN } from '../../src/auth/bootstrap.js'
import { LOGIN_MAX_ATTEMPTS } from '../../src/auth/rate-limit.js'
import { UserStore } from '../../src/auth/users.js'
import { users } from '../../src/db/schema/index.js'
import { buildHttpServer } from '../../src/http/server.js'
import { silentLogger } from '../../src/log.js'
import { as, ensureUser, login, PASSWORD } from '../http/session.js'
import { startTestApp, type TestApp } from '../http/test-app.js'

let t: TestApp

beforeAll(async () => {
  t = await startTestApp({ SESSION_TTL_MINUTES: '60' })
})

afterAll(async () => {
  await t?.close()
})

const loginRes = (username: string, password: string, remoteAddress = '10.0.0.1') =>
  t.server.inject({ method: 'POST', url: '/auth/login', payload: { username, password }, remoteAddress })

describe('login', () => {
  it('sets an HttpOnly SameSite=Lax cookie and answers the same token, the user and the expiry', async () => {
    await ensureUser(t.app, 'olga', 'supervisor')
    const res = await loginRes('olga', PASSWORD)
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body).toMatchObject({ token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), user: { username: 'olga', role: 'supervisor', agentId: null, active: true } })
    expect(body.user).not.toHaveProperty('passwordHash')
    expect(Date.parse(body.expiresAt) - t.clock.now()).toBe(60 * 60_000)
    const cookie = String(res.headers['set-cookie'])
    expect(cookie).toBe(`cc_session=${body.token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600`)

    const byCookie = await t.server.inject({ method: 'GET', url: '/auth/me', headers: { cookie: `other=1; cc_session=${body.token}` } })
    expect(byCookie.statusCode).toBe(200)
    expect(byCookie.json()).toMatchObject({ user: { username: 'olga', role: 'supervisor' }, session: { via: 'cookie' } })
    const byBearer = await as(t.server, body.token)({ method: 'GET', url: '/auth/me' })
    expect(byBearer.json()).toMatchObject({ session: { via: 'bearer' } })
    // Redis holds the session under the token's hash, not the token.
    expect(await t.redis.keys(`${t.prefix}:session:${body.token}`)).toEqual([])
    expect((await t.redis.keys(`${t.prefix}:session:*`)).length).toBeGreaterThan(0)
  })

  it('takes the username in any case, and refuses a wrong password or an unknown user alike', async () => {
    await ensureUser(t.app, 'mira', 'supervisor')
    expect((await loginRes('  MIRA ', PASSWORD)).statusCode).toBe(200)
    const wrong = await loginRes('mira', 'not the password')
    const unknown = await loginRes('nobody', 'not the password')
    expect(wrong.statusCode).toBe(401)
    expect(unknown.statusCode).toBe(401)
    expect(wrong.json()).toEqual(unknown.json())
    expect(wrong.json()).toEqual({ error: 'bad-credentials', message: 'wrong username or password' })
    expect(wrong.headers['set-cookie']).toBeUndefined()
  })

  it('logout ends the session: the token and the cookie stop working', async () => {
    await ensureUser(t.app, 'lea', 'operator', 'ana')
    const token = await login(t.server, 'lea')
    const other = await login(t.server, 'lea')
    const out = await t.server.inject({ method: 'POST', url: '/auth/logout', headers: { cookie: `cc_session=${token}` } })
    expect(out.statusCode).toBe(204)
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0')
    expect((await as(t.server, token)({ method: 'GET', url: '/auth/me' })).statusCode).toBe(401)
    const gone = await t.server.inject({ method: 'GET', url: '/auth/me', headers: { cookie: `cc_session=${token}` } })
    expect(gone.statusCode).toBe(401)
    // An ended cookie is cleared.
    expect(String(gone.headers['set-cookie'])).toContain('cc_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0')
    // Another session of the same user lives on.
    expect((await as(t.server, other)({ method: 'GET', url: '/auth/me' })).statusCode).toBe(200)
  })

  it('a session ends at its time', async () => {
    await ensureUser(t.app, 'tina', 'supervisor')
    const token = await login(t.server, 'tina')
    await t.clock.advance(59 * 60_000)
    expect((await as(t.server, token)({ method: 'GET', url: '/auth/me' })).statusCode).toBe(200)
    await t.clock.advance(60_000)
    expect((await as(t.server, token)({ method: 'GET', url: '/auth/me' })).statusCode).toBe(401)
  })

  it('deactivating a user or changing their password ends their sessions; an inactive user cannot log in', async () => {
    await ensureUser(t.app, 'root2', 'admin')
    const admin = as(t.server, await login(t.server, 'root2'))
    const id = await ensureUser(t.app, 'pero', 'campaign-manager')
    const token = await login(t.server, 'pero')
    expect((await admin({ method: 'PATCH', url: `/users/${id}`, payload: { password: 'a brand new password' } })).statusCode).toBe(200)
    expect((await as(t.server, token)({ method: 'GET', url: '/campaigns' })).statusCode).toBe(401)
    const again = await login(t.server, 'pero', 'a brand new password')
    expect((await admin({ method: 'PATCH', url: `/users/${id}`, payload: { active: false } })).statusCode).toBe(200)
    expect((await as(t.server, again)({ method: 'GET', url: '/campaigns' })).statusCode).toBe(401)
    const refused = await loginRes('pero', 'a brand new password')
    expect(refused.statusCode).toBe(403)
    expect(refused.json().error).toBe('inactive-user')
  })

  it('a request by cookie that changes something must come from this site', async () => {
    await ensureUser(t.app, 'rita', 'campaign-manager')
    const token = await login(t.server, 'rita')
    const cross = await t.server.inject({ method: 'POST', url: '/campaigns', headers: { cookie: `cc_session=${token}`, origin: 'https://evil.example' }, payload: { name: 'x', kind: 'informational' } })
    expect(cross.statusCode).toBe(403)
    expect(cross.json().error).toBe('cross-site-request')
    const fetchMeta = await t.server.inject({ method: 'POST', url: '/campaigns', headers: { cookie: `cc_session=${token}`, 'sec-fetch-site': 'cross-site' }, payload: { name: 'x', kind: 'informational' } })
    expect(fetchMeta.statusCode).toBe(403)
    const same = await t.server.inject({ method: 'POST', url: '/campaigns', headers: { cookie: `cc_session=${token}`, origin: 'http://localhost:3000', host: 'localhost:3000' }, payload: { name: 'Same site', kind: 'informational' } })
    expect(same.statusCode).toBe(201)
  })
})

describe('changing one\'s own password', () => {
  it('asks for the current one, ends every other session, and opens a new one', async () => {
    await ensureUser(t.app, 'ivo', 'operator', 'ivan')
    const first = await login(t.server, 'ivo')
    const second = await login(t.server, 'ivo')
    const me = as(t.server, first)
    const wrong = await me({ method: 'POST', url: '/auth/password', payload: { currentPassword: 'not it', newPassword: 'a fresh password' } })
    expect(wrong.statusCode).toBe(400)
    expect(wrong.json().error).toBe('wrong-password')
    expect((await me({ method: 'POST', url: '/auth/password', payload: { currentPassword: PASSWORD, newPassword: 'short' } })).statusCode).toBe(400)
    const ok = await me({ method: 'POST', url: '/auth/password', payload: { currentPassword: PASSWORD, newPassword: 'a fresh password' } })
    expect(ok.statusCode).toBe(200)
    expect(String(ok.headers['set-cookie'])).toContain(`cc_session=${ok.json().token}`)
    for (const old of [first, second]) expect((await as(t.server, old)({ method: 'GET', url: '/auth/me' })).statusCode).toBe(401)
    expect((await as(t.server, ok.json().token)({ method: 'GET', url: '/auth/me' })).statusCode).toBe(200)
    expect((await loginRes('ivo', PASSWORD, '10.5.5.5')).statusCode).toBe(401)
    expect((await loginRes('ivo', 'a fresh password', '10.5.5.5')).statusCode).toBe(200)
  })
})

describe('several instances', () => {
  it('share the sessions: a login on one opens the other, a logout on the other ends it on both', async () => {
    const second = await startApp({ config: { ...t.app.config, instanceId: 'second', eslListen: { host: '127.0.0.1', port: 0 } }, log: silentLogger, clock: t.clock, flow: async () => {}, control: false })
    const other = buildHttpServer(second)
    try {
      await ensureUser(t.app, 'nada', 'supervisor')
      const token = await login(t.server, 'nada')
      expect((await as(other, token)({ method: 'GET', url: '/auth/me' })).json().user.username).toBe('nada')
      expect((await as(other, token)({ method: 'POST', url: '/auth/logout' })).statusCode).toBe(204)
      expect((await as(t.server, token)({ method: 'GET', url: '/auth/me' })).statusCode).toBe(401)
    } finally {
      await other.close()
      await second.stop(0)
    }
  })
})

describe('the login rate limit', () => {
  it(`refuses with 429 after ${LOGIN_MAX_ATTEMPTS} failures for one username from one address, even the right password`, async () => {
    await ensureUser(t.app, 'vesna', 'supervisor')
    for (let i = 0; i < LOGIN_MAX_ATTEMPTS; i++) expect((await loginRes('vesna', `guess ${i}`, '10.9.9.9')).statusCode).toBe(401)
    const limited = await loginRes('vesna', PASSWORD, '10.9.9.9')
    expect(limited.statusCode).toBe(429)
    expect(limited.json()).toEqual({ error: 'too-many-attempts', message: expect.stringContaining('try again in') })
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
    // Counted in Redis: another server on the same Redis says the same.
    expect(await t.redis.keys(`${t.prefix}:login-attempts:*`)).not.toEqual([])
    // Another address, or another username from the same one, is not held back.
    expect((await loginRes('vesna', PASSWORD, '10.9.9.10')).statusCode).toBe(200)
    await ensureUser(t.app, 'zora', 'supervisor')
    expect((await loginRes('zora', PASSWORD, '10.9.9.9')).statusCode).toBe(200)
  })

  it('a successful login clears the count', async () => {
    await ensureUser(t.app, 'dora', 'supervisor')
    for (let i = 0; i < LOGIN_MAX_ATTEMPTS - 1; i++) await loginRes('dora', 'wrong', '10.8.8.8')
    expect((await loginRes('dora', PASSWORD, '10.8.8.8')).statusCode).toBe(200)
    for (let i = 0; i < LOGIN_MAX_ATTEMPTS - 1; i++) expect((await loginRes('dora', 'wrong', '10.8.8.8')).statusCode).toBe(401)
  })
})

describe('the first start', () => {
  it('creates one admin with a password printed once, which logs in; later starts create nobody', async () => {
    // A database with no user yet: this app's users are removed first.
    await t.app.database.db.delete(users)
    const store = new UserStore(t.app.database.db, t.clock)
    const printed: string[] = []
    const first = await ensureAdmin(store, { password: undefined, log: silentLogger, print: (l) => printed.push(l) })
    expect(first).toEqual({ created: true, printed: true })
    expect(printed).toHaveLength(1)
    const password = /with password (\S+) /.exec(printed[0]!)?.[1]
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/)
    expect((await loginRes(FIRST_ADMIN, password!, '10.7.7.7')).json().user).toMatchObject({ username: 'admin', role: 'admin' })
    const second = await ensureAdmin(store, { password: undefined, log: silentLogger, print: (l) => printed.push(l) })
    expect(second).toEqual({ created: false, printed: false })
    expect(printed).toHaveLength(1)
    const [n] = await t.app.database.db.select({ n: count() }).from(users).where(eq(users.role, 'admin'))
    expect(n!.n).toBe(1)
  })

  it('takes ADMIN_PASSWORD when given, and prints nothing', async () => {
    await t.app.database.db.delete(users)
    const printed: string[] = []
    const r = await ensureAdmin(new UserStore(t.app.database.db, t.clock), { password: 'from the config file', log: silentLogger, print: (l) => printed.push(l) })
    expect(r).toEqual({ created: true, printed: false })
    expect(printed).toEqual([])
    expect((await loginRes(FIRST_ADMIN, 'from the config file', '10.6.6.6')).statusCode).toBe(200)
  })

  it('keeps an active admin: the last one cannot be demoted, deactivated or deleted', async () => {
    const admin = as(t.server, await login(t.server, FIRST_ADMIN, 'from the config file'))
    const me = (await admin({ method: 'GET', url: '/auth/me' })).json().user.id as number
    for (const req of [
      { method: 'PATCH' as const, url: `/users/${me}`, payload: { role: 'supervisor' } },
      { method: 'PATCH' as const, url: `/users/${me}`, payload: { active: false } },
      { method: 'DELETE' as const, url: `/users/${me}` },
    ]) {
      const res = await admin(req)
      expect(res.statusCode).toBe(409)
      expect(res.json().error).toBe('last-admin')
    }
    const created = await admin({ method: 'POST', url: '/users', payload: { username: 'op1', role: 'operator', password: 'long enough password' } })
    expect(created.statusCode).toBe(400)
    expect(created.json().error).toBe('operator-needs-agent')
    const ok = await admin({ method: 'POST', url: '/users', payload: { username: 'op1', role: 'operator', password: 'long enough password', agentId: 'ivan' } })
    expect(ok.statusCode).toBe(201)
    expect((await admin({ method: 'POST', url: '/users', payload: { username: 'op1', role: 'operator', password: 'long enough password', agentId: 'ivan' } })).json().error).toBe('username-taken')
    expect((await admin({ method: 'GET', url: '/users' })).json().users.map((u: { username: string }) => u.username)).toEqual(['admin', 'op1'])
  })
})
