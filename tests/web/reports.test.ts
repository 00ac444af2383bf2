/**
 * The reports page in a real browser against the whole app and the FreeSWITCH simulator:
 * callers press a key in an IVR menu and wait for the operators' queue; the operator saves
 * each call's disposition with a reason from the administrator's list; the supervisor's
 * report shows those calls by reason and by IVR choice, in the table and the chart (Chart.js,
 * axes titled), exports them as CSV, and reads in Bosnian.
 */
import { eq, isNotNull } from 'drizzle-orm'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { callReasons, calls } from '../../src/db/schema/index.js'
import { localTime } from '../../src/ivr/hours.js'
import { browserSession } from './browser-session.js'
import { logIn, screenshot } from './harness.js'

const MENU_NUMBER = '7002'
const MENU_FLOW = [
  'id: menu-to-operators',
  `numbers: ['${MENU_NUMBER}']`,
  'languages: [en]',
  'defaultLanguage: en',
  'start: lookup',
  'nodes:',
  '  lookup: { type: lookup, next: menu }',
  '  menu: { type: menu, prompt: main-menu, options: { "1": orders, "2": billing }, noInputPrompt: no-input, invalidPrompt: invalid-option, timeoutMs: 5000, maxRetries: 1, fallback: orders }',
  '  orders: { type: route, chain: [{ queue: operators }], onFail: bye }',
  '  billing: { type: route, chain: [{ queue: operators }], onFail: bye }',
  '  bye: { type: hangup }',
].join('\n')

const web = browserSession({
  flowsYaml: [MENU_FLOW],
  seed: async (center) => {
    await center.db.db.insert(callReasons).values([
      { code: 'order', labels: { en: 'New order', bs: 'Nova narudžba', ru: 'Новый заказ', pt: 'Nova encomenda' }, sortOrder: 10 },
      { code: 'invoice', labels: { en: 'Invoice question', bs: 'Pitanje o fakturi', ru: 'Вопрос по счёту', pt: 'Dúvida sobre fatura' }, sortOrder: 20 },
    ])
  },
})

async function operator(): Promise<Page> {
  const page = await web.newPage()
  await logIn(page, web.center.base, 'ivan')
  await page.waitForURL(/\/operator$/)
  await expect.poll(() => page.locator('body').getAttribute('data-page')).toBe('operator')
  // Available (whatever the state's words in the user's language).
  await page.request.post(`${web.center.base}/agents/ivan/login`)
  await expect.poll(async () => (await (await page.request.get(`${web.center.base}/agents/ivan`)).json()).state, { timeout: 20_000 }).toBe('available')
  return page
}

/** A caller presses `digit` in the menu and is put through to ivan; the operator saves `disposition` with `reason`. */
async function callWithReason(page: Page, from: string, digit: string, disposition: string, reason: string): Promise<string> {
  const call = web.center.sim.sw.placeSipCall({ from, to: MENU_NUMBER, script: { steps: [{ app: 'play_and_get_digits' }, { wait: 400 }, { dtmf: digit }] } })
  const card = page.locator('#call')
  await expect.poll(() => card.locator('[data-call]').getAttribute('data-call'), { timeout: 30_000 }).toBe(call.channel.uuid)
  // The list of reasons is in the form, in the user's language.
  await expect.poll(() => card.locator('select[name=reason] option').allTextContents()).toEqual(['— not given —', 'New order', 'Invoice question'])
  await card.locator('select[name=disposition]').selectOption(disposition)
  await card.locator('select[name=reason]').selectOption(reason)
  await card.locator('button[type=submit]').click()
  await call.done
  await expect.poll(async () => (await web.center.db.db.select({ reason: calls.reason, ended: calls.endedAt }).from(calls).where(eq(calls.callUuid, call.channel.uuid)))[0], { timeout: 20_000 }).toMatchObject({
    reason,
    ended: expect.any(Date),
  })
  return call.channel.uuid
}

const rowsOf = (page: Page, box: string) =>
  page.evaluate(`[...document.querySelectorAll('[data-testid=${box}] tbody tr')].map((tr) => [tr.dataset.group, ...[...tr.children].map((td) => td.textContent)])`) as Promise<string[][]>

