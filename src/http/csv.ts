/**
 * CSV lines for exports (RFC 4180: comma, CRLF, quotes doubled). A cell that a spreadsheet
 * would run as a formula (starting with =, @, a tab, or + or - followed by more than a
 * number) gets a leading apostrophe, so an exported name like `=HYPERLINK(...)` stays text.
 */
const FORMULA = /^[=@\t\r]|^[+-](?![0-9 ().]*$)/

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return ''
  let text = value instanceof Date ? value.toISOString() : String(value)
  if (FORMULA.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export const csvLine = (cells: readonly unknown[]): string => `${cells.map(csvCell).join(',')}\r\n`
