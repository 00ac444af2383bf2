import { describe, expect, it } from 'vitest'
import { evaluate } from './conditions.js'
import type { BusinessHours } from './flow/schema.js'
import { isOpen, localTime } from './hours.js'

const hours: BusinessHours = {
  timezone: 'Europe/Sarajevo',
  weekly: { mon: ['08:00-20:00'], tue: ['08:00-20:00'], wed: ['08:00-20:00'], thu: ['08:00-20:00'], fri: ['08:00-20:00'], sat: ['09:00-14:00'], sun: [] },
  holidays: ['2026-11-25'],
}

describe('business hours in the center’s time zone', () => {
  it('reads local date, day and time, across DST', () => {
    // 07:30 UTC is 08:30 in Sarajevo in winter (UTC+1), 09:30 in summer (UTC+2).
    expect(localTime(new Date('2026-11-23T07:30:00Z'), 'Europe/Sarajevo')).toEqual({ date: '2026-11-23', day: 'mon', minutes: 8 * 60 + 30 })
    expect(localTime(new Date('2026-07-06T07:30:00Z'), 'Europe/Sarajevo').minutes).toBe(9 * 60 + 30)
    // Late Sunday UTC is already Monday in Vladivostok.
    expect(localTime(new Date('2026-11-22T20:00:00Z'), 'Asia/Vladivostok').day).toBe('mon')
  })

  it('is open inside a range, closed at its end, on Sundays and on holidays', () => {
    expect(isOpen(hours, new Date('2026-11-23T06:59:00Z'))).toBe(false) // 07:59 local
    expect(isOpen(hours, new Date('2026-11-23T07:00:00Z'))).toBe(true) // 08:00
    expect(isOpen(hours, new Date('2026-11-23T18:59:00Z'))).toBe(true) // 19:59
    expect(isOpen(hours, new Date('2026-11-23T19:00:00Z'))).toBe(false) // 20:00
    expect(isOpen(hours, new Date('2026-11-28T12:00:00Z'))).toBe(true) // Saturday 13:00
    expect(isOpen(hours, new Date('2026-11-29T10:00:00Z'))).toBe(false) // Sunday
    expect(isOpen(hours, new Date('2026-11-25T10:00:00Z'))).toBe(false) // holiday
  })
})

describe('conditions', () => {
  const ctx = (vars: Record<string, string | number | boolean | null>, at = '2026-11-23T10:00:00Z') => ({ vars, now: new Date(at), hours })

  it('compares variables', () => {
    expect(evaluate({ var: 'client.type', eq: 'key' }, ctx({ 'client.type': 'key' }))).toBe(true)
    expect(evaluate({ var: 'client.type', eq: 'key' }, ctx({ 'client.type': 'retail' }))).toBe(false)
    expect(evaluate({ var: 'client.overdueDebt', gt: 0 }, ctx({ 'client.overdueDebt': '120.50' }))).toBe(true)
    expect(evaluate({ var: 'client.overdueDebt', gt: 0 }, ctx({ 'client.overdueDebt': '0.00' }))).toBe(false)
    expect(evaluate({ var: 'client.overdueDebt', gt: 0 }, ctx({}))).toBe(false)
    expect(evaluate({ var: 'client.id', exists: false }, ctx({}))).toBe(true)
    expect(evaluate({ var: 'client.id', exists: true }, ctx({ 'client.id': 7 }))).toBe(true)
    expect(evaluate({ var: 'client.vip', eq: true }, ctx({ 'client.vip': 'true' }))).toBe(true)
    expect(evaluate({ var: 'client.type', in: ['retail', 'regional'] }, ctx({ 'client.type': 'regional' }))).toBe(true)
    expect(evaluate({ var: 'order', matches: '^[0-9]{6}$' }, ctx({ order: '123456' }))).toBe(true)
  })

  it('combines, and asks the clock', () => {
    const c = { all: [{ openNow: true }, { not: { var: 'client.id', exists: true } }] }
    expect(evaluate(c, ctx({}))).toBe(true)
    expect(evaluate(c, ctx({ 'client.id': 3 }))).toBe(false)
    expect(evaluate(c, ctx({}, '2026-11-29T10:00:00Z'))).toBe(false)
    expect(evaluate({ any: [{ holiday: true }, { openNow: false }] }, ctx({}, '2026-11-25T10:00:00Z'))).toBe(true)
  })
})
