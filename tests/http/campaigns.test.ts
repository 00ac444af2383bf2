/** The campaign routes over fastify's inject, with a real Postgres and Redis. */
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { attempts, contacts, surveyAnswers } from '../../src/db/schema/index.js'
import { buildHttpServer } from '../../src/http/server.js'
import { loadScripts } from '../../src/ivr/flow/load.js'
import { silentLogger } from '../../src/log.js'
import { VirtualClock } from '../../src/time/virtual-clock.js'
import { createTestDatabase, type TestDatabase } from '../helpers/database.js'
import { as, loginAs, type Inject } from './session.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
let db: TestDatabase
let app: App
let http: FastifyInstance
let admin: Inject
const prefix = `t${randomUUID().slice(0, 8)}`

beforeAll(async () => {
  db = await createTestDatabase()
  const config = loadConfig(
    { DATABASE_URL: db.url, REDIS_PREFIX: prefix, ESL_LISTEN_PORT: '0', LOG_LEVEL: 'silent', RECORDINGS_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'rec-')) },
    ROOT,
  )
  app = await startApp({
    config,
    log: silentLogger,
    clock: new VirtualClock({ start: Date.parse('2026-11-23T09:00:00Z') }),
    flow: async () => {},
    control: false,
    scripts: await loadScripts(path.join(ROOT, 'campaigns/scripts')),
  })
  http = buildHttpServer(app)
  await http.ready()
  admin = as(http, await loginAs(http, app, 'admin-campaigns', 'admin'))
})

afterAll(async () => {
  await http.close()
  await app.stop(0)
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
  const keys = await redis.keys(`${prefix}:*`)
  if (keys.length > 0) await redis.del(...keys)
  redis.disconnect()
  await db.drop()
})

const post = (url: string, payload?: unknown) => admin({ method: 'POST', url, payload: payload as object })

describe('campaign routes', () => {
  it('creates a campaign, with every settings mistake named', async () => {
    const ok = await post('/campaigns', { name: 'December reminders', kind: 'payment-reminder', settings: { maxAttempts: 2, window: { start: '09:00', end: '18:00' } } })
    expect(ok.statusCode).toBe(201)
    expect(ok.json()).toMatchObject({ name: 'December reminders', kind: 'payment-reminder', status: 'draft', settings: { maxAttempts: 2, window: { start: '09:00', end: '18:00' } } })
    const bad = await post('/campaigns', { name: 'x', kind: 'informational', settings: { maxAttempts: 0, window: { start: '9am' }, dialTemplate: 'sofia/{x}' } })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error).toBe('bad-settings')
    expect(bad.json().message).toContain('settings.maxAttempts')
    expect(bad.json().message).toContain('settings.window.start')
    expect(bad.json().message).toContain('settings.dialTemplate')
    const kind = await post('/campaigns', { name: 'x', kind: 'spam' })
    expect(kind.statusCode).toBe(400)
    expect(kind.json().message).toContain('kind')
  })

  it('starts, pauses, resumes and stops; refuses what cannot follow', async () => {
    const c = (await post('/campaigns', { name: 'News', kind: 'informational' })).json()
    expect((await post(`/campaigns/${c.id}/start`)).json().status).toBe('running')
    expect((await post(`/campaigns/${c.id}/pause`)).json().status).toBe('paused')
    expect((await post(`/campaigns/${c.id}/resume`)).json().status).toBe('running')
    expect((await post(`/campaigns/${c.id}/stop`)).json().status).toBe('stopped')
    const again = await post(`/campaigns/${c.id}/start`)
    expect(again.statusCode).toBe(409)
    expect(again.json()).toEqual({ error: 'bad-transition', message: 'a stopped campaign cannot become running' })
    expect((await post('/campaigns/9999/start')).statusCode).toBe(404)
    expect((await post('/campaigns/abc/start')).statusCode).toBe(400)
  })

  it('reports figures, exports survey answers and keeps an operator’s disposition', async () => {
    const c = (await post('/campaigns', { name: 'Survey', kind: 'survey' })).json()
    const [ct] = await app.database.db.insert(contacts).values({ campaignId: c.id, phone: '+38761000001', timezone: 'Europe/Sarajevo', status: 'done', attempts: 1 }).returning()
    const at = new Date('2026-11-23T09:10:00Z')
    const [a] = await app.database.db
      .insert(attempts)
      .values({ campaignId: c.id, contactId: ct!.id, number: 1, callUuid: randomUUID(), startedAt: at, answeredAt: at, endedAt: at, outcome: 'completed', agentId: 'ivan' })
      .returning()
    await app.database.db.insert(surveyAnswers).values({ campaignId: c.id, contactId: ct!.id, question: 'satisfaction', answer: '4', answeredAt: at })
    const f = (await admin({ url: `/campaigns/${c.id}` })).json()
    expect(f).toMatchObject({ contacts: { total: 1, done: 1, pending: 0 }, attempts: { total: 1, byOutcome: { completed: 1 } }, answerRate: 1, abandonRate: 0 })
    const csv = await admin({ url: `/campaigns/${c.id}/survey.csv` })
    expect(csv.headers['content-type']).toContain('text/csv')
    expect(csv.body).toBe(`\ufeffcontact_id,phone,name,satisfaction,answered_at\r\n${ct!.id},+38761000001,,4,2026-11-23T09:10:00.000Z\r\n`)
    const wrongAgent = await post(`/attempts/${a!.id}/disposition`, { disposition: 'sale', agent: 'ana' })
    expect(wrongAgent.statusCode).toBe(404)
    const ok = await post(`/attempts/${a!.id}/disposition`, { disposition: 'sale', agent: 'ivan' })
    expect(ok.statusCode).toBe(200)
    const [after] = await app.database.db.select().from(contacts)
    expect(after!.disposition).toBe('sale')
    const bad = await post(`/attempts/${a!.id}/disposition`, { disposition: 'Sale!' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().message).toContain('disposition')
  })
})
