/**
 * The operator console and a call's result, in a real browser against the whole app and the
 * FreeSWITCH simulator: the card with 200-character names keeps the page its width and the
 * disposition in view; a callback asks for the contact's local time; wrap-up waits for the
 * disposition (up to the queue's dispositionMaxSeconds), a call left unsaved waits in "To
 * finish", and a recent call's disposition can be reopened and changed.
 */
import { eq } from 'drizzle-orm'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { calls, clients, contacts } from '../../src/db/schema/index.js'
import { localTime } from '../../src/ivr/hours.js'
import { browserSession } from './browser-session.js'
import { CLIENT, logIn, QUEUE_NUMBER, screenshot } from './harness.js'

// Wrap-up waits a minute of the center's time (about six seconds of the test's) for a disposition.
const QUEUES = `
queues:
  operators:
    members: { groups: [operators] }
    wrapUpSeconds: 10
    dispositionMaxSeconds: 60
    serviceLevelSeconds: 20
`

const web = browserSession({ queuesYaml: QUEUES })
const newPage = web.newPage

async function operator(): Promise<Page> {
  const page = await newPage()
  await logIn(page, web.center.base, 'ivan')
  await page.waitForURL(/\/operator$/)
  await expect.poll(() => page.textContent('[data-testid=agent-state]'), { timeout: 20_000 }).toMatch(/^(available|logged-out|wrap-up)$/)
  if ((await page.textContent('[data-testid=agent-state]')) === 'logged-out') await page.click('#go-available')
  await expect.poll(() => page.textContent('[data-testid=agent-state]'), { timeout: 20_000 }).toBe('available')
  return page
}

/** Whether the page is no wider than the window, `selector` lies inside it from left to right, and (unscrolled) from top to bottom. */
async function fits(page: Page, selector: string): Promise<{ pageFits: boolean; inView: boolean; onScreen: boolean }> {
  // Run in the page (as text: the tests are compiled without the DOM's types).
  return page.evaluate(`(() => {
    window.scrollTo(0, 0)
    const r = document.querySelector(${JSON.stringify(selector)}).getBoundingClientRect()
    return { pageFits: document.documentElement.scrollWidth <= window.innerWidth, inView: r.width > 0 && r.left >= 0 && r.right <= window.innerWidth, onScreen: r.top >= 0 && r.bottom <= window.innerHeight }
  })()`)
}

describe('a campaign call with 200-character names', () => {
  it('keeps the page its width and the disposition in view; a callback asks for the contact\'s local time', async () => {
    const long = (word: string) => (word + ' ').repeat(200).slice(0, 200)
    const unbroken = 'Ž'.repeat(200)
    const phone = '+38761500001'
    await web.center.db.db.insert(clients).values({ ...CLIENT, phone, name: long('Trgovina') })
    web.center.phones.set('ivan', { outcome: 'answer', ringMs: 500, answeredBy: 'person', talkMs: 40_000 })
    web.center.numbers.set(phone, { outcome: 'answer', ringMs: 1000, answeredBy: 'person', talkMs: 120_000 })
    const manager = await newPage()
    await logIn(manager, web.center.base, 'manager', '/manager')
    await manager.waitForURL(/\/manager$/)
    const created = await manager.request.post(`${web.center.base}/campaigns`, {
      data: { name: long('Zimska'), kind: 'telesales', settings: { operatorsQueue: 'operators', mode: 'progressive', window: { start: '08:00', end: '20:00', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] } } },
    })
    expect(created.status()).toBe(201)
    const campaign = (await created.json()) as { id: number }
    const mapping = JSON.stringify({ phone: 'phone', name: 'name', fields: { offer: 'offer' } })
    const upload = await manager.request.post(`${web.center.base}/campaigns/${campaign.id}/lists?name=long.csv&mapping=${encodeURIComponent(mapping)}`, {
      headers: { 'content-type': 'text/csv' },
      data: `phone,name,offer\n${phone},${unbroken},${long('popust')}\n`,
    })
    expect(upload.status()).toBe(201)

    const page = await operator()
    expect((await manager.request.post(`${web.center.base}/campaigns/${campaign.id}/start`)).status()).toBe(200)
    const card = page.locator('#call')
    await expect.poll(() => card.textContent(), { timeout: 20_000 }).toContain(unbroken)
    for (const width of [1280, 820, 390]) {
      await page.setViewportSize({ width, height: 800 })
      expect(await fits(page, '#call select[name=disposition]'), `at ${width}px`).toMatchObject({ pageFits: true, inView: true })
      expect(await fits(page, '#call textarea[name=notes]'), `at ${width}px`).toMatchObject({ pageFits: true, inView: true })
    }
    // On a desk's screen the names take no more room than short ones: the disposition is on screen unscrolled.
    await page.setViewportSize({ width: 1280, height: 800 })
    expect(await fits(page, '#call select[name=disposition]')).toEqual({ pageFits: true, inView: true, onScreen: true })
    // The whole name is in the title.
    expect(await card.locator('[data-testid=client-name] .name').getAttribute('title')).toBe(long('Trgovina'))
    await page.setViewportSize({ width: 1280, height: 800 })
    await screenshot(page, 'operator-long-names')

    // Do-not-call asks how far: this campaign or every one.
    await card.locator('select[name=disposition]').selectOption('do-not-call')
    await expect.poll(() => card.locator('select[name=dncScope]').isVisible()).toBe(true)
    expect(await card.locator('select[name=dncScope] option').allTextContents()).toEqual(['again in this campaign', 'in any campaign'])
    // A callback: the date and time, in the contact's zone (the card says which).
    await card.locator('select[name=disposition]').selectOption('callback')
    const when = card.locator('input[name=callbackAt]')
    await expect.poll(() => when.isVisible()).toBe(true)
    expect(await card.textContent()).toContain('Europe/Sarajevo')
    const tz = 'Europe/Sarajevo'
    const today = localTime(new Date(web.center.clock.now()), tz).date
    await when.fill(`${today}T00:30`)
    await card.locator('button[type=submit]').click()
    await expect.poll(() => card.locator('.error').textContent()).toMatch(/has passed|calling window/)
    const tomorrow = localTime(new Date(web.center.clock.now() + 86_400_000), tz).date
    await when.fill(`${tomorrow}T21:15`)
    await card.locator('button[type=submit]').click()
    await expect.poll(() => card.locator('.error').textContent()).toContain('calling window')
    await when.fill(`${tomorrow}T10:30`)
    await card.locator('button[type=submit]').click()
    await expect.poll(() => page.textContent('#no-call')).toContain(`Saved: callback ${tomorrow} 10:30`)
    const [row] = await web.center.db.db.select().from(contacts).where(eq(contacts.phone, phone))
    expect(row).toMatchObject({ disposition: 'callback', callbackAgentId: 'ivan' })
    expect(localTime(row!.callbackAt!, tz)).toMatchObject({ date: tomorrow, minutes: 10 * 60 + 30 })
  }, 90_000)
})

