import { describe, expect, it } from 'vitest'
import type { BusinessHours } from './flow/schema.js'
import { isHoliday, isOpen, localTime } from './hours.js'

const hours: BusinessHours = {
  timezone: 'Europe/Sarajevo',
  weekly: { mon: ['08:00-20:00'], tue: ['08:00-12:00', '13:00-17:00'], wed: [], thu: [], fri: [], sat: ['00:00-24:00'], sun: [] },
  holidays: ['2026-11-25'],
}
const at = (iso: string): Date => new Date(iso)

describe('business hours, in the center’s time zone', () => {
  it('opens at 08:00 local time in winter (UTC+1)', () => {
    expect(isOpen(hours, at('2026-11-23T06:59:00Z'))).toBe(false)
    expect(isOpen(hours, at('2026-11-23T07:00:00Z'))).toBe(true)
    expect(isOpen(hours, at('2026-11-23T18:59:00Z'))).toBe(true)
    expect(isOpen(hours, at('2026-11-23T19:00:00Z'))).toBe(false)
  })

  it('follows summer time: 08:00 is 06:00 UTC the day after the clocks go forward', () => {
    expect(localTime(at('2026-03-30T06:00:00Z'), hours.timezone)).toEqual({ date: '2026-03-30', day: 'mon', minutes: 8 * 60 })
    expect(isOpen(hours, at('2026-03-30T05:59:00Z'))).toBe(false)
    expect(isOpen(hours, at('2026-03-30T06:00:00Z'))).toBe(true)
  })

  it('closes for lunch between two ranges, and a range to 24:00 covers the last minute', () => {
    expect(isOpen(hours, at('2026-11-24T11:30:00Z'))).toBe(false)
    expect(isOpen(hours, at('2026-11-24T12:00:00Z'))).toBe(true)
    expect(isOpen(hours, at('2026-11-28T22:59:00Z'))).toBe(true)
  })

  it('a holiday is the local date: 00:30 on the 25th in Sarajevo is still the 24th in UTC', () => {
    const justAfterMidnight = at('2026-11-24T23:30:00Z')
    expect(isHoliday(hours, justAfterMidnight)).toBe(true)
    expect(isHoliday(hours, at('2026-11-24T22:30:00Z'))).toBe(false)
  })

  it('a holiday on a working day keeps the center closed', () => {
    // Wednesday 25 November has no hours anyway; the Monday rule shows the holiday wins.
    const mondayHoliday: BusinessHours = { ...hours, holidays: ['2026-11-23'] }
    expect(isOpen(mondayHoliday, at('2026-11-23T10:00:00Z'))).toBe(false)
  })
})
