/**
 * Which column of an uploaded file holds what: `{ phone: 'Telefon', name?, language?,
 * timezone?, clientId?, consent?, fields?: { amount_due: 'Iznos', ... } }`, checked against the
 * file's header before any row is read.
 */

export interface ColumnMapping {
  phone: string
  name?: string
  language?: string
  timezone?: string
  clientId?: string
  consent?: string
  /** Custom fields: the contact's key -> the column holding it. */
  fields?: Record<string, string>
}

export const MAPPING_KEYS = ['phone', 'name', 'language', 'timezone', 'clientId', 'consent', 'fields'] as const
const SINGLE_KEYS = ['phone', 'name', 'language', 'timezone', 'clientId', 'consent'] as const
type SingleKey = (typeof SINGLE_KEYS)[number]

/** A mapping that does not fit the file (or is not a mapping); the message names the problem. */
export class MappingError extends Error {
  override readonly name = 'MappingError'
}

const FIELD_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/

/** A mapping as it came (JSON from a query string, an object from code) as an object, or why not. */
export function mappingObject(input: unknown): Record<string, unknown> {
  let value = input
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value)
    } catch {
      throw new MappingError('mapping is not valid JSON')
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MappingError('mapping must be an object such as {"phone": "<column>"}')
  return value as Record<string, unknown>
}

/** Checks the shape of a mapping as it came (JSON from a query string, an object from code). */
export function parseMapping(input: unknown): ColumnMapping {
  const raw = mappingObject(input)
  for (const key of Object.keys(raw)) {
    if (!(MAPPING_KEYS as readonly string[]).includes(key)) throw new MappingError(`mapping has an unknown key "${key}"; the keys are ${MAPPING_KEYS.join(', ')}`)
  }
  const column = (key: string, v: unknown): string => {
    if (typeof v !== 'string' || v.trim() === '') throw new MappingError(`mapping.${key} must name a column`)
    return v
  }
  if (raw.phone === undefined) throw new MappingError('mapping.phone is required: the column holding the phone numbers')
  const mapping: ColumnMapping = { phone: column('phone', raw.phone) }
  for (const key of SINGLE_KEYS) {
    if (key !== 'phone' && raw[key] !== undefined) mapping[key] = column(key, raw[key])
  }
  if (raw.fields !== undefined) {
    if (typeof raw.fields !== 'object' || raw.fields === null || Array.isArray(raw.fields)) throw new MappingError('mapping.fields must be an object such as {"amount_due": "<column>"}')
    const fields: Record<string, string> = {}
    for (const [key, v] of Object.entries(raw.fields)) {
      if (!FIELD_KEY.test(key)) throw new MappingError(`mapping.fields: "${key}" is not a field name (letters, digits and _, up to 64)`)
      fields[key] = column(`fields.${key}`, v)
    }
    mapping.fields = fields
  }
  return mapping
}

/** The mapping as column indexes in one file. */
export interface ResolvedMapping {
  /** The header as read (trimmed). */
  headers: string[]
  phone: number
  name: number | undefined
  language: number | undefined
  timezone: number | undefined
  clientId: number | undefined
  consent: number | undefined
  fields: Array<[key: string, column: number]>
}

/**
 * Finds each mapped column in the header: the exact name (spaces around it ignored), else the
 * one name that matches ignoring case. A name not in the header is an error naming it and
 * listing the real ones.
 */
export function resolveMapping(header: string[], mapping: ColumnMapping): ResolvedMapping {
  const headers = header.map((h) => h.trim())
  const find = (key: string, name: string): number => findColumn(headers, key, name)
  const optional = (key: SingleKey): number | undefined => (mapping[key] === undefined ? undefined : find(key, mapping[key]))
  return {
    headers,
    phone: find('phone', mapping.phone),
    name: optional('name'),
    language: optional('language'),
    timezone: optional('timezone'),
    clientId: optional('clientId'),
    consent: optional('consent'),
    fields: Object.entries(mapping.fields ?? {}).map(([key, name]) => [key, find(`fields.${key}`, name)]),
  }
}

/** The index of the column `name` in the (trimmed) header, for mapping key `key`; a MappingError naming both when it is not there once. */
export function findColumn(headers: string[], key: string, name: string): number {
  const wanted = name.trim()
  let at = headers.filter((h) => h === wanted)
  if (at.length === 0) at = headers.filter((h) => h.toLowerCase() === wanted.toLowerCase())
  if (at.length > 1) throw new MappingError(`mapping.${key}: the header has ${at.length} columns named "${wanted}"`)
  if (at.length === 0) throw new MappingError(`mapping.${key}: the file has no column "${wanted}"; its columns are ${headers.map((h) => `"${h}"`).join(', ')}`)
  return headers.indexOf(at[0]!)
}
