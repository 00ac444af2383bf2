/** CSV cells of the exports. */
import { describe, expect, it } from 'vitest'
import { CSV_BOM, csvCell, csvFormat, csvLine } from '../../src/http/csv.js'

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

describe('csv for Excel', () => {
  it('choose the separator from the locale: a decimal comma (bs, ru, pt) means ; and decimals with a comma', () => {
    for (const locale of ['bs-BA', 'ru-RU', 'pt-BR', 'pt-PT', 'de']) expect(csvFormat({ locale }), locale).toEqual({ sep: ';', decimal: ',' })
    for (const locale of ['en-US', 'en-GB', 'ja']) expect(csvFormat({ locale }), locale).toEqual({ sep: ',', decimal: '.' })
    expect(csvFormat({})).toEqual({ sep: ',', decimal: '.' })
  })

  it('take an explicit sep over the locale, and the locale over Accept-Language', () => {
    expect(csvFormat({ sep: ';', locale: 'en-US' })).toEqual({ sep: ';', decimal: ',' })
    expect(csvFormat({ sep: ',', locale: 'ru' })).toEqual({ sep: ',', decimal: '.' })
    expect(csvFormat({ locale: 'en' }, 'ru-RU,ru;q=0.9')).toEqual({ sep: ',', decimal: '.' })
    expect(csvFormat({}, 'en;q=0.5, bs-BA;q=0.9, *;q=0.1')).toEqual({ sep: ';', decimal: ',' })
    expect(csvFormat({}, 'pt-BR')).toEqual({ sep: ';', decimal: ',' })
    expect(csvFormat({}, 'not a language!!')).toEqual({ sep: ',', decimal: '.' })
  })

  it('write ; lines with decimal commas, quoting cells that hold a ;, and leave phones and dates alone', () => {
    const f = csvFormat({ locale: 'bs' })
    expect(csvLine(['Ana; Ivan', '12.50', 3.25, 7, '-12.50', '+38761000001', '1.2.3', new Date('2026-11-23T09:00:00Z')], f)).toBe('"Ana; Ivan";12,50;3,25;7;-12,50;+38761000001;1.2.3;2026-11-23T09:00:00.000Z\r\n')
    // A formula is still caught before the decimal comma is written.
    expect(csvCell('-2+3', f)).toBe("'-2+3")
    expect(CSV_BOM).toBe('\uFEFF')
  })
})
