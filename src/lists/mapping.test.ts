import { describe, expect, it } from 'vitest'
import { MappingError, parseMapping, resolveMapping } from './mapping.js'

describe('parseMapping', () => {
  it('reads a mapping from JSON or an object', () => {
    const m = { phone: 'Telefon', name: 'Ime', consent: 'Pristanak', fields: { amount_due: 'Iznos', due_date: 'Rok' } }
    expect(parseMapping(JSON.stringify(m))).toEqual(m)
    expect(parseMapping({ phone: 'tel' })).toEqual({ phone: 'tel' })
  })

  it('refuses what is not a mapping, saying what is wrong', () => {
    const cases: Array<[unknown, RegExp]> = [
      ['{"phone": ', /not valid JSON/],
      [[], /must be an object/],
      [null, /must be an object/],
      [{}, /mapping.phone is required/],
      [{ phone: '' }, /mapping.phone must name a column/],
      [{ phone: 'tel', name: 3 }, /mapping.name must name a column/],
      [{ phone: 'tel', phon: 'x' }, /unknown key "phon"/],
      [{ phone: 'tel', fields: ['a'] }, /mapping.fields must be an object/],
      [{ phone: 'tel', fields: { 'due date': 'Rok' } }, /"due date" is not a field name/],
      [{ phone: 'tel', fields: { due: '' } }, /mapping.fields.due must name a column/],
    ]
    for (const [input, message] of cases) expect(() => parseMapping(input), JSON.stringify(input)).toThrow(message)
    expect(() => parseMapping({})).toThrow(MappingError)
  })
})

describe('resolveMapping', () => {
  const header = [' Telefon ', 'Ime', 'JEZIK', 'Iznos', 'Rok']

  it('finds each column by its exact name, else by the one name that matches ignoring case', () => {
    const r = resolveMapping(header, { phone: 'Telefon', name: 'Ime', language: 'jezik', fields: { amount_due: 'Iznos', due_date: 'Rok' } })
    expect(r).toEqual({
      headers: ['Telefon', 'Ime', 'JEZIK', 'Iznos', 'Rok'],
      phone: 0,
      name: 1,
      language: 2,
      timezone: undefined,
      clientId: undefined,
      consent: undefined,
      fields: [
        ['amount_due', 3],
        ['due_date', 4],
      ],
    })
  })

  it('names a column the file does not have and lists the ones it has', () => {
    expect(() => resolveMapping(header, { phone: 'Telefon', fields: { amount_due: 'Amount' } })).toThrow(
      'mapping.fields.amount_due: the file has no column "Amount"; its columns are "Telefon", "Ime", "JEZIK", "Iznos", "Rok"',
    )
    expect(() => resolveMapping(header, { phone: 'phone' })).toThrow(/mapping.phone: the file has no column "phone"/)
  })

  it('refuses a name that the header has twice', () => {
    expect(() => resolveMapping(['tel', 'Name', 'name'], { phone: 'tel', name: 'NAME' })).toThrow('mapping.name: the header has 2 columns named "NAME"')
  })
})
