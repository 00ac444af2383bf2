/**
 * Hostile requests to every route of the API, as an admin (so access control lets them in):
 * random path parameters (text, huge numbers, traversal), random query strings, random JSON
 * and broken JSON bodies under several content types. Whatever comes, the answer is never a
 * 5xx, a refusal has the error shape, and a refused request changes no row anywhere.
 */
import fc from 'fast-check'
import { count } from 'drizzle-orm'
import type { PgTable } from 'drizzle-orm/pg-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { attempts, campaigns, contactLists, contacts, doNotCall, users } from '../../src/db/schema/index.js'
import { as, loginAs, type Inject } from '../http/session.js'
import { startTestApp, type TestApp } from '../http/test-app.js'

/** Every route; `:p` is a path parameter, `*` the rest of the path. */
const ROUTES: Array<[method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string]> = [
  ['GET', '/health'],
  ['GET', '/metrics'],
  ['POST', '/auth/login'],
  ['GET', '/auth/me'],
  ['POST', '/auth/password'],
  ['GET', '/users'],
  ['GET', '/users/:p'],
  ['POST', '/users'],
  ['PATCH', '/users/:p'],
  ['DELETE', '/users/:p'],
  ['GET', '/agents'],
  ['GET', '/agents/:p'],
  ['POST', '/agents/:p/login'],
  ['POST', '/agents/:p/pause'],
  ['POST', '/agents/:p/resume'],
  ['POST', '/agents/:p/logout'],
  ['GET', '/queues'],
  ['GET', '/queues/:p'],
  ['GET', '/campaigns'],
  ['POST', '/campaigns'],
  ['GET', '/campaigns/:p'],
  ['POST', '/campaigns/:p/start'],
  ['POST', '/campaigns/:p/pause'],
  ['POST', '/campaigns/:p/resume'],
  ['POST', '/campaigns/:p/stop'],
  ['POST', '/campaigns/:p/preview'],
  ['POST', '/attempts/:p/dial'],
  ['POST', '/attempts/:p/skip'],
  ['POST', '/attempts/:p/disposition'],
  ['POST', '/campaigns/:p/lists'],
  ['GET', '/campaigns/:p/lists'],
  ['GET', '/lists/:p'],
  ['GET', '/lists/:p/rejections'],
  ['GET', '/dnc'],
  ['POST', '/dnc'],
  ['DELETE', '/dnc'],
  ['GET', '/campaigns/:p/dnc'],
  ['POST', '/campaigns/:p/dnc'],
  ['DELETE', '/campaigns/:p/dnc'],
  ['GET', '/campaigns/:p/results.csv'],
  ['GET', '/campaigns/:p/survey.csv'],
  ['GET', '/clients'],
  ['GET', '/clients/:p'],
  ['GET', '/calls'],
  ['GET', '/calls/:p'],
  ['GET', '/recordings/:p'],
  ['GET', '/recordings/:p/download'],
  ['GET', '/recordings/file/*'],
  ['GET', '/flows'],
  ['GET', '/flows/:p'],
  ['POST', '/flows/validate'],
]

const HOSTILE_SEGMENTS = ['0', '-1', '1e3', '1.5', '99999999999999999999', '%2E%2E', '..%2F..%2Fetc%2Fpasswd', '%00', '%zz', '%E0%A4%A', 'null', 'true', '[]', '%7B%7D', 'ivan', 'support', 'default', '%20']
const HOSTILE_REST = ['../../etc/passwd', '..%2F..%2Fetc%2Fpasswd', '%2Fetc%2Fpasswd', 'a/b/../../../x', '2026/11/20/x.wav%00', '%252e%252e%252f', '..%5C..%5Cwindows', '']
const KEYS = ['q', 'number', 'from', 'to', 'agent', 'outcome', 'limit', 'offset', 'phone', 'name', 'mapping', 'kind', 'download', 'type', 'campaign', '__proto__', 'constructor']

