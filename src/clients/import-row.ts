/**
 * One row of a CRM export -> the client's values it gives, or the reason it is rejected.
 * Pure. An empty cell changes nothing (the client keeps what it has); the row's shape and
 * bytes and its number are checked as a dial list's are (src/lists/rows.ts).
 */
import { columnName, normalizePhone, recordProblem, type RowShape } from '../lists/rows.js'
import type { ClientType } from '../db/schema/index.js'
import type { ResolvedClientMapping } from './import-mapping.js'
import { readAmount, readClientLanguage, readClientType, readCurrency, readDate, readVip, storedAmount } from './values.js'

/** What a row says about a client; undefined: the row does not say. */
export interface ClientRow {
  /** E.164. */
  phone: string
  externalId?: string
  name?: string
  type?: ClientType
  managerId?: string
  vip?: boolean
  language?: string
  balance?: string
  overdueDebt?: string
  /** The currency the row names (its column, else the amounts' sign). */
  currency?: string
}

export interface ClientRules {
  defaultCountry: string
  /** For amounts that name no currency. */
  currency: string
  encoding?: string | undefined
  /** Active agents by id and by name, lower-case -> the agent's id (a name two agents share is left out). */
  managers: Map<string, string>
}

export type ClientRowResult = { ok: true; client: ClientRow & { lastOrderDate?: string } } | { ok: false; reason: string }

const MAX_EXTERNAL_ID = 100
const MAX_NAME = 300

export function readClientRow(record: string[], mapping: ResolvedClientMapping, rules: ClientRules, shape: RowShape = {}): ClientRowResult {
  const problem = recordProblem(record, mapping, rules, shape)
  if (problem !== undefined) return { ok: false, reason: problem }
  const at = (i: number | undefined): string => (i === undefined ? '' : record[i]!.trim())
  const phone = normalizePhone(record[mapping.phone]!, rules.defaultCountry)
  if (!phone.ok) return { ok: false, reason: phone.reason }
  const client: ClientRow & { lastOrderDate?: string } = { phone: phone.phone }
  const field = (i: number | undefined, reason: string): ClientRowResult => ({ ok: false, reason: `field ${columnName(mapping, i!)}: ${reason}` })

  const externalId = at(mapping.externalId)
  if (externalId.length > MAX_EXTERNAL_ID) return field(mapping.externalId, `external id longer than ${MAX_EXTERNAL_ID} characters`)
  if (externalId !== '') client.externalId = externalId
  const name = at(mapping.name)
  if (name.length > MAX_NAME) return field(mapping.name, `name longer than ${MAX_NAME} characters`)
  if (name !== '') client.name = name

  const readers = [
    ['type', readClientType, (v: ClientType) => (client.type = v)],
    ['vip', readVip, (v: boolean) => (client.vip = v)],
    ['language', readClientLanguage, (v: string) => (client.language = v)],
    ['currency', readCurrency, (v: string) => (client.currency = v)],
    ['lastOrderDate', (raw: string) => readDate(raw, rules.defaultCountry), (v: string) => (client.lastOrderDate = v)],
  ] as const
  for (const [key, read, set] of readers) {
    const text = at(mapping[key])
    if (text === '') continue
    const r = read(text)
    if (!r.ok) return field(mapping[key], r.reason)
    ;(set as (v: unknown) => void)(r.value)
  }

  const managerText = at(mapping.manager)
  if (managerText !== '') {
    const id = rules.managers.get(managerText.toLowerCase())
    if (!id) return field(mapping.manager, `manager "${managerText.slice(0, 40)}" is not an active agent (write the agent's id or name)`)
    client.managerId = id
  }

  // Amounts: the currency column, else the sign they carry (one for both), else the default.
  const amounts: Array<['balance' | 'overdueDebt', number, number]> = []
  let sign: string | undefined
  for (const key of ['balance', 'overdueDebt'] as const) {
    const text = at(mapping[key])
    if (text === '') continue
    const r = readAmount(text, rules.defaultCountry)
    if (!r.ok) return field(mapping[key], r.reason)
    if (r.value.currency) {
      if (sign && sign !== r.value.currency) return field(mapping[key], `in ${r.value.currency} while the other amount is in ${sign}`)
      if (client.currency && client.currency !== r.value.currency) return field(mapping[key], `in ${r.value.currency} but the currency column says ${client.currency}`)
      sign = r.value.currency
    }
    amounts.push([key, r.value.value, mapping[key]!])
  }
  if (amounts.length > 0) {
    // A currency the row names is stored; else an existing client keeps theirs (a new one gets the default).
    if (sign) client.currency ??= sign
    const currency = client.currency ?? rules.currency
    for (const [key, value, column] of amounts) {
      const stored = storedAmount(value, currency)
      if (!stored.ok) return field(column, stored.reason)
      client[key] = stored.value
    }
  }
  return { ok: true, client }
}