describe('wrap-up and the disposition', () => {
  it('waits for the disposition; a call left unsaved goes to "To finish"; a recent call can be reopened', async () => {
    web.center.phones.set('ivan', { outcome: 'answer', ringMs: 500, answeredBy: 'person', talkMs: 20_000 })
    const page = await operator()
    const first = web.center.sim.sw.placeSipCall({ from: CLIENT.phone, to: QUEUE_NUMBER, script: { steps: [] } })
    const card = page.locator('#call')
    await expect.poll(() => card.locator('[data-testid=call-state]').textContent(), { timeout: 20_000 }).toMatch(/^Connected/)
    await first.done
    await expect.poll(() => card.locator('[data-testid=call-state]').textContent(), { timeout: 10_000 }).toContain('enter the disposition')
    // Past the queue's wrapUpSeconds (10 s of the center's time) the agent still finishes the call.
    const endedAt = web.center.clock.now()
    while (web.center.clock.now() < endedAt + 25_000) await page.waitForTimeout(200)
    expect(await page.textContent('[data-testid=agent-state]')).toBe('wrap-up')
    await expect.poll(() => page.textContent('#agent-since')).toContain('the next call waits for your disposition')
    // Saved: free at once for the next caller.
    await card.locator('select[name=disposition]').selectOption('resolved')
    await card.locator('button[type=submit]').click()
    await expect.poll(() => page.textContent('#no-call')).toContain('Saved: resolved')
    await expect.poll(() => page.textContent('[data-testid=agent-state]'), { timeout: 5_000 }).toBe('available')
    expect(web.center.clock.now() - endedAt).toBeLessThan(60_000)

    // Not saved: after dispositionMaxSeconds the next caller comes, the call waits in "To finish".
    const second = web.center.sim.sw.placeSipCall({ from: '+38761999001', to: QUEUE_NUMBER, script: { steps: [] } })
    await expect.poll(() => card.locator('[data-testid=call-state]').textContent(), { timeout: 20_000 }).toMatch(/^Connected/)
    await second.done
    const third = web.center.sim.sw.placeSipCall({ from: '+38761999002', to: QUEUE_NUMBER, script: { steps: [] } })
    await expect.poll(() => page.locator('#call [data-call]').getAttribute('data-call'), { timeout: 30_000 }).toBe(third.channel.uuid)
    const toFinish = page.locator(`[data-testid=to-finish] [data-call="${second.channel.uuid}"]`)
    await expect.poll(() => toFinish.count(), { timeout: 15_000 }).toBe(1)
    await screenshot(page, 'operator-to-finish')
    await toFinish.locator('button[data-action=finish]').click()
    const edit = page.locator('#edit-call')
    await edit.locator('select[name=disposition]').selectOption('escalated')
    await edit.locator('textarea[name=notes]').fill('Finished later')
    await edit.locator('button[type=submit]').click()
    await expect.poll(() => toFinish.count(), { timeout: 10_000 }).toBe(0)
    await expect.poll(async () => (await web.center.db.db.select().from(calls).where(eq(calls.callUuid, second.channel.uuid)))[0]?.details.disposition).toMatchObject({ code: 'escalated', notes: 'Finished later' })

    // Reopened from the recent calls: the first call's disposition changed.
    const recent = page.locator(`[data-testid=my-calls] tr[data-call="${first.channel.uuid}"]`)
    await expect.poll(() => recent.count(), { timeout: 15_000 }).toBe(1)
    await recent.locator('button[data-action=edit]').click()
    expect(await edit.locator('select[name=disposition]').inputValue()).toBe('resolved')
    await edit.locator('select[name=disposition]').selectOption('complaint')
    await edit.locator('button[type=submit]').click()
    await expect.poll(() => recent.locator('[data-testid=disposition]').textContent(), { timeout: 15_000 }).toBe('complaint')
    expect((await web.center.db.db.select().from(calls).where(eq(calls.callUuid, first.channel.uuid)))[0]?.details.disposition).toMatchObject({ code: 'complaint' })
  }, 120_000)
})
