/**
 * The client directory written through the API: create and edit with errors naming the field,
 * search by a number as the center writes it, and the CRM import (matching by external id,
 * then number; BA amounts and dates; windows-1250; a report with line and reason; counts that
 * grow while a file loads).
 */
import { PassThrough } from 'node:stream'
import { eq } from 'drizzle-orm'
import iconv from 'iconv-lite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importClients } from '../../src/clients/importer.js'
import { agents, clients } from '../../src/db/schema/index.js'
import { as, loginAs, type Inject } from './session.js'
import { startTestApp, type TestApp } from './test-app.js'

let t: TestApp
let manager: Inject
let supervisor: Inject

beforeAll(async () => {
  t = await startTestApp()
  await t.app.database.db.insert(agents).values([
    { id: 'mirza', name: 'Mirza Hodžić', endpoint: 'user/mirza', groups: ['key-account-managers'] },
    { id: 'gone', name: 'Gone', endpoint: 'user/gone', groups: ['key-account-managers'], active: false },
  ])
  manager = as(t.server, await loginAs(t.server, t.app, 'manager', 'campaign-manager'))
  supervisor = as(t.server, await loginAs(t.server, t.app, 'super', 'supervisor'))
})

afterAll(async () => {
  await t?.close()
})

const clientByPhone = async (phone: string) => (await t.app.database.db.select().from(clients).where(eq(clients.phone, phone)))[0]

const upload = (csv: string | Buffer, mapping: object, extra = '') =>
  manager({ method: 'POST', url: `/clients/import?name=crm.csv&mapping=${encodeURIComponent(JSON.stringify(mapping))}${extra}`, headers: { 'content-type': 'text/csv' }, payload: csv })

describe('create and edit', () => {
  it('creates a client from a national number, and refuses bad values naming the field', async () => {
    const made = await manager({ method: 'POST', url: '/clients', payload: { name: 'Bingo d.o.o.', phone: '061 100 200', type: 'retail', language: 'Bosanski', overdueDebt: 120.5 } })
    expect(made.statusCode, made.body).toBe(201)
    expect(made.json()).toMatchObject({ phone: '+38761100200', type: 'retail', language: 'bs', overdueDebt: '120.50', currency: 'BAM', managerId: null })

    const bad = async (payload: object, field: string) => {
      const res = await manager({ method: 'POST', url: '/clients', payload: { name: 'X', phone: '061 100 300', type: 'retail', ...payload } })
      expect(res.statusCode, res.body).toBe(400)
      expect(res.json().message).toContain(field)
    }
    await bad({ type: 'vip' }, 'type')
    await bad({ managerId: 'gone' }, 'managerId')
    await bad({ managerId: 'nobody' }, 'managerId')
    await bad({ language: 'de' }, 'language')
    await bad({ balance: -1 }, 'balance')
    await bad({ overdueDebt: 1.234 }, 'overdueDebt')
    await bad({ phone: '12' }, 'phone')
    expect(await clientByPhone('+38761100300')).toBeUndefined()

    const again = await manager({ method: 'POST', url: '/clients', payload: { name: 'Copy', phone: '+387 61 100 200', type: 'key' } })
    expect(again.statusCode).toBe(409)
    expect(again.json().message).toContain('+38761100200')
  })

  it('edits only what is sent; a retail client becomes key with a manager', async () => {
    const made = (await manager({ method: 'POST', url: '/clients', payload: { name: 'Tržnica', phone: '062 555 111', type: 'retail', balance: 10 } })).json() as { id: number }
    const res = await manager({ method: 'PATCH', url: `/clients/${made.id}`, payload: { type: 'key', managerId: 'mirza', vip: true } })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ name: 'Tržnica', type: 'key', managerId: 'mirza', vip: true, balance: '10.00' })
    const refused = await manager({ method: 'PATCH', url: `/clients/${made.id}`, payload: { managerId: 'gone' } })
    expect(refused.statusCode).toBe(400)
    expect(refused.json().message).toMatch(/^managerId: /)
    expect((await manager({ method: 'PATCH', url: '/clients/999999', payload: { name: 'x' } })).statusCode).toBe(404)
    // Supervisors read the directory but do not change it.
    expect((await supervisor({ method: 'PATCH', url: `/clients/${made.id}`, payload: { name: 'x' } })).statusCode).toBe(403)
  })

  it('finds a client by the number written nationally or internationally', async () => {
    for (const q of ['062 555 111', '+387 62 555 111', '0038762555111']) {
      const found = (await supervisor({ method: 'GET', url: `/clients?q=${encodeURIComponent(q)}` })).json() as { clients: Array<{ phone: string }> }
      expect(found.clients.map((c) => c.phone), q).toEqual(['+38762555111'])
    }
  })
})

