import { describe, expect, it } from 'vitest'
import { DEFAULT_RETRY_MINUTES } from '../campaigns/settings.js'
import { afterAttempt, nextAllowedByDailyLimit } from './retry.js'
import { inWindow, nextWindowStart, type CallingWindow } from './window.js'

const WEEKDAYS: CallingWindow = { start: '08:00', end: '21:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'], holidays: [] }
const at = (iso: string): Date => new Date(iso)

describe('the calling window, in the contact’s time zone', () => {
  it('opens at 08:00 local time in Sarajevo, Lisbon and New York alike', () => {
    // Monday 23 November 2026: UTC+1, UTC+0, UTC-5.
    expect(nextWindowStart(WEEKDAYS, 'Europe/Sarajevo', at('2026-11-23T05:00:00Z'))).toEqual(at('2026-11-23T07:00:00Z'))
    expect(nextWindowStart(WEEKDAYS, 'Europe/Lisbon', at('2026-11-23T05:00:00Z'))).toEqual(at('2026-11-23T08:00:00Z'))
    expect(nextWindowStart(WEEKDAYS, 'America/New_York', at('2026-11-23T05:00:00Z'))).toEqual(at('2026-11-23T13:00:00Z'))
  })

  it('is open inside and closed at the end minute', () => {
    expect(inWindow(WEEKDAYS, 'Europe/Sarajevo', at('2026-11-23T19:59:00Z'))).toBe(true)
    expect(inWindow(WEEKDAYS, 'Europe/Sarajevo', at('2026-11-23T20:00:00Z'))).toBe(false)
  })

  it('after the window closes on Friday, the next call is Monday morning', () => {
    expect(nextWindowStart(WEEKDAYS, 'Europe/Sarajevo', at('2026-11-27T20:30:00Z'))).toEqual(at('2026-11-30T07:00:00Z'))
  })

  it('skips holidays in the local calendar', () => {
    const w = { ...WEEKDAYS, holidays: ['2026-11-25'] }
    expect(nextWindowStart(w, 'Europe/Sarajevo', at('2026-11-24T20:30:00Z'))).toEqual(at('2026-11-26T07:00:00Z'))
  })

  it('follows the spring DST change: 08:00 is an hour earlier in UTC from the Monday after', () => {
    // Europe switches on Sunday 29 March 2026; the US on Sunday 8 March.
    expect(nextWindowStart(WEEKDAYS, 'Europe/Sarajevo', at('2026-03-27T20:30:00Z'))).toEqual(at('2026-03-30T06:00:00Z'))
    expect(nextWindowStart(WEEKDAYS, 'America/New_York', at('2026-03-07T02:30:00Z'))).toEqual(at('2026-03-09T12:00:00Z'))
  })

  it('opens at the first minute that exists when the clocks jump over the opening', () => {
    // 02:00 -> 03:00 on 29 March in Sarajevo: a 02:30 opening starts at 03:00.
    const w: CallingWindow = { start: '02:30', end: '05:00', days: ['sun'], holidays: [] }
    expect(nextWindowStart(w, 'Europe/Sarajevo', at('2026-03-28T23:00:00Z'))).toEqual(at('2026-03-29T01:00:00Z'))
  })

  it('never opens with no days', () => {
    expect(nextWindowStart({ ...WEEKDAYS, days: [] }, 'Europe/Sarajevo', at('2026-11-23T05:00:00Z'))).toBeUndefined()
  })
})

describe('what follows an attempt', () => {
  const settings = { maxAttempts: 4, maxAttemptsPerDay: 2, retryMinutes: DEFAULT_RETRY_MINUTES, window: { ...WEEKDAYS, days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] } }
  const base = { timeZone: 'Europe/Sarajevo', settings }

  it('a person reached is done', () => {
    expect(afterAttempt({ ...base, outcome: 'completed', now: at('2026-11-23T10:00:00Z'), attemptsMade: 1, attemptStarts: [] }).status).toBe('done')
  })

  it('busy: again after the busy delay', () => {
    const now = at('2026-11-23T10:00:00Z')
    const r = afterAttempt({ ...base, outcome: 'busy', now, attemptsMade: 1, attemptStarts: [now] })
    expect(r).toMatchObject({ status: 'pending', nextAttemptAt: at('2026-11-23T10:10:00Z') })
  })

  it('the daily limit pushes the next attempt to 24 hours after the first of the day', () => {
    const first = at('2026-11-23T09:00:00Z')
    const now = at('2026-11-23T10:00:00Z')
    const r = afterAttempt({ ...base, outcome: 'no-answer', now, attemptsMade: 2, attemptStarts: [first, now] })
    expect(r).toMatchObject({ status: 'pending', nextAttemptAt: at('2026-11-24T09:00:00Z') })
  })

  it('a retry that would fall after hours waits for the window', () => {
    const now = at('2026-11-23T19:30:00Z') // 20:30 local, 30 min before closing
    const r = afterAttempt({ ...base, outcome: 'no-answer', now, attemptsMade: 1, attemptStarts: [now] })
    expect(r).toMatchObject({ status: 'pending', nextAttemptAt: at('2026-11-24T07:00:00Z') })
  })

  it('a call lost on our side (a crash) is due again at once, but still within the daily limit', () => {
    const now = at('2026-11-23T10:00:00Z')
    expect(afterAttempt({ ...base, outcome: 'failed', now, attemptsMade: 1, attemptStarts: [now], lostByUs: true })).toMatchObject({ status: 'pending', nextAttemptAt: now })
    const first = at('2026-11-23T09:00:00Z')
    expect(afterAttempt({ ...base, outcome: 'failed', now, attemptsMade: 2, attemptStarts: [first, now], lostByUs: true })).toMatchObject({ nextAttemptAt: at('2026-11-24T09:00:00Z') })
  })

  it('the last attempt allowed ends the contact as failed', () => {
    const r = afterAttempt({ ...base, outcome: 'machine', now: at('2026-11-23T10:00:00Z'), attemptsMade: 4, attemptStarts: [] })
    expect(r.status).toBe('failed')
  })

  it('counts the daily limit over any 24 hours, not per calendar day', () => {
    const starts = [at('2026-11-23T22:00:00Z'), at('2026-11-23T23:30:00Z')]
    expect(nextAllowedByDailyLimit(starts, 2, at('2026-11-24T01:00:00Z'))).toBe(at('2026-11-24T22:00:00Z').getTime())
    expect(nextAllowedByDailyLimit(starts, 3, at('2026-11-24T01:00:00Z'))).toBe(at('2026-11-24T01:00:00Z').getTime())
  })
})
