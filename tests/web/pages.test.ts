/**
 * The pages in a real browser (Debian's chromium through playwright-core) against the whole
 * app and the FreeSWITCH simulator: a campaign manager uploads a list, starts a campaign and
 * watches its figures move; an operator goes available, takes a simulated call with the
 * client's card, records a disposition and finds it in the call register; a supervisor sees
 * it on the wallboard and listens to the recording. Screenshots go to test-results/.
 */
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { attempts, calls, contacts } from '../../src/db/schema/index.js'
import { browserSession } from './browser-session.js'
import { CLIENT, IVANS_CLIENT, logIn, MANAGER_NUMBER, QUEUE_NUMBER, screenshot } from './harness.js'

const web = browserSession()
const newPage = web.newPage
const problems = web.problems

describe('the login page', () => {
  it('sends a visitor without a session to /login, refuses a wrong password and lets the right one in', async () => {
    // What the demo prints: the login page and a user for every role.
    expect(web.center.banner[0]).toContain(`${web.center.base}/login`)
    for (const role of ['admin', 'campaign-manager', 'supervisor', 'operator']) expect(web.center.banner.join('\n')).toContain(role)
    const page = await newPage()
    const res = await page.goto(`${web.center.base}/wallboard`)
    expect(page.url()).toBe(`${web.center.base}/login?next=%2Fwallboard`)
    expect(res?.status()).toBe(200)
    await page.fill('input[name=username]', 'supervisor')
    await page.fill('input[name=password]', 'not the password')
    await page.click('button[type=submit]')
    await expect.poll(() => page.textContent('#login-error')).toContain('wrong username or password')
    await screenshot(page, 'login')
    // An operator may not open the wallboard: the page says so.
    const operator = await newPage()
    await logIn(operator, web.center.base, 'ivan')
    await operator.waitForURL(/\/operator$/)
    const refused = await operator.goto(`${web.center.base}/wallboard`)
    expect(refused?.status()).toBe(403)
    expect(await operator.textContent('h1')).toContain('Not for your role')
  })
})

