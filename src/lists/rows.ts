/**
 * One row of an uploaded file -> a contact, or the reason it is rejected. Pure: the loader
 * feeds it the fields csv-parse read and what the scanner learned about the row.
 */
import { parsePhoneNumberFromString, validatePhoneNumberLength, type CountryCode } from 'libphonenumber-js'
import { readLanguage } from './languages.js'
import type { ResolvedMapping } from './mapping.js'
import { canonicalTimeZone, countryTimeZone } from './timezones.js'
import { readFields } from './typed-fields.js'

/** A field bigger than this is rejected with its row (and never held whole in memory). */
export const MAX_FIELD_BYTES = 1024 * 1024

/** A contact as a row gives it; empty custom fields are left out. */
export interface ContactRow {
  /** E.164. */
  phone: string
  name: string
  language: string | null
  timezone: string
  clientId: number | null
  consent: boolean | null
  fields: Record<string, string>
}

export interface RowRules {
  defaultCountry: string
  requireConsent: boolean
  /** The campaign's currency, for amounts that name none (undefined: they must). */
  currency?: string | undefined
  /** The campaign speaks amount_due and due_date (a payment reminder): they may not be empty. */
  spoken?: boolean
  /** The encoding the file was read in, for the reason of a row with bytes that are not. */
  encoding?: string
}

/** What the scanner found about the row's bytes. */
export interface RowShape {
  oversized?: { field: number; bytes: number } | undefined
  unclosedQuote?: boolean | undefined
}

/** `language`: the file named a language spoken with another's prompts (hr -> bs). */
export type RowResult = { ok: true; contact: ContactRow; language?: { written: string; to: string } } | { ok: false; reason: string }

const reject = (reason: string): RowResult => ({ ok: false, reason })

/** The column's name for a reason: its header, else its position. */
export function columnName(mapping: Pick<ResolvedMapping, 'headers'>, index: number): string {
  const h = mapping.headers[index]
  return h ? `"${h}"` : `column ${index + 1}`
}

const LENGTH_REASONS: Record<string, string> = {
  TOO_SHORT: 'too short',
  TOO_LONG: 'too long',
  INVALID_LENGTH: 'wrong length',
  INVALID_COUNTRY: 'unknown country code',
  NOT_A_NUMBER: 'not a number',
}

export type PhoneResult = { ok: true; phone: string; country: string | undefined } | { ok: false; reason: string }

/** The number in E.164 (national numbers read in `defaultCountry`), like the client directory does. */
export function normalizePhone(raw: string, defaultCountry: string): PhoneResult {
  const text = raw.trim()
  if (text === '') return { ok: false, reason: 'no phone number' }
  const parsed = parsePhoneNumberFromString(text, defaultCountry as CountryCode)
  if (parsed?.isValid()) return { ok: true, phone: parsed.number, country: parsed.country }
  const why = LENGTH_REASONS[validatePhoneNumberLength(text, defaultCountry as CountryCode) ?? '']
  return { ok: false, reason: `invalid phone number "${clip(text, 40)}"${why ? ` (${why})` : ''}` }
}

const CONSENT: Record<string, boolean> = { yes: true, true: true, '1': true, no: false, false: false, '0': false }

/** yes/no/true/false/1/0 in any case; '' is "not said" (null); anything else undefined. */
export function parseConsent(raw: string): boolean | null | undefined {
  const v = raw.trim().toLowerCase()
  if (v === '') return null
  return CONSENT[v]
}

const CLIENT_ID = /^[0-9]{1,15}$/

/** Why a row cannot be read at all (its shape or bytes), whatever it is loaded into; undefined when it can. */
export function recordProblem(record: string[], mapping: Pick<ResolvedMapping, 'headers'>, rules: Pick<RowRules, 'encoding'>, shape: RowShape = {}): string | undefined {
  if (shape.unclosedQuote) return 'a quoted field is not closed before the end of the file'
  if (shape.oversized) return `field ${columnName(mapping, shape.oversized.field)} is bigger than 1 MB (${shape.oversized.bytes.toLocaleString('en-US')} bytes)`
  if (record.length !== mapping.headers.length) return `expected ${mapping.headers.length} columns, found ${record.length}`
  for (let i = 0; i < record.length; i++) {
    const f = record[i]!
    // csv-parse decodes bytes that are not UTF-8 as U+FFFD.
    if (f.includes('\uFFFD')) return `field ${columnName(mapping, i)} is not valid ${!rules.encoding || rules.encoding === 'utf-8' ? 'UTF-8' : rules.encoding}`
    if (f.includes('\u0000')) return `field ${columnName(mapping, i)} contains a NUL character`
  }
  return undefined
}

