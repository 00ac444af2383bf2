/**
 * The app stopping and starting again on the real switch, with callers waiting and talking:
 * a deploy (SIGTERM) or a crash (SIGKILL) must not cut a conversation, a waiting caller is
 * not left in silence, and the next instance closes the books of what went on without it
 * (the call register's end, the agent's state).
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { contactNumber, FALLBACK_TONE, personEndpoint } from '../../src/bundle/extensions.js'
import { aroundTests, eventually, World } from './harness/world.js'

let w: World

const KEY_CLIENT = '+38761100001'
const RETAIL_CLIENT = '+38761100002'

beforeAll(async () => {
  w = await World.start({ name: 'restart' })
  await w.seed({
    agents: [
      { id: 'ana', name: 'Ana Kovač', endpoint: personEndpoint('answers', 'ana'), groups: ['key-account-managers'] },
      { id: 'ivan', name: 'Ivan Marić', endpoint: personEndpoint('answers', 'ivan'), groups: ['operators'] },
      { id: 'petra', name: 'Petra Jurić', endpoint: personEndpoint('answers', 'petra'), groups: ['operators'] },
    ],
    clients: [
      { name: 'Sarajevo Market d.o.o.', phone: KEY_CLIENT, type: 'key', managerId: 'ana', language: 'en', currency: 'EUR' },
      { name: 'Mini Shop Ilidža', phone: RETAIL_CLIENT, type: 'retail', managerId: 'ana', language: 'en', currency: 'EUR' },
    ],
  })
}, 120_000)

aroundTests(() => w)

afterEach(async () => {
  await w.killApps()
})

const row = (uuid: string) => w.callRow(uuid)
const fallbackPlayed = (uuid: string) => w.driver.of(uuid).some((e) => e['Event-Name'] === 'CHANNEL_EXECUTE' && e['Application-Data'] === FALLBACK_TONE)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Both legs of a conversation are still there and still bridged, and the caller never fell back. */
async function stillTalking(caller: { aLeg: string; bLeg: string }): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await sleep(1000)
    expect(await w.driver.exists(caller.aLeg), 'the caller is still on the line').toBe(true)
    expect(await w.driver.exists(caller.bLeg)).toBe(true)
    expect(await w.driver.getVar(caller.bLeg, 'bridge_uuid')).toBeTruthy()
    expect(fallbackPlayed(caller.bLeg), 'the dialplan fallback ran: the conversation was cut').toBe(false)
  }
}

/** Talking with the agent whose leg is `loopback/<kind>-<agent>-b`. */
async function talkingTo(caller: { bLeg: string }): Promise<void> {
  await w.driver.waitForEvent('the conversation', (e) => e['Event-Name'] === 'CHANNEL_BRIDGE' && e['Unique-ID'] === caller.bLeg, 30_000)
}

/** Ivan on duty, a customer through the main menu's 0 talking with him, and his console (as `username`) seeing it. */
async function customerWithIvan(username: string) {
  await w.loginAgents('ivan')
  const ivan = await w.user(username, 'operator', 'ivan')
  const caller = await w.driver.call(RETAIL_CLIENT)
  await w.driver.executing(caller.bLeg, 'play_and_get_digits', /main-menu\.wav/)
  await w.driver.press(caller.aLeg, '0')
  await talkingTo(caller)
  await eventually('the console sees the call', async () => ((await ivan('GET', '/operator/talk')).json.call === caller.bLeg ? true : undefined))
  return { ivan, caller }
}

