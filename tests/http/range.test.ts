/** The Range header as recordings read it. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseRange } from '../../src/http/range.js'

describe('parseRange', () => {
  it('reads one range of each form', () => {
    expect(parseRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 })
    expect(parseRange('bytes=900-', 1000)).toEqual({ start: 900, end: 999 })
    expect(parseRange('bytes=-100', 1000)).toEqual({ start: 900, end: 999 })
    expect(parseRange('bytes=-5000', 1000)).toEqual({ start: 0, end: 999 })
    expect(parseRange('bytes=990-5000', 1000)).toEqual({ start: 990, end: 999 })
  })

  it('answers the whole file without a header, for several ranges, and for what it does not understand', () => {
    for (const h of [undefined, 'bytes=0-1,5-6', 'items=0-1', 'bytes=', 'bytes=-', 'bytes=abc', 'bytes=5-2', 'bytes=1-2-3']) expect(parseRange(h, 1000), String(h)).toEqual({ whole: true })
  })

  it('is unsatisfiable past the end, for an empty suffix, and on an empty file', () => {
    expect(parseRange('bytes=1000-', 1000)).toEqual({ unsatisfiable: true })
    expect(parseRange('bytes=-0', 1000)).toEqual({ unsatisfiable: true })
    expect(parseRange('bytes=0-', 0)).toEqual({ unsatisfiable: true })
    expect(parseRange('bytes=99999999999999999999-', 1000)).toEqual({ unsatisfiable: true })
  })

  it('never answers a range outside the file', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 10_000 }), (junk, a, b, size) => {
        for (const h of [junk, `bytes=${a}-${b}`, `bytes=${a}-`, `bytes=-${b}`]) {
          const r = parseRange(h, size)
          if ('start' in r) {
            expect(r.start).toBeGreaterThanOrEqual(0)
            expect(r.end).toBeLessThan(size)
            expect(r.start).toBeLessThanOrEqual(r.end)
          }
        }
      }),
    )
  })
})
