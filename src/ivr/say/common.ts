/**
 * What the language files share: the types, the interface each language implements, and
 * the small helpers more than one grammar needs. index.ts validates every input before a
 * grammar sees it, so the grammars only ever get values they can speak.
 */

export type Language = 'en' | 'ru' | 'pt' | 'bs'
export type Currency = 'EUR' | 'BAM' | 'RUB' | 'USD'
export type Gender = 'm' | 'f' | 'n'

export const LANGUAGES: readonly Language[] = ['en', 'ru', 'pt', 'bs']
export const CURRENCIES: readonly Currency[] = ['EUR', 'BAM', 'RUB', 'USD']

/** The years a date may have: every ordinal form they need has a fragment. */
export const FIRST_YEAR = 1000
export const LAST_YEAR = 2999

/** One language's grammar, from validated values to fragment prompt ids. */
export interface Grammar {
  /** value: 0..999_999_999 (index.ts says the minus). */
  number(value: number, gender: Gender): string[]
  /** units: 0..999_999_999; cents: 0..99. */
  money(units: number, cents: number, currency: Currency): string[]
  /** A date that exists, year FIRST_YEAR..LAST_YEAR, month 1-12. */
  date(year: number, month: number, day: number): string[]
  /** Every id the grammar can produce, each once. */
  readonly ids: readonly string[]
}

/** Every language has these: "minus" before a negative number, say-0..say-9 for digits. */
export const MINUS = 'say-minus'

/** from, from + step, ... up to and including to. */
export function range(from: number, to: number, step = 1): number[] {
  const out: number[] = []
  for (let n = from; n <= to; n += step) out.push(n)
  return out
}

/** 123_456_789 -> { millions: 123, thousands: 456, units: 789 } */
export function splitThousands(n: number): { millions: number; thousands: number; units: number } {
  return { millions: Math.floor(n / 1_000_000), thousands: Math.floor(n / 1000) % 1000, units: n % 1000 }
}

export type SlavicForm = 'one' | 'few' | 'many'
export const SLAVIC_FORMS: readonly SlavicForm[] = ['one', 'few', 'many']

/**
 * Russian and Bosnian choose a counted noun's form by the last two digits:
 * 1, 21, 101 -> one (рубль, marka); 2-4, 22 -> few (рубля, marke);
 * 0, 5-20 and 11-14, 25 -> many (рублей, maraka).
 */
export function slavicForm(n: number): SlavicForm {
  const last = n % 10
  const lastTwo = n % 100
  if (last === 1 && lastTwo !== 11) return 'one'
  if (last >= 2 && last <= 4 && (lastTwo < 12 || lastTwo > 14)) return 'few'
  return 'many'
}

/**
 * The id of a currency's main unit, or of its hundredth ("cent": cent, fening, kopeck),
 * in one grammatical form: say-eur-one, say-rub-few, say-bam-cent-many.
 */
export function unitId(currency: Currency, cent: boolean, form: string): string {
  return `say-${currency.toLowerCase()}${cent ? '-cent' : ''}-${form}`
}

/** All unit ids of all currencies in the given forms. */
export function unitIds(forms: readonly string[]): string[] {
  return CURRENCIES.flatMap((c) => [false, true].flatMap((cent) => forms.map((f) => unitId(c, cent, f))))
}

/**
 * Units, then cents, joined by `and`: 0 cents are left out ("twelve euros"), so are 0 units
 * before cents ("five cents"), and an amount of 0 is "zero euros".
 */
export function moneyParts(units: number, cents: number, part: (n: number, cent: boolean) => string[], and: string[]): string[] {
  const parts: string[][] = []
  if (units > 0 || cents === 0) parts.push(part(units, false))
  if (cents > 0) parts.push(part(cents, true))
  return parts.flatMap((p, i) => (i > 0 ? [...and, ...p] : p))
}

/** The day ordinals en, ru and bs have as one word: 1st-20th and 30th. */
export const DAY_ORDINALS = [...range(1, 20), 30]

/**
 * A day of the month as an ordinal, en/ru/bs style: the words listed in DAY_ORDINALS are
 * say-day-ord-<n>; the others are a cardinal ten and an ordinal unit: twenty-third =
 * say-20 say-day-ord-3, тридцать первое = say-30 say-day-ord-1.
 */
export function dayOrdinal(day: number): string[] {
  if (DAY_ORDINALS.includes(day)) return [`say-day-ord-${day}`]
  return [`say-${day - (day % 10)}`, `say-day-ord-${day % 10}`]
}

/** The year ordinals ru and bs have as one word: 1-19, tens, hundreds, round thousands. */
export const YEAR_ORDINALS = [...range(1, 19), ...range(20, 90, 10), ...range(100, 900, 100), ...range(1000, LAST_YEAR, 1000)]

/**
 * A year the Slavic way: a cardinal number whose last word only is an ordinal,
 * say-year-ord-<n> (genitive in both languages): две тысячи двадцать шестого (2026),
 * тысяча девятисотого (1900), dvijehiljadite (2000: one word), hiljadu devetsto
 * osamdeset pete (1985).
 */
export function slavicYear(year: number, cardinal: (n: number) => string[]): string[] {
  const ord = (n: number): string => `say-year-ord-${n}`
  const tensAndUnits = year % 100
  const hundreds = year % 1000 - tensAndUnits
  const thousands = year - (year % 1000)
  if (tensAndUnits === 0 && hundreds === 0) return [ord(thousands)]
  if (tensAndUnits === 0) return [...cardinal(thousands), ord(hundreds)]
  const before = cardinal(year - tensAndUnits)
  const unit = tensAndUnits % 10
  // 1-19 and whole tens are one ordinal word; otherwise a cardinal ten and an ordinal unit
  if (tensAndUnits < 20 || unit === 0) return [...before, ord(tensAndUnits)]
  return [...before, `say-${tensAndUnits - unit}`, ord(unit)]
}

// Russian and Bosnian alike: only 1 and 2 have genders: один/одна/одно, jedan/jedna/jedno
// (say-1, say-1-f, say-1-n); два/две, dva/dvije (the masculine form for neuter too).
function slavicUnit(n: number, gender: Gender): string {
  if (n === 1 && gender !== 'm') return `say-1-${gender}`
  if (n === 2 && gender === 'f') return 'say-2-f'
  return `say-${n}`
}

/** 1-999 in Russian or Bosnian: сто двадцать одна, sto dvadeset jedna; each hundred and ten is one word. */
export function slavicBelow1000(n: number, gender: Gender): string[] {
  const hundreds = n - (n % 100)
  const rest = n % 100
  const out = hundreds > 0 ? [`say-${hundreds}`] : []
  if (rest >= 20) {
    out.push(`say-${rest - (rest % 10)}`)
    if (rest % 10 > 0) out.push(slavicUnit(rest % 10, gender))
  } else if (rest > 0) out.push(slavicUnit(rest, gender))
  return out
}
