/**
 * Business hours and holidays in the call center's own time zone, as pure functions of a
 * moment: the caller's clock is never ours, nor the server's.
 */
import type { BusinessHours } from './flow/schema.js'

type Day = 'sun' | 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat'

export interface LocalTime {
  /** `2026-11-23` */
  date: string
  day: Day
  /** Minutes since local midnight. */
  minutes: number
}

const formatters = new Map<string, Intl.DateTimeFormat>()

/** The wall-clock date, weekday and time in `timeZone` at `at`. */
export function localTime(at: Date, timeZone: string): LocalTime {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', weekday: 'short' })
    formatters.set(timeZone, f)
  }
  const parts = Object.fromEntries(f.formatToParts(at).map((p) => [p.type, p.value]))
  const day = (parts.weekday ?? 'Mon').toLowerCase().slice(0, 3) as LocalTime['day']
  return { date: `${parts.year}-${parts.month}-${parts.day}`, day, minutes: Number(parts.hour) * 60 + Number(parts.minute) }
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number)
  return h! * 60 + m!
}

export function isHoliday(hours: BusinessHours, at: Date): boolean {
  return (hours.holidays ?? []).includes(localTime(at, hours.timezone).date)
}

/** Open when today is no holiday and the local time falls in one of today's ranges (`08:00-20:00`). */
export function isOpen(hours: BusinessHours, at: Date): boolean {
  const local = localTime(at, hours.timezone)
  if ((hours.holidays ?? []).includes(local.date)) return false
  for (const range of hours.weekly[local.day] ?? []) {
    const [from, to] = range.split('-') as [string, string]
    if (local.minutes >= minutesOf(from) && local.minutes < minutesOf(to)) return true
  }
  return false
}
