import { describe, expect, it } from 'vitest'
import { resolveMapping } from './mapping.js'
import { excerptOf, isBlankRecord, mergeContact, normalizePhone, parseConsent, validateRow, type ContactRow } from './rows.js'

const HEADER = ['phone', 'name', 'lang', 'tz', 'client', 'consent', 'amount', 'due']
const mapping = resolveMapping(HEADER, {
  phone: 'phone',
  name: 'name',
  language: 'lang',
  timezone: 'tz',
  clientId: 'client',
  consent: 'consent',
  fields: { amount_due: 'amount', due_date: 'due' },
})
const rules = { defaultCountry: 'BA', requireConsent: false }
const row = (values: Partial<Record<(typeof HEADER)[number], string>>): string[] => HEADER.map((h) => values[h] ?? '')

describe('validateRow', () => {
  it('turns a good row into a contact: E.164, time zone from the number, empty fields left out', () => {
    expect(validateRow(row({ phone: ' 061 234 567 ', name: ' Ana Marić ', lang: 'bs', amount: '12.50', consent: 'Yes' }), mapping, rules)).toEqual({
      ok: true,
      contact: { phone: '+38761234567', name: 'Ana Marić', language: 'bs', timezone: 'Europe/Sarajevo', clientId: null, consent: true, fields: { amount_due: '12.50', currency: 'BAM' } },
    })
    const international = validateRow(row({ phone: '+49 30 12345678', tz: 'europe/berlin', client: '42', due: '2026-12-01' }), mapping, rules)
    expect(international).toEqual({
      ok: true,
      contact: { phone: '+493012345678', name: '', language: null, timezone: 'Europe/Berlin', clientId: 42, consent: null, fields: { due_date: '2026-12-01' } },
    })
  })

  it('takes the time zone from the file over the one the number suggests', () => {
    const r = validateRow(row({ phone: '+1 212 555 0100', tz: 'America/New_York' }), mapping, rules)
    expect(r.ok && r.contact.timezone).toBe('America/New_York')
  })

  it('rejects each kind of bad row with its reason', () => {
    const cases: Array<[string[], string]> = [
      [row({ phone: '' }), 'no phone number'],
      [row({ phone: '12' }), 'invalid phone number "12" (too short)'],
      [row({ phone: 'call me' }), 'invalid phone number "call me" (not a number)'],
      [row({ phone: '+999 123 456' }), 'invalid phone number "+999 123 456" (unknown country code)'],
      [row({ phone: '061234567', lang: 'xx' }), 'language "xx" is unknown: write a code such as en, ru, pt, bs or a name such as Bosanski'],
      [row({ phone: '061234567', lang: 'Elvish' }), 'language "Elvish" is unknown: write a code such as en, ru, pt, bs or a name such as Bosanski'],
      [row({ phone: '061234567', amount: '12,5,0' }), 'field "amount": amount "12,5,0" is not a number (such as 1.483,00 or 2119,99 KM)'],
      [row({ phone: '061234567', due: '32.12.2026.' }), 'field "due": date "32.12.2026." does not exist'],
      [row({ phone: '061234567', amount: '12,505' }), 'field "amount": amount "12,505" is ambiguous: 12.505 with a decimal comma as in BA, or 12505? write 12505 or 12505,00'],
      [row({ phone: '061234567', amount: '12,5051' }), 'field "amount": amount 12.5051 has more decimals than BAM has (2)'],
      [row({ phone: '061234567', tz: 'Mars/Olympus' }), 'unknown time zone "Mars/Olympus"'],
      [row({ phone: '061234567', tz: '+01:00' }), 'unknown time zone "+01:00"'],
      [row({ phone: '+1 212 555 0100' }), 'time zone needed: numbers of US span 8 time zones; map a timezone column'],
      [row({ phone: '+800 1234 5678' }), 'time zone needed: +800... numbers belong to no country; map a timezone column'],
      [row({ phone: '061234567', client: '12a' }), 'client id "12a" is not a whole number'],
      [row({ phone: '061234567', consent: 'maybe' }), 'consent "maybe" is not yes/no/true/false/1/0'],
      [['061234567', 'x'], 'expected 8 columns, found 2'],
      [row({ phone: '061234567', name: 'Ana \uFFFD' }), 'field "name" is not valid UTF-8'],
      [row({ phone: '061234567', due: 'a\u0000b' }), 'field "due" contains a NUL character'],
    ]
    for (const [record, reason] of cases) expect(validateRow(record, mapping, rules), reason).toEqual({ ok: false, reason })
  })

  it('names the oversized field and the unclosed quote from what the scanner saw', () => {
    expect(validateRow(row({ phone: '061234567' }), mapping, rules, { oversized: { field: 6, bytes: 10_485_760 } })).toEqual({
      ok: false,
      reason: 'field "amount" is bigger than 1 MB (10,485,760 bytes)',
    })
    expect(validateRow(['061234567'], mapping, rules, { unclosedQuote: true })).toEqual({ ok: false, reason: 'a quoted field is not closed before the end of the file' })
  })

  it('with requireConsent rejects rows that do not say yes', () => {
    const strict = { ...rules, requireConsent: true }
    for (const consent of ['', 'no', 'false', '0']) expect(validateRow(row({ phone: '061234567', consent }), mapping, strict)).toEqual({ ok: false, reason: 'no consent' })
    for (const consent of ['yes', 'TRUE', '1']) expect(validateRow(row({ phone: '061234567', consent }), mapping, strict).ok).toBe(true)
  })

  it("reads national numbers in the campaign's country", () => {
    const r = validateRow(row({ phone: '030 12345678' }), mapping, { ...rules, defaultCountry: 'DE' })
    expect(r.ok && [r.contact.phone, r.contact.timezone]).toEqual(['+493012345678', 'Europe/Berlin'])
  })
})

