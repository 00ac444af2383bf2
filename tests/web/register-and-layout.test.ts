/**
 * The wallboard's call register in a real browser (Debian's chromium through playwright-core)
 * against the whole app: it follows the live stream (a call that starts or ends shows without
 * a reload), finds a call by a national number and by the agent's name, and keeps its
 * recording player in view with a stop button. And names 200 characters long (campaigns,
 * clients, agents, contacts) never make the manager's page or the wallboard wider than the
 * window, on a desktop (1280 px) or a phone (390 px).
 */
import fs from 'node:fs'
import path from 'node:path'
import { eq } from 'drizzle-orm'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { agents, calls, campaigns, clients, contacts, recordings } from '../../src/db/schema/index.js'
import { browserSession } from './browser-session.js'
import { logIn, screenshot, type WebCenter } from './harness.js'

// One unbroken word and one with spaces: either may come from a list or a form.
const LONG_WORD = 'Ž'.repeat(40) + 'Dugoimeniproizvođačdijelovazaautomobile'.repeat(5)
const LONG_NAME = Array.from({ length: 20 }, (_, i) => `Imenko${i}`).join(' ').padEnd(200, 'x')
const AGENT_NAME = 'Ljiljana ' + 'Hadžiabdić'.repeat(19)

/** Old calls with recordings, and names 200 characters long, for every test of the file. */
async function seed(center: WebCenter): Promise<void> {
  const db = center.db.db
  expect(LONG_WORD.length).toBeGreaterThanOrEqual(200)
  await db.insert(agents).values({ id: 'ljiljana', name: AGENT_NAME, endpoint: 'user/ljiljana', groups: ['sales'] })
  const [client] = await db.insert(clients).values({ name: LONG_WORD, phone: '+38761999888', type: 'key', managerId: 'ana' }).returning()
  const [campaign] = await db.insert(campaigns).values({ name: LONG_WORD, kind: 'payment-reminder' }).returning()
  await db.insert(campaigns).values({ name: LONG_NAME, kind: 'survey' })
  await db.insert(contacts).values({ campaignId: campaign!.id, phone: '+38761999777', name: LONG_WORD, timezone: 'Europe/Sarajevo' })
  // Older calls than any the test makes: enough rows to scroll, each with a recording.
  const wav = fs.readFileSync(path.resolve('prompts/music/hold.wav'))
  const dir = path.join(center.app.config.recordingsDir, '2026/11/20')
  fs.mkdirSync(dir, { recursive: true })
  const at = (m: number) => new Date(Date.parse('2026-11-20T08:00:00Z') + m * 60_000)
  const rows = Array.from({ length: 24 }, (_, i) => ({
    callUuid: `old-${i}`,
    direction: 'inbound',
    callerNumber: i === 0 ? '+38762351516' : `+3876110${String(i).padStart(4, '0')}`,
    destination: '7000',
    startedAt: at(i),
    answeredAt: at(i),
    endedAt: at(i + 1),
    queue: 'operators',
    queueOutcome: 'answered',
    answeredBy: i % 3 === 0 ? 'ivan' : i % 3 === 1 ? 'ljiljana' : 'ana',
    clientId: i === 1 ? client!.id : null,
    callerName: i === 2 ? LONG_WORD : '',
  }))
  await db.insert(calls).values(rows)
  for (const r of rows) {
    fs.writeFileSync(path.join(dir, `${r.callUuid}.wav`), wav)
    await db.insert(recordings).values({ callUuid: r.callUuid, kind: 'call', path: `2026/11/20/${r.callUuid}.wav`, startedAt: r.startedAt, durationMs: 5000 })
  }
}

const web = browserSession({ seed })
const newPage = web.newPage

async function wallboard(viewport?: { width: number; height: number }): Promise<Page> {
  const page = await newPage(viewport)
  await logIn(page, web.center.base, 'supervisor', '/wallboard')
  await page.waitForURL(/\/wallboard$/)
  await page.waitForSelector('[data-testid=register] tr[data-call]')
  return page
}

// Strings run in the page: the tests are compiled without the DOM's types.
const registerRows = (page: Page): Promise<string[]> => page.evaluate("[...document.querySelectorAll('[data-testid=register] tr[data-call]')].map((tr) => tr.dataset.call)")

