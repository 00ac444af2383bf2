/**
 * The IVR on the real FreeSWITCH 1.11.1: the app as its own process (src/main.ts), callers
 * over loopback channels pressing real DTMF, people who answer, are busy or never answer.
 * What the caller heard is read from a recording of the caller's own leg.
 */
import path from 'node:path'
import { eq } from 'drizzle-orm'
import { beforeAll, describe, expect, it } from 'vitest'
import { agents, recordings } from '../../src/db/schema/index.js'
import { loudness, longestSilenceMs } from './harness/audio.js'
import { personEndpoint } from '../../src/bundle/extensions.js'
import { aroundTests, eventually, World } from './harness/world.js'

let w: World

const KEY_CLIENT = '+38761100001'
const RETAIL_CLIENT = '+38761100002'

beforeAll(async () => {
  w = await World.start({
    name: 'ivr',
    // One person's phone rings 10 s before the next is tried (the default flow says 20 s).
    flow: (f) => {
      for (const id of ['key-client', 'new-caller', 'debt-route']) f.nodes[id]!.ringTimeoutMs = 10_000
    },
  })
  await w.seed({
    agents: [
      { id: 'ana', name: 'Ana Kovač', endpoint: personEndpoint('answers', 'ana'), groups: ['key-account-managers'] },
      { id: 'boris', name: 'Boris Petrov', endpoint: personEndpoint('answers', 'boris'), groups: ['key-account-managers'] },
      { id: 'carla', name: 'Carla Sousa', endpoint: personEndpoint('answers', 'carla'), groups: ['wholesale-heads', 'department-heads'] },
      { id: 'olga', name: 'Olga Ivanova', endpoint: personEndpoint('answers', 'olga'), groups: ['sales'] },
    ],
    clients: [
      { name: 'Sarajevo Market d.o.o.', phone: KEY_CLIENT, type: 'key', managerId: 'ana', language: 'ru', currency: 'EUR' },
      { name: 'Mini Shop Ilidža', phone: RETAIL_CLIENT, type: 'retail', managerId: 'olga', language: 'en', balance: '1234.50', currency: 'EUR' },
    ],
  })
  await w.startApp()
}, 120_000)

aroundTests(() => w)

const ended = (uuid: string) => w.endedRow(uuid)
const setEndpoint = (id: string, endpoint: string) => w.db.db.update(agents).set({ endpoint }).where(eq(agents.id, id))

