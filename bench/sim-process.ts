/**
 * The FreeSWITCH simulator in a process of its own, for the capacity benchmark: it places
 * SIP calls to our app when told to (over IPC) and reports how many channels it holds.
 */
import { startSimulator, type Simulator } from '../src/sim/index.js'
import { realClock } from '../src/time/clock.js'

type Command = { type: 'start'; app: string } | { type: 'calls'; count: number; rate: number } | { type: 'stats' } | { type: 'stop' }

let sim: Simulator | undefined
let placed = 0

process.on('message', (m: Command) => {
  void handle(m).catch((err: unknown) => process.send?.({ type: 'error', message: String(err) }))
})

async function handle(m: Command): Promise<void> {
  switch (m.type) {
    case 'start':
      // No frame delay: the benchmark measures our overhead, not FreeSWITCH's 20 ms frames.
      sim = await startSimulator({ clock: realClock, appAddress: m.app, frameMs: 0, writeRecordings: false })
      process.send?.({ type: 'ready' })
      return
    case 'calls': {
      const s = sim!
      const interval = 1000 / m.rate
      const start = performance.now()
      for (let i = 0; i < m.count; i++) {
        const due = start + i * interval
        const wait = due - performance.now()
        if (wait > 1) await new Promise((r) => setTimeout(r, wait))
        placed++
        s.sw.placeSipCall({ from: `+3876${String(placed).padStart(7, '0')}`, to: '5000' })
      }
      process.send?.({ type: 'placed', count: m.count, seconds: (performance.now() - start) / 1000 })
      return
    }
    case 'stats': {
      const cpu = process.cpuUsage()
      process.send?.({ type: 'stats', channels: sim?.sw.channelCount ?? 0, cpuMs: (cpu.user + cpu.system) / 1000 })
      return
    }
    case 'stop':
      await sim?.close()
      process.exit(0)
  }
}
