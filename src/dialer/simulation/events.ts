/**
 * The simulation's event queue: a binary heap of (time, sequence) -> action. Synchronous:
 * nothing else runs between two events, so a run is deterministic and fast (a simulated
 * day in a second or two), unlike the app's VirtualClock, which waits for real I/O to settle.
 */
interface Entry {
  at: number
  seq: number
  fn: () => void
}

export class EventQueue {
  private readonly heap: Entry[] = []
  private seq = 0
  now: number

  constructor(start: number) {
    this.now = start
  }

  at(at: number, fn: () => void): void {
    const e = { at: Math.max(at, this.now), seq: this.seq++, fn }
    const h = this.heap
    h.push(e)
    let i = h.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!less(h[i]!, h[p]!)) break
      ;[h[i], h[p]] = [h[p]!, h[i]!]
      i = p
    }
  }

  after(ms: number, fn: () => void): void {
    this.at(this.now + ms, fn)
  }

  /** Runs events in order up to `until` (inclusive); returns false when none is left. */
  runUntil(until: number, keepGoing: () => boolean = () => true): void {
    const h = this.heap
    while (h.length > 0 && h[0]!.at <= until && keepGoing()) {
      const e = this.pop()
      this.now = e.at
      e.fn()
    }
  }

  get size(): number {
    return this.heap.length
  }

  private pop(): Entry {
    const h = this.heap
    const top = h[0]!
    const last = h.pop()!
    if (h.length > 0) {
      h[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < h.length && less(h[l]!, h[m]!)) m = l
        if (r < h.length && less(h[r]!, h[m]!)) m = r
        if (m === i) break
        ;[h[i], h[m]] = [h[m]!, h[i]!]
        i = m
      }
    }
    return top
  }
}

const less = (a: Entry, b: Entry): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq)