export function validateRow(record: string[], mapping: ResolvedMapping, rules: RowRules, shape: RowShape = {}): RowResult {
  const problem = recordProblem(record, mapping, rules, shape)
  if (problem !== undefined) return reject(problem)
  const at = (i: number | undefined): string => (i === undefined ? '' : record[i]!.trim())

  const phone = normalizePhone(record[mapping.phone]!, rules.defaultCountry)
  if (!phone.ok) return reject(phone.reason)

  const languageText = at(mapping.language)
  const language = languageText === '' ? undefined : readLanguage(languageText)
  if (language && !language.ok) return reject(sanitize(language.reason))

  let timezone: string
  const zoneText = at(mapping.timezone)
  if (zoneText !== '') {
    const zone = canonicalTimeZone(zoneText)
    if (!zone) return reject(`unknown time zone "${clip(zoneText, 40)}"`)
    timezone = zone
  } else if (phone.country) {
    const inferred = countryTimeZone(phone.country)
    if (inferred.zone === undefined) return reject(inferred.reason)
    timezone = inferred.zone
  } else {
    return reject(`time zone needed: ${phone.phone.slice(0, 4)}... numbers belong to no country; map a timezone column`)
  }

  const clientText = at(mapping.clientId)
  if (clientText !== '' && !CLIENT_ID.test(clientText)) return reject(`client id "${clip(clientText, 20)}" is not a whole number`)

  const consentText = at(mapping.consent)
  const consent = parseConsent(consentText)
  if (consent === undefined) return reject(`consent "${clip(consentText, 20)}" is not yes/no/true/false/1/0`)
  if (rules.requireConsent && consent !== true) return reject('no consent')

  const fields = readFields(record, mapping, rules)
  if (typeof fields === 'string') return reject(sanitize(fields))
  return {
    ok: true,
    ...(language?.ok && language.mapped ? { language: { written: language.written, to: language.language } } : {}),
    contact: {
      phone: phone.phone,
      name: at(mapping.name),
      language: language?.ok ? language.language : null,
      timezone,
      clientId: clientText === '' ? null : Number(clientText),
      consent,
      fields,
    },
  }
}

/** True for a row with nothing in it (`;;;` from a spreadsheet, spaces): skipped like an empty line. */
export function isBlankRecord(record: string[]): boolean {
  for (const f of record) if (f.trim() !== '') return false
  return true
}

const EXCERPT_CHARS = 200

/** The start of the row as read, for the report. */
export function excerptOf(record: string[], delimiter: string): string {
  let out = ''
  for (const f of record) {
    if (out.length > 0) out += delimiter
    out += f.length > EXCERPT_CHARS ? f.slice(0, EXCERPT_CHARS) : f
    if (out.length >= EXCERPT_CHARS) break
  }
  return sanitize(out.length > EXCERPT_CHARS ? `${out.slice(0, EXCERPT_CHARS - 3)}...` : out)
}

/** Text PostgreSQL can store: no NUL. */
export function sanitize(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text
}

export function clip(text: string, max: number): string {
  return sanitize(text.length > max ? `${text.slice(0, max - 3)}...` : text)
}

/**
 * Merges a later row for the same number into the first: the first row's values stay, its
 * empty ones are filled from the later row, custom fields key by key.
 */
export function mergeContact(first: ContactRow, later: ContactRow): ContactRow {
  return {
    phone: first.phone,
    name: first.name !== '' ? first.name : later.name,
    language: first.language ?? later.language,
    timezone: first.timezone,
    clientId: first.clientId ?? later.clientId,
    consent: first.consent ?? later.consent,
    fields: { ...later.fields, ...first.fields },
  }
}
