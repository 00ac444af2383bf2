import type { Socket } from 'node:net'

/**
 * Time as a dependency. Everything that waits, schedules or reads "now" takes a Clock,
 * so the same code runs against the wall clock in production and in virtual time in
 * simulations and tests (a simulated hour in seconds).
 */
export interface TimerHandle {
  readonly id: number
}

/** Counts a socket's traffic for the clock: told of every write and every read. */
export interface WireTap {
  sent(bytes: number): void
  received(bytes: number): void
}

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number
  setTimeout(fn: () => void, ms: number): TimerHandle
  clearTimeout(handle: TimerHandle | undefined): void
  /** Resolves after `ms`; resolves early (no rejection) when the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  /**
   * Marks asynchronous work in progress (a database write, a queued job) so a virtual
   * clock does not jump past it. The real clock returns the promise unchanged.
   */
  track<T>(work: Promise<T>): Promise<T>
  /** Notes that I/O happened; a virtual clock waits for quiet before it advances. */
  poke(): void
  /**
   * A socket whose traffic is part of the simulation. When both its ends are tapped (the
   * simulator and the app in one process), a virtual clock does not advance while bytes
   * written on it are still unread at the other end: a busy machine may be slow to
   * deliver them, and time must not jump past a command in flight. Undefined when the
   * clock has no use for the counts (the real one).
   */
  tap(socket: Socket): WireTap | undefined
}

class RealTimer implements TimerHandle {
  constructor(
    readonly id: number,
    readonly timer: NodeJS.Timeout,
  ) {}
}

export class RealClock implements Clock {
  private nextId = 1
  now(): number {
    return Date.now()
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    return new RealTimer(this.nextId++, setTimeout(fn, Math.max(0, ms)))
  }
  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle instanceof RealTimer) clearTimeout(handle.timer)
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal)
  }
  track<T>(work: Promise<T>): Promise<T> {
    return work
  }
  poke(): void {}
  tap(): undefined {
    return undefined
  }
}

export function sleepWith(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const onAbort = (): void => {
      clock.clearTimeout(handle)
      resolve()
    }
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

export const realClock: Clock = new RealClock()
