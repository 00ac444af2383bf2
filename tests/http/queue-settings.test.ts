/**
 * The queues' settings through the API: stored in queue_settings (seeded from the queues
 * file on an empty table only), checked with the file's rules (problems name the queue and
 * the field), applied by every instance without a restart, and removals refused while a
 * flow routes to the queue or callers wait in it.
 */
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../../src/app.js'
import { queueSettings } from '../../src/db/schema/index.js'
import { silentLogger } from '../../src/log.js'
import { parseQueues } from '../../src/queue/config.js'
import { readQueueSettings, seedQueueSettings } from '../../src/queue/settings-store.js'
import { as, loginAs, type Inject } from './session.js'
import { startTestApp, type TestApp } from './test-app.js'

let t: TestApp
let admin: Inject
let supervisor: Inject
let second: App | undefined

const OTHER_YAML = parseQueues('queues:\n  elsewhere:\n    members: { groups: [nobody] }\n', 'other.yaml')

async function eventually(check: () => Promise<void> | void, ms = 8000): Promise<void> {
  const end = Date.now() + ms
  for (;;) {
    try {
      return await check()
    } catch (err) {
      if (Date.now() > end) throw err
      await new Promise((r) => setTimeout(r, 50))
    }
  }
}

beforeAll(async () => {
  t = await startTestApp()
  admin = as(t.server, await loginAs(t.server, t.app, 'root', 'admin'))
  supervisor = as(t.server, await loginAs(t.server, t.app, 'super', 'supervisor'))
  // A second instance on the same database and Redis prefix, given another queues file.
  second = await startApp({ config: { ...t.app.config, instanceId: 'api-2' }, log: silentLogger, clock: t.clock, flow: async () => {}, control: false, queues: OTHER_YAML })
})

afterAll(async () => {
  await second?.stop(0).catch(() => {})
  await t?.close()
})

describe('seeding', () => {
  it('the queues file seeds an empty table only; afterwards the table is the source', async () => {
    const rows = await t.db.db.select().from(queueSettings)
    expect(rows.map((r) => [r.name, r.version, r.updatedBy])).toEqual([['support', 1, '']])
    // The second instance was given another file: it serves the stored queues, not its file's.
    expect(second!.queues!.settings.map((q) => q.name)).toEqual(['support'])
    expect(await seedQueueSettings(t.db.db, OTHER_YAML)).toBe(false)
    expect((await readQueueSettings(t.db.db)).map((q) => q.name)).toEqual(['support'])
  })
})

describe('PUT /queues/:name/settings', () => {
  it('refuses bad settings with the queue and the field named, and writes nothing', async () => {
    const cases: Array<[object, string]> = [
      [{ members: { groups: ['operators'] }, ringTimeoutSeconds: 1 }, "queue 'support': ringTimeoutSeconds"],
      [{ members: { groups: ['operators'] }, strategy: 'random' }, "queue 'support': strategy"],
      [{ members: { groups: ['operators'] }, onMaxWait: { queue: 'nowhere' } }, "queue 'support': onMaxWait: there is no queue 'nowhere'"],
      [{ members: {} }, "queue 'support': members: name at least one group or agent"],
      [{ members: { groups: ['operators'] }, wrapUp: 5 }, "queue 'support': wrapUp"],
    ]
    for (const [body, field] of cases) {
      const res = await admin({ method: 'PUT', url: '/queues/support/settings', payload: body })
      expect(res.statusCode, JSON.stringify(body)).toBe(400)
      expect(res.json().error).toBe('invalid-queue')
      expect(res.json().message).toContain(field)
    }
    const bad = await admin({ method: 'PUT', url: '/queues/Not%20A%20Name/settings', payload: { members: { groups: ['operators'] } } })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().message).toMatch(/^name: /)
    const [row] = await t.db.db.select().from(queueSettings).where(eq(queueSettings.name, 'support'))
    expect(row!.version).toBe(1)
  })

  it('a supervisor reads but may not write', async () => {
    expect((await supervisor({ method: 'GET', url: '/queues/support/settings' })).json().settings.ringTimeoutSeconds).toBe(15)
    expect((await supervisor({ method: 'PUT', url: '/queues/support/settings', payload: { members: { groups: ['operators'] } } })).statusCode).toBe(403)
  })

  it('a change reaches this instance and the other one, in memory and in Redis, without a restart', async () => {
    const res = await admin({ method: 'PUT', url: '/queues/support/settings', payload: { members: { agents: ['ivan', 'ana'] }, strategy: 'round-robin', ringTimeoutSeconds: 25, wrapUpSeconds: 40 } })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ name: 'support', version: 2, updatedBy: 'root', settings: { ringTimeoutSeconds: 25, strategy: 'round-robin', wrapUpSeconds: 40, onMaxWait: 'voicemail' } })
    // This instance answered with it applied.
    expect(t.app.queues!.settings.find((q) => q.name === 'support')).toMatchObject({ ringTimeoutSeconds: 25, strategy: 'round-robin' })
    expect(await t.redis.hgetall(`${t.prefix}:q:support:cfg`)).toMatchObject({ strategy: 'round-robin', ringTimeoutMs: '25000', wrapUpMs: '40000' })
    await eventually(() => expect(second!.queues!.settings.find((q) => q.name === 'support')).toMatchObject({ ringTimeoutSeconds: 25, wrapUpSeconds: 40 }))
  })

  it('a new queue: created (201), served by the logged-in members at once, shown with figures', async () => {
    expect((await admin({ method: 'POST', url: '/agents/ivan/login' })).statusCode).toBe(200)
    const res = await admin({ method: 'PUT', url: '/queues/sales/settings', payload: { members: { groups: ['operators'] }, onNoAgents: { queue: 'support' } } })
    expect(res.statusCode, res.body).toBe(201)
    expect((await t.app.queues!.store.agent('ivan'))!.queues.sort()).toEqual(['sales', 'support'])
    expect(await t.app.queues!.store.members('sales')).toEqual(['ivan'])
    expect((await admin({ method: 'GET', url: '/queues/sales' })).json()).toMatchObject({ name: 'sales', waiting: 0 })
    await eventually(() => expect(second!.queues!.settings.map((q) => q.name)).toEqual(['sales', 'support']))
    // Taken out of the members: ivan leaves the queue, staying logged in.
    expect((await admin({ method: 'PUT', url: '/queues/sales/settings', payload: { members: { agents: ['ana'] }, onNoAgents: { queue: 'support' } } })).statusCode).toBe(200)
    expect(await t.app.queues!.store.members('sales')).toEqual([])
    expect((await t.app.queues!.store.agent('ivan'))!.state).toBe('available')
    // Left serving no queue at all: logged out of the queues.
    expect((await admin({ method: 'PUT', url: '/queues/support/settings', payload: { members: { agents: ['ana'] } } })).statusCode).toBe(200)
    expect((await t.app.queues!.store.agent('ivan'))!.state).toBe('logged-out')
    expect(await t.app.queues!.store.members('support')).toEqual([])
  })
})

