/**
 * The pages in the user's language, in a real browser: a supervisor picks Bosnian in the
 * header and the page comes back in Bosnian (and stays so), with the register's dates and the
 * numbers written as bs-BA writes them (the expectation computed with Intl, never typed in);
 * a browser that asks for Russian gets the login page and, after the first login, the
 * wallboard in Cyrillic.
 */
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { UserStore } from '../../src/auth/users.js'
import { LANGUAGES } from '../../src/web/i18n.js'
import { calls } from '../../src/db/schema/index.js'
import { browserSession } from './browser-session.js'
import { logIn, PASSWORD, screenshot, type WebCenter } from './harness.js'

const STARTED = new Date('2026-11-20T08:15:42Z')

async function seed(center: WebCenter): Promise<void> {
  const users = new UserStore(center.db.db, center.clock)
  for (const username of ['lang-bs', 'lang-ru']) await users.create({ username, role: 'supervisor', password: PASSWORD })
  await center.db.db.insert(calls).values({
    callUuid: 'lang-call-1',
    direction: 'inbound',
    callerNumber: '+38761555123',
    destination: '7000',
    startedAt: STARTED,
    answeredAt: STARTED,
    endedAt: new Date(STARTED.getTime() + 60_000),
    queue: 'operators',
    queueOutcome: 'answered',
  })
}

const web = browserSession({ seed })

interface PageCc {
  locale: string
  fmt: { number(n: number, d: number): string; money(n: number, c: string): string }
  pct(r: number): string
  t(k: string, v?: object): string
}
/** The page's cc (common.js). */
const cc = (page: Page) => page.evaluateHandle(() => (globalThis as unknown as { cc: PageCc }).cc)

/** What Intl writes for `date` in `locale`, in the browser's own time zone. */
const intlDateTime = async (page: Page, locale: string, date: Date): Promise<string> => {
  const timeZone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)
  return new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium', timeZone }).format(date)
}

describe('languages', () => {
  it('a supervisor picks Bosnian: the page reloads in Bosnian, with bs-BA dates and decimal commas', async () => {
    const page = await web.newPage()
    await logIn(page, web.center.base, 'lang-bs', '/wallboard')
    await page.waitForURL(/\/wallboard/)
    // English first (the browser asks for en-US), and the register in en-GB's form.
    expect(await page.getAttribute('html', 'lang')).toBe('en')
    await expect.poll(() => page.textContent('section:has(#call-search) h2')).toBe('Call register')
    const row = page.locator('[data-call=lang-call-1] td').first()
    await expect.poll(() => row.textContent()).toBe(await intlDateTime(page, 'en-GB', STARTED))

    await Promise.all([page.waitForEvent('load'), page.selectOption('#language', 'bs')])
    expect(await page.getAttribute('html', 'lang')).toBe('bs')
    expect(await page.textContent('section:has(#call-search) h2')).toBe('Registar poziva')
    expect(await page.textContent('#logout')).toBe('Odjava')
    expect(await page.textContent('nav [aria-current=page]')).toBe('Nadzorna ploča')
    // bs-BA, or a locale written the same way when this chromium has no data for bs-BA.
    const locale = await (await cc(page)).evaluate((c) => c.locale)
    expect(['bs-BA', ...LANGUAGES.bs.fallbacks]).toContain(locale)
    const bsDate = await intlDateTime(page, locale, STARTED)
    expect(bsDate).not.toBe(await intlDateTime(page, 'en-GB', STARTED))
    expect(bsDate).toMatch(/^20\. ?11\. ?2026\./)
    await expect.poll(() => page.locator('[data-call=lang-call-1] td').first().textContent()).toBe(bsDate)
    // The outcome in words, the agents' states too.
    await expect.poll(() => page.locator('[data-call=lang-call-1] td').nth(4).textContent()).toBe('odgovoren')
    // Numbers: a decimal comma and bs-BA grouping, as Intl writes them.
    const written = await (await cc(page)).evaluate((c) => ({ number: c.fmt.number(1234.5, 2), money: c.fmt.money(80, 'BAM'), pct: c.pct(0.125), text: c.t('upload.loading', { read: 3, accepted: 2, rejected: 1 }) }))
    expect(written.number).toBe(new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(1234.5))
    expect(written.number).toBe('1.234,50')
    expect(written.money).toBe(`${new Intl.NumberFormat(locale, { minimumFractionDigits: 2 }).format(80)} BAM`)
    expect(written.pct).toBe('12,5 %')
    expect(written.text).toBe('Učitavanje: pročitano redova 3, prihvaćeno 2, odbijeno 1')
    await screenshot(page, 'languages-wallboard-bs')

    // Saved on the user: another page, and the next login, are in Bosnian too.
    await page.goto(`${web.center.base}/wallboard`)
    expect(await page.textContent('section:has(#queues) h2')).toBe('Redovi čekanja')
  })

  it('a browser asking for Russian gets the login page and, after the first login, the pages in Cyrillic', async () => {
    const page = await web.newPage()
    await page.setExtraHTTPHeaders({ 'accept-language': 'ru-RU,ru;q=0.9,en;q=0.5' })
    await page.goto(`${web.center.base}/login`)
    expect(await page.getAttribute('html', 'lang')).toBe('ru')
    expect(await page.textContent('h1')).toBe('Вход')
    // The API's refusal in the page's language.
    await page.fill('input[name=username]', 'lang-ru')
    await page.fill('input[name=password]', 'not the password')
    await page.click('button[type=submit]')
    await expect.poll(() => page.textContent('#login-error')).toBe('неверное имя пользователя или пароль')
    await logIn(page, web.center.base, 'lang-ru', '/wallboard')
    await page.waitForURL(/\/wallboard/)
    expect(await page.getAttribute('html', 'lang')).toBe('ru')
    expect(await page.textContent('section:has(#call-search) h2')).toBe('Журнал звонков')
    expect(await page.textContent('#logout')).toMatch(/^[\u0400-\u04FF\s]+$/)
    const ruDate = await intlDateTime(page, 'ru-RU', STARTED)
    await expect.poll(() => page.locator('[data-call=lang-call-1] td').first().textContent()).toBe(ruDate)
    expect(await page.inputValue('#language')).toBe('ru')
  })
})
