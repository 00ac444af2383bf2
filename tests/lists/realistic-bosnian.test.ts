/**
 * A realistic export from a Bosnian customer system, as Excel saves it: Windows-1250 bytes,
 * semicolons, Bosnian headers, amounts like 1.483,00 KM and 2119,99, dates like 15.12.2026.,
 * languages written BS, Bosanski, hr, Русский. Every row is loaded with values the payment
 * reminder can speak, or refused with its line and reason; the report's counts add up.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import iconv from 'iconv-lite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { campaignSettings } from '../../src/campaigns/settings.js'
import { contactVars } from '../../src/campaigns/contact-vars.js'
import { loadScripts } from '../../src/ivr/flow/load.js'
import { initialState, step, type Effect } from '../../src/ivr/interpreter.js'
import { loadList } from '../../src/lists/index.js'
import { createTestDatabase, type TestDatabase } from '../helpers/database.js'
import { contactsOf, createCampaign, listRow, reportOf, streamOf } from './fixtures.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
// A fixed date for the interpreter (the reminder has no opening hours, but no wall clock either).
const MONDAY = new Date('2026-11-23T09:00:00Z')

let db: TestDatabase

beforeAll(async () => {
  db = await createTestDatabase()
})

afterAll(async () => {
  await db?.drop()
})

const LINES = [
  'Ime i prezime;Telefon;Iznos duga;Datum dospijeća;Jezik', // 1
  'Amra Hodžić;061 234 567;1.483,00 KM;15.12.2026.;BS', // 2
  'Đorđe Šećerović;062 345 678;2119,99;01.02.2027;Bosanski', // 3
  'Željka Čolić;063 456 789;250,5 €;31.12.2026.;hr', // 4
  'Milan Petrović;064 567 890;1.000;20.1.2027.;Srpski', // 5
  'Olga Ivanova;065 678 901;300;15.12.2026.;Русский', // 6: Cyrillic is not in Windows-1250: Excel wrote ???????
  'Ana Costa;066 789 012;45,00 KM;15/12/2026;Portugalski', // 7
  'Vesna Kožul;061 111 222;1,483;15.12.2026.;bs', // 8: ambiguous amount
  'Emir Šabić;061 333 444;99,00;31.02.2027.;bs', // 9: no such date
  'Nikola Đukić;061 555 666;12,00;15.12.2026.;Klingonski', // 10: no such language
  'Petar Šimić;12;5,00;15.12.2026.;hr', // 11: bad number
  'Mila Vuković;067 777 888;10 KM;15.12.26;Crnogorski', // 12: two-digit year
  'Senad Ćatić;061 999 000;;15.12.2026.;bs', // 13: no amount
  'Amra Hodžić;+387 61 234 567;1.483,00 KM;15.12.2026.;bs', // 14: line 2 again
]

describe('a Windows-1250 export from a Bosnian customer system', () => {
  it('loads every usable row with normalized values, refuses the rest with line and reason, and says what it read', async () => {
    const campaignId = await createCampaign(db.db, { currency: 'BAM' }, 'payment-reminder')
    const bytes = iconv.encode(LINES.join('\r\n') + '\r\n', 'windows-1250')
    // The file really is not UTF-8 (what Excel writes on a Bosnian Windows).
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow()
    const result = await loadList(db, {
      campaignId,
      name: 'dugovi.csv',
      mapping: { phone: 'Telefon', name: 'Ime i prezime', language: 'Jezik', fields: { amount_due: 'Iznos duga', due_date: 'Datum dospijeća' } },
      source: streamOf(bytes, 100),
    })
    const totals = { rowsRead: 13, accepted: 5, rejected: 7, duplicates: 1, doNotCall: 0 }
    expect(result).toMatchObject({ status: 'loaded', ...totals })
    expect(totals.accepted + totals.rejected + totals.duplicates + totals.doNotCall).toBe(totals.rowsRead)

    expect((await reportOf(db.db, result.listId)).map((r) => [r.line, r.reason])).toEqual([
      [6, 'language "???????" is unknown: write a code such as en, ru, pt, bs or a name such as Bosanski'],
      [8, 'field "Iznos duga": amount "1,483" is ambiguous: 1.483 with a decimal comma as in BA, or 1483? write 1483 or 1483,00'],
      [9, 'field "Datum dospijeća": date "31.02.2027." does not exist'],
      [10, 'language "Klingonski" is unknown: write a code such as en, ru, pt, bs or a name such as Bosanski'],
      [11, 'invalid phone number "12" (too short)'],
      [12, 'field "Datum dospijeća": date "15.12.26": write the year in full (15.12.2026.)'],
      [13, 'field "Iznos duga" is empty: the reminder would have no amount to say'],
    ])

    const list = await listRow(db.db, result.listId)
    expect(list).toMatchObject({ status: 'loaded', encoding: 'windows-1250', ...totals })
    expect(list.notes).toEqual({ languages: { hr: { to: 'bs', rows: 1 }, sr: { to: 'bs', rows: 1 } } })

    const loaded = await contactsOf(db.db, campaignId)
    expect(loaded.map((c) => [c.name, c.language, c.fields])).toEqual([
      ['Amra Hodžić', 'bs', { amount_due: '1483.00', currency: 'BAM', due_date: '2026-12-15' }],
      ['Đorđe Šećerović', 'bs', { amount_due: '2119.99', currency: 'BAM', due_date: '2027-02-01' }],
      ['Željka Čolić', 'bs', { amount_due: '250.50', currency: 'EUR', due_date: '2026-12-31' }],
      ['Milan Petrović', 'bs', { amount_due: '1000.00', currency: 'BAM', due_date: '2027-01-20' }],
      ['Ana Costa', 'pt', { amount_due: '45.00', currency: 'BAM', due_date: '2026-12-15' }],
    ])

    // At call time the payment reminder speaks each amount and due date: never "no-value".
    const [script] = (await loadScripts(path.join(ROOT, 'campaigns/scripts'))).filter((f) => f.id === 'payment-reminder')
    const settings = campaignSettings({ currency: 'BAM' })
    for (const contact of loaded) {
      const vars = contactVars(contact, settings)
      let state = initialState(script!, contact.phone, { vars, language: contact.language ?? undefined })
      const effects: Effect[] = []
      for (const event of [{ type: 'start' as const }, { type: 'played' as const }]) {
        const r = step(script!, state, event, MONDAY)
        state = r.state
        effects.push(...r.effects)
      }
      const said = effects.flatMap((e) => (e.kind === 'say' ? [e.value] : []))
      expect(said, contact.name).toEqual([
        { kind: 'money', amount: Number(contact.fields.amount_due), currency: contact.fields.currency },
        { kind: 'date', date: contact.fields.due_date },
      ])
      expect(effects.some((e) => e.kind === 'step' && e.step.result === 'no-value')).toBe(false)
    }
  })

  it('reads the encoding the uploader picks, and refuses a name it does not know', async () => {
    const campaignId = await createCampaign(db.db, { currency: 'BAM' })
    const file = iconv.encode('Telefon;Ime\r\n061 234 567;Šaćir Žunić\r\n', 'windows-1250')
    const mapping = { phone: 'Telefon', name: 'Ime' }
    // Picked: read as chosen even though the sniffing would have agreed.
    const picked = await loadList(db, { campaignId, name: 'a.csv', mapping, source: streamOf(file), encoding: 'windows-1250' })
    expect((await listRow(db.db, picked.listId)).encoding).toBe('windows-1250')
    expect((await contactsOf(db.db, campaignId))[0]!.name).toBe('Šaćir Žunić')
    await expect(loadList(db, { campaignId, name: 'b.csv', mapping, source: streamOf(file), encoding: 'klingon-8' })).rejects.toThrow('unknown encoding "klingon-8"')
    // A UTF-8 file is read as UTF-8.
    const utf8 = await loadList(db, { campaignId, name: 'c.csv', mapping, source: streamOf('Telefon;Ime\n062 345 678;Đurđa\n') })
    expect((await listRow(db.db, utf8.listId)).encoding).toBe('utf-8')
  })
})