describe('the campaign manager', () => {
  it('uploads a list, sees the rejected rows, starts a campaign against the simulator and watches the figures move', async () => {
    for (let i = 1; i <= 6; i++) web.center.numbers.set(`+3876120000${i}`, { outcome: 'answer', ringMs: 1500, answeredBy: 'person', talkMs: 120_000 })
    web.center.numbers.set('+38761200005', { outcome: 'busy', ringMs: 500 })
    const page = await newPage()
    await logIn(page, web.center.base, 'manager', '/manager')
    await page.waitForURL(/\/manager$/)

    await page.fill('#campaign-form input[name=name]', 'November message')
    await page.selectOption('#campaign-form select[name=kind]', 'informational')
    await page.click('#campaign-form summary')
    await page.fill('#campaign-form textarea[name=settings]', JSON.stringify({ maxLines: 6, callsPerSecond: 5, window: { start: '00:00', end: '23:59', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] } }))
    await page.click('#campaign-form button[type=submit]')
    await expect.poll(() => page.locator('#list-campaign option').allTextContents()).toEqual([expect.stringContaining('November message')])
    const campaignId = Number(await page.inputValue('#list-campaign'))
    expect(campaignId).toBeGreaterThan(0)

    const csv = ['phone,name,language', ...[1, 2, 3, 4, 5, 6].map((i) => `+3876120000${i},Contact ${i},en`), 'call me maybe,Bad Row,en', ''].join('\n')
    await page.setInputFiles('#list-form input[type=file]', { name: 'november.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
    await page.click('#list-form button[type=submit]')
    await expect.poll(() => page.textContent('[data-testid=upload-status]')).toContain('6 accepted, 1 rejected')
    expect(await page.$eval('#upload-bar', (bar) => (bar as unknown as { value: number }).value)).toBe(100)
    const rejected = page.locator('#rejections tbody tr')
    await expect.poll(() => rejected.count()).toBe(1)
    expect(await rejected.first().textContent()).toContain('8')

    const block = page.locator(`[data-campaign="${campaignId}"]`)
    await expect.poll(() => block.locator('[data-testid=done]').textContent()).toBe('0 / 6')
    await screenshot(page, 'manager-before-start')
    await block.locator('button[data-action=start]').click()
    await expect.poll(() => block.locator('.state').textContent()).toBe('running')
    // The figures move: contacts get done, the answer rate appears, the chart fills in.
    await expect.poll(() => block.locator('[data-testid=answer-rate]').textContent(), { timeout: 30_000 }).toMatch(/%/)
    await expect.poll(async () => Number((await block.locator('[data-testid=done]').textContent())?.split(' / ')[0]), { timeout: 30_000 }).toBeGreaterThanOrEqual(3)
    await expect.poll(() => block.locator('svg.chart polyline').count(), { timeout: 10_000 }).toBeGreaterThan(0)
    expect(await block.locator('[data-testid=abandon-rate]').textContent()).toMatch(/%|–/)
    await screenshot(page, 'manager-running')

    // The chart's past comes from the database: a page opened later draws it at once.
    const history = (await (await page.request.get(`${web.center.base}/live/campaigns/${campaignId}/history`)).json()) as { points: Array<{ t: number; done: number; answer: number | null }> }
    expect(history.points.length).toBeGreaterThan(0)
    expect(history.points.at(-1)!.done).toBeGreaterThan(0)
    expect(history.points.at(-1)!.answer).toBeGreaterThan(0)
    await page.reload()
    await expect.poll(() => page.locator(`[data-campaign="${campaignId}"] svg.chart polyline`).count(), { timeout: 10_000 }).toBeGreaterThan(0)

    // Results download through the page's own session.
    const results = await page.request.get(`${web.center.base}/campaigns/${campaignId}/results.csv`)
    expect(results.status()).toBe(200)
    expect(await results.text()).toContain('+38761200001')

    // The same dashboard on a tablet.
    await page.setViewportSize({ width: 820, height: 1180 })
    await screenshot(page, 'manager-tablet')
  }, 60_000)
})

describe('the operator', () => {
  it('goes available, takes a simulated call with the client card, records a disposition and finds it in the call register', async () => {
    web.center.phones.set('ivan', { outcome: 'answer', ringMs: 3000, answeredBy: 'person', talkMs: 30_000 })
    const page = await newPage()
    await logIn(page, web.center.base, 'ivan')
    await page.waitForURL(/\/operator$/)
    await expect.poll(() => page.textContent('[data-testid=agent-state]')).toMatch(/logged-out|available/)
    await page.click('#go-available')
    await expect.poll(() => page.textContent('[data-testid=agent-state]')).toBe('available')

    const call = web.center.sim.sw.placeSipCall({ from: CLIENT.phone, to: QUEUE_NUMBER, script: { steps: [] } })
    const card = page.locator('#call')
    await expect.poll(() => card.locator('[data-testid=client-name]').textContent(), { timeout: 20_000 }).toContain(CLIENT.name)
    const text = (await card.textContent()) ?? ''
    expect(text).toContain('key')
    expect(text).toContain('Ana Kovač')
    expect(text).toContain('250.75 EUR')
    expect(text).toContain('2026-10-30')
    await expect.poll(() => card.locator('[data-testid=call-state]').textContent(), { timeout: 10_000 }).toMatch(/^Connected/)
    // An inbound call is no preview contact: nothing to dial or skip.
    expect(await card.locator('[data-action=dial]').isVisible()).toBe(false)
    expect(await card.locator('[data-action=skip]').isVisible()).toBe(false)
    await screenshot(page, 'operator-call')

    await card.locator('select[name=disposition]').selectOption('order-taken')
    await card.locator('textarea[name=notes]').fill('Wants 20 boxes delivered on Friday')
    await card.locator('button[type=submit]').click()
    await expect.poll(() => page.textContent('#no-call')).toContain('Saved: order-taken')
    // The call goes on, and its card does not come back.
    await page.waitForTimeout(1500)
    expect(await page.isHidden('#call')).toBe(true)
    const mine = page.locator(`[data-testid=my-calls] tr[data-call="${call.channel.uuid}"]`)
    await expect.poll(() => mine.locator('[data-testid=disposition]').textContent()).toBe('order-taken')
    expect(await mine.textContent()).toContain('Wants 20 boxes')
    await screenshot(page, 'operator-after')
    await page.setViewportSize({ width: 820, height: 1180 })
    await screenshot(page, 'operator-tablet')

    // The register (the API's own search) has it too, once the call is over.
    await call.done
    const found = await page.request.get(`${web.center.base}/calls?agent=ivan`)
    expect(found.status()).toBe(200)
    const { calls } = (await found.json()) as { calls: Array<{ id: number; callUuid: string }> }
    const row = calls.find((c) => c.callUuid === call.channel.uuid)
    expect(row).toBeDefined()
    const detail = (await (await page.request.get(`${web.center.base}/calls/${row!.id}`)).json()) as { details: { disposition?: { code: string; notes: string } } }
    expect(detail.details.disposition).toMatchObject({ code: 'order-taken', notes: 'Wants 20 boxes delivered on Friday' })
  }, 60_000)
})

describe('the supervisor', () => {
  it('watches queues, agents and campaigns on the wallboard and listens to a recording from the register', async () => {
    const page = await newPage()
    await logIn(page, web.center.base, 'supervisor')
    await page.waitForURL(/\/wallboard$/)
    await expect.poll(() => page.locator('[data-queue=operators]').count()).toBe(1)
    await expect.poll(() => page.locator('[data-agent=ivan]').count()).toBe(1)
    await expect.poll(() => page.locator('[data-testid=campaigns] tr[data-campaign]').count()).toBeGreaterThan(0)
    const answered = page.locator('[data-queue=operators] dd').nth(1)
    await expect.poll(() => answered.textContent()).toMatch(/^1 /)
    const row = page.locator('[data-testid=register] tr', { hasText: 'order-taken' })
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1)
    // The recording is catalogued when the call ends; search again until it is there.
    await expect
      .poll(async () => {
        await page.click('#call-search button[type=submit]')
        await page.waitForTimeout(300)
        return row.locator('button[data-recording]').count()
      }, { timeout: 15_000 })
      .toBeGreaterThan(0)
    await row.locator('button[data-recording]').first().click()
    const src = await page.getAttribute('#player', 'src')
    expect(src).toMatch(/^\/recordings\/\d+$/)
    const audio = await page.request.get(`${web.center.base}${src}`, { headers: { range: 'bytes=0-11' } })
    expect(audio.status()).toBe(206)
    expect((await audio.body()).subarray(0, 4).toString()).toBe('RIFF')
    // A campaign's call shows how its attempt ended.
    const campaignRow = page.locator('[data-testid=register] tr', { hasText: 'campaign #' }).first()
    await expect.poll(() => campaignRow.locator('td').nth(4).textContent()).toMatch(/^(completed|human|machine|abandoned)$/)
    await screenshot(page, 'wallboard')
    await page.setViewportSize({ width: 820, height: 1180 })
    await screenshot(page, 'wallboard-tablet')
  }, 60_000)
})