describe('the default flow on the real switch', () => {
  it('a known client navigates the main menu with DTMF: balance, prices, and the path is registered', async () => {
    const caller = await w.driver.call(RETAIL_CLIENT)
    const menu = (n: number) =>
      w.driver.waitForEvent(`main menu #${n}`, () => w.driver.of(caller.bLeg).filter((e) => e['Event-Name'] === 'CHANNEL_EXECUTE' && /main-menu\.wav/.test(e['Application-Data'] ?? '')).length >= n)
    await menu(1)
    await w.driver.press(caller.aLeg, '3')
    // The balance, said in parts (1234.50 EUR), then the menu again.
    await menu(2)
    const said = w.driver.of(caller.bLeg).filter((e) => e['Event-Name'] === 'CHANNEL_EXECUTE' && e.Application === 'playback').map((e) => e['Application-Data'] ?? '')
    expect(said.some((d) => /balance-is\.wav/.test(d) && /say-1000|say-thousand|say-1\.wav/.test(d))).toBe(true)
    await w.driver.press(caller.aLeg, '2')
    await menu(3)
    await w.driver.hangup(caller.aLeg)
    const r = await ended(caller.bLeg)
    expect(r).toMatchObject({ flowId: 'default', language: 'en', direction: 'inbound', callerNumber: RETAIL_CLIENT })
    expect(r!.clientId).not.toBeNull()
    const steps = r!.ivrPath.map((s) => `${s.node}${s.digits ? `:${s.digits}` : ''}`).filter((s, i, all) => s !== all[i - 1])
    expect(steps).toEqual(expect.arrayContaining(['welcome', 'main-menu:3', 'account', 'main-menu:2', 'prices']))
    expect(steps.indexOf('main-menu:3')).toBeLessThan(steps.indexOf('main-menu:2'))
    // Recorded and catalogued, and the file is on disk.
    const recs = await eventually('the recording row', async () => {
      const rows = await w.db.db.select().from(recordings).where(eq(recordings.callUuid, caller.bLeg))
      return rows.length > 0 && rows[0]!.durationMs !== null ? rows : undefined
    })
    expect(recs[0]!.kind).toBe('call')
    const l = loudness(path.resolve(w.dirs.recordings, recs[0]!.path))
    expect(l.rms.length * l.sliceMs).toBeGreaterThan(3000)
  })

  it('a key client whose manager is busy and whose next manager does not answer reaches the head of wholesale', async () => {
    await setEndpoint('ana', personEndpoint('busy', 'ana'))
    await setEndpoint('boris', personEndpoint('noanswer', 'boris'))
    try {
      const caller = await w.driver.call(KEY_CLIENT)
      // Carla answers: her leg is bridged to the caller's.
      await w.driver.waitForEvent('the bridge to carla', (e) => e['Event-Name'] === 'CHANNEL_BRIDGE' && e['Unique-ID'] === caller.bLeg && /answers-carla/.test(e['Other-Leg-Destination-Number'] ?? e['Other-Leg-Channel-Name'] ?? ''), 30_000)
      await w.driver.hangup(caller.aLeg)
      const r = await ended(caller.bLeg)
      expect(r).toMatchObject({ routedTo: 'agent:carla', routeResult: 'connected', language: 'ru' })
      const results = r!.ivrPath.filter((s) => s.node === 'key-client' && s.result).map((s) => s.result)
      expect(results.at(-1)).toBe('connected:agent:carla')
    } finally {
      await setEndpoint('ana', personEndpoint('answers', 'ana'))
      await setEndpoint('boris', personEndpoint('answers', 'boris'))
    }
  })

  // Finding 1: FreeSWITCH sends the caller's CHANNEL_HANGUP before the bridge's EXECUTE_COMPLETE.
  it('a conversation the caller ends is registered as connected, with who answered', async () => {
    const caller = await w.driver.call(KEY_CLIENT)
    await w.driver.waitForEvent('the bridge to ana', (e) => e['Event-Name'] === 'CHANNEL_BRIDGE' && e['Unique-ID'] === caller.bLeg, 20_000)
    await new Promise((r) => setTimeout(r, 500))
    await w.driver.hangup(caller.aLeg)
    const r = await ended(caller.bLeg)
    expect(r).toMatchObject({ routedTo: 'agent:ana', routeResult: 'connected' })
    expect(r!.answeredAt).not.toBeNull()
  })

  // Finding 3: for an answered caller, FreeSWITCH plays the caller channel's transfer_ringback, not `ringback` in {}.
  it('the caller hears ringing, not silence, while a manager’s phone rings', async () => {
    await setEndpoint('ana', personEndpoint('late', 'ana'))
    try {
      const caller = await w.driver.call(KEY_CLIENT)
      const file = path.join(w.sw.dir, `heard-${caller.aLeg}.wav`)
      await w.driver.api(`uuid_record ${caller.aLeg} start ${file}`)
      const bridged = await w.driver.waitForEvent('the bridge to ana', (e) => e['Event-Name'] === 'CHANNEL_BRIDGE' && e['Unique-ID'] === caller.bLeg, 30_000)
      const ringFrom = w.driver.of(caller.bLeg).find((e) => e['Event-Name'] === 'CHANNEL_EXECUTE' && e.Application === 'bridge')!
      await w.driver.api(`uuid_record ${caller.aLeg} stop ${file}`)
      await w.driver.hangup(caller.aLeg)
      const l = loudness(file)
      // The recording started before the bridge; ana's phone rang ~8 s between the bridge's start and its answer.
      const ringMs = Number(bridged['Event-Date-Timestamp']) / 1000 - Number(ringFrom['Event-Date-Timestamp']) / 1000
      expect(ringMs).toBeGreaterThan(6000)
      const total = l.rms.length * l.sliceMs
      expect(longestSilenceMs(l, total - ringMs, total - 300)).toBeLessThan(4500)
    } finally {
      await setEndpoint('ana', personEndpoint('answers', 'ana'))
    }
  })
})
