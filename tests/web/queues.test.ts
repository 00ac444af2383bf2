/**
 * The queues page in a real browser: an administrator changes a queue (ring time, service
 * level, strategy, a member) and creates one, and a second app instance on the same database
 * and Redis prefix serves the new settings without a restart; a bad value is refused with the
 * field named; a supervisor reads the forms but cannot change them.
 */
import type { FastifyInstance } from 'fastify'
import type { Page } from 'playwright-core'
import { afterAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../../src/app.js'
import { buildHttpServer } from '../../src/http/server.js'
import { silentLogger } from '../../src/log.js'
import { parseQueues } from '../../src/queue/config.js'
import { as, login, type Inject } from '../http/session.js'
import { browserSession } from './browser-session.js'
import { logIn, PASSWORD, screenshot } from './harness.js'

const web = browserSession()

let second: { app: App; http: FastifyInstance; admin: Inject } | undefined

/** Another instance of the same center: same database, same Redis prefix, its own (stale) queues file. */
async function startSecond(): Promise<NonNullable<typeof second>> {
  const config = { ...web.center.app.config, instanceId: 'web-2', eslListen: { host: '127.0.0.1', port: 0 } }
  const stale = parseQueues('queues:\n  operators:\n    members: { groups: [operators] }\n    ringTimeoutSeconds: 15\n', 'stale.yaml')
  const app = await startApp({ config, log: silentLogger, clock: web.center.clock, flow: async () => {}, control: false, queues: stale })
  const http = buildHttpServer(app)
  await http.ready()
  return { app, http, admin: as(http, await login(http, 'admin', PASSWORD)) }
}

afterAll(async () => {
  await second?.http.close()
  await second?.app.stop(0).catch(() => {})
})

async function eventually(check: () => Promise<void>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms
  for (;;) {
    try {
      return await check()
    } catch (err) {
      if (Date.now() > end) throw err
      await new Promise((r) => setTimeout(r, 100))
    }
  }
}

const card = (page: Page, name: string) => page.locator(`[data-testid="queue-${name}"]`)

describe('the queues page', () => {
  it("an administrator's change reaches a second instance without a restart", async () => {
    second = await startSecond()
    const before = (await second.admin({ method: 'GET', url: '/queues/operators/settings' })).json()
    expect(before.settings).toMatchObject({ ringTimeoutSeconds: 15, strategy: 'longest-idle' })

    const page = await web.newPage()
    await logIn(page, web.center.base, 'admin', '/settings/queues')
    await page.waitForURL(/\/settings\/queues/)
    const ops = card(page, 'operators')
    await expect.poll(() => ops.locator('[data-testid=ringTimeoutSeconds]').inputValue()).toBe('15')
    await ops.locator('[data-testid=ringTimeoutSeconds]').fill('30')
    await ops.locator('[data-testid=serviceLevelSeconds]').fill('45')
    await ops.locator('select[name=strategy]').selectOption('round-robin')
    // maria (routing group sales) joins as an agent of the queue.
    await ops.locator('input[name=agents][value=maria]').check()
    await ops.locator('[data-testid=queue-save]').click()
    await expect.poll(() => card(page, 'operators').locator('[data-testid=queue-status]').textContent()).toContain('version 2')
    await screenshot(page, 'queues-admin')

    // The second instance: its settings, its figures and its desk follow.
    await eventually(async () => {
      const s = (await second!.admin({ method: 'GET', url: '/queues/operators' })).json()
      expect(s.serviceLevelSeconds).toBe(45)
    })
    expect(second.app.queues!.settings.find((q) => q.name === 'operators')).toMatchObject({ ringTimeoutSeconds: 30, strategy: 'round-robin', serviceLevelSeconds: 45 })
    const maria = await second.admin({ method: 'POST', url: '/agents/maria/login' })
    expect(maria.statusCode, maria.body).toBe(200)
    expect(maria.json().queues).toContain('operators')
    expect(await web.center.app.queues!.store.members('operators')).toContain('maria')
  })

  it('a bad value is refused with the field named; a new queue is created and reaches the other instance', async () => {
    const page = await web.newPage()
    await logIn(page, web.center.base, 'admin', '/settings/queues')
    const ops = card(page, 'operators')
    await ops.locator('[data-testid=ringTimeoutSeconds]').fill('2')
    await ops.locator('[data-testid=queue-save]').click()
    await expect.poll(() => ops.locator('[data-testid=queue-error]').textContent()).toContain("queue 'operators': ringTimeoutSeconds")

    const fresh = card(page, 'new')
    await fresh.locator('[data-testid=name]').fill('billing')
    await fresh.locator('input[name=groups][value=operators]').check()
    await fresh.locator('select[name=onNoAgents]').selectOption('queue:operators')
    await fresh.locator('select[name=keyCallback]').selectOption('2')
    await fresh.locator('[data-testid=queue-save]').click()
    await expect.poll(() => card(page, 'billing').count()).toBe(1)
    await eventually(async () => {
      const r = await second!.admin({ method: 'GET', url: '/queues/billing/settings' })
      expect(r.statusCode).toBe(200)
      expect(second!.app.queues!.settings.find((q) => q.name === 'billing')).toMatchObject({ onNoAgents: { queue: 'operators' }, keys: { '2': 'callback' } })
    })

    // Removing it takes two clicks; then it is gone here and there.
    await card(page, 'billing').locator('[data-testid=queue-remove]').click()
    await card(page, 'billing').locator('[data-testid=queue-remove]').click()
    await expect.poll(() => card(page, 'billing').count()).toBe(0)
    await eventually(async () => expect(second!.app.queues!.settings.map((q) => q.name)).toEqual(['operators']))
  })

  it('a supervisor reads the settings but cannot change them', async () => {
    const page = await web.newPage({ width: 800, height: 1000 })
    await logIn(page, web.center.base, 'supervisor', '/settings/queues')
    const ops = card(page, 'operators')
    await expect.poll(() => ops.locator('[data-testid=ringTimeoutSeconds]').inputValue()).toBe('30')
    expect(await ops.locator('[data-testid=ringTimeoutSeconds]').isDisabled()).toBe(true)
    expect(await page.locator('[data-testid=queue-save]').count()).toBe(0)
    expect(await card(page, 'new').count()).toBe(0)
    await screenshot(page, 'queues-supervisor-tablet')
  })

  it('reads in Bosnian', async () => {
    const page = await web.newPage()
    await logIn(page, web.center.base, 'admin', '/settings/queues')
    await page.locator('[data-testid=language]').selectOption('bs')
    await expect.poll(() => page.locator('h2').first().textContent()).toBe('Postavke redova čekanja')
    await expect.poll(() => card(page, 'operators').locator('select[name=strategy] option:checked').textContent()).toBe('redom (round robin)')
  })
})
