/**
 * The clients page in a real browser: a campaign manager imports a CRM export (windows-1250,
 * the columns chosen from the file's header) that makes a retail client a key client with an
 * account manager; the next call the simulator places from that number is routed by the new
 * type to that manager (the call register's routed_to). A bad row is in the report with its
 * line and reason; an edit with a manager who is not an agent is refused naming the field;
 * a supervisor reads the directory and cannot change it.
 */
import { and, eq, isNotNull } from 'drizzle-orm'
import iconv from 'iconv-lite'
import { describe, expect, it } from 'vitest'
import { calls, clients } from '../../src/db/schema/index.js'
import { browserSession } from './browser-session.js'
import { logIn, screenshot } from './harness.js'

/** A number whose flow routes by client type: key clients to their manager, others hang up. */
const BY_TYPE_NUMBER = '7002'
const BY_TYPE_FLOW = [
  'id: by-type',
  `numbers: ['${BY_TYPE_NUMBER}']`,
  'languages: [en]',
  'defaultLanguage: en',
  'recording: all',
  'start: lookup',
  'nodes:',
  '  lookup: { type: lookup, next: by-type }',
  '  by-type: { type: condition, cases: [{ when: { var: client.type, eq: key }, next: manager }], else: bye }',
  '  manager: { type: route, chain: [{ manager: true }], onFail: bye }',
  '  bye: { type: hangup }',
].join('\n')

const MIRA = { name: 'Trgovina Mira', phone: '+38761100077', type: 'retail', externalId: 'CRM-77', currency: 'BAM' } as const

const web = browserSession({
  flowsYaml: [BY_TYPE_FLOW],
  seed: async (center) => {
    await center.db.db.insert(clients).values({ ...MIRA })
  },
})

/** Places a call from `from` to the by-type number and answers where the register routed it once it ended. */
async function routedTo(from: string): Promise<string | null> {
  const call = web.center.sim.sw.placeSipCall({ from, to: BY_TYPE_NUMBER, script: { steps: [] } })
  await call.done
  let row: { routedTo: string | null } | undefined
  await expect
    .poll(
      async () => {
        ;[row] = await web.center.db.db.select({ routedTo: calls.routedTo }).from(calls).where(and(eq(calls.callUuid, call.channel.uuid), isNotNull(calls.endedAt)))
        return row !== undefined
      },
      { timeout: 20_000 },
    )
    .toBe(true)
  return row!.routedTo
}

describe('the clients page', () => {
  it('an import makes a retail client key with a manager, and their next call goes to that manager', async () => {
    web.center.phones.set('ana', { outcome: 'answer', ringMs: 1000, answeredBy: 'person', talkMs: 3000 })
    // Before: a retail client is not routed to a manager.
    expect(await routedTo(MIRA.phone)).toBeNull()

    const page = await web.newPage()
    await logIn(page, web.center.base, 'manager', '/directory')
    await page.waitForURL(/\/directory$/)
    // Found by the number as the center writes it.
    await page.fill('#client-search input[name=q]', '061 100 077')
    await page.click('#client-search button[type=submit]')
    const row = page.locator(`[data-testid=clients] tr[data-phone="${MIRA.phone}"]`)
    await expect.poll(() => row.textContent()).toContain('retail')

    const csv = ['Šifra;Naziv;Telefon;Tip;Komercijalista;Dug', 'CRM-77;Trgovina Mira;061/100-077;Key;Ana Kovač;1.483,00 KM', 'CRM-78;Nova radnja;12;retail;;'].join('\r\n')
    await page.setInputFiles('#import-file', { name: 'crm-izvoz.csv', mimeType: 'text/csv', buffer: iconv.encode(csv, 'windows-1250') })
    // Each field's dropdown chose its column from the header's usual names.
    const chosen = (key: string) => page.locator(`#import-fields select[data-key=${key}]`).inputValue()
    await expect.poll(() => chosen('phone')).toBe('Telefon')
    expect(await chosen('externalId')).toBe('Šifra')
    expect(await chosen('type')).toBe('Tip')
    expect(await chosen('manager')).toBe('Komercijalista')
    expect(await chosen('overdueDebt')).toBe('Dug')
    expect(await page.textContent('#import-preview')).toContain('Ana Kovač')
    await page.click('#import-form button[type=submit]')

    await expect.poll(() => page.textContent('[data-testid=import-status]'), { timeout: 15_000 }).toMatch(/done: 2 rows read, 0 new, 1 changed, 0 unchanged, 1 rejected/)
    const report = page.locator('[data-testid=import-rejections] tbody tr')
    await expect.poll(() => report.count()).toBe(1)
    expect(await report.first().textContent()).toMatch(/^3invalid phone number "12"/)
    await expect.poll(() => row.textContent()).toContain('key account')
    expect(await row.textContent()).toContain('ana')
    await screenshot(page, 'clients-import')

    const [stored] = await web.center.db.db.select().from(clients).where(eq(clients.phone, MIRA.phone))
    expect(stored).toMatchObject({ type: 'key', managerId: 'ana', overdueDebt: '1483.00', currency: 'BAM' })
    // After: the IVR reads the new type and rings the manager.
    expect(await routedTo(MIRA.phone)).toBe('agent:ana')
  }, 90_000)

  it('an edit names a bad field; a supervisor only reads', async () => {
    const page = await web.newPage()
    await logIn(page, web.center.base, 'manager', '/directory')
    await page.waitForURL(/\/directory$/)
    const row = page.locator(`[data-testid=clients] tr[data-phone="${MIRA.phone}"]`)
    await row.locator('button').click()
    const form = page.locator('#client-form')
    await form.locator('input[name=managerId]').fill('nobody')
    await form.locator('button[type=submit]').click()
    await expect.poll(() => page.textContent('[data-testid=client-error]')).toContain('managerId: "nobody" is not an active agent')
    await form.locator('input[name=managerId]').fill('ivan')
    await form.locator('input[name=vip]').check()
    await form.locator('button[type=submit]').click()
    await expect.poll(async () => (await web.center.db.db.select().from(clients).where(eq(clients.phone, MIRA.phone)))[0]).toMatchObject({ managerId: 'ivan', vip: true, type: 'key' })

    const sup = await web.newPage()
    await logIn(sup, web.center.base, 'supervisor', '/directory')
    await sup.waitForURL(/\/directory$/)
    await expect.poll(() => sup.locator(`[data-testid=clients] tr[data-phone="${MIRA.phone}"]`).count()).toBe(1)
    expect(await sup.locator('#import-form').count()).toBe(0)
    expect(await sup.locator('[data-testid=read-only]').count()).toBe(1)
  }, 60_000)
})
