/**
 * Every route against every role: each is refused (403, the error shape) to the roles it
 * does not admit and to nobody logged in (401), and admitted to the others; the table is
 * checked against the OpenAPI document, so a route added without a row here fails. A refused
 * request writes nothing.
 */
import { count } from 'drizzle-orm'
import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Role } from '../../src/db/schema/index.js'
import { campaigns, doNotCall, users } from '../../src/db/schema/index.js'
import { authParts, installAccessControl } from '../../src/http/authenticate.js'
import { as, loginAs, type Inject } from './session.js'
import { startTestApp, type TestApp } from './test-app.js'

const ALL: Role[] = ['admin', 'campaign-manager', 'supervisor', 'operator']
const ADMIN: Role[] = ['admin']
const SUPERVISORS: Role[] = ['admin', 'supervisor']
const DESK: Role[] = ['admin', 'supervisor', 'operator']
const WRITERS: Role[] = ['admin', 'campaign-manager']
const READERS: Role[] = ['admin', 'campaign-manager', 'supervisor']

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'
interface Row {
  method: Method
  /** The route as the OpenAPI document names it. */
  route: string
  url: string
  roles: Role[] | 'public'
  payload?: object
}

// Ids that do not exist where a route would change something: admitted means "not 401/403".
const ROUTES: Row[] = [
  { method: 'GET', route: '/health', url: '/health', roles: 'public' },
  { method: 'GET', route: '/metrics', url: '/metrics', roles: 'public' },
  { method: 'POST', route: '/auth/login', url: '/auth/login', roles: 'public', payload: { username: 'nobody-here', password: '' } },
  { method: 'GET', route: '/auth/me', url: '/auth/me', roles: ALL },
  { method: 'POST', route: '/auth/password', url: '/auth/password', roles: ALL, payload: { currentPassword: 'wrong', newPassword: 'x' } },
  { method: 'PUT', route: '/auth/me/language', url: '/auth/me/language', roles: ALL, payload: { language: 'xx' } },
  // POST /auth/logout: every role, tested on its own below (it ends the session).
  { method: 'GET', route: '/users', url: '/users', roles: ADMIN },
  { method: 'GET', route: '/users/{id}', url: '/users/999999', roles: ADMIN },
  { method: 'POST', route: '/users', url: '/users', roles: ADMIN, payload: { username: 'x', role: 'admin', password: 'short' } },
  { method: 'PATCH', route: '/users/{id}', url: '/users/999999', roles: ADMIN, payload: { name: 'X' } },
  { method: 'DELETE', route: '/users/{id}', url: '/users/999999', roles: ADMIN },
  { method: 'GET', route: '/agents', url: '/agents', roles: DESK },
  { method: 'GET', route: '/agents/{id}', url: '/agents/ivan', roles: DESK },
  { method: 'POST', route: '/agents/{id}/login', url: '/agents/ivan/login', roles: DESK },
  { method: 'POST', route: '/agents/{id}/pause', url: '/agents/ivan/pause', roles: DESK, payload: { reason: 'lunch' } },
  { method: 'POST', route: '/agents/{id}/resume', url: '/agents/ivan/resume', roles: DESK },
  { method: 'POST', route: '/agents/{id}/logout', url: '/agents/ivan/logout', roles: DESK },
  { method: 'GET', route: '/people/agents', url: '/people/agents', roles: SUPERVISORS },
  { method: 'POST', route: '/agents', url: '/agents', roles: ADMIN, payload: { id: 'Not An Id', name: 'x' } },
  { method: 'PATCH', route: '/agents/{id}', url: '/agents/nobody-here', roles: ADMIN, payload: { name: 'X' } },
  { method: 'POST', route: '/agents/{id}/deactivate', url: '/agents/nobody-here/deactivate', roles: ADMIN },
  { method: 'POST', route: '/agents/{id}/activate', url: '/agents/nobody-here/activate', roles: ADMIN },
  { method: 'POST', route: '/agents/{id}/sip-secret', url: '/agents/nobody-here/sip-secret', roles: ADMIN },
  { method: 'GET', route: '/people/agents/{id}/sip-registration', url: '/people/agents/nobody-here/sip-registration', roles: SUPERVISORS },
  { method: 'GET', route: '/groups', url: '/groups', roles: SUPERVISORS },
  { method: 'POST', route: '/supervisor/monitor', url: '/supervisor/monitor', roles: ['supervisor'], payload: { agent: 'nobody-here', mode: 'listen' } },
  { method: 'POST', route: '/supervisor/monitor/stop', url: '/supervisor/monitor/stop', roles: ['supervisor'] },
  { method: 'PUT', route: '/groups/{name}', url: '/groups/nobody-group', roles: ADMIN, payload: { members: ['nobody-here'] } },
  { method: 'GET', route: '/queues', url: '/queues', roles: SUPERVISORS },
  { method: 'GET', route: '/queues/{name}', url: '/queues/support', roles: SUPERVISORS },
  { method: 'GET', route: '/queue-settings', url: '/queue-settings', roles: SUPERVISORS },
  { method: 'GET', route: '/queues/{name}/settings', url: '/queues/support/settings', roles: SUPERVISORS },
  { method: 'PUT', route: '/queues/{name}/settings', url: '/queues/support/settings', roles: ADMIN, payload: { members: {}, ringTimeoutSeconds: 1 } },
  { method: 'DELETE', route: '/queues/{name}', url: '/queues/nobody-queue', roles: ADMIN },
  { method: 'GET', route: '/campaigns', url: '/campaigns', roles: READERS },
  { method: 'POST', route: '/campaigns', url: '/campaigns', roles: WRITERS, payload: { name: 'x', kind: 'spam' } },
  { method: 'GET', route: '/campaigns/{id}', url: '/campaigns/999999', roles: READERS },
  { method: 'POST', route: '/campaigns/{id}/start', url: '/campaigns/999999/start', roles: WRITERS },
  { method: 'POST', route: '/campaigns/{id}/pause', url: '/campaigns/999999/pause', roles: WRITERS },
  { method: 'POST', route: '/campaigns/{id}/resume', url: '/campaigns/999999/resume', roles: WRITERS },
  { method: 'POST', route: '/campaigns/{id}/stop', url: '/campaigns/999999/stop', roles: WRITERS },
  { method: 'POST', route: '/campaigns/{id}/archive', url: '/campaigns/999999/archive', roles: WRITERS },
  { method: 'PATCH', route: '/campaigns/{id}', url: '/campaigns/999999', roles: WRITERS, payload: { name: 'x' } },
  { method: 'POST', route: '/campaigns/{id}/preview', url: '/campaigns/999999/preview', roles: DESK, payload: { agent: 'ivan' } },
  { method: 'POST', route: '/attempts/{id}/dial', url: '/attempts/999999/dial', roles: DESK, payload: { agent: 'ivan' } },
  { method: 'POST', route: '/attempts/{id}/skip', url: '/attempts/999999/skip', roles: DESK, payload: { agent: 'ivan' } },
  { method: 'POST', route: '/attempts/{id}/disposition', url: '/attempts/999999/disposition', roles: DESK, payload: { disposition: 'sale' } },
  { method: 'POST', route: '/campaigns/{id}/lists', url: '/campaigns/999999/lists?name=x.csv&mapping=%7B%22phone%22%3A%22p%22%7D', roles: WRITERS },
  { method: 'GET', route: '/campaigns/{id}/lists', url: '/campaigns/999999/lists', roles: READERS },
  { method: 'GET', route: '/lists/{id}', url: '/lists/999999', roles: READERS },
  { method: 'GET', route: '/lists/{id}/rejections', url: '/lists/999999/rejections', roles: READERS },
  { method: 'GET', route: '/dnc', url: '/dnc', roles: READERS },
  { method: 'POST', route: '/dnc', url: '/dnc', roles: WRITERS, payload: { phone: 'not a number' } },
  { method: 'DELETE', route: '/dnc', url: '/dnc?phone=%2B38761999999', roles: WRITERS },
  { method: 'GET', route: '/campaigns/{id}/dnc', url: '/campaigns/999999/dnc', roles: READERS },
  { method: 'POST', route: '/campaigns/{id}/dnc', url: '/campaigns/999999/dnc', roles: WRITERS, payload: { phone: '+38761999999' } },
  { method: 'DELETE', route: '/campaigns/{id}/dnc', url: '/campaigns/999999/dnc?phone=%2B38761999999', roles: WRITERS },
  { method: 'GET', route: '/campaigns/{id}/results.csv', url: '/campaigns/999999/results.csv', roles: READERS },
  { method: 'GET', route: '/campaigns/{id}/survey.csv', url: '/campaigns/999999/survey.csv', roles: READERS },
  { method: 'GET', route: '/clients', url: '/clients', roles: ALL },
  { method: 'GET', route: '/clients/{id}', url: '/clients/999999', roles: ALL },
  { method: 'POST', route: '/clients', url: '/clients', roles: WRITERS, payload: { name: 'x', phone: 'not a number', type: 'retail' } },
  { method: 'PATCH', route: '/clients/{id}', url: '/clients/999999', roles: WRITERS, payload: { name: 'x' } },
  { method: 'POST', route: '/clients/import', url: '/clients/import?name=x.csv&mapping=%7B%22phone%22%3A%22p%22%7D', roles: WRITERS },
  { method: 'GET', route: '/client-imports', url: '/client-imports', roles: READERS },
  { method: 'GET', route: '/client-imports/{id}', url: '/client-imports/999999', roles: READERS },
  { method: 'GET', route: '/client-imports/{id}/rejections', url: '/client-imports/999999/rejections', roles: READERS },
  { method: 'GET', route: '/calls', url: '/calls', roles: DESK },
  { method: 'GET', route: '/calls/{id}', url: '/calls/999999', roles: DESK },
  { method: 'GET', route: '/recordings/{id}', url: '/recordings/999999', roles: DESK },
  { method: 'GET', route: '/recordings/{id}/download', url: '/recordings/999999/download', roles: DESK },
  { method: 'GET', route: '/recordings/file/{*}', url: '/recordings/file/2026/11/23/none.wav', roles: DESK },
  { method: 'GET', route: '/flows', url: '/flows', roles: READERS },
  { method: 'GET', route: '/flows/{id}', url: '/flows/default', roles: READERS },
  { method: 'POST', route: '/flows/validate', url: '/flows/validate', roles: READERS, payload: { id: 'x' } },
  { method: 'GET', route: '/call-reasons', url: '/call-reasons', roles: ALL },
  { method: 'POST', route: '/call-reasons', url: '/call-reasons', roles: ADMIN, payload: { code: 'Not A Code', labels: {} } },
  { method: 'PATCH', route: '/call-reasons/{code}', url: '/call-reasons/no-such-reason', roles: ADMIN, payload: { active: false } },
  { method: 'GET', route: '/reports/reasons', url: '/reports/reasons?by=day&group=reason', roles: SUPERVISORS },
]

