/**
 * Hostile bytes on our event sockets. A peer that sends random or cut-off data where
 * FreeSWITCH's replies and events belong must cost only its own connection: the app does
 * not crash, no handler runs for it, and a real call on the same server a moment later
 * goes through.
 */
import net from 'node:net'
import fc from 'fast-check'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Call } from '../../src/esl/call.js'
import { OutboundServer } from '../../src/esl/outbound-server.js'
import { isOk } from '../../src/esl/results.js'
import { silentLogger } from '../../src/log.js'
import { startSimulator, type Simulator } from '../../src/sim/index.js'
import { realClock } from '../../src/time/clock.js'
import { reportChaos } from '../faults/chaos-report.js'

let server: OutboundServer
let sim: Simulator
const handled: Call[] = []
const crashes: unknown[] = []
const onCrash = (err: unknown): void => void crashes.push(err)

beforeAll(async () => {
  process.on('uncaughtException', onCrash)
  process.on('unhandledRejection', onCrash)
  server = await OutboundServer.listen({
    host: '127.0.0.1',
    port: 0,
    log: silentLogger,
    clock: realClock,
    handler: async (call) => {
      handled.push(call)
      const r = await call.answer()
      if (isOk(r)) await call.hangup()
    },
  })
  sim = await startSimulator({ clock: realClock, appAddress: `127.0.0.1:${server.port}`, frameMs: 0 })
})

afterAll(async () => {
  process.off('uncaughtException', onCrash)
  process.off('unhandledRejection', onCrash)
  await server.close()
  await sim.close()
})

/** Connects as FreeSWITCH would, sends `bytes` (in pieces), and waits until our side closes or a moment passes. */
function feed(port: number, pieces: Uint8Array[]): Promise<'closed' | 'open'> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1')
    s.on('error', () => undefined)
    const timer = setTimeout(() => {
      s.destroy()
      resolve('open')
    }, 150)
    s.on('close', () => {
      clearTimeout(timer)
      resolve('closed')
    })
    s.on('connect', () => {
      for (const p of pieces) s.write(p)
    })
  })
}

// Frames that look like the protocol, cut and mangled: the worst of both.
const FRAGMENTS = [
  'Content-Type: command/reply\nReply-Text: +OK\n\n',
  'Content-Length: 99999999\nContent-Type: text/event-plain\n\n',
  'Content-Type: api/response\nContent-Length: 5\n\nab',
  'Event-Name: CHANNEL_DATA\nUnique-ID: \n\n',
  'Content-Length: -3\n\n',
  '\n\n\n\n',
  'Content-Type: text/disconnect-notice\nContent-Length: 0\n\n',
  '%E2%82%AC: %ZZ\n\n',
]

it('survives random and cut-off bytes on its outbound socket, closing only the offending connections', async () => {
  const garbage = fc.oneof(
    fc.uint8Array({ maxLength: 2048 }),
    fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 6 }).map((parts) => new TextEncoder().encode(parts.join(''))),
    fc.tuple(fc.constantFrom(...FRAGMENTS), fc.uint8Array({ maxLength: 64 })).map(([a, b]) => new Uint8Array([...new TextEncoder().encode(a), ...b])),
  )
  await fc.assert(
    fc.asyncProperty(fc.array(garbage, { minLength: 1, maxLength: 4 }), async (pieces) => {
      await feed(server.port, pieces)
    }),
    { numRuns: 150 },
  )
  expect(crashes).toEqual([])
  // Garbage never became a call: no channel data, no handler.
  expect(handled).toEqual([])
  // And the server still takes a real call.
  const placed = sim.sw.placeCall({ from: '+38761000001', to: '5000', script: { steps: [] } })
  await placed.done
  for (let i = 0; i < 100 && handled.length === 0; i++) await new Promise((r) => setTimeout(r, 10))
  expect(handled).toHaveLength(1)
  expect(handled[0]!.callerNumber).toBe('+38761000001')
  // The call ends and leaves nothing behind (its handler may still be finishing just now).
  for (let i = 0; i < 200 && server.activeCalls.size > 0; i++) await new Promise((r) => setTimeout(r, 10))
  expect(server.activeCalls.size).toBe(0)
  reportChaos({
    scenario: 'hostile bytes on the outbound event socket',
    injected: '150 connections of random and cut-off ESL frames (fast-check)',
    before: 'server listening',
    after: `no crash, no handler run for garbage; the next real call served (${handled.length})`,
    lost: 1 - handled.length,
    duplicated: 0,
    recoverMs: 0,
  })
}, 60_000)
