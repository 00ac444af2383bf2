import { describe, expect, it } from 'vitest'
import { monthsBefore } from './dormant.js'

describe('monthsBefore', () => {
  it('counts calendar months back in UTC, clamped to the end of a shorter month', () => {
    expect(monthsBefore(Date.parse('2026-11-23T09:00:00Z'), 6)).toBe('2026-05-23')
    expect(monthsBefore(Date.parse('2026-03-31T12:00:00Z'), 1)).toBe('2026-02-28')
    expect(monthsBefore(Date.parse('2028-03-31T12:00:00Z'), 1)).toBe('2028-02-29')
    expect(monthsBefore(Date.parse('2026-02-15T00:00:00Z'), 14)).toBe('2024-12-15')
    expect(monthsBefore(new Date('2026-01-01T23:59:59Z'), 12)).toBe('2025-01-01')
  })
})
