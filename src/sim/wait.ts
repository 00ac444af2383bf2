/**
 * Waiting in simulated time: for a duration, until aborted (hangup, uuid_break), or until
 * something wakes the waiter (a digit). Every timer goes through the switch's Clock, so a
 * virtual clock runs a simulated hour in seconds.
 */
import type { Clock } from '../time/clock.js'

export type WaitEnd = 'timeout' | 'aborted' | 'woken'

export interface Waiter {
  /** Ends the wait early with 'woken'. */
  wake(): void
  done: Promise<WaitEnd>
}

export function waitFor(clock: Clock, ms: number, signal: AbortSignal): Waiter {
  let wake = (): void => {}
  const done = new Promise<WaitEnd>((resolve) => {
    if (signal.aborted) return resolve('aborted')
    let timer: ReturnType<Clock['setTimeout']> | undefined
    const finish = (end: WaitEnd): void => {
      clock.clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
      resolve(end)
    }
    const onAbort = (): void => finish('aborted')
    if (Number.isFinite(ms)) timer = clock.setTimeout(() => finish('timeout'), Math.max(0, ms))
    signal.addEventListener('abort', onAbort, { once: true })
    wake = () => finish('woken')
  })
  return { wake: () => wake(), done }
}

/** Why a wait was aborted: 'hangup', 'break' or 'transfer'. */
export function abortReason(signal: AbortSignal): string {
  return typeof signal.reason === 'string' ? signal.reason : 'hangup'
}
