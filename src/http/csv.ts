/**
 * CSV lines for exports (RFC 4180: quotes doubled, CRLF). A cell that a spreadsheet would
 * run as a formula (starting with =, @, a tab, or + or - followed by more than a number)
 * gets a leading apostrophe, so an exported name like `=HYPERLINK(...)` stays text.
 *
 * For Excel: files start with a UTF-8 BOM (else Excel reads them in the ANSI code page and
 * č, ž, Cyrillic come out garbled), and where the user's locale writes decimals with a comma
 * (bs, ru, pt, de ...) Excel splits lines on `;`, so those get `;` and decimals as 12,50.
 */
const FORMULA = /^[=@\t\r]|^[+-](?![0-9 ().]*$)/
const DECIMAL = /^-?\d+\.\d+$/

export const CSV_BOM = '\uFEFF'

export interface CsvFormat {
  sep: ',' | ';'
  decimal: '.' | ','
}

const COMMA: CsvFormat = { sep: ',', decimal: '.' }
const SEMICOLON: CsvFormat = { sep: ';', decimal: ',' }

/** Whether a locale writes 1.5 as 1,5 (undefined: not a locale Intl knows). */
function decimalComma(locale: string): boolean | undefined {
  try {
    const [canonical] = Intl.getCanonicalLocales(locale.replace(/_/g, '-'))
    if (!canonical) return undefined
    const part = new Intl.NumberFormat(canonical).formatToParts(1.5).find((p) => p.type === 'decimal')
    return part?.value === ','
  } catch {
    return undefined
  }
}

/** The languages of an Accept-Language header, most wanted first (wildcards left out). */
function acceptedLocales(header: string): string[] {
  return header
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';')
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)).find(Boolean)
      return { tag: tag.trim(), q: q ? Number(q[1]) : 1, i }
    })
    .filter((l) => /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(l.tag) && l.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i)
    .map((l) => l.tag)
}

/** The format asked for: `sep` wins, then `locale`, then the browser's Accept-Language; else comma. */
export function csvFormat(query: { sep?: string; locale?: string }, acceptLanguage?: string): CsvFormat {
  if (query.sep === ';') return SEMICOLON
  if (query.sep === ',') return COMMA
  const locales = query.locale ? [query.locale] : acceptedLocales(acceptLanguage ?? '')
  for (const locale of locales) {
    const comma = decimalComma(locale)
    if (comma !== undefined) return comma ? SEMICOLON : COMMA
  }
  return COMMA
}

export function csvCell(value: unknown, format: CsvFormat = COMMA): string {
  if (value === null || value === undefined) return ''
  let text = value instanceof Date ? value.toISOString() : String(value)
  if (FORMULA.test(text)) text = `'${text}`
  // After the formula check: -12,50 is a number, not a formula.
  else if (format.decimal === ',' && (typeof value === 'number' || typeof value === 'string') && DECIMAL.test(text)) text = text.replace('.', ',')
  const special = format.sep === ';' ? /[";\r\n]/ : /[",\r\n]/
  return special.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export const csvLine = (cells: readonly unknown[], format: CsvFormat = COMMA): string => `${cells.map((c) => csvCell(c, format)).join(format.sep)}\r\n`