describe('DELETE /queues/:name', () => {
  it('refuses a queue an IVR flow routes to, naming the flow and the node', async () => {
    expect((await admin({ method: 'PUT', url: '/queues/operators/settings', payload: { members: { groups: ['operators'] } } })).statusCode).toBe(201)
    const res = await admin({ method: 'DELETE', url: '/queues/operators' })
    expect(res.statusCode).toBe(409)
    expect(res.json().message).toMatch(/flow 'default' \(.*\), node '[^']+'/)
  })

  it('refuses a queue another overflows into, naming that queue and field', async () => {
    const res = await admin({ method: 'DELETE', url: '/queues/support' })
    expect(res.statusCode).toBe(400)
    expect(res.json().message).toContain("queue 'sales': onNoAgents: there is no queue 'support'")
  })

  it('refuses while a caller waits; once nobody waits, every instance drops it', async () => {
    const store = t.app.queues!.store
    await store.enqueue({ entry: 'e-waiting', queue: 'sales', call: 'c-1', instance: t.app.config.instanceId, number: '+38761000001', language: 'en', clientType: '', vip: false, kind: 'call' })
    const refused = await admin({ method: 'DELETE', url: '/queues/sales' })
    expect(refused.statusCode).toBe(409)
    expect(refused.json().message).toContain("queue 'sales' has 1 caller(s) waiting")
    await store.leave('e-waiting', 'abandoned')
    expect((await admin({ method: 'DELETE', url: '/queues/sales' })).statusCode).toBe(204)
    expect((await admin({ method: 'GET', url: '/queues/sales/settings' })).statusCode).toBe(404)
    expect(t.app.queues!.settings.map((q) => q.name)).toEqual(['operators', 'support'])
    expect(await store.queueNames()).not.toContain('sales')
    await eventually(() => expect(second!.queues!.settings.map((q) => q.name)).toEqual(['operators', 'support']))
    expect((await admin({ method: 'DELETE', url: '/queues/sales' })).statusCode).toBe(404)
  })
})

describe('the safety net', () => {
  it('a change written behind the API (no announcement) is applied at the next check', async () => {
    const [row] = await t.db.db.select().from(queueSettings).where(eq(queueSettings.name, 'support'))
    await t.db.db.update(queueSettings).set({ settings: { ...row!.settings, maxWaitSeconds: 777 } }).where(eq(queueSettings.name, 'support'))
    await eventually(() => expect(second!.queues!.settings.find((q) => q.name === 'support')!.maxWaitSeconds).toBe(777), 12_000)
  }, 20_000)
})
