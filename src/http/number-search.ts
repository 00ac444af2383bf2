/**
 * The digits to look for when someone searches by phone number. A whole number as the
 * center writes it (`062 351 516` with region BA) is read with libphonenumber-js and searched
 * as its international digits (38762351516), so it finds +38762351516 and not a Serbian
 * 062 number. Anything shorter is searched as typed, without spaces or punctuation and
 * without a leading 0 or 00 (a trunk or international prefix): `062 111` finds +38762111222.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js'

export function searchDigits(typed: string, region?: string): string {
  if (region) {
    const number = parsePhoneNumberFromString(typed, region as CountryCode)
    if (number?.isPossible()) return number.number.replace(/\D/g, '')
  }
  return typed.replace(/\D/g, '').replace(/^0+/, '')
}