const text = fc.string({ maxLength: 40 })
const segment = fc.oneof(fc.constantFrom(...HOSTILE_SEGMENTS), fc.integer({ min: 1000, max: 2 ** 53 }).map(String), text.map(encodeURIComponent).filter((s) => s.length > 0))
const rest = fc.oneof(fc.constantFrom(...HOSTILE_REST), fc.array(text.map(encodeURIComponent), { maxLength: 5 }).map((a) => a.join('/')))
const query = fc.oneof(
  fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), text), fc.oneof(text, fc.integer().map(String), fc.constantFrom('', '-1', '1e309', '2026-13-45T99:00:00Z', '%', '[object Object]')), { maxKeys: 4 }).map((d) => new URLSearchParams(d).toString()),
  fc.constantFrom('limit=0', 'limit=100000', 'offset=-1', 'a=%zz', 'from=x&to=y', 'q=%25%5F', 'number=000', 'mapping=%7B', 'kind=script', 'download=maybe'),
)
const body = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 3 }).map((v) => ({ type: 'application/json', payload: JSON.stringify(v) })),
  fc.record({ username: text, password: text, role: text, name: fc.oneof(text, fc.integer()), kind: text, phone: text, reason: fc.oneof(text, fc.integer()), disposition: text, agent: text, active: fc.boolean(), settings: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: [] }).map((v) => ({ type: 'application/json', payload: JSON.stringify(v) })),
  fc.tuple(fc.constantFrom('application/json', 'text/csv', 'application/yaml', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data'), fc.oneof(text, fc.constantFrom('{"a":', '[1,2', '\u0000', '{"__proto__": {"admin": true}}', 'phone\n+38761000000\n', 'id: [x'))).map(([type, payload]) => ({ type, payload })),
)

let t: TestApp
let admin: Inject
let operator: Inject
let token: string

/** Routes an operator may use at all (their own agent, calls, recordings, clients, attempts, themselves). */
const OPERATOR = /^\/(health|metrics|auth\/|agents|attempts|calls|recordings|clients)|^\/campaigns\/:p\/preview$/

const rows = async () => {
  const db = t.app.database.db
  const n = async (table: PgTable) => (await db.select({ n: count() }).from(table))[0]!.n
  return { campaigns: await n(campaigns), lists: await n(contactLists), contacts: await n(contacts), dnc: await n(doNotCall), users: await n(users), attempts: await n(attempts) }
}

beforeAll(async () => {
  t = await startTestApp()
  token = await loginAs(t.server, t.app, 'fuzz-admin', 'admin')
  admin = as(t.server, token)
  operator = as(t.server, await loginAs(t.server, t.app, 'fuzz-operator', 'operator', 'ivan'))
})

afterAll(async () => {
  await t?.close()
})

it('answers every hostile request with a 2xx, 3xx or 4xx, refusals in the error shape, and a refusal writes nothing', async () => {
  const statuses = new Map<number, number>()
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...ROUTES), segment, rest, query, body, async ([method, template], p, star, q, b) => {
      const url = `${template.replace(':p', p).replace('*', star)}${q ? `?${q}` : ''}`
      const writes = method !== 'GET'
      const before = writes ? await rows() : undefined
      const res = await admin({ method, url, ...(b ? { headers: { 'content-type': b.type }, payload: b.payload } : {}) })
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
      expect(res.statusCode, `${method} ${url} ${b?.type ?? ''} ${b?.payload ?? ''}\n${res.body}`).toBeLessThan(500)
      if (res.statusCode >= 400) {
        expect(res.headers['content-type'], `${method} ${url}`).toMatch(/^application\/json/)
        const answer = res.json() as Record<string, unknown>
        expect(Object.keys(answer).sort(), `${method} ${url}: ${res.body}`).toEqual(['error', 'message'])
        expect(typeof answer.error === 'string' && typeof answer.message === 'string').toBe(true)
        if (before) expect(await rows(), `${method} ${url} ${b?.payload ?? ''}`).toEqual(before)
      }
      // The admin's session survives whatever was sent (nothing here may log it out).
      expect(res.statusCode, `${method} ${url}`).not.toBe(401)
    }),
    { numRuns: 1500, seed: Number(process.env.FUZZ_SEED ?? 7) },
  )
  // The runs reached past validation, not only the schema's 400s.
  expect([...statuses.keys()].filter((s) => s < 300).length).toBeGreaterThan(0)
  expect(statuses.get(404) ?? 0).toBeGreaterThan(0)
}, 240_000)

it('never answers an operator with a success on a route that is not theirs, nor with a 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...ROUTES), segment, rest, query, body, async ([method, template], p, star, q, b) => {
      const url = `${template.replace(':p', p).replace('*', star)}${q ? `?${q}` : ''}`
      const before = method !== 'GET' ? await rows() : undefined
      const res = await operator({ method, url, ...(b ? { headers: { 'content-type': b.type }, payload: b.payload } : {}) })
      expect(res.statusCode, `${method} ${url}\n${res.body}`).toBeLessThan(500)
      // A path that normalises to another page (/users/%2E%2E is /) may redirect; it never succeeds.
      if (!OPERATOR.test(template)) expect(res.statusCode >= 200 && res.statusCode < 300, `${method} ${url} ${res.statusCode}\n${res.body}`).toBe(false)
      if (res.statusCode >= 400 && before) expect(await rows()).toEqual(before)
    }),
    { numRuns: 600, seed: Number(process.env.FUZZ_SEED ?? 7) },
  )
}, 240_000)
