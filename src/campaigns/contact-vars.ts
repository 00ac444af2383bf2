/** A contact's row as the campaign script's variables (contact.name, contact.amount_due ...). */
import { campaignCurrency } from '../lists/values.js'
import type { CampaignSettings } from './settings.js'

/**
 * The fields as the loader stored them (amounts 1483.00, dates 2026-12-15, the row's
 * currency); a row without a currency is in the campaign's (never euros by default).
 */
export function contactVars(contact: { name: string; phone: string; fields: Record<string, string> }, settings: Pick<CampaignSettings, 'defaultCountry' | 'currency'>): Record<string, string | number> {
  const vars: Record<string, string | number> = { 'contact.name': contact.name, 'contact.phone': contact.phone }
  const currency = campaignCurrency(settings)
  if (currency) vars['contact.currency'] = currency
  for (const [k, v] of Object.entries(contact.fields)) vars[`contact.${k}`] = v
  return vars
}
