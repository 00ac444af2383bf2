/**
 * Amounts, currencies and dates as people write them in the campaign's country (1.483,00 KM,
 * 2119,99, 15.12.2026.), read into the forms the scripts speak (1483.00 + BAM, 2026-12-15).
 * What cannot be read for certain is refused with the reason, never guessed: a row accepted
 * here is a row whose amount and date are said at call time.
 */

export type ValueResult<T> = { ok: true; value: T } | { ok: false; reason: string }
export type AmountResult = { ok: true; value: number; currency: string | undefined } | { ok: false; reason: string }

/** Signs and local names of currencies -> ISO 4217 (codes are read as themselves). */
const SIGNS: Record<string, string> = {
  km: 'BAM',
  '€': 'EUR',
  $: 'USD',
  '£': 'GBP',
  '₽': 'RUB',
  'руб': 'RUB',
  'руб.': 'RUB',
  'р.': 'RUB',
  din: 'RSD',
  'дин': 'RSD',
  'дин.': 'RSD',
}

const ISO_CURRENCIES = new Set(Intl.supportedValuesOf('currency'))

/** The ISO 4217 code for a code or sign as written (KM, km, €, eur); undefined when none. */
export function currencyCode(text: string): string | undefined {
  const t = text.trim()
  const sign = SIGNS[t.toLowerCase()]
  if (sign) return sign
  const upper = t.toUpperCase()
  return /^[A-Z]{3}$/.test(upper) && ISO_CURRENCIES.has(upper) ? upper : undefined
}

export function isCurrencyCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && ISO_CURRENCIES.has(code)
}

/** Where a campaign gives no currency, the one of its country (the Western Balkans and our neighbours). */
const COUNTRY_CURRENCY: Record<string, string> = {
  BA: 'BAM', HR: 'EUR', RS: 'RSD', ME: 'EUR', SI: 'EUR', MK: 'MKD', AL: 'ALL', XK: 'EUR',
  RU: 'RUB', PT: 'EUR', DE: 'EUR', AT: 'EUR', IT: 'EUR', FR: 'EUR', ES: 'EUR', NL: 'EUR', BE: 'EUR', IE: 'EUR',
  US: 'USD', GB: 'GBP', CH: 'CHF', TR: 'TRY', HU: 'HUF', BR: 'BRL',
}

/** The campaign's currency: its setting, else its country's; undefined when neither says. */
export function campaignCurrency(settings: { defaultCountry: string; currency?: string | undefined }): string | undefined {
  return settings.currency ?? COUNTRY_CURRENCY[settings.defaultCountry]
}

/** Digits after the decimal separator each currency has (ISO 4217 minor units). */
export function minorUnits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  } catch {
    return 2
  }
}

const decimalCache = new Map<string, string>()

/** The decimal separator of the country's main language (',' in BA, '.' in the US). */
export function decimalSeparator(country: string): string {
  let sep = decimalCache.get(country)
  if (sep === undefined) {
    try {
      const locale = new Intl.Locale('und', { region: country }).maximize().toString()
      sep = new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.'
    } catch {
      sep = '.'
    }
    if (sep !== ',') sep = '.'
    decimalCache.set(country, sep)
  }
  return sep
}

