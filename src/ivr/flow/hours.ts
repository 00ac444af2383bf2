/**
 * Business hours a flow can act on: a time zone the runtime knows, ranges that end after
 * they start, holidays that are days of the calendar. Reads raw data defensively, so it
 * runs even when another part of the file failed the schema.
 */
import { closest, show, type FlowProblem } from './problems.js'

const RANGE = /^(\d\d):(\d\d)-(\d\d):(\d\d)$/
const DATE = /^(\d{4})-(\d\d)-(\d\d)$/

export function hoursProblems(hours: unknown, file: string): FlowProblem[] {
  if (hours === null || typeof hours !== 'object') return []
  const h = hours as Record<string, unknown>
  const problems: FlowProblem[] = []
  if (typeof h.timezone === 'string' && !isTimeZone(h.timezone)) {
    const guess = closest(h.timezone, Intl.supportedValuesOf('timeZone'))
    const hint = guess === undefined ? "use an IANA name such as 'Europe/Tallinn'" : `did you mean '${guess}'?`
    problems.push({ file, field: 'hours.timezone', message: `hours.timezone: ${show(h.timezone)} is not a time zone; ${hint}` })
  }
  if (h.weekly !== null && typeof h.weekly === 'object') {
    for (const [day, ranges] of Object.entries(h.weekly)) {
      if (!Array.isArray(ranges)) continue
      ranges.forEach((range: unknown, i) => {
        const message = rangeProblem(range, day)
        const field = `hours.weekly.${day}[${i}]`
        if (message !== undefined) problems.push({ file, field, message: `${field}: ${message}` })
      })
    }
  }
  if (Array.isArray(h.holidays)) {
    h.holidays.forEach((date: unknown, i) => {
      const m = typeof date === 'string' ? DATE.exec(date) : null
      if (m && !isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
        const field = `hours.holidays[${i}]`
        problems.push({ file, field, message: `${field}: ${show(date)} is not a day of the calendar` })
      }
    })
  }
  return problems
}

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name })
    return true
  } catch {
    return false
  }
}

function rangeProblem(range: unknown, day: string): string | undefined {
  const m = typeof range === 'string' ? RANGE.exec(range) : null
  if (!m) return undefined // the schema has said what is wrong with its form
  const start = Number(m[1]) * 60 + Number(m[2])
  const end = Number(m[3]) * 60 + Number(m[4])
  if (end > 24 * 60) return `${show(range)} ends after midnight; a day ends at 24:00`
  if (end === start) return `${show(range)} is empty: it ends when it starts`
  if (end < start) {
    return `${show(range)} ends before it starts; a range past midnight must be split: '${m[1]}:${m[2]}-24:00' on ${day} and '00:00-${m[3]}:${m[4]}' on the next day`
  }
  return undefined
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day))
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day
}