describe('parseConsent', () => {
  it('reads yes/no/true/false/1/0 in any case, empty as unknown', () => {
    expect(['yes', 'YES', ' True ', '1'].map(parseConsent)).toEqual([true, true, true, true])
    expect(['no', 'No', 'false', '0'].map(parseConsent)).toEqual([false, false, false, false])
    expect(parseConsent('  ')).toBeNull()
    expect(['y', 'ja', '2', 'yes!'].map(parseConsent)).toEqual([undefined, undefined, undefined, undefined])
  })
})

describe('normalizePhone', () => {
  it('writes every form of a number in E.164', () => {
    for (const raw of ['061 234 567', '+387 61 234 567', '0038761234567', '+387-61-234-567']) expect(normalizePhone(raw, 'BA')).toEqual({ ok: true, phone: '+38761234567', country: 'BA' })
  })
})

describe('mergeContact', () => {
  it("keeps the first row's values and fills its empty ones, fields key by key", () => {
    const first: ContactRow = { phone: '+38761234567', name: '', language: 'bs', timezone: 'Europe/Sarajevo', clientId: null, consent: null, fields: { amount_due: '10' } }
    const later: ContactRow = { phone: '+38761234567', name: 'Ana', language: 'en', timezone: 'Europe/Berlin', clientId: 7, consent: false, fields: { amount_due: '99', due_date: '2026-12-01' } }
    expect(mergeContact(first, later)).toEqual({
      phone: '+38761234567',
      name: 'Ana',
      language: 'bs',
      timezone: 'Europe/Sarajevo',
      clientId: 7,
      consent: false,
      fields: { amount_due: '10', due_date: '2026-12-01' },
    })
  })
})

describe('excerptOf and isBlankRecord', () => {
  it('joins the start of the row with its delimiter, cut at 200 characters, without NULs', () => {
    expect(excerptOf(['061', 'Ana', 'x'], ';')).toBe('061;Ana;x')
    const long = excerptOf(['061', 'y'.repeat(5000)], ',')
    expect(long).toHaveLength(200)
    expect(long.endsWith('...')).toBe(true)
    expect(excerptOf(['a\u0000b'], ',')).toBe('a\uFFFDb')
  })

  it('sees rows of empty fields as blank', () => {
    expect(isBlankRecord(['', ' ', ''])).toBe(true)
    expect(isBlankRecord(['', 'x'])).toBe(false)
  })
})
