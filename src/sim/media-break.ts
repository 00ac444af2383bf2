/**
 * uuid_break as FreeSWITCH has it: a flag on the channel (CF_BREAK; 2 with `all`) that
 * the media loops test once a frame: a playback, sleep, record or speak that sees it stops
 * with "break" and clears it. Digit collection (play_and_get_digits after its prompt)
 * does not look at it, so a break there stops the next playback instead. Every
 * application start clears it (switch_core_session_exec).
 */
import type { SimChannel } from './channel.js'
import { waitFor, type WaitEnd } from './wait.js'

export function requestBreak(ch: SimChannel, all: boolean): void {
  ch.breakFlag = all ? 2 : 1
  // The media loop notices it at its next frame: a uuid_bridge or hangup landing within
  // that frame wins (done + PLAYBACK ERROR, as recorded).
  ch.sw.clock.setTimeout(() => {
    if (ch.breakFlag) ch.emit('break')
  }, ch.sw.frameMs)
}

export interface MediaWaiter {
  wake(): void
  done: Promise<WaitEnd | 'break'>
}

/** A media loop's wait: ends at `ms`, on abort (hangup, transfer), on wake, or on a break (cleared). */
export function mediaWait(ch: SimChannel, ms: number, signal: AbortSignal): MediaWaiter {
  if (ch.breakFlag && !signal.aborted) {
    ch.breakFlag = 0
    return { wake: () => undefined, done: Promise.resolve('break') }
  }
  const inner = waitFor(ch.sw.clock, ms, signal)
  let broke = false
  const onBreak = (): void => {
    if (!ch.breakFlag) return
    ch.breakFlag = 0
    broke = true
    inner.wake()
  }
  ch.on('break', onBreak)
  const done = inner.done.then((end) => {
    ch.off('break', onBreak)
    return broke ? 'break' : end
  })
  return { wake: () => inner.wake(), done }
}
