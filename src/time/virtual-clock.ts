import { setImmediate as immediate, setTimeout as realDelay } from 'node:timers/promises'
import type { Socket } from 'node:net'
import { sleepWith, type Clock, type TimerHandle, type WireTap } from './clock.js'

interface VirtualTimer extends TimerHandle {
  at: number
  seq: number
  fn: () => void
  cancelled: boolean
}

export interface VirtualClockOptions {
  /** Epoch ms the clock starts at. */
  start: number
  /**
   * How long (real ms) everything must stay quiet before time may jump. 0 means only
   * drain promise jobs and immediates: right for in-process simulations; a few ms is
   * needed when real sockets or databases take part.
   */
  quietMs?: number
}

/**
 * A discrete-event clock. Timers fire in virtual-time order; between two firings the
 * clock waits until tracked work has finished and no I/O was poked for `quietMs`, so
 * code reacting to one event runs before the next event happens.
 */
export class VirtualClock implements Clock {
  private current: number
  private seq = 0
  private nextId = 1
  private readonly heap: VirtualTimer[] = []
  private busy = 0
  private lastPoke = 0
  private readonly quietMs: number
  private running = false
  /** Connections tapped at both ends, by their address pair: bytes written and not yet read. */
  private readonly wires = new Map<string, Wire>()

  constructor(options: VirtualClockOptions) {
    this.current = options.start
    this.quietMs = options.quietMs ?? 0
  }

  now(): number {
    return this.current
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: VirtualTimer = {
      id: this.nextId++,
      at: this.current + Math.max(0, ms),
      seq: this.seq++,
      fn,
      cancelled: false,
    }
    this.push(timer)
    return timer
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle && 'cancelled' in handle) (handle as VirtualTimer).cancelled = true
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal)
  }

  track<T>(work: Promise<T>): Promise<T> {
    this.busy++
    this.poke()
    const done = (): void => {
      this.busy--
      this.poke()
    }
    // A lazy thenable (a drizzle query runs on every then) must run once: settle it into a
    // real promise, and hand that back.
    const settled = Promise.resolve(work)
    settled.then(done, done)
    return settled
  }

  poke(): void {
    this.lastPoke = performance.now()
  }

  tap(socket: Socket): WireTap {
    const key = wireKey(socket)
    if (!key) return { sent: () => this.poke(), received: () => this.poke() }
    let wire = this.wires.get(key)
    if (!wire) {
      wire = { ends: 0, unread: 0, since: 0 }
      this.wires.set(key, wire)
    }
    wire.ends++
    const w = wire
    // Bytes in flight to a closed end are never read: the connection stops counting.
    socket.once('close', () => this.wires.delete(key))
    return {
      sent: (bytes) => {
        if (w.unread <= 0) w.since = performance.now()
        w.unread += bytes
        this.poke()
      },
      received: (bytes) => {
        w.unread -= bytes
        this.poke()
      },
    }
  }

  /** Whether bytes are on their way between two tapped ends. */
  private inFlight(): boolean {
    const now = performance.now()
    for (const [key, w] of this.wires) {
      if (w.ends < 2 || w.unread <= 0) continue
      // A reader that stopped reading must not stop time for good.
      if (now - w.since > STUCK_WIRE_MS) {
        this.wires.delete(key)
        continue
      }
      return true
    }
    return false
  }

  /** Number of timers still scheduled. */
  get pending(): number {
    return this.heap.filter((t) => !t.cancelled).length
  }

  /** Virtual time of the next timer, or undefined when none is scheduled. */
  nextAt(): number | undefined {
    this.dropCancelled()
    return this.heap[0]?.at
  }

  /** Waits until tracked work is done and I/O has been quiet for `quietMs`. */
  async settle(): Promise<void> {
    for (;;) {
      for (let i = 0; i < 3; i++) await immediate()
      if (this.busy > 0 || this.inFlight()) {
        await realDelay(1)
        continue
      }
      if (this.quietMs === 0) return
      const quietFor = performance.now() - this.lastPoke
      if (quietFor >= this.quietMs) return
      await realDelay(Math.max(1, Math.ceil(this.quietMs - quietFor)))
    }
  }

  /** Runs every timer due within `ms` of virtual time, then sets the clock to now + ms. */
  async advance(ms: number): Promise<void> {
    await this.runUntil(this.current + ms)
  }

  /** Runs timers in order until virtual time `until` (epoch ms). */
  async runUntil(until: number): Promise<void> {
    if (this.running) throw new Error('VirtualClock.runUntil is already running')
    this.running = true
    try {
      await this.settle()
      for (;;) {
        this.dropCancelled()
        const next = this.heap[0]
        if (!next || next.at > until) break
        this.pop()
        this.current = Math.max(this.current, next.at)
        next.fn()
        await this.settle()
      }
      this.current = Math.max(this.current, until)
    } finally {
      this.running = false
    }
  }

  /** Runs until `done()` is true or no timer is left, checking after every firing. */
  async runWhile(keepGoing: () => boolean, limitMs = Number.POSITIVE_INFINITY): Promise<void> {
    const until = this.current + limitMs
    if (this.running) throw new Error('VirtualClock.runWhile is already running')
    this.running = true
    try {
      await this.settle()
      while (keepGoing()) {
        this.dropCancelled()
        const next = this.heap[0]
        if (!next || next.at > until) break
        this.pop()
        this.current = Math.max(this.current, next.at)
        next.fn()
        await this.settle()
      }
    } finally {
      this.running = false
    }
  }

  private dropCancelled(): void {
    while (this.heap[0]?.cancelled) this.pop()
  }

  private less(a: VirtualTimer, b: VirtualTimer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq)
  }

  private push(t: VirtualTimer): void {
    const h = this.heap
    h.push(t)
    let i = h.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!this.less(h[i]!, h[p]!)) break
      ;[h[i], h[p]] = [h[p]!, h[i]!]
      i = p
    }
  }

  private pop(): VirtualTimer | undefined {
    const h = this.heap
    const top = h[0]
    const last = h.pop()
    if (h.length > 0 && last) {
      h[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r
        if (m === i) break
        ;[h[i], h[m]] = [h[m]!, h[i]!]
        i = m
      }
    }
    return top
  }
}

interface Wire {
  /** How many ends are tapped: only a connection tapped at both ends is waited for. */
  ends: number
  unread: number
  /** When the oldest unread byte was written (real ms). */
  since: number
}

const STUCK_WIRE_MS = 2000

/** The same for both ends of a connection: its two addresses, in order. */
function wireKey(socket: Socket): string | undefined {
  const { localAddress, localPort, remoteAddress, remotePort } = socket
  if (!localAddress || !localPort || !remoteAddress || !remotePort) return undefined
  return [`${localAddress}:${localPort}`, `${remoteAddress}:${remotePort}`].sort().join(' ')
}