describe('import', () => {
  it('updates by number, then by external id, creates, and reports bad rows with line and reason', async () => {
    await manager({ method: 'POST', url: '/clients', payload: { name: 'Stara firma', phone: '063 700 800', type: 'retail' } })
    // A CRM export from Windows in Bosnia: windows-1250, `;`, amounts and dates as BA writes them.
    const csv = [
      'Šifra;Naziv;Telefon;Tip;Komercijalista;Dug;Datum narudžbe;Jezik',
      'K-1;Stara firma;063/700-800;Key;Mirza Hodžić;1.483,00 KM;15.12.2026.;Ruski',
      'K-2;Nova Žitopromet;+387 33 222 333;regional;;2119,99;;hr',
      'K-3;Bez tipa;033 444 555;;;;;',
      'K-4;Loš dug;033 444 556;retail;;1,483;;',
      'K-5;Loš menadžer;033 444 557;retail;gone;;;',
      'K-6;Loš broj;12;retail;;;;',
    ].join('\r\n')
    const mapping = { externalId: 'Šifra', name: 'Naziv', phone: 'Telefon', type: 'Tip', manager: 'Komercijalista', overdueDebt: 'Dug', lastOrderDate: 'Datum narudžbe', language: 'Jezik' }
    const res = await upload(iconv.encode(csv, 'windows-1250'), mapping)
    expect(res.statusCode, res.body).toBe(201)
    const importId = res.json().importId as number
    expect(res.json(), JSON.stringify((await supervisor({ method: 'GET', url: `/client-imports/${importId}/rejections` })).json())).toMatchObject({ status: 'loaded', rowsRead: 6, created: 1, updated: 1, unchanged: 0, rejected: 4 })

    expect(await clientByPhone('+38763700800')).toMatchObject({ externalId: 'K-1', type: 'key', managerId: 'mirza', overdueDebt: '1483.00', currency: 'BAM', lastOrderDate: '2026-12-15', language: 'ru' })
    expect(await clientByPhone('+38733222333')).toMatchObject({ name: 'Nova Žitopromet', externalId: 'K-2', type: 'regional', overdueDebt: '2119.99', language: 'bs' })

    const status = (await supervisor({ method: 'GET', url: `/client-imports/${importId}` })).json()
    expect(status).toMatchObject({ status: 'loaded', encoding: 'windows-1250', rowsRead: 6, rejected: 4 })
    const report = (await supervisor({ method: 'GET', url: `/client-imports/${importId}/rejections` })).json() as { total: number; rejections: Array<{ line: number; reason: string; excerpt: string }> }
    expect(report.total).toBe(4)
    expect(report.rejections.map((r) => r.line)).toEqual([4, 5, 6, 7])
    expect(report.rejections[0]!.reason).toContain('needs a name and a type')
    expect(report.rejections[1]!.reason).toMatch(/field "Dug": amount "1,483" is ambiguous/)
    expect(report.rejections[2]!.reason).toMatch(/field "Komercijalista": manager "gone" is not an active agent/)
    expect(report.rejections[3]!.reason).toContain('invalid phone number "12"')
    expect(report.rejections[3]!.excerpt).toContain('Loš broj')

    // The next export: K-1 has a new number (matched by its external id), the same values otherwise.
    const next = ['Šifra;Telefon;Tip', 'K-1;063 700 801;key', 'K-2;033 222 333;regional'].join('\n')
    const second = await upload(next, { externalId: 'Šifra', phone: 'Telefon', type: 'Tip' })
    expect(second.json()).toMatchObject({ rowsRead: 2, updated: 1, unchanged: 1, created: 0, rejected: 0 })
    expect(await clientByPhone('+38763700800')).toBeUndefined()
    expect(await clientByPhone('+38763700801')).toMatchObject({ externalId: 'K-1', name: 'Stara firma', managerId: 'mirza' })

    // A row whose external id is new but whose number is a client with another external id is refused.
    const clash = await upload('Šifra;Telefon;Naziv;Tip\nK-9;033 222 333;Drugi;retail\n', { externalId: 'Šifra', phone: 'Telefon', name: 'Naziv', type: 'Tip' })
    expect(clash.json()).toMatchObject({ rejected: 1, created: 0 })
    const clashReport = (await manager({ method: 'GET', url: `/client-imports/${clash.json().importId}/rejections` })).json()
    expect(clashReport.rejections[0].reason).toContain('external id "K-2"')
  })

  it('refuses a mapping that does not fit the file, naming the column', async () => {
    const res = await upload('Telefon;Naziv\n061 111 222;X\n', { phone: 'Telefon', type: 'Tip' })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ error: 'bad-mapping', message: expect.stringContaining('mapping.type: the file has no column "Tip"') })
    const unknown = await upload('Telefon\n061 111 222\n', { phone: 'Telefon', colour: 'x' })
    expect(unknown.json().message).toContain('unknown key "colour"')
  })

  it('shows the counts growing while the file loads', async () => {
    const source = new PassThrough()
    const loading = importClients(t.app.database, { name: 'slow.csv', mapping: { phone: 'Telefon', name: 'Naziv', type: 'Tip' }, source, defaultCountry: 'BA', flushMs: 100 })
    source.write('Telefon;Naziv;Tip\n')
    for (let i = 0; i < 5; i++) source.write(`065 100 ${100 + i};Firma ${i};retail\n`)
    // The upload pauses: what was read is committed and visible meanwhile (the last line once
    // the parser knows it ended, when more comes).
    let seen: { status: string; rowsRead: number } | undefined
    for (let i = 0; i < 100 && !(seen && seen.rowsRead >= 4); i++) {
      await new Promise((r) => setTimeout(r, 50))
      const list = (await supervisor({ method: 'GET', url: '/client-imports' })).json() as { imports: Array<{ name: string; status: string; rowsRead: number }> }
      seen = list.imports.find((x) => x.name === 'slow.csv')
    }
    expect(seen).toMatchObject({ status: 'loading' })
    expect(seen!.rowsRead).toBeGreaterThanOrEqual(4)
    source.end('065 100 200;Firma kraj;retail\n')
    expect(await loading).toMatchObject({ status: 'loaded', rowsRead: 6, created: 6 })
  })
})
