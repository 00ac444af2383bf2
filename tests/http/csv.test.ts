/** CSV cells of the exports. */
import { describe, expect, it } from 'vitest'
import { csvCell, csvLine } from '../../src/http/csv.js'

describe('csv cells', () => {
  it('quote what needs quoting and double the quotes', () => {
    expect(csvLine(['a', 'b,c', 'say "hi"', 'two\nlines', null, undefined, 3, new Date('2026-11-23T09:00:00Z')])).toBe('a,"b,c","say ""hi""","two\nlines",,,3,2026-11-23T09:00:00.000Z\r\n')
  })

  it('keep a formula as text, but leave numbers and phone numbers alone', () => {
    expect(csvCell('=1+1')).toBe("'=1+1")
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(csvCell('+cmd|x')).toBe("'+cmd|x")
    expect(csvCell('-2+3')).toBe("'-2+3")
    expect(csvCell('\tx')).toBe("'\tx")
    expect(csvCell('+38761000001')).toBe('+38761000001')
    expect(csvCell('-12.50')).toBe('-12.50')
    expect(csvCell('+387 (61) 000 001')).toBe('+387 (61) 000 001')
  })
})