describe('a campaign call to an operator', () => {
  it("shows the contact's fields, the campaign and its script on the card, and keeps the disposition on the attempt", async () => {
    web.center.phones.set('ivan', { outcome: 'answer', ringMs: 500, answeredBy: 'person', talkMs: 30_000 })
    web.center.numbers.set('+38761300001', { outcome: 'answer', ringMs: 1000, answeredBy: 'person', talkMs: 120_000 })
    const manager = await newPage()
    await logIn(manager, web.center.base, 'manager', '/manager')
    await manager.waitForURL(/\/manager$/)
    const created = await manager.request.post(`${web.center.base}/campaigns`, {
      data: { name: 'Winter offer', kind: 'telesales', settings: { operatorsQueue: 'operators', mode: 'progressive', window: { start: '00:00', end: '23:59', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] } } },
    })
    expect(created.status()).toBe(201)
    const campaign = (await created.json()) as { id: number }
    const mapping = JSON.stringify({ phone: 'phone', name: 'name', fields: { offer: 'offer' } })
    const upload = await manager.request.post(`${web.center.base}/campaigns/${campaign.id}/lists?name=winter.csv&mapping=${encodeURIComponent(mapping)}`, {
      headers: { 'content-type': 'text/csv' },
      data: 'phone,name,offer\n+38761300001,Hana Delić,10 % off winter tyres\n',
    })
    expect(upload.status()).toBe(201)

    const page = await newPage()
    await logIn(page, web.center.base, 'ivan')
    await page.waitForURL(/\/operator$/)
    await expect.poll(() => page.textContent('[data-testid=agent-state]'), { timeout: 20_000 }).toBe('available')
    expect((await manager.request.post(`${web.center.base}/campaigns/${campaign.id}/start`)).status()).toBe(200)

    const card = page.locator('#call')
    await expect.poll(() => card.textContent(), { timeout: 20_000 }).toContain('Winter offer')
    const text = (await card.textContent()) ?? ''
    expect(text).toContain('Hana Delić')
    expect(text).toContain('10 % off winter tyres')
    expect(text).toContain('Present this month')
    await screenshot(page, 'operator-campaign-call')
    await card.locator('select[name=disposition]').selectOption('sale')
    await card.locator('textarea[name=notes]').fill('Two sets')
    await card.locator('button[type=submit]').click()
    await expect.poll(() => page.textContent('#no-call')).toContain('Saved: sale')
    const [attempt] = await web.center.db.db.select().from(attempts).where(eq(attempts.campaignId, campaign.id))
    expect(attempt).toMatchObject({ disposition: 'sale', agentId: 'ivan' })
    const [contact] = await web.center.db.db.select().from(contacts).where(eq(contacts.campaignId, campaign.id))
    expect(contact!.disposition).toBe('sale')
  }, 60_000)
})

