/**
 * PostgreSQL goes away for 30 seconds while a caller is in the IVR: the call goes on (an
 * unknown caller's path, nobody left in silence), and once the database is back the call's
 * register row and its recording are written, once.
 */
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { calls, recordings } from '../../src/db/schema/index.js'
import { buildHttpServer } from '../../src/http/server.js'
import { reportChaos } from './chaos-report.js'
import { CLIENTS, startHarness, type Harness } from '../ivr/harness.js'

let h: Harness

beforeAll(async () => {
  h = await startHarness({ at: '2026-11-23T09:00:00Z', proxyDatabase: true })
}, 60_000)

afterAll(async () => {
  h.dbProxy?.restore()
  await h.close()
})

it('keeps a call going while Postgres is away and writes its records when it is back', async () => {
  h.dbProxy!.cut()
  const http = buildHttpServer(h.app)
  const down = await http.inject({ url: '/health' })
  expect(down.statusCode).toBe(503)
  expect(down.json()).toMatchObject({ status: 'unavailable', database: { status: 'down' }, redis: { status: 'up' } })
  const placed = h.sim.sw.placeSipCall({ from: CLIENTS.key.phone, to: '5000', script: { steps: [] } })
  let finished = false
  void placed.done.then(() => (finished = true))
  const outageEnds = h.clock.now() + 30_000
  while (!finished) {
    await h.clock.runWhile(() => !finished, 30 * 60_000)
    if (!finished) await new Promise((r) => setTimeout(r, 5))
    if (h.clock.now() >= outageEnds) h.dbProxy!.restore()
  }
  const heard = placed.channel.history.filter((x) => x.app === 'playback' || x.app === 'play_and_get_digits').map((x) => x.arg.split('/').pop()!.split(' ')[0] ?? '')
  // The key client could not be recognised: the language question, then nobody to route to
  // (the agents are in the database too): told so, offered a message, goodbye.
  expect(heard.some((f) => f.includes('welcome'))).toBe(true)
  expect(heard.some((f) => f.includes('all-busy'))).toBe(true)
  expect(heard.at(-1)).toContain('goodbye')
  expect(placed.channel.hangupCause).toBe('NORMAL_CLEARING')
  // Still nothing written while the database is away, and the health check says what is down.
  expect(h.app.register.backlog).toBeGreaterThan(0)
  const backlog = h.app.register.backlog
  h.dbProxy!.restore()
  const backAt = h.clock.now()
  expect((await http.inject({ url: '/health' })).json()).toMatchObject({ database: { status: 'up' } })
  await http.close()
  // The register retries with back-off, on the app's clock.
  for (let i = 0; i < 60 && h.app.register.backlog > 0; i++) await h.clock.advance(5000)
  await h.app.register.flush()
  const rows = await h.db.db.select().from(calls).where(eq(calls.callUuid, placed.channel.uuid))
  expect(rows).toHaveLength(1)
  expect(rows[0]).toMatchObject({ hangupCause: 'NORMAL_CLEARING', clientId: null })
  expect(rows[0]!.ivrPath.map((s) => s.node)).toEqual(expect.arrayContaining(['lookup', 'new-caller', 'all-busy', 'goodbye']))
  for (let i = 0; i < 60; i++) {
    const recs = await h.db.db.select().from(recordings).where(eq(recordings.callUuid, placed.channel.uuid))
    if (recs.length > 0) break
    await h.clock.advance(5000)
  }
  const recs = await h.db.db.select().from(recordings).where(eq(recordings.callUuid, placed.channel.uuid))
  expect(recs.map((r) => r.kind)).toEqual(['call'])
  reportChaos({
    scenario: 'Postgres away for 30 s during a call',
    injected: 'every database connection cut and refused for 30 s (virtual time)',
    before: `1 call in the IVR; ${backlog} register writes held back`,
    after: `call finished normally; ${rows.length} register row, ${recs.length} recording, written once`,
    lost: 1 - rows.length,
    duplicated: rows.length + recs.length - 2,
    recoverMs: h.clock.now() - backAt,
  })
}, 120_000)
