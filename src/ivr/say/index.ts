/**
 * Speaking numbers, money, dates and digits from recorded fragments, as FreeSWITCH's
 * `say` cannot for Bosnian: `sayFragments` gives the fragment prompt ids
 * (prompts/<language>/<id>.wav, texts in prompts/say.yaml) to play in order as one
 * `file_string://` playback. Input is checked here, so the grammars (en.ts, ru.ts, pt.ts,
 * bs.ts) only ever see values they can speak; bad input is a SayError saying what is wrong.
 */
import { bs } from './bs.js'
import { CURRENCIES, FIRST_YEAR, LANGUAGES, LAST_YEAR, MINUS, type Currency, type Gender, type Grammar, type Language } from './common.js'
import { en } from './en.js'
import { pt } from './pt.js'
import { ru } from './ru.js'

export type { Currency, Gender, Language } from './common.js'
export { CURRENCIES as SAY_CURRENCIES, LANGUAGES as SAY_LANGUAGES } from './common.js'

export type SayRequest =
  | { kind: 'number'; value: number; gender?: Gender }
  | { kind: 'money'; amount: number; currency: Currency }
  | { kind: 'date'; date: string }
  | { kind: 'digits'; value: string }

export class SayError extends Error {
  override name = 'SayError'
}

const GRAMMARS: Record<Language, Grammar> = { en, ru, pt, bs }
const MAX = 999_999_999

/** The fragment prompt ids that speak `request` in `language`, in order. */
export function sayFragments(language: Language, request: SayRequest): string[] {
  const grammar = grammarOf(language)
  // requests may come from flow variables: check the shape, not only the values
  const kind: unknown = (request as { kind?: unknown } | null)?.kind
  switch (kind) {
    case 'number': {
      const { value, gender = 'm' } = request as Extract<SayRequest, { kind: 'number' }>
      if (typeof value !== 'number' || !Number.isInteger(value)) throw new SayError(`number must be an integer: ${String(value)}`)
      if (Math.abs(value) > MAX) throw new SayError(`number must be between -${MAX} and ${MAX}: ${value}`)
      if (!['m', 'f', 'n'].includes(gender)) throw new SayError(`number gender must be m, f or n: ${String(gender)}`)
      // -0 is 0: "zero", not "minus zero"
      return value < 0 ? [MINUS, ...grammar.number(-value, gender)] : grammar.number(Math.abs(value), gender)
    }
    case 'money': {
      const { amount, currency } = request as Extract<SayRequest, { kind: 'money' }>
      if (!CURRENCIES.includes(currency)) throw new SayError(`money currency must be one of ${CURRENCIES.join(', ')}: ${String(currency)}`)
      const { units, cents } = moneyAmount(amount)
      return grammar.money(units, cents, currency)
    }
    case 'date': {
      const { year, month, day } = parseDate((request as Extract<SayRequest, { kind: 'date' }>).date)
      return grammar.date(year, month, day)
    }
    case 'digits': {
      const { value } = request as Extract<SayRequest, { kind: 'digits' }>
      if (typeof value !== 'string' || !/^[0-9]+$/.test(value)) throw new SayError(`digits must be one or more of 0-9: ${JSON.stringify(value)}`)
      // every language's say-0..say-9 is its plain counting word
      return [...value].map((d) => `say-${d}`)
    }
    default:
      throw new SayError(`say kind must be number, money, date or digits: ${JSON.stringify(kind)}`)
  }
}

/** Every fragment id `language` can produce: each must exist as prompts/<language>/<id>.wav. */
export function fragmentIds(language: Language): string[] {
  return [...grammarOf(language).ids]
}

function grammarOf(language: Language): Grammar {
  if (!LANGUAGES.includes(language)) throw new SayError(`language must be one of ${LANGUAGES.join(', ')}: ${String(language)}`)
  return GRAMMARS[language]
}

/**
 * Whole units and cents of an amount with at most 2 decimals, read from the number's
 * shortest decimal form (the one String gives), so 0.1 + 0.2 is refused rather than
 * rounded: whoever computed it should round it.
 */
function moneyAmount(amount: number): { units: number; cents: number } {
  if (typeof amount !== 'number' || !Number.isFinite(amount)) throw new SayError(`money amount must be a number: ${String(amount)}`)
  if (amount < 0) throw new SayError(`money amount must not be negative: ${amount}`)
  if (amount >= MAX + 1) throw new SayError(`money amount must be at most ${MAX}.99: ${amount}`)
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(String(amount))
  if (!match) throw new SayError(`money amount must have at most 2 decimals: ${amount}`)
  return { units: Number(match[1]), cents: Number((match[2] ?? '').padEnd(2, '0')) }
}

/** 'YYYY-MM-DD' of a day that exists (Gregorian), in the years every grammar can say. */
function parseDate(date: string): { year: number; month: number; day: number } {
  const match = typeof date === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(date) : null
  if (!match) throw new SayError(`date must be YYYY-MM-DD: ${JSON.stringify(date)}`)
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  if (year < FIRST_YEAR || year > LAST_YEAR) throw new SayError(`date year must be ${FIRST_YEAR}-${LAST_YEAR}: ${date}`)
  // Date.UTC rolls 2026-02-30 over to March 2nd: a day that does not exist comes back different
  const check = new Date(Date.UTC(year, month - 1, day))
  if (month < 1 || month > 12 || day < 1 || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new SayError(`date does not exist: ${date}`)
  }
  return { year, month, day }
}
