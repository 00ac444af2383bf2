/**
 * Known clients, found by the caller's number. Numbers are compared in E.164
 * (libphonenumber-js), so "061 234 567", "+387 61 234 567" and "0038761234567" are one client.
 */
import { eq } from 'drizzle-orm'
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js'
import type { Db } from '../db/database.js'
import { clients } from '../db/schema/index.js'
import type { ClientInfo } from '../ivr/interpreter.js'

export class ClientDirectory {
  constructor(
    private readonly db: Db,
    private readonly defaultCountry: CountryCode,
  ) {}

  /** The number in E.164, or undefined when it is not a valid phone number (anonymous, a SIP user). */
  normalize(raw: string): string | undefined {
    const parsed = parsePhoneNumberFromString(raw.trim(), this.defaultCountry)
    return parsed?.isValid() ? parsed.number : undefined
  }

  async lookup(rawNumber: string): Promise<ClientInfo | null> {
    const number = this.normalize(rawNumber)
    if (!number) return null
    const [row] = await this.db.select().from(clients).where(eq(clients.phone, number)).limit(1)
    if (!row) return null
    return {
      id: row.id,
      name: row.name,
      type: row.type,
      managerId: row.managerId,
      overdueDebt: Number(row.overdueDebt),
      balance: Number(row.balance),
      currency: row.currency,
      lastOrderDate: row.lastOrderDate,
      vip: row.vip,
      language: row.language,
    }
  }
}
