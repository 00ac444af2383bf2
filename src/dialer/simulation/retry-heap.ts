/**
 * The simulation's retries not yet due (simulate.ts): a binary heap, so the next one to fall
 * due is found at once among tens of thousands.
 */

/** Retries by when they fall due (then by contact, as the claim orders them). */
export class RetryHeap {
  private readonly at: number[] = []
  private readonly contact: number[] = []

  get size(): number {
    return this.at.length
  }

  peekAt(): number {
    return this.at[0]!
  }

  push(at: number, contact: number): void {
    this.at.push(at)
    this.contact.push(contact)
    let i = this.at.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!this.less(i, p)) break
      this.swap(i, p)
      i = p
    }
  }

  pop(): number {
    const top = this.contact[0]!
    const lastAt = this.at.pop()!
    const lastContact = this.contact.pop()!
    if (this.at.length > 0) {
      this.at[0] = lastAt
      this.contact[0] = lastContact
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < this.at.length && this.less(l, m)) m = l
        if (r < this.at.length && this.less(r, m)) m = r
        if (m === i) break
        this.swap(i, m)
        i = m
      }
    }
    return top
  }

  private less(i: number, j: number): boolean {
    return this.at[i]! < this.at[j]! || (this.at[i] === this.at[j] && this.contact[i]! < this.contact[j]!)
  }

  private swap(i: number, j: number): void {
    ;[this.at[i], this.at[j]] = [this.at[j]!, this.at[i]!]
    ;[this.contact[i], this.contact[j]] = [this.contact[j]!, this.contact[i]!]
  }
}
