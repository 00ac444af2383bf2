/**
 * A client as the API writes it (POST /clients, PATCH /clients/:id): each value checked with
 * the import's rules (src/clients/values.ts), a bad one refused naming its field.
 */
import { and, eq } from 'drizzle-orm'
import type { Db } from '../db/database.js'
import { agents, CLIENT_TYPES, type clients } from '../db/schema/index.js'
import { readClientLanguage, readCurrency, storedAmount } from '../clients/values.js'
import { normalizePhone } from '../lists/rows.js'
import { clientSchema } from './clients.js'

export const clientBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 300 },
    phone: { type: 'string', minLength: 1, maxLength: 40, description: 'national (in the default country) or international' },
    type: { type: 'string', enum: [...CLIENT_TYPES] },
    managerId: { type: ['string', 'null'], maxLength: 100, description: "an active agent's id, or null" },
    vip: { type: 'boolean' },
    language: { type: ['string', 'null'], maxLength: 40, description: 'a language the IVR has prompts for (code or name)' },
    balance: { type: 'number', minimum: 0 },
    overdueDebt: { type: 'number', minimum: 0 },
    currency: { type: 'string', minLength: 1, maxLength: 5, description: 'ISO 4217 (or KM, €)' },
    lastOrderDate: { type: ['string', 'null'], format: 'date' },
    externalId: { type: ['string', 'null'], minLength: 1, maxLength: 100, description: "the client's id in the CRM" },
  },
} as const

export const newClientBody = { ...clientBody, required: ['name', 'phone', 'type'] } as const

export { clientSchema }

export interface ClientInput {
  name?: string
  phone?: string
  type?: (typeof CLIENT_TYPES)[number]
  managerId?: string | null
  vip?: boolean
  language?: string | null
  balance?: number
  overdueDebt?: number
  currency?: string
  lastOrderDate?: string | null
  externalId?: string | null
}

export type ClientValues = Partial<typeof clients.$inferInsert>

/** The values to write, or `field: reason`. `currentCurrency`: the client's, for amounts when the body names none. */
export async function checkClient(db: Db, input: ClientInput, defaultCountry: string, currentCurrency: string): Promise<{ ok: true; values: ClientValues } | { ok: false; message: string }> {
  const values: ClientValues = {}
  const bad = (field: string, reason: string) => ({ ok: false as const, message: `${field}: ${reason}` })
  if (input.name !== undefined) {
    if (input.name.trim() === '') return bad('name', 'is empty')
    values.name = input.name.trim()
  }
  if (input.phone !== undefined) {
    const phone = normalizePhone(input.phone, defaultCountry)
    if (!phone.ok) return bad('phone', phone.reason)
    values.phone = phone.phone
  }
  if (input.type !== undefined) values.type = input.type
  if (input.vip !== undefined) values.vip = input.vip
  if (input.lastOrderDate !== undefined) values.lastOrderDate = input.lastOrderDate
  if (input.externalId !== undefined) values.externalId = input.externalId === null ? null : input.externalId.trim() || null
  if (input.managerId !== undefined) {
    if (input.managerId !== null) {
      const [agent] = await db.select({ id: agents.id }).from(agents).where(and(eq(agents.id, input.managerId), eq(agents.active, true)))
      if (!agent) return bad('managerId', `"${input.managerId}" is not an active agent`)
    }
    values.managerId = input.managerId
  }
  if (input.language !== undefined) {
    if (input.language === null) values.language = null
    else {
      const lang = readClientLanguage(input.language)
      if (!lang.ok) return bad('language', lang.reason)
      values.language = lang.value
    }
  }
  if (input.currency !== undefined) {
    const c = readCurrency(input.currency)
    if (!c.ok) return bad('currency', c.reason)
    values.currency = c.value
  }
  const currency = values.currency ?? currentCurrency
  for (const key of ['balance', 'overdueDebt'] as const) {
    const v = input[key]
    if (v === undefined) continue
    if (!Number.isFinite(v) || v < 0) return bad(key, 'must be a number >= 0')
    const stored = storedAmount(v, currency)
    if (!stored.ok) return bad(key, stored.reason)
    values[key] = stored.value
  }
  return { ok: true, values }
}
