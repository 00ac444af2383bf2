/**
 * A queue on the real switch: a caller waits with hold music and hears their place, the
 * operator comes free and the caller is handed to them with no silence in between; a VIP
 * goes first. What callers heard is read from recordings of their own legs.
 */
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { contactNumber, personEndpoint } from '../../src/bundle/extensions.js'
import { loudness, longestSilenceMs } from './harness/audio.js'
import { aroundTests, World } from './harness/world.js'

let w: World

const CLIENT = (n: number) => `+3876110000${n}`

beforeAll(async () => {
  w = await World.start({ name: 'queue' })
  await w.seed({
    agents: [{ id: 'ivan', name: 'Ivan Marić', endpoint: personEndpoint('answers', 'ivan'), groups: ['operators'] }],
    // Known retail clients with a manager, so the main menu is where they land; one is a VIP.
    clients: [
      ...[1, 2, 3].map((n) => ({ name: `Client ${n}`, phone: CLIENT(n), type: 'retail' as const, managerId: 'ivan', language: 'en', vip: n === 3 })),
      // A client whose number reaches a person who answers (the callback dials it back).
      { name: 'Callback Client', phone: contactNumber('person', 77), type: 'retail' as const, managerId: 'ivan', language: 'en' },
    ],
  })
  await w.startApp()
  await w.loginAgents('ivan')
}, 120_000)

aroundTests(() => w)


/** A caller who asks for an operator (main menu, 0) and records what they hear from then on. */
async function toOperator(n: number | string): Promise<{ aLeg: string; bLeg: string; heard: string }> {
  const caller = await w.driver.call(typeof n === 'string' ? n : CLIENT(n))
  await w.driver.executing(caller.bLeg, 'play_and_get_digits', /main-menu\.wav/)
  const heard = path.join(w.sw.dir, `heard-${caller.aLeg}.wav`)
  await w.driver.api(`uuid_record ${caller.aLeg} start ${heard}`)
  await w.driver.press(caller.aLeg, '0')
  return { ...caller, heard }
}

const bridged = (uuid: string, ms = 30_000) => w.driver.waitForEvent(`${uuid} talking to ivan`, (e) => e['Event-Name'] === 'CHANNEL_BRIDGE' && e['Unique-ID'] === uuid, ms)

describe('a queue on the real switch', () => {
  it('a caller waits with music, hears their place, and is handed to the operator the moment he is free, with no silence between', async () => {
    const first = await toOperator(1)
    await bridged(first.bLeg)
    const second = await toOperator(2)
    // Waiting: the greeting, the place in the queue and the expected wait, then the music.
    await w.driver.executing(second.bLeg, 'playback', /queue-hold\.wav/)
    const announced = await w.driver.executing(second.bLeg, 'playback', /queue-position\.wav/, 15_000)
    expect(announced['Application-Data']).toMatch(/queue-position\.wav!\S*say-1\.wav!\S*queue-wait-minutes\.wav/)
    await w.driver.executing(second.bLeg, 'playback', /local_stream:\/\/moh/, 30_000)
    // Ivan hangs up on the first caller: the second is his at once.
    const freedAt = Date.now()
    await w.driver.hangup(first.aLeg)
    const b = await bridged(second.bLeg)
    const handOffMs = Number(b['Event-Date-Timestamp']) / 1000 - freedAt
    expect(handOffMs).toBeLessThan(2000)
    await new Promise((r) => setTimeout(r, 500))
    await w.driver.api(`uuid_record ${second.aLeg} stop ${second.heard}`)
    await w.driver.hangup(second.aLeg)
    const r = await w.endedRow(second.bLeg)
    expect(r).toMatchObject({ queue: 'operators', queueOutcome: 'answered', answeredBy: 'ivan', routedTo: 'queue:operators' })
    expect(r!.queueWaitMs).toBeGreaterThan(10_000)
    expect(r!.queueOffers.map((o) => `${o.agent}:${o.result}`)).toEqual(['ivan:answered'])
    // Music, prompts, then the operator: the caller was never left in silence for long.
    const l = loudness(second.heard)
    expect(longestSilenceMs(l, 500)).toBeLessThan(1500)
  }, 90_000)

  it('a VIP who calls after another waiting caller is handed to the operator first', async () => {
    const busy = await toOperator(1)
    await bridged(busy.bLeg)
    const regular = await toOperator(2)
    await w.driver.executing(regular.bLeg, 'playback', /local_stream:\/\/moh/, 30_000)
    const vip = await toOperator(3)
    await w.driver.executing(vip.bLeg, 'playback', /local_stream:\/\/moh/, 30_000)
    await w.driver.hangup(busy.aLeg)
    await bridged(vip.bLeg)
    expect(w.driver.of(regular.bLeg).some((e) => e['Event-Name'] === 'CHANNEL_BRIDGE')).toBe(false)
    await w.driver.hangup(vip.aLeg)
    await bridged(regular.bLeg)
    await w.driver.hangup(regular.aLeg)
  }, 90_000)

  // Risk: a callback bridged from the operator's leg showed the customer their own number.
  it('a caller who asks to be called back is called back when the operator is free, and sees the center’s number', async () => {
    const busy = await toOperator(1)
    await bridged(busy.bLeg)
    const caller = await toOperator(contactNumber('person', 77))
    await w.driver.executing(caller.bLeg, 'playback', /queue-hold\.wav/)
    await w.driver.press(caller.aLeg, '2')
    await w.driver.executing(caller.bLeg, 'playback', /queue-callback-confirmed\.wav/)
    await w.driver.hangup(caller.aLeg)
    await w.driver.hangup(busy.aLeg)
    // Ivan is rung first, then the customer: the leg that reaches them runs the person extension.
    const customer = await w.driver.waitForEvent(
      'the customer called back',
      (e) => e['Event-Name'] === 'CHANNEL_CREATE' && e['Channel-Name'] === `loopback/${contactNumber('person', 77)}-b`,
      40_000,
    )
    expect(customer['Caller-Caller-ID-Number']).toBe('+38733200200')
    const other = customer['Unique-ID']!
    await w.driver.waitForEvent('the customer answers', (e) => e['Event-Name'] === 'CHANNEL_ANSWER' && e['Unique-ID'] === other, 20_000)
    await new Promise((r) => setTimeout(r, 500))
    await w.driver.hangup(other)
  }, 90_000)
})
