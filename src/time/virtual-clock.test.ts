import net from 'node:net'
import { describe, expect, it } from 'vitest'
import { VirtualClock } from './virtual-clock.js'

describe('VirtualClock', () => {
  it('fires timers in time order, then insertion order, and moves now()', async () => {
    const clock = new VirtualClock({ start: 1_000 })
    const seen: string[] = []
    clock.setTimeout(() => seen.push(`b@${clock.now()}`), 20)
    clock.setTimeout(() => seen.push(`a@${clock.now()}`), 10)
    clock.setTimeout(() => seen.push(`c@${clock.now()}`), 20)
    await clock.advance(15)
    expect(seen).toEqual(['a@1010'])
    expect(clock.now()).toBe(1015)
    await clock.advance(100)
    expect(seen).toEqual(['a@1010', 'b@1020', 'c@1020'])
    expect(clock.now()).toBe(1115)
  })

  it('lets promise chains started by a timer run before the next timer fires', async () => {
    const clock = new VirtualClock({ start: 0 })
    const seen: string[] = []
    clock.setTimeout(() => {
      void Promise.resolve()
        .then(() => Promise.resolve())
        .then(() => {
          seen.push('reaction')
          clock.setTimeout(() => seen.push('follow-up'), 0)
        })
    }, 10)
    clock.setTimeout(() => seen.push('later'), 10)
    await clock.advance(10)
    expect(seen).toEqual(['reaction', 'later', 'follow-up'])
  })

  it('does not cross tracked work', async () => {
    const clock = new VirtualClock({ start: 0 })
    let dbDone = false
    const seen: boolean[] = []
    clock.setTimeout(() => void clock.track(new Promise<void>((r) => setTimeout(() => ((dbDone = true), r()), 20))), 5)
    clock.setTimeout(() => seen.push(dbDone), 6)
    await clock.advance(10)
    expect(seen).toEqual([true])
  })

  it('sleeps and cancels', async () => {
    const clock = new VirtualClock({ start: 0 })
    let woke = 0
    void clock.sleep(3_600_000).then(() => (woke = clock.now()))
    const h = clock.setTimeout(() => (woke = -1), 100)
    clock.clearTimeout(h)
    await clock.advance(3_600_000)
    expect(woke).toBe(3_600_000)
  })

  it('does not advance while bytes written on a connection tapped at both ends are unread', async () => {
    const clock = new VirtualClock({ start: 0, quietMs: 1 })
    const server = net.createServer()
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const accepted = new Promise<net.Socket>((r) => server.once('connection', r))
    const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1')
    await new Promise((r) => client.once('connect', r))
    const far = await accepted
    far.pause() // a far end slow to read, as on a loaded machine
    const sender = clock.tap(client)
    const reader = clock.tap(far)
    let fired = false
    clock.setTimeout(() => (fired = true), 10)
    sender.sent(5)
    client.write('hello')
    const advancing = clock.advance(10)
    await new Promise((r) => setTimeout(r, 50))
    expect(fired).toBe(false)
    reader.received(5)
    await advancing
    expect(fired).toBe(true)
    client.destroy()
    far.destroy()
    server.close()
  })

  it('ignores a connection tapped at one end only', async () => {
    const clock = new VirtualClock({ start: 0, quietMs: 1 })
    const server = net.createServer((s) => s.resume())
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1')
    await new Promise((r) => client.once('connect', r))
    clock.tap(client)!.sent(100)
    let fired = false
    clock.setTimeout(() => (fired = true), 10)
    await clock.advance(10)
    expect(fired).toBe(true)
    client.destroy()
    server.close()
  })

  it('runs a lazy thenable once, however many times it is tracked and awaited', async () => {
    const clock = new VirtualClock({ start: 0 })
    let runs = 0
    // Like a drizzle query: it executes on every then().
    const query = { then: (ok: (v: number) => void) => ok(++runs) }
    const value = await clock.track(query as unknown as Promise<number>)
    expect(value).toBe(1)
    expect(runs).toBe(1)
  })
})
