/**
 * A calling window open whenever a test runs: every day of the week, and a time zone where it
 * is midday now. Tests that dial on the wall clock use it, so they pass on Sundays, at
 * midnight and across daylight-saving changes.
 */

export const EVERY_DAY = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']

/** Office hours every day: with middayZone() the window is open now. */
export const OPEN_WINDOW = { start: '08:00', end: '18:00', days: EVERY_DAY }

/** A fixed-offset zone where it is midday (11:00 to 13:00) at `now`. */
export function middayZone(now = new Date()): string {
  let offset = 12 - now.getUTCHours()
  if (offset > 14) offset -= 24
  if (offset < -12) offset += 24
  // Etc/GMT zones count the other way round: Etc/GMT-3 is UTC+3.
  return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`
}