let t: TestApp
const as_: Partial<Record<Role, Inject>> = {}

beforeAll(async () => {
  t = await startTestApp()
  as_.admin = as(t.server, await loginAs(t.server, t.app, 'root', 'admin'))
  as_['campaign-manager'] = as(t.server, await loginAs(t.server, t.app, 'manager', 'campaign-manager'))
  as_.supervisor = as(t.server, await loginAs(t.server, t.app, 'super', 'supervisor'))
  as_.operator = as(t.server, await loginAs(t.server, t.app, 'ivan', 'operator', 'ivan'))
})

afterAll(async () => {
  await t?.close()
})

const request = (row: Row) => ({ method: row.method, url: row.url, ...(row.payload ? { payload: row.payload } : {}) })

describe('access to every route', () => {
  it('the table names every route of the OpenAPI document', async () => {
    const doc = (await t.server.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> }
    // The pages' own routes (src/web: the live stream, the console's disposition) are tested with the pages (tests/web).
    const pages = /^\/(live|operator)\//
    const documented = Object.entries(doc.paths)
      .filter(([p]) => !pages.test(p))
      .flatMap(([p, ops]) => Object.keys(ops).filter((m) => m !== 'head').map((m) => `${m.toUpperCase()} ${p}`))
    const tabled = new Set([...ROUTES.map((r) => `${r.method} ${r.route}`), 'POST /auth/logout'])
    expect(documented.filter((d) => !tabled.has(d))).toEqual([])
    expect([...tabled].filter((r) => !documented.includes(r))).toEqual([])
  })

  it.each(ROUTES.filter((r) => r.roles !== 'public').map((r) => [`${r.method} ${r.url}`, r] as const))('%s: 401 without a session', async (_name, row) => {
    const res = await t.server.inject(request(row))
    expect(res.statusCode).toBe(401)
    expect(res.json()).toEqual({ error: 'unauthenticated', message: expect.any(String) })
  })

  for (const role of ALL) {
    it.each(ROUTES.map((r) => [`${r.method} ${r.url}`, r] as const))(`${role}: %s`, async (_name, row) => {
      const res = await as_[role]!(request(row))
      const admitted = row.roles === 'public' || row.roles.includes(role)
      if (admitted) {
        expect([401, 403], res.body).not.toContain(res.statusCode)
        expect(res.statusCode, res.body).toBeLessThan(500)
      } else {
        expect(res.statusCode, res.body).toBe(403)
        expect(res.json()).toEqual({ error: 'forbidden', message: expect.stringContaining(role) })
      }
    })
  }

  it('a route that declares no access stops the server from starting', async () => {
    const bare = Fastify()
    installAccessControl(bare, authParts(t.app))
    expect(() => bare.get('/forgotten', async () => 'open?')).toThrow('route GET /forgotten declares no access (config.access)')
    // In a plugin, as every area of the API is: the start fails.
    const other = Fastify()
    installAccessControl(other, authParts(t.app))
    void other.register(async (p) => void p.get('/forgotten', async () => 'open?'))
    await expect(other.ready()).rejects.toThrow('declares no access')
    await bare.close()
  })

  it('a bad or ended token is 401, and so is a malformed Authorization header', async () => {
    for (const authorization of ['Bearer nope', `Bearer ${'A'.repeat(43)}`, 'Basic cm9vdDpyb290', 'Bearer']) {
      const res = await t.server.inject({ method: 'GET', url: '/calls', headers: { authorization } })
      expect(res.statusCode, authorization).toBe(401)
      expect(res.json().error).toBe('unauthenticated')
    }
  })
})