describe('the app stopping while callers talk and wait', () => {
  // Finding 2: with `resume`, FreeSWITCH ends the running bridge when the socket closes.
  it('SIGTERM (a deploy) with a caller talking to their manager: the app exits at once, the conversation goes on, the next app closes its record', async () => {
    const first = await w.startApp()
    const caller = await w.driver.call(KEY_CLIENT)
    await talkingTo(caller)
    const from = Date.now()
    expect(await w.stopApp(first, 'SIGTERM')).toBe(0)
    // A conversation does not hold a deploy back (the grace is for calls still in the menus).
    expect(Date.now() - from).toBeLessThan(10_000)
    await stillTalking(caller)
    const before = await row(caller.bLeg)
    expect(before).toMatchObject({ routedTo: 'agent:ana', routeResult: 'connected', endedAt: null })

    const second = await w.startApp()
    await sleep(1000)
    await w.driver.hangup(caller.aLeg)
    const after = await w.endedRow(caller.bLeg)
    expect(after!.hangupCause).toBe('NORMAL_CLEARING')
    expect(after!.endedAt!.getTime()).toBeGreaterThan(from + 3000)
    await w.stopApp(second)
  })

  it('SIGKILL (a crash) with a caller talking to an operator from the queue: the conversation goes on; the next app frees the operator when it ends', async () => {
    const first = await w.startApp()
    await w.loginAgents('ivan')
    const caller = await w.driver.call(RETAIL_CLIENT)
    // The main menu: 0 for an operator.
    await w.driver.executing(caller.bLeg, 'play_and_get_digits', /main-menu\.wav/)
    await w.driver.press(caller.aLeg, '0')
    await talkingTo(caller)
    await eventually('ivan in a call', async () => ((await w.http('GET', '/agents/ivan')).json.state === 'in-call' ? true : undefined))
    await w.stopApp(first, 'SIGKILL')
    await stillTalking(caller)

    const second = await w.startApp()
    const busy = await w.http('GET', '/agents/ivan')
    expect(busy.json.state).toBe('in-call')
    await w.driver.hangup(caller.aLeg)
    await eventually('ivan free again', async () => {
      const a = await w.http('GET', '/agents/ivan')
      return a.json.state === 'available' ? a : undefined
    }, 40_000, () => w.tail())
    const r = await w.endedRow(caller.bLeg)
    expect(r).toMatchObject({ queue: 'operators', answeredBy: 'ivan', hangupCause: 'NORMAL_CLEARING' })
    await w.http('POST', '/agents/ivan/logout')
    await w.stopApp(second)
  }, 90_000)

  it('SIGKILL with a customer the operator sent on to an outside number: the conversation goes on; the next app writes the register’s end', async () => {
    const first = await w.startApp()
    const { ivan, caller } = await customerWithIvan('ivan')
    const number = contactNumber('person', 8)
    const sent = await ivan('POST', '/operator/transfer', { to: { kind: 'number', value: number }, mode: 'blind' })
    expect(sent.status, JSON.stringify(sent.json)).toBe(200)
    await w.driver.waitForEvent('the customer bridged to the number', (e) => e['Event-Name'] === 'CHANNEL_BRIDGE' && e['Unique-ID'] === caller.bLeg && (e['Other-Leg-Channel-Name'] ?? '').includes(`loopback/${number}-a`), 30_000)
    // The crash comes during the conversation, once the register has the transfer (it writes in batches).
    await eventually('the transfer in the register', async () => ((await row(caller.bLeg))?.details as { transfers?: unknown[] } | undefined)?.transfers?.length === 1)
    await w.stopApp(first, 'SIGKILL')
    await stillTalking(caller)

    const second = await w.startApp()
    await sleep(1000)
    await w.driver.hangup(caller.aLeg)
    const after = await w.endedRow(caller.bLeg)
    expect(after).toMatchObject({ answeredBy: 'ivan', hangupCause: 'NORMAL_CLEARING' })
    expect(after.details.transfers).toEqual([expect.objectContaining({ by: 'ivan', to: { kind: 'number', value: number }, result: 'connected' })])
    await w.http('POST', '/agents/ivan/logout')
    await w.stopApp(second)
  }, 90_000)

  it('SIGKILL with a customer an attended transfer handed to a second operator: the next app writes the register’s end and frees her', async () => {
    const first = await w.startApp()
    const { ivan, caller } = await customerWithIvan('ivan.maric')
    // Petra comes on duty once the customer is Ivan's, so the queue does not offer them to her.
    await w.loginAgents('petra')
    const consult = await ivan('POST', '/operator/transfer', { to: { kind: 'agent', value: 'petra' }, mode: 'attended' })
    expect(consult.status, JSON.stringify(consult.json)).toBe(200)
    expect((await ivan('POST', '/operator/transfer/complete', {})).status).toBe(200)
    await w.driver.waitForEvent('the customer with Petra', (e) => e['Event-Subclass'] === 'conference::maintenance' && e['Action'] === 'add-member' && e['Unique-ID'] === caller.bLeg && /^xfer-/.test(e['Conference-Name'] ?? ''), 30_000)
    await eventually('the transfer in the register', async () => ((await row(caller.bLeg))?.details as { transfers?: unknown[] } | undefined)?.transfers?.length === 1)
    await eventually('petra in a call', async () => ((await w.http('GET', '/agents/petra')).json.state === 'in-call' ? true : undefined))
    await w.stopApp(first, 'SIGKILL')
    await sleep(2000)
    expect(await w.driver.exists(caller.aLeg), 'the customer is still talking with Petra').toBe(true)

    const second = await w.startApp()
    await sleep(1000)
    await w.driver.hangup(caller.aLeg)
    const after = await w.endedRow(caller.bLeg)
    expect(after).toMatchObject({ answeredBy: 'ivan', hangupCause: 'NORMAL_CLEARING' })
    expect(after.details.transfers).toEqual([expect.objectContaining({ by: 'ivan', to: { kind: 'agent', value: 'petra' }, result: 'connected' })])
    await eventually('petra free again', async () => ((await w.http('GET', '/agents/petra')).json.state === 'available' ? true : undefined), 40_000, () => w.tail())
    await w.http('POST', '/agents/ivan/logout')
    await w.http('POST', '/agents/petra/logout')
    await w.stopApp(second)
  }, 90_000)

  it('a caller waiting in the queue when the app dies is not left in silence: the dialplan fallback takes them', async () => {
    const first = await w.startApp()
    await w.loginAgents('ivan')
    await w.http('POST', '/agents/ivan/pause', { reason: 'coffee' })
    const caller = await w.driver.call(RETAIL_CLIENT)
    await w.driver.executing(caller.bLeg, 'play_and_get_digits', /main-menu\.wav/)
    await w.driver.press(caller.aLeg, '0')
    // Waiting: the hold music plays.
    await w.driver.executing(caller.bLeg, 'playback', /local_stream|moh|queue-hold/)
    await w.stopApp(first, 'SIGKILL')
    await w.driver.waitForEvent('the fallback', () => fallbackPlayed(caller.bLeg), 10_000)
    expect(await w.driver.exists(caller.aLeg)).toBe(true)
    await w.driver.hangup(caller.aLeg)
    const second = await w.startApp()
    await w.http('POST', '/agents/ivan/logout')
    await w.stopApp(second)
  })
})
