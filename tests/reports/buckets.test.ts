/**
 * Report periods in the center's zone (src/reports/buckets.ts): a local day across the clock
 * changes in Europe/Sarajevo (23 and 25 hours), weeks from Monday, months by local date.
 */
import { describe, expect, it } from 'vitest'
import { bucketOf, bucketsBetween, isDate, startOfLocalDay, weekStart } from '../../src/reports/buckets.js'

const TZ = 'Europe/Sarajevo'
const at = (iso: string): Date => new Date(iso)

describe('report periods', () => {
  it('a local day starts at local midnight, also on the days the clocks change', () => {
    expect(new Date(startOfLocalDay('2026-03-29', TZ)).toISOString()).toBe('2026-03-28T23:00:00.000Z')
    expect(new Date(startOfLocalDay('2026-03-30', TZ)).toISOString()).toBe('2026-03-29T22:00:00.000Z')
    expect(new Date(startOfLocalDay('2026-10-26', TZ)).toISOString()).toBe('2026-10-25T23:00:00.000Z')
    // Late in the evening UTC is already the next local day; and the other way round.
    expect(bucketOf(at('2026-03-28T23:30:00Z'), 'day', TZ)).toBe('2026-03-29')
    expect(bucketOf(at('2026-03-29T21:59:00Z'), 'day', TZ)).toBe('2026-03-29')
    expect(bucketOf(at('2026-03-29T22:00:00Z'), 'day', TZ)).toBe('2026-03-30')
    expect(bucketOf(at('2026-03-29T22:00:00Z'), 'day', 'UTC')).toBe('2026-03-29')
  })

  it('the spring-forward day has 23 local hours, with no 02:00; the fall-back day 24 names (02:00 twice is one)', () => {
    const spring = bucketsBetween('2026-03-29', '2026-03-29', 'hour', TZ)
    expect(spring).toHaveLength(23)
    expect(spring).not.toContain('2026-03-29T02:00')
    expect(spring[0]).toBe('2026-03-29T00:00')
    expect(spring.at(-1)).toBe('2026-03-29T23:00')
    expect(bucketOf(at('2026-03-29T01:00:00Z'), 'hour', TZ)).toBe('2026-03-29T03:00')
    const autumn = bucketsBetween('2026-10-25', '2026-10-25', 'hour', TZ)
    expect(autumn).toHaveLength(24)
    expect(new Set(autumn).size).toBe(24)
    // 00:30 and 01:30 UTC are both 02:30 local: the same period.
    expect(bucketOf(at('2026-10-25T00:30:00Z'), 'hour', TZ)).toBe('2026-10-25T02:00')
    expect(bucketOf(at('2026-10-25T01:30:00Z'), 'hour', TZ)).toBe('2026-10-25T02:00')
  })

  it('weeks start on Monday, local', () => {
    expect(weekStart('2026-03-29')).toBe('2026-03-23') // a Sunday
    expect(weekStart('2026-03-30')).toBe('2026-03-30') // a Monday
    expect(weekStart('2027-01-01')).toBe('2026-12-28') // across the year
    // Sunday 23:30 local and Monday 00:30 local, an hour apart, are different weeks.
    expect(bucketOf(at('2026-03-29T21:30:00Z'), 'week', TZ)).toBe('2026-03-23')
    expect(bucketOf(at('2026-03-29T22:30:00Z'), 'week', TZ)).toBe('2026-03-30')
    expect(bucketsBetween('2026-03-25', '2026-04-06', 'week', TZ)).toEqual(['2026-03-23', '2026-03-30', '2026-04-06'])
  })

  it('days and months of a range, by local date', () => {
    expect(bucketsBetween('2026-03-28', '2026-03-31', 'day', TZ)).toEqual(['2026-03-28', '2026-03-29', '2026-03-30', '2026-03-31'])
    expect(bucketsBetween('2026-01-31', '2026-03-01', 'month', TZ)).toEqual(['2026-01', '2026-02', '2026-03'])
    expect(bucketOf(at('2026-03-31T22:30:00Z'), 'month', TZ)).toBe('2026-04')
    expect(bucketsBetween('2026-03-28', '2026-03-30', 'hour', TZ)).toHaveLength(24 + 23 + 24)
  })

  it('dates that do not exist are no dates', () => {
    expect(isDate('2026-02-28')).toBe(true)
    expect(isDate('2026-02-30')).toBe(false)
    expect(isDate('2026-2-3')).toBe(false)
  })
})
