/** Amounts, currencies and dates as people write them, read in the campaign's country. */
import { describe, expect, it } from 'vitest'
import { campaignSettings } from '../campaigns/settings.js'
import { campaignCurrency, currencyCode, parseAmount, parseDate } from './values.js'

describe('parseAmount', () => {
  it('reads decimal commas, thousands dots and currency signs in a decimal-comma country', () => {
    expect(parseAmount('1.483,00 KM', 'BA')).toEqual({ ok: true, value: 1483, currency: 'BAM' })
    expect(parseAmount('2119,99', 'BA')).toEqual({ ok: true, value: 2119.99, currency: undefined })
    expect(parseAmount('1.483', 'BA')).toEqual({ ok: true, value: 1483, currency: undefined })
    expect(parseAmount('€ 12,5', 'BA')).toEqual({ ok: true, value: 12.5, currency: 'EUR' })
    expect(parseAmount('1 234 567,10 BAM', 'BA')).toEqual({ ok: true, value: 1234567.1, currency: 'BAM' })
    expect(parseAmount('250.75', 'BA')).toEqual({ ok: true, value: 250.75, currency: undefined })
    expect(parseAmount('99 kn', 'HR')).toMatchObject({ ok: false })
  })

  it('reads a decimal point where that is the custom', () => {
    expect(parseAmount('1,483.50', 'US')).toEqual({ ok: true, value: 1483.5, currency: undefined })
    expect(parseAmount('$1,483', 'US')).toEqual({ ok: true, value: 1483, currency: 'USD' })
  })

  it('refuses what it cannot read with the reason', () => {
    expect(parseAmount('1,483', 'BA')).toEqual({ ok: false, reason: 'amount "1,483" is ambiguous: 1.483 with a decimal comma as in BA, or 1483? write 1483 or 1483,00' })
    expect(parseAmount('12,50 abc', 'BA')).toEqual({ ok: false, reason: 'amount "12,50 abc" is not a number (such as 1.483,00 or 2119,99 KM)' })
    expect(parseAmount('1.48.3', 'BA')).toMatchObject({ ok: false })
    expect(parseAmount('-5', 'BA')).toEqual({ ok: false, reason: 'amount "-5" is negative' })
    expect(parseAmount('12 KM €', 'BA')).toEqual({ ok: false, reason: 'amount "12 KM €" names two currencies' })
  })
})

describe('currencies', () => {
  it('knows codes and signs, and the currency of a country', () => {
    expect(currencyCode('KM')).toBe('BAM')
    expect(currencyCode('km')).toBe('BAM')
    expect(currencyCode('€')).toBe('EUR')
    expect(currencyCode('eur')).toBe('EUR')
    expect(currencyCode('ZZZ')).toBeUndefined()
    expect(campaignCurrency({ defaultCountry: 'BA', currency: undefined })).toBe('BAM')
    expect(campaignCurrency({ defaultCountry: 'BA', currency: 'EUR' })).toBe('EUR')
    expect(campaignCurrency({ defaultCountry: 'AQ', currency: undefined })).toBeUndefined()
    // The campaign setting is an ISO 4217 code.
    expect(campaignSettings({ currency: 'BAM' }).currency).toBe('BAM')
    expect(() => campaignSettings({ currency: 'KMX' })).toThrow('settings.currency: KMX is not an ISO 4217 currency code (such as BAM, EUR)')
    expect(() => campaignSettings({ currency: 'km' })).toThrow('settings.currency')
  })
})

describe('parseDate', () => {
  it('reads the forms of the campaign country into yyyy-mm-dd', () => {
    expect(parseDate('15.12.2026.', 'BA')).toEqual({ ok: true, value: '2026-12-15' })
    expect(parseDate('15. 12. 2026.', 'BA')).toEqual({ ok: true, value: '2026-12-15' })
    expect(parseDate('1.2.2027', 'BA')).toEqual({ ok: true, value: '2027-02-01' })
    expect(parseDate('2026-12-15', 'BA')).toEqual({ ok: true, value: '2026-12-15' })
    expect(parseDate('03/04/2027', 'BA')).toEqual({ ok: true, value: '2027-04-03' })
    expect(parseDate('03/04/2027', 'US')).toEqual({ ok: true, value: '2027-03-04' })
  })

  it('refuses dates that do not exist or are not dates, with the reason', () => {
    expect(parseDate('31.02.2027.', 'BA')).toEqual({ ok: false, reason: 'date "31.02.2027." does not exist' })
    expect(parseDate('15.12.26', 'BA')).toEqual({ ok: false, reason: 'date "15.12.26": write the year in full (15.12.2026.)' })
    expect(parseDate('sutra', 'BA')).toEqual({ ok: false, reason: 'date "sutra" is not a date (such as 15.12.2026. or 2026-12-15)' })
  })
})
