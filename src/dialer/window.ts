/**
 * The calling window, read in the contact's own time zone: pure functions of a moment, so
 * they are tested across time zones and daylight-saving changes without a clock.
 */
import { localTime } from '../ivr/hours.js'

export interface CallingWindow {
  /** Local times, `08:00` and `21:00`: calls may start from `start` and before `end`. */
  start: string
  end: string
  /** Days calls are allowed on: mon ... sun. */
  days: string[]
  /** Local dates with no calls. */
  holidays: string[]
}

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']
const MINUTE = 60_000
const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))

/** Whether a call may start at `at` for someone living in `timeZone`. */
export function inWindow(window: CallingWindow, timeZone: string, at: Date): boolean {
  const local = localTime(at, timeZone)
  if (!window.days.includes(local.day) || window.holidays.includes(local.date)) return false
  return local.minutes >= minutes(window.start) && local.minutes < minutes(window.end)
}

/**
 * The first moment at or after `from` when a call may start, or undefined when the window
 * does not open in the next two weeks (no days, or every day a holiday).
 */
export function nextWindowStart(window: CallingWindow, timeZone: string, from: Date): Date | undefined {
  if (inWindow(window, timeZone, from)) return from
  const today = localTime(from, timeZone).date
  const [y, m, d] = today.split('-').map(Number) as [number, number, number]
  for (let i = 0; i < 15; i++) {
    const day = new Date(Date.UTC(y, m - 1, d + i))
    const date = day.toISOString().slice(0, 10)
    if (!window.days.includes(DAYS[day.getUTCDay()]!) || window.holidays.includes(date)) continue
    let t = Math.max(instantOf(date, minutes(window.start), timeZone), Math.ceil(from.getTime() / MINUTE) * MINUTE)
    // The opening minute may not exist (clocks jump forward over it): the first one that does.
    for (let n = 0; n < 180 && !inWindow(window, timeZone, new Date(t)); n++) {
      if (localTime(new Date(t), timeZone).date > date) break
      t += MINUTE
    }
    if (inWindow(window, timeZone, new Date(t))) return new Date(t)
  }
  return undefined
}

/** The instant the local clock in `timeZone` shows `minute` (minutes after midnight) on `date`. */
export function instantOf(date: string, minute: number, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const wall = Date.UTC(y, m - 1, d) + minute * MINUTE
  let guess = wall
  // The offset at the answer, not at the first guess: twice settles it, DST included.
  for (let i = 0; i < 3; i++) guess = wall - offsetMs(new Date(guess), timeZone)
  return guess
}

/** How far the local clock is ahead of UTC at `at`. */
function offsetMs(at: Date, timeZone: string): number {
  const local = localTime(at, timeZone)
  const [y, m, d] = local.date.split('-').map(Number) as [number, number, number]
  return Date.UTC(y, m - 1, d) + local.minutes * MINUTE - Math.floor(at.getTime() / MINUTE) * MINUTE
}
