/**
 * One byte range of an HTTP Range header (RFC 9110 14.1.2): `bytes=a-b`, `bytes=a-` or
 * `bytes=-n` (the last n bytes). Several ranges are answered with the whole file (a server
 * may ignore Range); a range that starts past the end is unsatisfiable (416).
 */
export type RangeAnswer = { whole: true } | { start: number; end: number } | { unsatisfiable: true }

const ONE = /^bytes=(\d*)-(\d*)$/

export function parseRange(header: string | undefined, size: number): RangeAnswer {
  if (header === undefined) return { whole: true }
  const value = header.trim()
  if (value.includes(',')) return { whole: true }
  const m = ONE.exec(value)
  // Not a bytes range we understand: ignored, as the RFC allows.
  if (!m || (m[1] === '' && m[2] === '')) return { whole: true }
  if (m[1] === '') {
    const suffix = Number(m[2])
    if (suffix === 0 || size === 0) return { unsatisfiable: true }
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(m[1])
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)
  if (!Number.isSafeInteger(start) || start >= size) return { unsatisfiable: true }
  if (end < start) return { whole: true }
  return { start, end }
}
