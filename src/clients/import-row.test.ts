import { describe, expect, it } from 'vitest'
import { resolveClientMapping } from './import-mapping.js'
import { readClientRow, type ClientRules } from './import-row.js'

const header = ['Telefon', 'Tip', 'Jezik', 'Saldo', 'Dug', 'Valuta', 'VIP', 'Komercijalista']
const mapping = resolveClientMapping(header, { phone: 'Telefon', type: 'Tip', language: 'Jezik', balance: 'Saldo', overdueDebt: 'Dug', currency: 'Valuta', vip: 'VIP', manager: 'komercijalista' })
const rules: ClientRules = { defaultCountry: 'BA', currency: 'BAM', managers: new Map([['ana', 'ana'], ['ana kovač', 'ana']]) }
const read = (row: string[]) => readClientRow(row, mapping, rules)

describe('a CRM row', () => {
  it('gives only what it says, read as the country writes it', () => {
    expect(read(['061 100 077', 'Own outlet', 'Hrvatski', '1.200,50', '', '', 'da', 'ANA KOVAČ'])).toEqual({ ok: false, reason: 'field "VIP": VIP "da" is not yes/no/true/false/1/0' })
    expect(read(['061 100 077', 'Own outlet', 'Hrvatski', '1.200,50', '', '', 'yes', 'ANA KOVAČ'])).toEqual({
      ok: true,
      // Croatian is spoken with the Bosnian prompts; the amount has no sign: the default currency, not stored as the client's.
      client: { phone: '+38761100077', type: 'own_outlet', language: 'bs', balance: '1200.50', vip: true, managerId: 'ana' },
    })
    expect(read(['+387 61 100 077', '', '', '', '250 €', '', '', ''])).toEqual({ ok: true, client: { phone: '+38761100077', overdueDebt: '250.00', currency: 'EUR' } })
  })

  it('is refused naming the column and the reason', () => {
    expect(read(['061 100 077', 'vip', '', '', '', '', '', ''])).toMatchObject({ ok: false, reason: expect.stringMatching(/^field "Tip": type "vip" is not one of key, retail/) })
    expect(read(['061 100 077', '', 'Deutsch', '', '', '', '', ''])).toMatchObject({ ok: false, reason: expect.stringContaining('field "Jezik"') })
    expect(read(['061 100 077', '', 'de', '', '', '', '', ''])).toMatchObject({ ok: false, reason: expect.stringContaining('has no prompts') })
    expect(read(['061 100 077', '', '', '10 KM', '5 €', '', '', ''])).toMatchObject({ ok: false, reason: expect.stringContaining('field "Dug": in EUR while the other amount is in BAM') })
    expect(read(['061 100 077', '', '', '10 KM', '', 'EUR', '', ''])).toMatchObject({ ok: false, reason: expect.stringContaining('the currency column says EUR') })
    expect(read(['061 100 077', '', '', '-5', '', '', '', ''])).toMatchObject({ ok: false, reason: expect.stringContaining('negative') })
    expect(read(['061 100 077', '', '', '', '', '', '', 'petra'])).toMatchObject({ ok: false, reason: expect.stringContaining('manager "petra" is not an active agent') })
    expect(read(['061 100 077', '', ''])).toEqual({ ok: false, reason: 'expected 8 columns, found 3' })
  })
})