describe('a preview campaign', () => {
  it('lets the operator take the next contact, call it from the card and record the outcome', async () => {
    web.center.phones.set('ivan', { outcome: 'answer', ringMs: 500, answeredBy: 'person', talkMs: 30_000 })
    web.center.numbers.set('+38761400001', { outcome: 'answer', ringMs: 1000, answeredBy: 'person', talkMs: 120_000 })
    const manager = await newPage()
    await logIn(manager, web.center.base, 'manager', '/manager')
    await manager.waitForURL(/\/manager$/)
    const created = await manager.request.post(`${web.center.base}/campaigns`, {
      data: { name: 'Old friends', kind: 'dormant', settings: { operatorsQueue: 'operators', mode: 'preview', window: { start: '00:00', end: '23:59', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] } } },
    })
    expect(created.status()).toBe(201)
    const campaign = (await created.json()) as { id: number }
    const mapping = JSON.stringify({ phone: 'phone', name: 'name', fields: { last_order: 'last_order' } })
    const upload = await manager.request.post(`${web.center.base}/campaigns/${campaign.id}/lists?name=old.csv&mapping=${encodeURIComponent(mapping)}`, {
      headers: { 'content-type': 'text/csv' },
      data: 'phone,name,last_order\n+38761400001,Kiosk Zenica,2026-03-02\n',
    })
    expect(upload.status()).toBe(201)
    expect((await manager.request.post(`${web.center.base}/campaigns/${campaign.id}/start`)).status()).toBe(200)

    const page = await newPage()
    await logIn(page, web.center.base, 'ivan')
    await page.waitForURL(/\/operator$/)
    await expect.poll(() => page.textContent('[data-testid=agent-state]'), { timeout: 20_000 }).toBe('available')
    const take = page.locator(`[data-preview="${campaign.id}"]`)
    await take.click({ timeout: 10_000 })
    const card = page.locator('#call')
    await expect.poll(() => card.locator('[data-testid=call-state]').textContent(), { timeout: 10_000 }).toContain('Held for you')
    expect(await card.textContent()).toContain('Kiosk Zenica')
    expect(await card.textContent()).toContain('2026-03-02')
    await screenshot(page, 'operator-preview')
    await card.locator('button[data-action=dial]').click()
    await expect.poll(() => card.locator('[data-testid=call-state]').textContent(), { timeout: 15_000 }).toMatch(/^Connected/)
    await card.locator('select[name=disposition]').selectOption('reactivated')
    await card.locator('button[type=submit]').click()
    await expect.poll(() => page.textContent('#no-call')).toContain('Saved: reactivated')
    const [attempt] = await web.center.db.db.select().from(attempts).where(eq(attempts.campaignId, campaign.id))
    expect(attempt).toMatchObject({ disposition: 'reactivated', agentId: 'ivan' })
  }, 60_000)
})

describe('a call the IVR rings an account manager for', () => {
  it('shows their own client on the card, and the disposition is theirs to record', async () => {
    web.center.phones.set('ivan', { outcome: 'answer', ringMs: 1000, answeredBy: 'person', talkMs: 20_000 })
    const page = await newPage()
    await logIn(page, web.center.base, 'ivan')
    await page.waitForURL(/\/operator$/)
    await expect.poll(() => page.textContent('[data-testid=agent-state]'), { timeout: 20_000 }).toMatch(/^(available|logged-out)$/)
    if ((await page.textContent('[data-testid=agent-state]')) === 'logged-out') await page.click('#go-available')
    await expect.poll(() => page.textContent('[data-testid=agent-state]')).toBe('available')
    const call = web.center.sim.sw.placeSipCall({ from: IVANS_CLIENT.phone, to: MANAGER_NUMBER, script: { steps: [] } })
    const card = page.locator('#call')
    await expect.poll(() => card.locator('[data-testid=client-name]').textContent(), { timeout: 20_000 }).toContain(IVANS_CLIENT.name)
    expect(await card.textContent()).toContain('80.00 BAM')
    await card.locator('select[name=disposition]').selectOption('resolved')
    await card.locator('button[type=submit]').click()
    await expect.poll(() => page.textContent('#no-call')).toContain('Saved: resolved')
    await call.done
    await expect.poll(async () => (await web.center.db.db.select().from(calls).where(eq(calls.callUuid, call.channel.uuid)))[0]?.details.disposition, { timeout: 10_000 }).toMatchObject({ code: 'resolved', agent: 'ivan' })
  }, 60_000)
})

