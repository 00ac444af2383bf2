/**
 * The manager page's upload form in a real browser: columns are mapped with dropdowns built
 * from the file's header (read in the browser), with a preview of the first rows and the
 * encoding; the mapping is remembered per campaign; the report says which encoding was read
 * and which languages were spoken with another's prompts; a refusal resets the progress bar;
 * a binary file and a header-only file are called what they are, without printing bytes.
 */
import iconv from 'iconv-lite'
import { eq } from 'drizzle-orm'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { contactLists, contacts } from '../../src/db/schema/index.js'
import { browserSession } from './browser-session.js'
import { logIn, screenshot } from './harness.js'

const web = browserSession()

async function managerPage(): Promise<Page> {
  const page = await web.newPage({ width: 1280, height: 900 })
  await logIn(page, web.center.base, 'manager', '/manager')
  await page.waitForURL(/\/manager$/)
  return page
}

async function createCampaign(page: Page, name: string, kind: string, settings: Record<string, unknown> = {}): Promise<number> {
  const res = await page.request.post(`${web.center.base}/campaigns`, { data: { name, kind, settings } })
  expect(res.status()).toBe(201)
  return ((await res.json()) as { id: number }).id
}

async function chooseCampaign(page: Page, id: number): Promise<void> {
  await page.reload()
  await expect.poll(() => page.locator(`#list-campaign option[value="${id}"]`).count()).toBe(1)
  await page.selectOption('#list-campaign', String(id))
}

const selected = (page: Page, key: string): Promise<string> => page.$eval(`#mapping select[data-key="${key}"]`, (s) => (s as unknown as { value: string }).value)
const barValue = (page: Page): Promise<number> => page.$eval('#upload-bar', (bar) => (bar as unknown as { value: number }).value)

// What Excel on a Bosnian Windows writes: Windows-1250, semicolons, Bosnian headers.
const BOSNIAN = ['Kupac;Telefon;Iznos duga;Datum dospijeća;Jezik', 'Amra Hodžić;061 234 567;1.483,00 KM;15.12.2026.;BS', 'Đorđe Šećerović;062 345 678;2119,99;01.02.2027;hr', 'Željka Čolić;063 456 789;1,483;15.12.2026.;Bosanski']

