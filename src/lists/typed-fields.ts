/**
 * A row's custom fields, with the ones the scripts speak stored in the form they speak:
 * amounts as 1483.00 with their currency (the row's currency column, else the amount's sign,
 * else the campaign's), dates as 2026-12-15. Which field is which comes from its name
 * (values.ts: fieldKind). Text fields are kept as written.
 */
import { MappingError, type ResolvedMapping } from './mapping.js'
import type { RowRules } from './rows.js'
import { campaignCurrency, currencyCode, fieldKind, formatAmount, minorUnits, parseAmount, parseDate } from './values.js'

/** What a payment reminder says of each contact (campaigns/scripts/payment-reminder.yaml). */
const SPOKEN: Record<string, string> = { amount_due: 'amount', due_date: 'due date' }

/**
 * A campaign that speaks the amount and the due date needs a column for each: without one,
 * every row would load and every call would say nothing of them. Refused before any row.
 */
export function requireSpokenFields(mapping: ResolvedMapping, rules: Pick<RowRules, 'spoken'>): void {
  if (!rules.spoken) return
  const mapped = new Set(mapping.fields.map(([key]) => key))
  const missing = Object.keys(SPOKEN).filter((key) => !mapped.has(key))
  if (missing.length === 0) return
  const what = missing.map((key) => `the ${SPOKEN[key]} (mapping.fields.${key})`).join(' and ')
  throw new MappingError(`mapping.fields.${missing[0]}: a payment reminder says ${what}: map a column of the file to ${missing.length > 1 ? 'each' : 'it'}; the file's columns are ${mapping.headers.map((h) => `"${h}"`).join(', ')}`)
}

/** The fields to store, or the reason the row is refused (naming the column). */
export function readFields(record: string[], mapping: ResolvedMapping, rules: Pick<RowRules, 'defaultCountry' | 'currency' | 'spoken'>): Record<string, string> | string {
  const fields: Record<string, string> = {}
  const amounts: Array<[key: string, value: number, column: string]> = []
  let signCurrency: { code: string; column: string } | undefined
  let rowCurrency: string | undefined
  const column = (i: number): string => {
    const h = mapping.headers[i]
    return h ? `"${h}"` : `column ${i + 1}`
  }
  for (const [key, i] of mapping.fields) {
    const v = record[i]!.trim()
    const kind = fieldKind(key)
    if (v === '') {
      if (rules.spoken && SPOKEN[key]) return `field ${column(i)} is empty: the reminder would have no ${SPOKEN[key]} to say`
      continue
    }
    if (kind === 'text') {
      fields[key] = v
    } else if (kind === 'currency') {
      const code = currencyCode(v)
      if (!code) return `field ${column(i)}: currency "${v.length > 20 ? `${v.slice(0, 17)}...` : v}" is unknown (write a code such as BAM or EUR, or KM, €)`
      rowCurrency = code
    } else if (kind === 'date') {
      const date = parseDate(v, rules.defaultCountry)
      if (!date.ok) return `field ${column(i)}: ${date.reason}`
      fields[key] = date.value
    } else {
      const amount = parseAmount(v, rules.defaultCountry)
      if (!amount.ok) return `field ${column(i)}: ${amount.reason}`
      if (amount.currency) {
        if (signCurrency && signCurrency.code !== amount.currency) return `fields ${signCurrency.column} and ${column(i)} are in different currencies (${signCurrency.code}, ${amount.currency})`
        signCurrency = { code: amount.currency, column: column(i) }
      }
      amounts.push([key, amount.value, column(i)])
    }
  }
  if (rowCurrency && signCurrency && rowCurrency !== signCurrency.code) return `field ${signCurrency.column} is in ${signCurrency.code} but the currency column says ${rowCurrency}`
  const currency = rowCurrency ?? signCurrency?.code ?? (amounts.length > 0 ? (rules.currency ?? campaignCurrency(rules)) : undefined)
  if (amounts.length > 0 && !currency) return `field ${amounts[0]![2]}: the amount names no currency and the campaign has none: set the campaign's currency or map a currency column`
  for (const [key, value, col] of amounts) {
    // Never rounded away: 1.483 USD is a mistake to show, not 1.48 to say.
    const scale = 10 ** minorUnits(currency!)
    if (Math.round(value * scale) / scale !== value) return `field ${col}: amount ${value} has more decimals than ${currency} has (${minorUnits(currency!)})`
    fields[key] = formatAmount(value, currency!)
  }
  if (currency) fields.currency = currency
  return fields
}
