/**
 * The digits to look for when someone searches by phone number: what they typed, without
 * spaces or punctuation, and without a leading 0 or 00 (a national trunk prefix or the
 * international one), so `062 111` finds +38762111222 and `00387 62` finds it too.
 */
export function searchDigits(typed: string): string {
  return typed.replace(/\D/g, '').replace(/^0+/, '')
}