describe('the upload form', () => {
  it('maps columns with dropdowns from the header, previews the rows, reports encoding and languages, and remembers the mapping', async () => {
    const page = await managerPage()
    const campaignId = await createCampaign(page, 'Reminders December', 'payment-reminder', { currency: 'BAM' })
    await chooseCampaign(page, campaignId)
    // No JSON to type.
    expect(await page.locator('#list-form input[name=mapping]').count()).toBe(0)

    const file = iconv.encode(BOSNIAN.join('\r\n') + '\r\n', 'windows-1250')
    await page.setInputFiles('#list-form input[type=file]', { name: 'dugovi.csv', mimeType: 'text/csv', buffer: file })
    // The header's columns are the choices; the ones with known names are chosen already.
    await expect.poll(() => page.locator('#mapping select[data-key="phone"] option').allTextContents()).toEqual(['—', 'Kupac', 'Telefon', 'Iznos duga', 'Datum dospijeća', 'Jezik'])
    expect(await selected(page, 'phone')).toBe('Telefon')
    expect(await selected(page, 'amount_due')).toBe('Iznos duga')
    expect(await selected(page, 'due_date')).toBe('Datum dospijeća')
    expect(await selected(page, 'language')).toBe('Jezik')
    expect(await selected(page, 'name')).toBe('')
    // The first rows, read in the file's encoding.
    expect(await page.locator('#preview tbody tr').count()).toBe(3)
    expect(await page.locator('#preview tbody tr').first().textContent()).toContain('Amra Hodžić')
    expect(await page.textContent('[data-testid=preview-note]')).toContain('windows-1250')
    await screenshot(page, 'upload-form-mapping')

    await page.selectOption('#mapping select[data-key="name"]', 'Kupac')
    await page.click('#list-form button[type=submit]')
    await expect.poll(() => page.textContent('[data-testid=upload-status]')).toContain('2 accepted, 1 rejected')
    await expect.poll(() => page.textContent('[data-testid=upload-notes]')).toContain('windows-1250')
    expect(await page.textContent('[data-testid=upload-notes]')).toContain('hr → bs (1 row)')
    const rejected = page.locator('#rejections tbody tr')
    await expect.poll(() => rejected.count()).toBe(1)
    expect(await rejected.first().textContent()).toContain('ambiguous')
    const names = (await web.center.db.db.select({ name: contacts.name }).from(contacts).where(eq(contacts.campaignId, campaignId))).map((c) => c.name).sort()
    expect(names).toEqual(['Amra Hodžić', 'Đorđe Šećerović'])
    await screenshot(page, 'upload-form-report')

    // The next upload into this campaign, even after a reload: the manager's choice is back.
    await page.reload()
    await page.selectOption('#list-campaign', String(campaignId))
    await page.setInputFiles('#list-form input[type=file]', { name: 'more.csv', mimeType: 'text/csv', buffer: iconv.encode(`${BOSNIAN[0]}\r\nMirza Begić;064 111 222;10,00;15.12.2026.;bs\r\n`, 'windows-1250') })
    await expect.poll(() => page.locator('#mapping select[data-key="name"] option').count()).toBe(6)
    expect(await selected(page, 'name')).toBe('Kupac')
  })

  it('calls a binary file and a header-only file what they are, without uploading them or printing their bytes', async () => {
    const page = await managerPage()
    const campaignId = await createCampaign(page, 'Info', 'informational')
    await chooseCampaign(page, campaignId)
    const xlsx = Buffer.concat([Buffer.from('PK\u0003\u0004\u0014\u0000\u0006\u0000'), Buffer.from('[Content_Types].xml'), Buffer.alloc(64, 0xff)])
    await page.setInputFiles('#list-form input[type=file]', { name: 'report.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: xlsx })
    await expect.poll(() => page.textContent('[data-testid=file-error]')).toContain('report.xlsx')
    const said = (await page.textContent('[data-testid=file-error]'))!
    expect(said).toContain('not a CSV text file')
    expect(said).not.toMatch(/Content_Types|PK|\uFFFD/)
    expect(await page.locator('#preview tbody tr').count()).toBe(0)
    await page.click('#list-form button[type=submit]')
    await page.setInputFiles('#list-form input[type=file]', { name: 'only-header.csv', mimeType: 'text/csv', buffer: Buffer.from('phone,name,language\r\n') })
    await expect.poll(() => page.textContent('[data-testid=file-error]')).toBe('only-header.csv has a header and no rows')
    await page.click('#list-form button[type=submit]')
    // Neither was sent.
    expect(await web.center.db.db.select().from(contactLists).where(eq(contactLists.campaignId, campaignId))).toEqual([])
  })

  it('resets the progress bar when the server refuses an upload', async () => {
    const page = await managerPage()
    const campaignId = await createCampaign(page, 'Info 2', 'informational')
    await chooseCampaign(page, campaignId)
    await page.setInputFiles('#list-form input[type=file]', { name: 'ok.csv', mimeType: 'text/csv', buffer: Buffer.from('phone,name\n+38761300001,Ana\n') })
    await expect.poll(() => selected(page, 'phone')).toBe('phone')
    await page.click('#list-form button[type=submit]')
    await expect.poll(() => page.textContent('[data-testid=upload-status]')).toContain('1 accepted')
    expect(await barValue(page)).toBe(100)
    // UTF-16, as Excel's "Unicode text" saves: the page can preview it, the server refuses it.
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('phone,name\r\n+38761300002,Bo\r\n', 'utf16le')])
    await page.setInputFiles('#list-form input[type=file]', { name: 'unicode.csv', mimeType: 'text/csv', buffer: utf16 })
    await expect.poll(() => selected(page, 'phone')).toBe('phone')
    await page.click('#list-form button[type=submit]')
    await expect.poll(() => page.textContent('[data-testid=upload-status]')).toContain('Upload refused: the file is UTF-16')
    expect(await barValue(page)).toBe(0)
  })
})
