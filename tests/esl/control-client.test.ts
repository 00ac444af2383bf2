/**
 * Our inbound control client (esl-lite underneath) against the simulator's event socket
 * over real TCP: originate results, uuid_* commands, events, and reconnection with the
 * subscriptions restored after the connection drops.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Call } from '../../src/esl/call.js'
import { ControlClient, type ControlEvent } from '../../src/esl/control-client.js'
import { dialString, leg } from '../../src/esl/dial-string.js'
import { OutboundServer } from '../../src/esl/outbound-server.js'
import { CommandFailed } from '../../src/esl/results.js'
import { silentLogger } from '../../src/log.js'
import { startSimulator, type PartyPlan, type Simulator } from '../../src/sim/index.js'
import { realClock } from '../../src/time/clock.js'

let sim: Simulator
let client: ControlClient
let server: OutboundServer
const socketCalls: Call[] = []

/** The far ends this test dials: numbers on the "carrier" gateway, by their last digits. */
function plan(number: string): PartyPlan {
  if (number.endsWith('01')) return { outcome: 'answer', ringMs: 100, answeredBy: 'person' }
  if (number.endsWith('02')) return { outcome: 'busy', ringMs: 50 }
  if (number.endsWith('03')) return { outcome: 'no-answer', ringMs: 0 }
  return { outcome: 'fail', ringMs: 0, failCause: 'NO_ROUTE_DESTINATION' }
}

beforeAll(async () => {
  server = await OutboundServer.listen({
    host: '127.0.0.1',
    port: 0,
    log: silentLogger,
    clock: realClock,
    handler: async (call) => {
      socketCalls.push(call)
      await call.answer()
      await call.playback('silence_stream://200')
      await call.hangup()
    },
  })
  sim = await startSimulator({
    clock: realClock,
    appAddress: `127.0.0.1:${server.port}`,
    frameMs: 0,
    directory: (endpoint) => (endpoint.tech === 'sofia' ? plan(endpoint.number) : { outcome: 'answer', ringMs: 0 }),
  })
  client = new ControlClient({ host: sim.address.host, port: sim.address.port, password: 'ClueCon', log: silentLogger, pingIntervalMs: 200 })
  await waitFor(() => (client.isUp ? true : undefined))
})

afterAll(async () => {
  client.end()
  await server.close()
  await sim.close()
})

async function waitFor<T>(get: () => T | undefined, ms = 5000): Promise<T> {
  const until = Date.now() + ms
  for (;;) {
    const v = get()
    if (v !== undefined) return v
    if (Date.now() > until) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 10))
  }
}

const gateway = (n: string): string => dialString([leg(`sofia/gateway/carrier/${n}`)], { vars: { originate_timeout: 1, campaign_id: 42 } })

describe('ControlClient against the simulator', () => {
  it('originates: answered, busy, no answer, failure', async () => {
    const answered = await client.originate(gateway('38761000001'), 'park')
    expect(answered).toMatchObject({ ok: true })
    const uuid = (answered as { uuid: string }).uuid
    expect(await client.uuidExists(uuid)).toBe(true)
    expect(await client.originate(gateway('38761000002'), 'park')).toEqual({ ok: false, cause: 'USER_BUSY' })
    expect(await client.originate(gateway('38761000003'), 'park')).toEqual({ ok: false, cause: 'NO_ANSWER' })
    expect(await client.originate(gateway('38761000009'), 'park')).toEqual({ ok: false, cause: 'NO_ROUTE_DESTINATION' })
    expect(await client.uuidKill(uuid)).toEqual({ ok: true, text: '+OK' })
    await waitFor(() => (sim.sw.channel(uuid) ? undefined : true))
  })

  it('hands an answered call to our outbound socket with its originate variables', async () => {
    const before = socketCalls.length
    const r = await client.originate(gateway('38761000001'), { socket: `127.0.0.1:${server.port}` })
    expect(r).toMatchObject({ ok: true })
    const call = await waitFor(() => socketCalls[before])
    expect(call.uuid).toBe((r as { uuid: string }).uuid)
    expect(call.direction).toBe('outbound')
    expect(call.variable('campaign_id')).toBe('42')
    const summary = await call.finished
    expect(summary.hangupCause).toBe('NORMAL_CLEARING')
  })

  it('runs uuid commands with FreeSWITCH results', async () => {
    const a = (await client.originate(gateway('38761000001'), 'park')) as { uuid: string }
    const b = (await client.originate(gateway('38761000001'), 'park')) as { uuid: string }
    expect(await client.uuidSetVar(a.uuid, 'queue_name', 'sales')).toEqual({ ok: true, text: '+OK' })
    expect(await client.uuidGetVar(a.uuid, 'queue_name')).toBe('sales')
    expect(await client.uuidGetVar(a.uuid, 'no_such_variable')).toBeUndefined()
    const missing = await client.uuidGetVar('00000000-0000-0000-0000-000000000000', 'x')
    expect(missing).toBeInstanceOf(CommandFailed)
    expect((missing as CommandFailed).reply).toBe('-ERR No such channel!')
    expect(await client.uuidBroadcast(a.uuid, 'silence_stream://100')).toEqual({ ok: true, text: '+OK Message sent' })
    const rows = await client.showChannels()
    expect(Array.isArray(rows) && rows.map((r) => r.uuid)).toEqual(expect.arrayContaining([a.uuid, b.uuid]))
    const bridged: ControlEvent[] = []
    client.onEvent('CHANNEL_BRIDGE', (e) => bridged.push(e))
    expect(await client.uuidBridge(a.uuid, b.uuid)).toEqual({ ok: true, text: `+OK ${b.uuid}` })
    const event = await waitFor(() => bridged.find((e) => e.uuid === a.uuid))
    expect(event.get('Other-Leg-Unique-ID')).toBe(b.uuid)
    // When one side of a uuid_bridge hangs up, the other follows.
    await client.uuidKill(b.uuid)
    await waitFor(() => (sim.sw.channel(a.uuid) ? undefined : true))
    // A uuid that is not a UUID never reaches FreeSWITCH.
    expect(await client.uuidKill('x y')).toBeInstanceOf(CommandFailed)
  })

  it('reconnects after the connection drops and keeps its event subscriptions', async () => {
    const hangups: string[] = []
    client.onEvent('CHANNEL_HANGUP_COMPLETE', (e) => hangups.push(e.uuid ?? ''))
    let reconnected = false
    client.once('reconnected', () => (reconnected = true))
    sim.inbound.dropClients()
    await waitFor(() => (reconnected ? true : undefined))
    expect(client.isUp).toBe(true)
    const r = (await client.originate(gateway('38761000001'), 'park')) as { uuid: string }
    await client.uuidKill(r.uuid)
    await waitFor(() => (hangups.includes(r.uuid) ? true : undefined))
  })
})
