import { describe, expect, it } from 'vitest'
import { DEFAULT_RETRY_MINUTES } from '../campaigns/settings.js'
import { connectTimes, DEFAULT_ESTIMATOR_OPTIONS } from './pacing/estimators.js'
import { pacingSettings, predictivePacing, progressivePacing, type AttemptSample, type HandledSample, type OperatorSnapshot, type PacingSnapshot } from './pacing/index.js'
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

describe('connect time: from a person answering to them talking with the operator', () => {
  const NOW = Date.UTC(2026, 10, 23, 12, 0, 0)
  const SETTINGS = pacingSettings({ connectWithinSeconds: 2, ringTimeoutSeconds: 30, maxLines: 200 })

  /** 400 attempts, 30 % people answering after 4-10 s, the rest machines, busy, failed, no answer. */
  const history = (): AttemptSample[] =>
    Array.from({ length: 400 }, (_, i) => {
      const u = (i * 0.6180339887498949) % 1
      const [outcome, ringMs] = u < 0.3 ? (['human', 4000 + (i % 7) * 1000] as const) : u < 0.4 ? (['machine', 9000] as const) : u < 0.5 ? (['busy', 2000] as const) : u < 0.6 ? (['failed', 1500] as const) : (['no-answer', 30_000] as const)
      return { dialedAt: NOW - (400 - i) * 300, outcome, ringMs }
    })
  /** 200 calls handled, each connected after `connectMs` (give or take 10 %). */
  const handled = (connectMs: number | undefined): HandledSample[] =>
    Array.from({ length: 200 }, (_, i) => ({ talkMs: 60_000 + (i % 13) * 10_000, wrapMs: 20_000, ...(connectMs === undefined ? {} : { connectMs: connectMs * (0.9 + (i % 5) * 0.05) }) }))
  /** Two free, six in wrap-up (some about to be free), 22 in calls. */
  const team = (): OperatorSnapshot[] => [
    ...Array.from({ length: 2 }, () => ({ state: 'available' as const, since: NOW - 5000 })),
    ...Array.from({ length: 6 }, (_, i) => ({ state: 'wrap-up' as const, since: NOW - 14_000 - i * 1000 })),
    ...Array.from({ length: 22 }, (_, i) => ({ state: 'in-call' as const, since: NOW - 10_000 - ((i * 7919) % 150_000) })),
  ]
  const snapshot = (connectMs: number | undefined): PacingSnapshot => ({
    now: NOW,
    operators: team(),
    ringing: [],
    waiting: [],
    recent: history(),
    handled: handled(connectMs),
    campaign: { humanAnswers: 1000, abandoned: 10, calls: 3300 },
    today: { humanAnswers: 1000, abandoned: 10, calls: 3300 },
  })

  it('without measurements assumes a phone that rings until a person picks it up (1-5 s): more than the 2 s allowed', () => {
    const d = connectTimes(handled(undefined))
    expect(d.weight).toBe(0)
    const p90 = d.quantile(0.9)
    expect(p90).toBeGreaterThan(2000)
    expect(p90).toBeLessThan(6000)
    expect(d.quantile(0.5)).toBeLessThan(p90)
    expect(DEFAULT_ESTIMATOR_OPTIONS.priorConnectSeconds).toBeGreaterThanOrEqual(1)
  })

  it('follows what is measured: an always-connected team connects in about 0.1 s, a ringing one in about 3 s', () => {
    const open = connectTimes(handled(80))
    expect(open.quantile(0.9)).toBeGreaterThanOrEqual(72)
    expect(open.quantile(0.9)).toBeLessThanOrEqual(88)
    const ringing = connectTimes(handled(3000))
    expect(ringing.quantile(0.9)).toBeGreaterThanOrEqual(2700)
    expect(ringing.quantile(0.9)).toBeLessThanOrEqual(3400)
    // The cdf and the quantile agree.
    expect(ringing.cdf(ringing.quantile(0.9))).toBeGreaterThanOrEqual(0.9)
    expect(ringing.cdf(ringing.quantile(0.9) - 1)).toBeLessThan(0.9)
    // Measured in fractions of a millisecond: the quantile is the whole millisecond at or above.
    expect(connectTimes(Array.from({ length: 50 }, () => ({ talkMs: 60_000, wrapMs: 0, connectMs: 1500.5 }))).quantile(0.9)).toBe(1501)
    // A few measurements do not outweigh the cautious prior yet.
    expect(connectTimes(handled(80).slice(0, 5)).quantile(0.9)).toBeGreaterThan(2000)
  })

  it('operators who take 3 s to pick up leave no grace: predictive dials no more than progressive', () => {
    for (const connectMs of [3000, 2500, undefined]) {
      const s = snapshot(connectMs)
      const d = predictivePacing(s, SETTINGS)
      expect(d.dials, String(connectMs)).toBeLessThanOrEqual(progressivePacing(s).dials)
      expect(d.reason).toMatch(/no grace.*progressive/)
    }
  })

  it('always-connected operators get the full 2 s: more calls than with slow connects, on the same snapshot', () => {
    const instant = predictivePacing(snapshot(80), SETTINGS)
    const oneSecond = predictivePacing(snapshot(1000), SETTINGS)
    const slow = predictivePacing(snapshot(3000), SETTINGS)
    expect(instant.detail?.graceMs).toBe(2000)
    expect(oneSecond.detail?.graceMs).toBe(1000)
    expect(instant.dials).toBeGreaterThan(slow.dials)
    expect(instant.dials).toBeGreaterThan(progressivePacing(snapshot(80)).dials)
    expect(oneSecond.dials).toBeLessThanOrEqual(instant.dials)
    expect(oneSecond.dials).toBeGreaterThanOrEqual(slow.dials)
  })

  it('is pure: the same snapshot twice, the same decision, and the snapshot unchanged', () => {
    const s = snapshot(1000)
    const before = JSON.stringify(s)
    expect(predictivePacing(s, SETTINGS)).toEqual(predictivePacing(s, SETTINGS))
    expect(JSON.stringify(s)).toBe(before)
  })
})