describe('refused requests write nothing', () => {
  it('a campaign, a user, a do-not-call entry asked for by roles that may not: no row', async () => {
    const rows = async () => ({
      campaigns: (await t.app.database.db.select({ n: count() }).from(campaigns))[0]!.n,
      users: (await t.app.database.db.select({ n: count() }).from(users))[0]!.n,
      dnc: (await t.app.database.db.select({ n: count() }).from(doNotCall))[0]!.n,
    })
    const before = await rows()
    for (const role of ['supervisor', 'operator'] as const) {
      expect((await as_[role]!({ method: 'POST', url: '/campaigns', payload: { name: 'Sneaky', kind: 'informational' } })).statusCode).toBe(403)
      expect((await as_[role]!({ method: 'POST', url: '/dnc', payload: { phone: '+38761111222' } })).statusCode).toBe(403)
    }
    for (const role of ['campaign-manager', 'supervisor', 'operator'] as const) {
      expect((await as_[role]!({ method: 'POST', url: '/users', payload: { username: 'sneaky', role: 'admin', password: 'long enough password' } })).statusCode).toBe(403)
    }
    // Nobody logged in, with a valid body.
    expect((await t.server.inject({ method: 'POST', url: '/campaigns', payload: { name: 'Sneaky', kind: 'informational' } })).statusCode).toBe(401)
    // An admitted role with a body that fails its schema.
    expect((await as_['campaign-manager']!({ method: 'POST', url: '/campaigns', payload: { name: 'Sneaky', kind: 'informational', extra: 1 } })).statusCode).toBe(400)
    expect(await rows()).toEqual(before)
    // The same request by a role that may: one row.
    expect((await as_['campaign-manager']!({ method: 'POST', url: '/campaigns', payload: { name: 'Allowed', kind: 'informational' } })).statusCode).toBe(201)
    expect((await rows()).campaigns).toBe(before.campaigns + 1)
  })

  it('an operator acts only as their own agent', async () => {
    const op = as_.operator!
    const other = await op({ method: 'POST', url: '/agents/ana/login' })
    expect(other.statusCode).toBe(403)
    expect(other.json().error).toBe('not-your-agent')
    expect((await op({ method: 'GET', url: '/agents/ana' })).statusCode).toBe(403)
    expect((await op({ method: 'POST', url: '/agents/ivan/login' })).statusCode).toBe(200)
    const listed = (await op({ method: 'GET', url: '/agents' })).json().agents as Array<{ id: string }>
    expect(listed.map((a) => a.id)).toEqual(['ivan'])
    const preview = await op({ method: 'POST', url: '/campaigns/1/preview', payload: { agent: 'ana' } })
    expect(preview.statusCode).toBe(403)
    expect(preview.json().error).toBe('not-your-agent')
    // A supervisor acts for anyone.
    expect((await as_.supervisor!({ method: 'POST', url: '/agents/ana/login' })).statusCode).toBe(200)
  })
})

