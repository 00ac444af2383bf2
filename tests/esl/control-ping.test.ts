/**
 * The control client's liveness pings over real TCP against the simulator: coming up costs
 * one `status`, however the start's ping and the first connection interleave (a second one
 * is an extra command on every start, and broke a replay of the real switch's transcript).
 */
import net from 'node:net'
import { once } from 'node:events'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { ControlClient } from '../../src/esl/control-client.js'
import { silentLogger } from '../../src/log.js'
import { startSimulator, type Simulator } from '../../src/sim/index.js'
import { realClock } from '../../src/time/clock.js'

let sim: Simulator
let relay: net.Server
let relayPort: number
/** Commands the client sent through the relay, one list per connection. */
const sent: string[][] = []

beforeAll(async () => {
  sim = await startSimulator({ clock: realClock, appAddress: '127.0.0.1:1', frameMs: 0 })
  relay = net.createServer((client) => {
    const commands: string[] = []
    sent.push(commands)
    const upstream = net.connect(sim.address.port, sim.address.host)
    client.on('data', (chunk: Buffer) => {
      for (const block of chunk.toString('utf8').split('\n\n')) if (block.trim()) commands.push(block.split('\n')[0]!)
      upstream.write(chunk)
    })
    upstream.pipe(client)
    client.on('error', () => upstream.destroy())
    upstream.on('error', () => client.destroy())
    client.on('close', () => upstream.destroy())
  })
  relay.listen(0, '127.0.0.1')
  await once(relay, 'listening')
  relayPort = (relay.address() as net.AddressInfo).port
})

afterAll(async () => {
  relay.close()
  await sim.close()
})

it.each(Array.from({ length: 8 }, (_, i) => i))('comes up with one status command (start %i)', async () => {
  const before = sent.length
  const client = new ControlClient({ host: '127.0.0.1', port: relayPort, password: 'ClueCon', log: silentLogger, pingIntervalMs: 60_000 })
  try {
    await once(client, 'up')
    // Past several of the client's 100 ms checks for a new connection.
    await new Promise((r) => setTimeout(r, 400))
    const commands = sent.slice(before).flat()
    expect(commands.filter((c) => /^(bg)?api status$/.test(c))).toHaveLength(1)
  } finally {
    client.end()
  }
})
