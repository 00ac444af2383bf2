/**
 * A client's values as people write them, read the way the dial-list loader reads its rows
 * (src/lists: amounts and dates as the country writes them, languages by code or name), and
 * checked the way the IVR needs them: a type it routes by, a language it has prompts for.
 * Each reader answers the value or the reason, for the API's error and the import's report.
 */
import { CLIENT_TYPES, type ClientType } from '../db/schema/index.js'
import { SAY_LANGUAGES } from '../ivr/say/index.js'
import { readLanguage } from '../lists/languages.js'
import { clip, parseConsent } from '../lists/rows.js'
import { currencyCode, formatAmount, minorUnits, parseAmount, parseDate } from '../lists/values.js'

export type Read<T> = { ok: true; value: T } | { ok: false; reason: string }

const ok = <T>(value: T): Read<T> => ({ ok: true, value })
const no = <T>(reason: string): Read<T> => ({ ok: false, reason })

/** `Key`, `own outlet`, `own-outlet` -> key, own_outlet. */
export function readClientType(raw: string): Read<ClientType> {
  const t = raw.trim().toLowerCase().replace(/[\s-]+/g, '_')
  return (CLIENT_TYPES as readonly string[]).includes(t) ? ok(t as ClientType) : no(`type "${clip(raw.trim(), 30)}" is not one of ${CLIENT_TYPES.join(', ')}`)
}

/** A language the IVR has prompts for (close ones mapped: hr -> bs), by code or name. */
export function readClientLanguage(raw: string): Read<string> {
  const read = readLanguage(raw)
  if (!read.ok) return no(read.reason)
  if (!(SAY_LANGUAGES as readonly string[]).includes(read.language)) return no(`language "${clip(raw.trim(), 20)}" has no prompts: the IVR speaks ${SAY_LANGUAGES.join(', ')}`)
  return ok(read.language)
}

/** yes/no/true/false/1/0. */
export function readVip(raw: string): Read<boolean> {
  const v = parseConsent(raw)
  return typeof v === 'boolean' ? ok(v) : no(`VIP "${clip(raw.trim(), 20)}" is not yes/no/true/false/1/0`)
}

export function readCurrency(raw: string): Read<string> {
  const code = currencyCode(raw)
  return code ? ok(code) : no(`currency "${clip(raw.trim(), 20)}" is unknown (write a code such as BAM or EUR, or KM, €)`)
}

/** An order date as the country writes it (15.12.2026., 2026-12-15). */
export function readDate(raw: string, country: string): Read<string> {
  const d = parseDate(raw, country)
  return d.ok ? ok(d.value) : no(d.reason)
}

/** `1.483,00 KM` -> 1483 (never negative) and the currency its sign names, if any. */
export function readAmount(raw: string, country: string): Read<{ value: number; currency: string | undefined }> {
  const a = parseAmount(raw, country)
  return a.ok ? ok({ value: a.value, currency: a.currency }) : no(a.reason)
}

/** The amount as stored (1483.00), or the reason it has more decimals than the currency. */
export function storedAmount(value: number, currency: string): Read<string> {
  const scale = 10 ** minorUnits(currency)
  if (Math.round(value * scale) / scale !== value) return no(`amount ${value} has more decimals than ${currency} has (${minorUnits(currency)})`)
  return ok(formatAmount(value, currency))
}
