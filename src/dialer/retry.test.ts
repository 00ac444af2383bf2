/** Compliance rules of what follows an attempt: abandoned calls wait 72 hours, numbers that do not exist are not tried again. */
import { describe, expect, it } from 'vitest'
import { campaignSettings } from '../campaigns/settings.js'
import { campaignCallIsVip } from '../campaigns/priority.js'
import { afterAttempt } from './retry.js'

const EVERY_DAY = { start: '08:00', end: '21:00', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], holidays: [] }
const at = (iso: string): Date => new Date(iso)
const now = at('2026-11-23T10:00:00Z')

describe('an abandoned call (nobody took the person answering)', () => {
  it('is not called again for 72 hours by default (Ofcom)', () => {
    const settings = campaignSettings({ maxAttempts: 5, maxAttemptsPerDay: 5, window: EVERY_DAY })
    expect(settings.retryMinutes.abandoned).toBe(4320)
    const r = afterAttempt({ outcome: 'abandoned', now, attemptsMade: 1, attemptStarts: [now], timeZone: 'Europe/Sarajevo', settings })
    expect(r).toMatchObject({ status: 'pending', nextAttemptAt: at('2026-11-26T10:00:00Z') })
  })

  it('waits what the campaign says when it says so', () => {
    const settings = campaignSettings({ maxAttempts: 5, window: EVERY_DAY, retryMinutes: { abandoned: 120 } })
    const r = afterAttempt({ outcome: 'abandoned', now, attemptsMade: 1, attemptStarts: [now], timeZone: 'Europe/Sarajevo', settings })
    expect(r).toMatchObject({ status: 'pending', nextAttemptAt: at('2026-11-23T12:00:00Z') })
  })
})

describe('a number that does not exist', () => {
  const settings = campaignSettings({ maxAttempts: 5, window: EVERY_DAY })
  const base = { outcome: 'failed' as const, now, attemptsMade: 1, attemptStarts: [now], timeZone: 'Europe/Sarajevo', settings }

  it.each(['UNALLOCATED_NUMBER', 'INVALID_NUMBER_FORMAT'])('%s: the contact fails at once, saying why', (cause) => {
    const r = afterAttempt({ ...base, cause })
    expect(r.status).toBe('failed')
    expect(r.reason).toContain(cause)
    expect(r).toMatchObject({ lastOutcome: 'invalid-number' })
  })

  it('a failure of the route (possibly our own trunk) is tried again', () => {
    expect(afterAttempt({ ...base, cause: 'NO_ROUTE_DESTINATION' }).status).toBe('pending')
    expect(afterAttempt({ ...base, cause: 'NETWORK_OUT_OF_ORDER' }).status).toBe('pending')
  })
})

describe('a campaign call waiting for an operator', () => {
  it('waits in line with inbound callers unless the campaign or the queue puts it first', () => {
    expect(campaignCallIsVip(undefined, undefined)).toBe(false)
    expect(campaignCallIsVip('normal', 'vip')).toBe(false)
    expect(campaignCallIsVip('vip', undefined)).toBe(true)
    expect(campaignCallIsVip(undefined, 'vip')).toBe(true)
  })

  it('the campaign setting is checked', () => {
    expect(campaignSettings({}).priority).toBeUndefined()
    expect(campaignSettings({ priority: 'vip' }).priority).toBe('vip')
    expect(() => campaignSettings({ priority: 'urgent' })).toThrow(/settings\.priority/)
  })
})