describe('the live stream and the pages’ own routes', () => {
  it('give an operator only their own desk and calls, and refuse what is not theirs', async () => {
    await web.center.db.db.insert(calls).values({ callUuid: 'someone-elses-call', direction: 'inbound', callerNumber: '+38761999999', startedAt: new Date(web.center.clock.now()), answeredBy: 'ana' })
    const anonymous = await fetch(`${web.center.base}/live/events`)
    expect(anonymous.status).toBe(401)
    expect(await anonymous.json()).toMatchObject({ error: 'unauthenticated' })

    const page = await newPage()
    await logIn(page, web.center.base, 'ivan')
    await page.waitForURL(/\/operator$/)
    // The pages run only their own scripts: an injected inline one is refused.
    // (A string: the test is compiled without the DOM's types.)
    const injected = await page.evaluate(
      "(async () => { const s = document.createElement('script'); s.textContent = 'window.injected = true'; document.body.append(s); await new Promise((r) => setTimeout(r, 100)); return window.injected === true })()",
    )
    expect(injected).toBe(false)
    await expect.poll(() => problems.some((p) => p.includes('Content Security Policy'))).toBe(true)
    problems.splice(0)
    // What the stream sends an operator: their desk, nothing of the floor or the campaigns.
    const seen = await page.evaluate(
      () =>
        new Promise<Array<{ type: string; data: string }>>((resolve) => {
          const got: Array<{ type: string; data: string }> = []
          const source = new EventSource('/live/events')
          for (const type of ['board', 'desk', 'problem']) source.addEventListener(type, (e) => got.push({ type, data: (e as unknown as { data: string }).data }))
          setTimeout(() => {
            source.close()
            resolve(got)
          }, 2500)
        }),
    )
    expect(seen.length).toBeGreaterThan(0)
    expect(new Set(seen.map((e) => e.type))).toEqual(new Set(['desk']))
    expect(JSON.parse(seen[0]!.data)).toMatchObject({ agent: { id: 'ivan' } })

    const other = await page.request.post(`${web.center.base}/operator/disposition`, { data: { callUuid: 'someone-elses-call', disposition: 'resolved' } })
    expect(other.status()).toBe(403)
    expect(await other.json()).toMatchObject({ error: 'not-your-call' })
    const malformed = await page.request.post(`${web.center.base}/operator/disposition`, { data: { callUuid: '../x', disposition: 'Not A Code!' } })
    expect(malformed.status()).toBe(400)
    const unknown = await page.request.post(`${web.center.base}/operator/disposition`, { data: { callUuid: 'no-such-call', disposition: 'resolved' } })
    expect(unknown.status()).toBe(404)
    const theirs = await page.request.get(`${web.center.base}/live/calls?agent=ana`)
    expect(theirs.status()).toBe(403)
    const mine = (await (await page.request.get(`${web.center.base}/live/calls`)).json()) as { calls: Array<{ callUuid: string; answeredBy: string | null }> }
    expect(mine.calls.length).toBeGreaterThan(0)
    expect(mine.calls.every((c) => c.answeredBy === 'ivan' || c.answeredBy === null)).toBe(true)
    expect(mine.calls.map((c) => c.callUuid)).not.toContain('someone-elses-call')
    // Nothing was written by the refused requests.
    const [row] = await web.center.db.db.select().from(calls).where(eq(calls.callUuid, 'someone-elses-call'))
    expect(row!.details).toEqual({})
    // A page the role may not open, and assets that are not there.
    expect((await page.request.get(`${web.center.base}/manager`)).status()).toBe(403)
    expect((await page.request.get(`${web.center.base}/web/..%2Froutes.ts`)).status()).toBe(404)

    // Logged out elsewhere: the stream says so and ends (within its 5 s recheck).
    await page.goto(`${web.center.base}/web/app.css`)
    const ended = page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const source = new EventSource('/live/events')
          source.addEventListener('ended', (e) => {
            source.close()
            resolve((e as unknown as { data: string }).data)
          })
          setTimeout(() => resolve('still open'), 9000)
        }),
    )
    await page.waitForTimeout(500)
    expect((await page.request.post(`${web.center.base}/auth/logout`)).status()).toBe(204)
    expect(await ended).toContain('the session has ended')
  }, 40_000)
})