describe('malformed input', () => {
  const admin = () => as_.admin!
  it('bad JSON, wrong types, unknown fields: 400 with the error shape, naming the field', async () => {
    const bad = await admin()({ method: 'POST', url: '/campaigns', headers: { 'content-type': 'application/json' }, payload: '{"name": "x", ' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json()).toEqual({ error: 'bad-request', message: expect.any(String) })
    const type = await admin()({ method: 'POST', url: '/campaigns', payload: { name: 5, kind: 'informational' } })
    expect(type.statusCode).toBe(400)
    expect(type.json()).toEqual({ error: 'bad-request', message: expect.stringContaining('body/name') })
    const extra = await admin()({ method: 'POST', url: '/users', payload: { username: 'someone', role: 'admin', password: 'long enough password', isRoot: true } })
    expect(extra.statusCode).toBe(400)
    expect(extra.json().message).toContain('isRoot')
    const query = await admin()({ method: 'GET', url: '/calls?limit=lots' })
    expect(query.statusCode).toBe(400)
    expect(query.json().message).toContain('querystring/limit')
    const param = await admin()({ method: 'GET', url: '/calls/-3' })
    expect(param.statusCode).toBe(400)
    expect(param.json().error).toBe('bad-request')
    const nul = await admin()({ method: 'POST', url: '/dnc', payload: { phone: '+38761000000', reason: 'a\u0000b' } })
    expect(nul.json()).toEqual({ error: 'bad-request', message: 'body/reason holds a NUL character' })
    expect((await admin()({ method: 'POST', url: '/agents/%00/login' })).statusCode).toBe(400)
    const badUrl = await admin()({ method: 'GET', url: '/calls/%E0%A4%A' })
    expect(badUrl.statusCode).toBe(400)
    expect(Object.keys(badUrl.json()).sort()).toEqual(['error', 'message'])
    const notJson = await admin()({ method: 'POST', url: '/campaigns', headers: { 'content-type': 'application/xml' }, payload: '<campaign/>' })
    expect(notJson.statusCode).toBe(415)
    expect(notJson.json()).toEqual({ error: expect.any(String), message: expect.any(String) })
  })

  it('a body over the limit is 413 with the error shape, and writes nothing', async () => {
    const before = (await t.app.database.db.select({ n: count() }).from(campaigns))[0]!.n
    const huge = JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024), kind: 'informational' })
    const res = await admin()({ method: 'POST', url: '/campaigns', headers: { 'content-type': 'application/json' }, payload: huge })
    expect(res.statusCode).toBe(413)
    expect(res.json()).toEqual({ error: 'payload-too-large', message: expect.any(String) })
    expect((await t.app.database.db.select({ n: count() }).from(campaigns))[0]!.n).toBe(before)
  })

  it('an unknown route is 404 with the error shape', async () => {
    const res = await admin()({ method: 'GET', url: '/nowhere' })
    expect(res.statusCode).toBe(404)
    expect(res.json()).toEqual({ error: 'not-found', message: 'no route GET /nowhere' })
  })
})