// Spaces of every kind and apostrophes group thousands (1 234,50; 1'234.50).
const GROUP_SPACES = /[\s\u00a0\u202f'’]/g
const NUMBER = /^[0-9][0-9.,]*$/
const SIGN_TOKEN = /^([^0-9\s.,-]+)?\s*(-?[0-9][0-9\s\u00a0\u202f'’.,]*?)\s*([^0-9\s.,-][^0-9]*)?$/

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text
}

/** `1.483,00 KM` -> 1483 and BAM, read with the country's decimal separator where it matters. */
export function parseAmount(raw: string, country: string): AmountResult {
  const text = raw.trim()
  const shown = clip(text)
  const notNumber = { ok: false as const, reason: `amount "${shown}" is not a number (such as 1.483,00 or 2119,99 KM)` }
  const m = SIGN_TOKEN.exec(text)
  if (!m) return notNumber
  const [, before, digits, after] = m
  let currency: string | undefined
  for (const sign of [before, after].flatMap((s) => (s ? s.trim().split(/\s+/) : []))) {
    const code = currencyCode(sign)
    if (!code) return notNumber
    if (currency) return { ok: false, reason: `amount "${shown}" names two currencies` }
    currency = code
  }
  const n = digits!.replace(GROUP_SPACES, '')
  if (n.startsWith('-')) return { ok: false, reason: `amount "${shown}" is negative` }
  if (!NUMBER.test(n)) return notNumber
  const value = readNumber(n, country)
  if (value === 'ambiguous') {
    const [a, b] = n.split(',') as [string, string]
    return { ok: false, reason: `amount "${shown}" is ambiguous: ${a}.${b} with a decimal comma as in ${country}, or ${a}${b}? write ${a}${b} or ${a}${b},00` }
  }
  if (value === undefined) return notNumber
  return { ok: true, value, currency }
}

const GROUPED_DOT = /^[0-9]{1,3}(\.[0-9]{3})+$/
const GROUPED_COMMA = /^[0-9]{1,3}(,[0-9]{3})+$/

/** Digits with dots and commas -> a number; 'ambiguous' for 1,483 where the comma is the decimal separator. */
function readNumber(n: string, country: string): number | 'ambiguous' | undefined {
  const dots = n.split('.').length - 1
  const commas = n.split(',').length - 1
  const grouped = (s: string, sep: string): string | undefined => ((sep === '.' ? GROUPED_DOT : GROUPED_COMMA).test(s) ? s.replaceAll(sep, '') : undefined)
  if (dots + commas === 0) return Number(n)
  if (dots > 0 && commas > 0) {
    // Both: the last one is the decimal separator, the other groups thousands.
    const dec = n.lastIndexOf('.') > n.lastIndexOf(',') ? '.' : ','
    const group = dec === '.' ? ',' : '.'
    const [int, frac, extra] = n.split(dec)
    if (extra !== undefined || !frac || /[.,]/.test(frac)) return undefined
    const whole = grouped(int!, group)
    return whole === undefined ? undefined : Number(`${whole}.${frac}`)
  }
  const sep = dots > 0 ? '.' : ','
  if (dots + commas > 1) {
    const whole = grouped(n, sep)
    return whole === undefined ? undefined : Number(whole)
  }
  const [int, frac] = n.split(sep) as [string, string]
  if (frac.length === 0 || int.length === 0) return undefined
  // One separator and three digits after it: the country's custom decides.
  if (frac.length === 3 && int.length <= 3) {
    if (sep === decimalSeparator(country)) return sep === ',' ? 'ambiguous' : Number(`${int}.${frac}`)
    return Number(`${int}${frac}`)
  }
  return Number(`${int}.${frac}`)
}

/** The amount as stored for the scripts: a point and the currency's decimals (1483.00). */
export function formatAmount(value: number, currency: string): string {
  return value.toFixed(minorUnits(currency))
}

/** Day-first countries write 03/04/2027 for 3 April; these write the month first. */
const MONTH_FIRST = new Set(['US', 'PH', 'FM', 'MH', 'PW'])

const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/
const LOCAL_DATE = /^(\d{1,2})\s*([./-])\s*(\d{1,2})\s*\2\s*(\d{2}|\d{4})\.?$/

/** `15.12.2026.` -> 2026-12-15; a date that does not exist or has a two-digit year is refused. */
export function parseDate(raw: string, country: string): ValueResult<string> {
  const text = raw.trim()
  const shown = clip(text)
  let y: number
  let mo: number
  let d: number
  const iso = ISO_DATE.exec(text)
  const local = iso ? undefined : LOCAL_DATE.exec(text)
  if (iso) {
    ;[y, mo, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])]
  } else if (local) {
    const [, a, sep, b, year] = local
    if (year!.length === 2) return { ok: false, reason: `date "${shown}": write the year in full (${a}.${b}.20${year}.)` }
    y = Number(year)
    // Dots are always day first; slashes and dashes follow the country's custom.
    const monthFirst = sep !== '.' && MONTH_FIRST.has(country)
    ;[d, mo] = monthFirst ? [Number(b), Number(a)] : [Number(a), Number(b)]
  } else {
    return { ok: false, reason: `date "${shown}" is not a date (such as 15.12.2026. or 2026-12-15)` }
  }
  const date = new Date(Date.UTC(y, mo - 1, d))
  if (y < 1000 || date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return { ok: false, reason: `date "${shown}" does not exist` }
  return { ok: true, value: `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}` }
}

export type FieldKind = 'amount' | 'date' | 'currency' | 'text'

/**
 * What a custom field holds, by its name: the names the scripts speak (amount_due, due_date,
 * currency) and the like (*_amount, *_date). Others are text, kept as written.
 */
export function fieldKind(key: string): FieldKind {
  const k = key.toLowerCase()
  if (k === 'currency') return 'currency'
  if (k === 'amount' || k === 'amount_due' || k.endsWith('_amount')) return 'amount'
  if (k === 'date' || k === 'due_date' || k.endsWith('_date')) return 'date'
  return 'text'
}
