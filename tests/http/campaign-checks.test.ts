/**
 * A campaign that cannot work says so: settings checked against the queues, agents and
 * scripts at creation, at start and when edited; a running campaign that cannot dial says
 * why; a finished campaign given a new list dials it; archived campaigns leave the list.
 * Real Postgres and Redis, virtual time, no FreeSWITCH.
 */
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { agents, campaigns, contacts } from '../../src/db/schema/index.js'
import { as, loginAs, type Inject } from './session.js'
import { startTestApp, type TestApp } from './test-app.js'

// The test app's clock: Monday 23 November 2026, 09:00 UTC (10:00 in Sarajevo).
let t: TestApp
let admin: Inject

beforeAll(async () => {
  t = await startTestApp()
  admin = as(t.server, await loginAs(t.server, t.app, 'checks-admin', 'admin'))
})

afterAll(async () => {
  await t?.close()
})

const post = (url: string, payload?: object) => admin({ method: 'POST', url, payload })
const patch = (url: string, payload: object) => admin({ method: 'PATCH', url, payload })
const get = (url: string) => admin({ url })

async function created(kind: string, settings: Record<string, unknown>): Promise<number> {
  const r = await post('/campaigns', { name: `${kind} test`, kind, settings })
  expect(r.statusCode, r.body).toBe(201)
  return r.json().id as number
}

async function addContact(campaignId: number, extra: Partial<typeof contacts.$inferInsert> = {}): Promise<void> {
  await t.db.db.insert(contacts).values({ campaignId, phone: `+3876100${String(campaignId).padStart(4, '0')}`, timezone: 'Europe/Sarajevo', ...extra })
}

describe('settings are checked against what exists', () => {
  it('at creation: a misspelt queue, a missing script, a kind that needs operators without a queue, a window that never opens', async () => {
    const queue = await post('/campaigns', { name: 'x', kind: 'telesales', settings: { mode: 'progressive', operatorsQueue: 'suport' } })
    expect(queue.statusCode).toBe(400)
    expect(queue.json()).toMatchObject({ error: 'bad-settings' })
    expect(queue.json().message).toMatch(/settings\.operatorsQueue: there is no queue 'suport'.*support/)
    const script = await post('/campaigns', { name: 'x', kind: 'informational', settings: { script: 'informationl' } })
    expect(script.statusCode).toBe(400)
    expect(script.json().message).toMatch(/settings\.script: there is no script 'informationl'/)
    const noQueue = await post('/campaigns', { name: 'x', kind: 'telesales' })
    expect(noQueue.statusCode).toBe(400)
    expect(noQueue.json().message).toMatch(/settings\.operatorsQueue/)
    // Only Sundays, and the next three Sundays are holidays.
    const never = await post('/campaigns', { name: 'x', kind: 'informational', settings: { window: { days: ['sun'], holidays: ['2026-11-29', '2026-12-06', '2026-12-13'] } } })
    expect(never.statusCode).toBe(400)
    expect(never.json().message).toMatch(/settings\.window: .*never opens/)
  })

  it('at start: a queue that went away since creation', async () => {
    const [row] = await t.db.db.insert(campaigns).values({ name: 'old', kind: 'telesales', settings: { mode: 'progressive', operatorsQueue: 'gone' } }).returning()
    const r = await post(`/campaigns/${row!.id}/start`)
    expect(r.statusCode).toBe(400)
    expect(r.json().message).toMatch(/settings\.operatorsQueue: there is no queue 'gone'/)
    expect((await get(`/campaigns/${row!.id}`)).json().campaign.status).toBe('draft')
  })

  it('a queue none of whose members exists', async () => {
    await t.db.db.update(agents).set({ id: 'ivan-old' }).where(eq(agents.id, 'ivan'))
    await t.db.db.update(agents).set({ id: 'ana-old' }).where(eq(agents.id, 'ana'))
    try {
      const r = await post('/campaigns', { name: 'x', kind: 'telesales', settings: { mode: 'progressive', operatorsQueue: 'support' } })
      expect(r.statusCode).toBe(400)
      expect(r.json().message).toMatch(/settings\.operatorsQueue: queue 'support' has no agents/)
    } finally {
      await t.db.db.update(agents).set({ id: 'ivan' }).where(eq(agents.id, 'ivan-old'))
      await t.db.db.update(agents).set({ id: 'ana' }).where(eq(agents.id, 'ana-old'))
    }
  })
})

