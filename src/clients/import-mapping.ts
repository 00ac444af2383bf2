/**
 * Which column of a CRM export holds what: `{"phone": "Telefon", "externalId": "Šifra",
 * "name": "Naziv", "type": "Tip", "manager": "Komercijalista", ...}` (only `phone` is
 * required), checked against the header before any row is read, with the dial lists' rules
 * for finding a column (src/lists/mapping.ts).
 */
import { findColumn, mappingObject, MappingError } from '../lists/mapping.js'

export const CLIENT_COLUMNS = ['phone', 'externalId', 'name', 'type', 'manager', 'vip', 'language', 'balance', 'overdueDebt', 'currency', 'lastOrderDate'] as const
export type ClientColumn = (typeof CLIENT_COLUMNS)[number]
export type ClientMapping = { phone: string } & Partial<Record<ClientColumn, string>>
export type ResolvedClientMapping = { headers: string[]; phone: number } & Partial<Record<ClientColumn, number>>

export function parseClientMapping(input: unknown): ClientMapping {
  const raw = mappingObject(input)
  const mapping: Partial<Record<ClientColumn, string>> = {}
  for (const [key, v] of Object.entries(raw)) {
    if (!(CLIENT_COLUMNS as readonly string[]).includes(key)) throw new MappingError(`mapping has an unknown key "${key}"; the keys are ${CLIENT_COLUMNS.join(', ')}`)
    if (v === undefined || v === null || v === '') continue
    if (typeof v !== 'string' || v.trim() === '') throw new MappingError(`mapping.${key} must name a column`)
    mapping[key as ClientColumn] = v
  }
  if (mapping.phone === undefined) throw new MappingError('mapping.phone is required: the column holding the phone numbers')
  return mapping as ClientMapping
}

export function resolveClientMapping(header: string[], mapping: ClientMapping): ResolvedClientMapping {
  const headers = header.map((h) => h.trim())
  const resolved: ResolvedClientMapping = { headers, phone: findColumn(headers, 'phone', mapping.phone) }
  for (const key of CLIENT_COLUMNS) {
    const name = mapping[key]
    if (key !== 'phone' && name !== undefined) resolved[key] = findColumn(headers, key, name)
  }
  return resolved
}
