/**
 * The periods reports count in, in the center's time zone: an hour, a day, a week (from
 * Monday) or a month of local time. A period is named by its local start, the way Postgres'
 * `to_char(date_trunc(by, started_at AT TIME ZONE zone), ...)` writes it (reasons-query.ts),
 * so a day is a local day whatever its length (23 or 25 hours when the clocks change).
 */
import { localTime } from '../ivr/hours.js'

export const PERIODS = ['hour', 'day', 'week', 'month'] as const
export type Period = (typeof PERIODS)[number]

/** The longest range a report covers, per period: a report is a page, not a data dump. */
export const MAX_BUCKETS = 1000

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** Whether `text` is a calendar date (YYYY-MM-DD) that exists. */
export function isDate(text: string): boolean {
  const m = DATE.exec(text)
  if (!m) return false
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).toISOString().slice(0, 10) === text
}

const ymd = (d: Date): string => d.toISOString().slice(0, 10)
const utcDate = (text: string): Date => new Date(`${text}T00:00:00Z`)

/** The local date of the Monday that starts `date`'s week (ISO weeks, as Postgres' date_trunc('week')). */
export function weekStart(date: string): string {
  const d = utcDate(date)
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7))
  return ymd(d)
}

/** The period an instant falls in, named by its local start: 2026-03-29T02:00 (hour), 2026-03-29 (day, week), 2026-03 (month). */
export function bucketOf(at: Date, by: Period, timeZone: string): string {
  const l = localTime(at, timeZone)
  switch (by) {
    case 'hour':
      return `${l.date}T${String(Math.floor(l.minutes / 60)).padStart(2, '0')}:00`
    case 'day':
      return l.date
    case 'week':
      return weekStart(l.date)
    case 'month':
      return l.date.slice(0, 7)
  }
}

/**
 * Every period from the local date `from` to the local date `to` (both whole days), in order:
 * the report's axis, with the periods no call fell in. Hours are the local hours that exist:
 * 23 on the day the clocks go forward, 24 distinct names on the day they go back (02:00
 * happens twice and is one period, as Postgres' local-time truncation counts it).
 */
export function bucketsBetween(from: string, to: string, by: Period, timeZone: string): string[] {
  const out: string[] = []
  const push = (b: string): void => {
    if (out[out.length - 1] !== b) out.push(b)
  }
  const end = utcDate(to)
  if (by === 'hour') {
    // Walk instants hour by hour across the local days: local hours that do not exist are skipped.
    const first = startOfLocalDay(from, timeZone)
    const last = startOfLocalDay(ymd(new Date(end.getTime() + 86_400_000)), timeZone)
    for (let t = first; t < last && out.length <= MAX_BUCKETS; t += 3_600_000) push(bucketOf(new Date(t), 'hour', timeZone))
    return out
  }
  for (let d = utcDate(from); d <= end && out.length <= MAX_BUCKETS; d.setUTCDate(d.getUTCDate() + 1)) {
    const date = ymd(d)
    push(by === 'day' ? date : by === 'week' ? weekStart(date) : date.slice(0, 7))
  }
  return out
}

/** The instant (ms) a local date begins in `timeZone` (midnight, or the first minute that exists). */
export function startOfLocalDay(date: string, timeZone: string): number {
  // Offsets are within ±14 h: start from UTC midnight minus 14 h and find the first instant whose local date is `date`.
  const guess = utcDate(date).getTime()
  let lo = guess - 14 * 3_600_000
  let hi = guess + 14 * 3_600_000
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 2 / 60_000) * 60_000
    if (localTime(new Date(mid), timeZone).date < date) lo = mid
    else hi = mid
  }
  return hi
}