describe('a running campaign that cannot dial says why', () => {
  it('nobody logged in to its queue', async () => {
    const id = await created('telesales', { mode: 'progressive', operatorsQueue: 'support' })
    await addContact(id)
    expect((await post(`/campaigns/${id}/start`)).statusCode).toBe(200)
    const f = (await get(`/campaigns/${id}`)).json()
    expect(f.blockedReason).toBe("no operators logged in to queue 'support'")
    const listed = (await get('/campaigns')).json().campaigns.find((c: { id: number }) => c.id === id)
    expect(listed.blockedReason).toBe("no operators logged in to queue 'support'")
    expect((await post('/agents/ivan/login')).statusCode).toBe(200)
    expect((await get(`/campaigns/${id}`)).json().blockedReason).toBeNull()
    await post('/agents/ivan/logout')
  })

  it('its calling window is closed, until when', async () => {
    const id = await created('informational', { window: { start: '18:00', end: '20:00' } })
    await addContact(id)
    await post(`/campaigns/${id}/start`)
    expect((await get(`/campaigns/${id}`)).json().blockedReason).toBe('calling window closed until 2026-11-23 17:00 UTC')
  })

  it('no contact is due yet, until when', async () => {
    const id = await created('informational', {})
    await addContact(id, { nextAttemptAt: new Date('2026-11-23T11:30:00Z') })
    await post(`/campaigns/${id}/start`)
    expect((await get(`/campaigns/${id}`)).json().blockedReason).toBe('no contacts due until 2026-11-23 11:30 UTC')
  })

  it('a queue that does not exist (a campaign from before the checks)', async () => {
    const [row] = await t.db.db.insert(campaigns).values({ name: 'old', kind: 'telesales', status: 'running', settings: { mode: 'progressive', operatorsQueue: 'suport' } }).returning()
    await addContact(row!.id)
    expect((await get(`/campaigns/${row!.id}`)).json().blockedReason).toMatch(/^settings\.operatorsQueue: there is no queue 'suport'/)
  })

  it('a paused or draft campaign is not blocked, just not running', async () => {
    const id = await created('informational', {})
    expect((await get(`/campaigns/${id}`)).json().blockedReason).toBeNull()
  })
})

describe('a finished campaign given a new list', () => {
  it('started with no contacts it is done at once; a list uploaded afterwards reopens it', async () => {
    const id = await created('informational', {})
    await post(`/campaigns/${id}/start`)
    await t.clock.advance(1000)
    expect((await get(`/campaigns/${id}`)).json().campaign.status).toBe('done')
    const up = await admin({ method: 'POST', url: `/campaigns/${id}/lists?name=late.csv&mapping=${encodeURIComponent('{"phone":"phone"}')}`, headers: { 'content-type': 'text/csv' }, payload: 'phone\n065700701\n' })
    expect(up.statusCode, up.body).toBe(201)
    expect(up.json()).toMatchObject({ accepted: 1, campaignStatus: 'running' })
    expect((await get(`/campaigns/${id}`)).json().campaign).toMatchObject({ status: 'running', endedAt: null })
  })
})

describe('editing and archiving', () => {
  it('PATCH changes the name and settings, checked as at creation; the settings not named are kept', async () => {
    const id = await created('informational', { maxAttempts: 2, window: { start: '09:00', end: '17:00' } })
    const bad = await patch(`/campaigns/${id}`, { settings: { maxAttempts: 0, script: 'nope' } })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().message).toContain('settings.maxAttempts')
    const noScript = await patch(`/campaigns/${id}`, { settings: { script: 'nope' } })
    expect(noScript.json().message).toMatch(/settings\.script: there is no script 'nope'/)
    const ok = await patch(`/campaigns/${id}`, { name: 'Renamed', settings: { maxAttempts: 5 } })
    expect(ok.statusCode, ok.body).toBe(200)
    expect(ok.json()).toMatchObject({ name: 'Renamed', settings: { maxAttempts: 5, window: { start: '09:00', end: '17:00' } } })
    // null takes a setting back to its default.
    const reset = await patch(`/campaigns/${id}`, { settings: { window: null } })
    expect(reset.json().settings.window).toMatchObject({ start: '08:00', end: '21:00' })
    expect((await patch('/campaigns/999999', { name: 'x' })).statusCode).toBe(404)
  })

  it('archives a campaign that is not running: hidden from the list, its history kept, no longer changed', async () => {
    const id = await created('informational', {})
    await addContact(id)
    await post(`/campaigns/${id}/start`)
    const running = await post(`/campaigns/${id}/archive`)
    expect(running.statusCode).toBe(409)
    expect(running.json().message).toBe('a running campaign cannot become archived')
    await post(`/campaigns/${id}/stop`)
    const archived = await post(`/campaigns/${id}/archive`)
    expect(archived.statusCode).toBe(200)
    expect(archived.json().status).toBe('archived')
    expect((await get('/campaigns')).json().campaigns.map((c: { id: number }) => c.id)).not.toContain(id)
    expect((await get('/campaigns?archived=true')).json().campaigns.map((c: { id: number }) => c.id)).toContain(id)
    const kept = (await get(`/campaigns/${id}`)).json()
    expect(kept).toMatchObject({ campaign: { status: 'archived' }, contacts: { total: 1 } })
    expect((await patch(`/campaigns/${id}`, { name: 'again' })).statusCode).toBe(409)
    expect((await post(`/campaigns/${id}/start`)).statusCode).toBe(409)
  })
})
