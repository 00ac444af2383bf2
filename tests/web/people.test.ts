/**
 * The people page in a real browser: an administrator adds an operator with their login in
 * one form; the new operator logs in on the console, goes available and takes a call the
 * simulator places to the queue's number (no restart, no SQL); deactivated in the page, they
 * are logged out and their session ends. Groups are changed in the page; a supervisor reads.
 */
import { eq } from 'drizzle-orm'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { agents, calls } from '../../src/db/schema/index.js'
import { browserSession } from './browser-session.js'
import { logIn, QUEUE_NUMBER, screenshot } from './harness.js'

const web = browserSession()
const LEJLA_PASSWORD = 'lejla-secret-2026'

async function logInWith(page: Page, username: string, password: string): Promise<void> {
  await page.goto(`${web.center.base}/`)
  await page.waitForURL(/\/login/)
  await page.fill('input[name=username]', username)
  await page.fill('input[name=password]', password)
  await page.click('button[type=submit]')
}

describe('the people page', () => {
  it('an admin adds an operator with a login; they log in, go available and take a call from the queue', async () => {
    const admin = await web.newPage()
    admin.on('dialog', (d) => void d.accept())
    await logIn(admin, web.center.base, 'admin', '/people')
    await admin.waitForURL(/\/people$/)
    await expect.poll(() => admin.locator('[data-testid=people-agents] tr[data-agent=ivan]').count()).toBe(1)

    // A phone that would inject into the dial string is refused, naming the field.
    const form = admin.locator('#agent-form')
    await form.locator('input[name=id]').fill('lejla')
    await form.locator('input[name=name]').fill('Lejla Hadžić')
    await form.locator('input[name=endpoint]').fill('user/lejla,user/ivan')
    await form.locator('input[name=groups]').fill('operators')
    await form.locator('input[name=languages][value=bs]').check()
    await form.locator('input[name=username]').fill('lejla')
    await form.locator('input[name=password]').fill(LEJLA_PASSWORD)
    await form.locator('button[type=submit]').click()
    await expect.poll(() => admin.textContent('[data-testid=agent-error]')).toContain('body/endpoint')
    expect(await web.center.db.db.select().from(agents).where(eq(agents.id, 'lejla'))).toEqual([])

    await form.locator('input[name=endpoint]').fill('user/lejla')
    await form.locator('button[type=submit]').click()
    await expect.poll(() => admin.textContent('[data-testid=agent-saved]')).toContain('Lejla Hadžić')
    const row = admin.locator('[data-testid=people-agents] tr[data-agent=lejla]')
    await expect.poll(() => row.locator('[data-testid=agent-logins]').textContent()).toContain('lejla')
    expect(await row.locator('[data-testid=agent-groups]').textContent()).toBe('operators')
    // The groups view has her among the operators.
    await expect.poll(() => admin.locator('[data-group=operators] li[data-member=lejla]').count()).toBe(1)
    await screenshot(admin, 'people')

    // She logs in on the console, goes available and takes a call to the queue.
    web.center.phones.set('lejla', { outcome: 'answer', ringMs: 2000, answeredBy: 'person', talkMs: 20_000 })
    const op = await web.newPage()
    await logInWith(op, 'lejla', LEJLA_PASSWORD)
    await op.waitForURL(/\/operator$/)
    await expect.poll(() => op.textContent('[data-testid=agent-state]')).toMatch(/logged-out|available/)
    await op.click('#go-available')
    await expect.poll(() => op.textContent('[data-testid=agent-state]')).toBe('available')
    const call = web.center.sim.sw.placeSipCall({ from: '+38761777001', to: QUEUE_NUMBER, script: { steps: [] } })
    await expect.poll(() => op.locator('#call [data-testid=call-state]').textContent(), { timeout: 20_000 }).toMatch(/^Connected/)
    await call.done
    await expect.poll(async () => (await web.center.db.db.select({ answeredBy: calls.answeredBy }).from(calls).where(eq(calls.callUuid, call.channel.uuid)))[0]?.answeredBy, { timeout: 20_000 }).toBe('lejla')

    // Deactivated in the page: logged out of the queues, her session ends, the row stays.
    await row.locator('[data-action=deactivate]').click()
    await expect.poll(() => row.count()).toBe(0)
    await expect.poll(async () => (await web.center.app.queues!.store.agent('lejla'))?.state, { timeout: 20_000 }).toBe('logged-out')
    await op.waitForURL(/\/login/, { timeout: 20_000 })
    await admin.check('#show-inactive')
    await expect.poll(() => row.locator('[data-testid=agent-status]').textContent()).toBe('inactive')
    await row.locator('[data-action=activate]').click()
    await expect.poll(() => row.locator('[data-testid=agent-status]').textContent()).toBe('active')
  }, 90_000)

  it('changes a group in the page, refuses to rename one a queue serves, and is read-only for supervisors', async () => {
    const admin = await web.newPage()
    await logIn(admin, web.center.base, 'admin', '/people')
    await admin.waitForURL(/\/people$/)
    const sales = admin.locator('[data-group=sales]')
    await expect.poll(() => sales.locator('li[data-member]').count()).toBe(2)
    await sales.locator('li[data-member=petra] [data-action=remove]').click()
    await expect.poll(() => sales.locator('li[data-member]').count()).toBe(1)
    expect((await web.center.db.db.select({ groups: agents.groups }).from(agents).where(eq(agents.id, 'petra')))[0]!.groups).toEqual([])
    // The operators group is served by a queue: its rename is off, and says why.
    const operators = admin.locator('[data-group=operators]')
    expect(await operators.locator('[data-testid=group-used]').textContent()).toContain('queue operators')
    expect(await operators.locator('[data-action=rename]').isDisabled()).toBe(true)
    // Ivan, logged in, leaves the only group that serves a queue: he is logged out of it at once.
    expect((await admin.request.post(`${web.center.base}/agents/ivan/login`)).status()).toBe(200)
    expect((await web.center.app.queues!.store.agent('ivan'))!.state).toBe('available')
    await operators.locator('li[data-member=ivan] [data-action=remove]').click()
    await expect.poll(async () => (await web.center.app.queues!.store.agent('ivan'))!.state).toBe('logged-out')
    await operators.locator('select').selectOption('ivan')
    await operators.locator('[data-action=add]').click()
    await expect.poll(() => operators.locator('li[data-member=ivan]').count()).toBe(1)
    await sales.locator('input').fill('field-sales')
    await sales.locator('[data-action=rename]').click()
    await expect.poll(() => admin.locator('[data-group=field-sales] li[data-member=maria]').count()).toBe(1)

    const supervisor = await web.newPage()
    await logIn(supervisor, web.center.base, 'supervisor', '/people')
    await supervisor.waitForURL(/\/people$/)
    await expect.poll(() => supervisor.locator('[data-testid=people-agents] tr[data-agent=ivan]').count()).toBe(1)
    expect(await supervisor.locator('#agent-form').count()).toBe(0)
    expect(await supervisor.locator('[data-action]').count()).toBe(0)
    expect(await supervisor.textContent('[data-testid=read-only]')).toBeTruthy()
    // In the supervisor's own language.
    expect((await supervisor.request.put(`${web.center.base}/auth/me/language`, { data: { language: 'bs' } })).status()).toBe(200)
    await supervisor.reload()
    expect(await supervisor.textContent('main h2')).toBe('Agenti')
    await expect.poll(() => supervisor.locator('[data-testid=people-agents] tr[data-agent=ivan] [data-testid=agent-status]').textContent()).toBe('aktivan')
    // Operators may not open it.
    const operator = await web.newPage()
    await logIn(operator, web.center.base, 'ivan')
    await operator.waitForURL(/\/operator$/)
    expect((await operator.goto(`${web.center.base}/people`))?.status()).toBe(403)
  }, 60_000)

  it('gives an agent a SIP account and a line mode; a new SIP password is shown once', async () => {
    const admin = await web.newPage()
    admin.on('dialog', (d) => void d.accept())
    await logIn(admin, web.center.base, 'admin', '/people')
    await admin.waitForURL(/\/people$/)
    const row = admin.locator('[data-testid=people-agents] tr[data-agent=maria]')
    await row.locator('[data-action=edit]').click()
    const form = admin.locator('#agent-form')
    await form.locator('input[name=sipUser]').fill('maria.sip')
    await form.locator('select[name=lineMode]').selectOption('always-connected')
    await form.locator('button[type=submit]').click()
    await expect.poll(() => row.textContent()).toContain('SIP user maria.sip · always connected')
    // No switch here tells whether her phone is registered: said as unknown.
    await expect.poll(() => row.locator('[data-testid=sip-status]').textContent()).toBe('registration unknown (no switch answers)')
    const [before] = await web.center.db.db.select({ secret: agents.sipSecret, lineMode: agents.lineMode }).from(agents).where(eq(agents.id, 'maria'))
    expect(before!.lineMode).toBe('always-connected')
    expect(before!.secret).toBeTruthy()
    expect(await admin.content()).not.toContain(before!.secret)

    await row.locator('[data-action=sip-password]').click()
    await expect.poll(() => admin.locator('[data-testid=sip-password]').isVisible()).toBe(true)
    const [after] = await web.center.db.db.select({ secret: agents.sipSecret }).from(agents).where(eq(agents.id, 'maria'))
    expect(after!.secret).not.toBe(before!.secret)
    expect(await admin.textContent('#sip-password-text')).toBe(`New SIP password of maria.sip: ${after!.secret}`)
    // Shown once: a reload does not show it again.
    await admin.reload()
    expect(await admin.locator('[data-testid=sip-password]').isVisible()).toBe(false)
    expect(await admin.content()).not.toContain(after!.secret)
  }, 60_000)
})
