/** The contact's row as script variables: the stored currency, else the campaign's, never euros by default. */
import { describe, expect, it } from 'vitest'
import { contactVars } from './contact-vars.js'
import { campaignSettings } from './settings.js'

describe('contactVars', () => {
  const contact = { name: 'Amra', phone: '+38761234567', fields: { amount_due: '1483.00', due_date: '2026-12-15' } }

  it('speaks a row without a currency in the campaign’s currency, or its country’s', () => {
    expect(contactVars(contact, campaignSettings({}))).toEqual({ 'contact.name': 'Amra', 'contact.phone': '+38761234567', 'contact.currency': 'BAM', 'contact.amount_due': '1483.00', 'contact.due_date': '2026-12-15' })
    expect(contactVars(contact, campaignSettings({ currency: 'EUR' }))['contact.currency']).toBe('EUR')
    expect(contactVars(contact, campaignSettings({ defaultCountry: 'RU' }))['contact.currency']).toBe('RUB')
  })

  it('keeps the currency the loader stored with the row', () => {
    expect(contactVars({ ...contact, fields: { ...contact.fields, currency: 'EUR' } }, campaignSettings({ currency: 'BAM' }))['contact.currency']).toBe('EUR')
  })
})