describe('the call register on the wallboard', () => {
  it('shows a call that starts and then ends without a reload', async () => {
    const page = await wallboard()
    expect(await registerRows(page)).not.toContain('live-1')
    const db = web.center.db.db
    const now = new Date(web.center.clock.now())
    await db.insert(calls).values({ callUuid: 'live-1', direction: 'inbound', callerNumber: '+38761555444', destination: '7000', startedAt: now, queue: 'operators' })
    await expect.poll(() => registerRows(page), { timeout: 10_000 }).toContain('live-1')
    expect(await page.textContent('tr[data-call=live-1]')).not.toContain('answered')
    await db.update(calls).set({ answeredAt: now, endedAt: new Date(now.getTime() + 60_000), queueOutcome: 'answered', answeredBy: 'ivan' }).where(eq(calls.callUuid, 'live-1'))
    await expect.poll(() => page.textContent('tr[data-call=live-1]'), { timeout: 10_000 }).toContain('answered')
    expect(await page.textContent('tr[data-call=live-1]')).toContain('Ivan Marić')
  })

  it('finds a call by the national number and by the agent’s name', async () => {
    const page = await wallboard()
    await page.fill('#call-search input[name=number]', '062 351 516')
    await page.click('#call-search button[type=submit]')
    await expect.poll(() => registerRows(page)).toEqual(['old-0'])
    await page.fill('#call-search input[name=number]', '')
    await page.fill('#call-search input[name=agent]', 'ivan marić')
    await page.click('#call-search button[type=submit]')
    await expect.poll(async () => (await registerRows(page)).filter((u) => u?.startsWith('old-'))).toEqual(['old-21', 'old-18', 'old-15', 'old-12', 'old-9', 'old-6', 'old-3', 'old-0'])
    await page.fill('#call-search input[name=agent]', 'Ljiljana')
    await page.click('#call-search button[type=submit]')
    await expect.poll(async () => (await registerRows(page)).length).toBe(8)
    expect(await page.textContent('[data-testid=register]')).toContain(AGENT_NAME)
  })

  it('keeps the recording player in view while scrolling, and stops it', async () => {
    const page = await wallboard({ width: 1280, height: 600 })
    // A locator, not element handles: the live register may redraw its rows at any moment.
    const buttons = page.locator('[data-testid=register] button[data-recording]')
    expect(await buttons.count()).toBeGreaterThan(10)
    await buttons.last().scrollIntoViewIfNeeded()
    await buttons.last().click()
    const inView = (): Promise<boolean> =>
      page.evaluate("(() => { const p = document.getElementById('player'); const r = p.getBoundingClientRect(); return !p.closest('[hidden]') && r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight })()")
    await expect.poll(inView).toBe(true)
    await page.evaluate('window.scrollTo(0, document.body.scrollHeight)')
    expect(await inView()).toBe(true)
    await page.mouse.wheel(0, -400)
    await expect.poll(inView).toBe(true)
    await screenshot(page, 'wallboard-player')
    await page.click('[data-testid=player-stop]')
    expect(await page.evaluate("(() => { const p = document.getElementById('player'); return p.paused && p.currentTime === 0 })()")).toBe(true)
    expect(await page.isVisible('[data-testid=player-stop]')).toBe(false)
    expect(await page.$$eval('[data-testid=register] button[data-recording]', (bs) => bs.every((b) => b.textContent!.startsWith('▶')))).toBe(true)
  })
})

describe('long names', () => {
  for (const width of [1280, 390]) {
    for (const [user, url, waitFor] of [
      ['supervisor', '/wallboard', '[data-testid=register] tr[data-call]'],
      ['manager', '/manager', '.campaign'],
    ] as const) {
      it(`never widen ${url} at ${width} px`, async () => {
        const page = await newPage({ width, height: 800 })
        await logIn(page, web.center.base, user, url)
        await page.waitForURL(new RegExp(`${url}$`))
        await page.waitForSelector(waitFor)
        await expect.poll(() => page.textContent('body')).toContain(LONG_WORD.slice(0, 60))
        // Let the live stream fill what it fills.
        await page.waitForTimeout(1500)
        await screenshot(page, `long-names${url.replace('/', '-')}-${width}`)
        const size = await page.evaluate<{ scroll: number; inner: number }>('({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth })')
        expect(size.scroll, `${url} at ${width} px is ${size.scroll} px wide`).toBeLessThanOrEqual(size.inner)
      })
    }
  }
})
