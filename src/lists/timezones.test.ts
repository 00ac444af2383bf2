import { describe, expect, it } from 'vitest'
import { canonicalTimeZone, countryTimeZone } from './timezones.js'

describe('countryTimeZone', () => {
  it("gives a one-zone country its own zone's name", () => {
    expect(countryTimeZone('BA')).toEqual({ zone: 'Europe/Sarajevo' })
    expect(countryTimeZone('HR')).toEqual({ zone: 'Europe/Zagreb' })
    expect(countryTimeZone('RS')).toEqual({ zone: 'Europe/Belgrade' })
    expect(countryTimeZone('DK')).toEqual({ zone: 'Europe/Copenhagen' })
    expect(countryTimeZone('GB')).toEqual({ zone: 'Europe/London' })
  })

  it('gives a country whose zones keep one time (Germany: Berlin and Busingen; Kazakhstan) its main zone', () => {
    expect(countryTimeZone('DE')).toEqual({ zone: 'Europe/Berlin' })
    expect(countryTimeZone('KZ')).toEqual({ zone: 'Asia/Almaty' })
  })

  it('gives the mainland zone where the other zones are outlying islands', () => {
    expect(countryTimeZone('ES')).toEqual({ zone: 'Europe/Madrid' })
    expect(countryTimeZone('PT')).toEqual({ zone: 'Europe/Lisbon' })
  })

  it('infers nothing for countries spanning several times, and says why', () => {
    for (const country of ['US', 'CA', 'RU', 'BR', 'AU', 'MX']) {
      const z = countryTimeZone(country)
      expect(z.zone, country).toBeUndefined()
      expect('reason' in z && z.reason).toMatch(new RegExp(`^time zone needed: numbers of ${country} span \\d+ time zones; map a timezone column$`))
    }
    expect(countryTimeZone('XX')).toEqual({ zone: undefined, reason: 'time zone needed: no time zone is known for country XX' })
  })
})

describe('canonicalTimeZone', () => {
  it('accepts IANA zones in any case and spells them as the runtime does', () => {
    expect(canonicalTimeZone('Europe/Sarajevo')).toBe('Europe/Sarajevo')
    expect(canonicalTimeZone('europe/sarajevo')).toBe('Europe/Sarajevo')
    expect(canonicalTimeZone('america/argentina/buenos_aires')).toBe('America/Argentina/Buenos_Aires')
    expect(canonicalTimeZone('Europe/Kyiv')).toBe('Europe/Kyiv')
    expect(canonicalTimeZone('UTC')).toBe('UTC')
  })

  it('refuses names Intl does not know and offsets', () => {
    for (const bad of ['Mars/Olympus', 'Europe/Sarajev', '+01:00', 'GMT+1:00', '', 'Europe/../etc']) expect(canonicalTimeZone(bad), bad).toBeUndefined()
  })
})