describe('reports on why clients call', () => {
  it("the test's calls, with the operator's reasons and the callers' IVR choices, are in the report's table, chart and CSV", async () => {
    web.center.phones.set('ivan', { outcome: 'answer', ringMs: 500, answeredBy: 'person', talkMs: 20_000 })
    const desk = await operator()
    await callWithReason(desk, '+38761300001', '2', 'resolved', 'invoice')
    await callWithReason(desk, '+38761300002', '1', 'order-taken', 'order')
    await callWithReason(desk, '+38761300003', '1', 'order-taken', 'order')
    const registered = await web.center.db.db.select({ n: calls.id }).from(calls).where(isNotNull(calls.reason))
    expect(registered).toHaveLength(3)

    const page = await web.newPage()
    const today = localTime(new Date(web.center.clock.now()), 'Europe/Sarajevo').date
    await logIn(page, web.center.base, 'supervisor', `/reports?from=${today}&to=${today}&by=day&group=reason`)
    await page.waitForURL(/\/reports/)
    await expect.poll(() => page.locator('body').getAttribute('data-report')).toBe('ready')
    await expect.poll(() => rowsOf(page, 'report-totals')).toEqual([
      // group, name, offered, answered, abandoned, service level, wait, handling, talk share
      ['invoice', 'Invoice question', '1', '1', '0', expect.any(String), expect.any(String), expect.any(String), expect.any(String)],
      ['order', 'New order', '2', '2', '0', expect.any(String), expect.any(String), expect.any(String), expect.any(String)],
    ])
    expect(await page.textContent('[data-testid=report-zone]')).toContain('Europe/Sarajevo')
    // The chart: a bar per period, a series per reason, its axes titled.
    const chart = (await page.evaluate(`(() => {
      const c = window.Chart.getChart(document.getElementById('report-chart'))
      return { series: c.data.datasets.map((d) => [d.label, d.data.reduce((a, b) => a + b, 0)]), x: c.options.scales.x.title.text, y: c.options.scales.y.title.text, periods: c.data.labels.length }
    })()`)) as { series: Array<[string, number]>; x: string; y: string; periods: number }
    expect(chart).toEqual({ series: [['Invoice question', 1], ['New order', 2]], x: 'Day', y: 'Calls', periods: 1 })
    // The disposition beside each reason.
    expect(await page.locator('[data-testid=report-breakdown] tr[data-kind=disposition][data-value=order-taken]').count()).toBe(1)
    expect(await page.locator('[data-testid=report-breakdown] tr[data-kind=disposition][data-value=resolved]').count()).toBe(1)
    await screenshot(page, 'reports-by-reason')

    // By IVR choice, from the pickers.
    await page.selectOption('#report-group', 'ivr')
    await page.click('#report-form button[type=submit]')
    await expect.poll(() => rowsOf(page, 'report-totals')).toEqual([
      ['menu 1', 'menu 1', '2', '2', '0', expect.any(String), expect.any(String), expect.any(String), expect.any(String)],
      ['menu 2', 'menu 2', '1', '1', '0', expect.any(String), expect.any(String), expect.any(String), expect.any(String)],
    ])
    // The export: the same rows as CSV.
    const href = await page.getAttribute('[data-testid=report-csv]', 'href')
    expect(href).toContain('group=ivr')
    const csv = await (await page.request.get(`${web.center.base}${href}`)).text()
    expect(csv.startsWith('\uFEFFperiod')).toBe(true)
    expect(csv).toMatch(new RegExp(`${today}[,;]menu 1[,;]2[,;]2[,;]0`))
    const xlsx = await page.request.get(`${web.center.base}${await page.getAttribute('[data-testid=report-xlsx]', 'href')}`)
    expect(xlsx.status()).toBe(200)
    expect(xlsx.headers()['content-disposition']).toContain(`reasons-ivr-day-${today}-${today}.xlsx`)

    // In Bosnian: the page, the picker and the reasons' names.
    expect((await page.request.put(`${web.center.base}/auth/me/language`, { data: { language: 'bs' } })).status()).toBe(200)
    await page.goto(`${web.center.base}/reports?from=${today}&to=${today}&by=day&group=reason`)
    await expect.poll(() => page.locator('body').getAttribute('data-report')).toBe('ready')
    expect(await page.textContent('h2')).toBe('Zašto klijenti zovu')
    await expect.poll(async () => (await rowsOf(page, 'report-totals')).map((r) => r[1])).toEqual(['Pitanje o fakturi', 'Nova narudžba'])
    expect(await page.locator('#report-group option:checked').textContent()).toBe('Razlog poziva')
  }, 180_000)

  it('operators may not open the reports; an admin keeps the list of reasons there', async () => {
    const op = await web.newPage()
    await logIn(op, web.center.base, 'ivan', '/reports')
    await op.waitForURL(/\/reports$/)
    expect((await op.request.get(`${web.center.base}/reports`)).status()).toBe(403)
    expect((await op.request.get(`${web.center.base}/reports/reasons`)).status()).toBe(403)

    const page = await web.newPage()
    await logIn(page, web.center.base, 'admin', '/reports')
    await page.waitForURL(/\/reports/)
    await expect.poll(() => page.locator('[data-testid=reasons-list] tr[data-code]').count()).toBe(2)
    await page.fill('#reason-form input[name=code]', 'complaint')
    for (const [l, text] of [['en', 'Complaint'], ['bs', 'Žalba'], ['ru', 'Жалоба'], ['pt', 'Reclamação']]) await page.fill(`#reason-form input[name=${l}]`, text!)
    await page.click('#reason-form button[type=submit]')
    await expect.poll(() => page.locator('[data-testid=reasons-list] tr[data-code]').count()).toBe(3)
    await page.locator('[data-testid=reasons-list] tr[data-code=order] button').click()
    await expect.poll(async () => (await web.center.db.db.select().from(callReasons).where(eq(callReasons.code, 'order')))[0]?.active).toBe(false)
    // A retired reason is no longer offered to operators.
    const offered = (await (await page.request.get(`${web.center.base}/call-reasons`)).json()) as { reasons: Array<{ code: string }> }
    expect(offered.reasons.map((r) => r.code)).toEqual(['invoice', 'complaint'])
  }, 60_000)
})
