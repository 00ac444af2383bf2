/**
 * The manager's campaign card in a real browser (chromium through playwright-core): a running
 * campaign that cannot dial says why; its settings are edited from the card, with the
 * server's checks shown; it is archived and leaves the page.
 */
import { expect, it } from 'vitest'
import { contacts } from '../../src/db/schema/index.js'
import { browserSession } from './browser-session.js'
import { logIn } from './harness.js'

const web = browserSession()

it('says why a running campaign is not dialling, edits its settings with the checks shown, archives it', async () => {
  const page = await web.newPage({ width: 1280, height: 900 })
  await logIn(page, web.center.base, 'manager', '/manager')
  await page.waitForURL(/\/manager$/)
  const made = await page.request.post(`${web.center.base}/campaigns`, { data: { name: 'Winter sales', kind: 'telesales', settings: { mode: 'progressive', operatorsQueue: 'operators' } } })
  expect(made.status(), await made.text()).toBe(201)
  const id = ((await made.json()) as { id: number }).id
  await web.center.db.db.insert(contacts).values({ campaignId: id, phone: '+38761300001', timezone: 'Europe/Sarajevo' })
  expect((await page.request.post(`${web.center.base}/campaigns/${id}/start`)).status()).toBe(200)

  // Nobody is logged in to the operators queue.
  const card = page.locator(`[data-campaign="${id}"]`)
  await expect.poll(() => card.locator('[data-testid=blocked]').textContent()).toBe("Not dialling: no operators logged in to queue 'operators'")
  expect(await card.locator('[data-testid=blocked]').isVisible()).toBe(true)

  // A misspelt queue is refused, naming the field; a good change is kept.
  await card.locator('details.edit-campaign summary').click()
  const settings = card.locator('textarea[name=settings]')
  await expect.poll(() => settings.inputValue()).toContain('"operatorsQueue": "operators"')
  await settings.fill(JSON.stringify({ operatorsQueue: 'operatros' }))
  await card.locator('form.edit button[type=submit]').click()
  await expect.poll(() => card.locator('[data-testid=edit-error]').textContent()).toContain("settings.operatorsQueue: there is no queue 'operatros'")
  await settings.fill(JSON.stringify({ connectWithinSeconds: 3 }))
  await card.locator('form.edit input[name=name]').fill('Winter sales (edited)')
  await card.locator('form.edit button[type=submit]').click()
  await expect.poll(async () => ((await (await page.request.get(`${web.center.base}/campaigns/${id}`)).json()) as { campaign: { name: string; settings: { connectWithinSeconds: number } } }).campaign).toMatchObject({
    name: 'Winter sales (edited)',
    settings: { connectWithinSeconds: 3, operatorsQueue: 'operators' },
  })

  // Stopped, then archived: it leaves the page.
  page.on('dialog', (d) => void d.accept())
  await card.locator('button[data-action=stop]').click()
  await expect.poll(() => card.locator('.state').textContent()).toBe('stopped')
  await card.locator('button[data-action=archive]').click()
  await expect.poll(() => card.count()).toBe(0)
}, 60_000)
