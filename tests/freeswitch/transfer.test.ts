/**
 * Operators' transfers on the real switch (src/lines/transfer.ts, src/queue/transfer.ts):
 * blind to a queue from an always-connected operator (their line stays open), blind to a
 * number from a rung operator (the customer is not hung up with the operator's leg), and
 * attended to an agent, completed and cancelled, from both kinds of operator. Phones are
 * loopback people (the browser's softphone: softphone.test.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { contactNumber, personEndpoint } from '../../src/bundle/extensions.js'
import type { SwitchEvent } from './harness/driver.js'
import { aroundTests, eventually, World } from './harness/world.js'

let w: World
type Api = Awaited<ReturnType<World['user']>>
let olga: Api
let rita: Api
let sven: Api

const CLIENT = (n: number) => `+3876130000${n}`

beforeAll(async () => {
  w = await World.start({ name: 'transfer', softphones: true })
  await w.seed({
    agents: [
      { id: 'olga', name: 'Olga Ivanova', endpoint: personEndpoint('answers', 'olga'), groups: ['operators'], lineMode: 'always-connected' },
      { id: 'rita', name: 'Rita Ringing', endpoint: personEndpoint('answers', 'rita'), groups: ['operators'] },
      // The queue 'orders' (group sales) and a colleague to consult.
      { id: 'sven', name: 'Sven Sales', endpoint: personEndpoint('answers', 'sven'), groups: ['sales'] },
    ],
    clients: [1, 2, 3, 4, 5, 6, 7].map((n) => ({ name: `Client ${n}`, phone: CLIENT(n), type: 'retail' as const, managerId: 'olga', language: 'en', vip: n === 1 })),
  })
  await w.startApp()
  olga = await w.user('olga', 'operator', 'olga')
  rita = await w.user('rita', 'operator', 'rita')
  sven = await w.user('sven', 'operator', 'sven')
}, 120_000)

aroundTests(() => w)

/** Exactly these agents logged in (afresh: an always-open line is called again). */
async function onDuty(...ids: string[]): Promise<void> {
  for (const id of ['olga', 'rita', 'sven']) await w.http('POST', `/agents/${id}/logout`)
  for (const id of ids) {
    const r = await w.http('POST', `/agents/${id}/login`)
    expect(r.status, JSON.stringify(r.json)).toBe(200)
  }
}

/** The channels in a conference (or those starting with `room`), sorted. */
const members = async (room: string): Promise<string[]> => (await w.driver.members(room)).map((m) => m.uuid).sort()

/** Olga's open line: a conference of its own, line-olga-<the line's first 8>. */
async function olgaLine(): Promise<string> {
  const [room] = await w.driver.conferences('line-olga-')
  expect(room, 'Olga’s line is open').toBeDefined()
  return room!
}

const toOperator = (n: number) => w.driver.toOperator(CLIENT(n))

/** The agent's console sees the customer (the app keeps who talks to whom a moment after the join). */
const talking = (as: Api, call: string) => eventually('the conversation known', async () => ((await as('GET', '/operator/talk')).json.call === call ? true : undefined))
const bridgedTo = (uuid: string, name: RegExp) => (e: SwitchEvent) => e['Event-Name'] === 'CHANNEL_BRIDGE' && e['Unique-ID'] === uuid && name.test(e['Other-Leg-Channel-Name'] ?? '')
/** A channel joining a room made for a transfer. */
const joinedXfer = (uuid: string) => (e: SwitchEvent) => e['Event-Subclass'] === 'conference::maintenance' && e['Action'] === 'add-member' && e['Unique-ID'] === uuid && /^xfer-/.test(e['Conference-Name'] ?? '')

describe('transfers on the real switch', () => {
  it('blind to a queue from an always-connected operator: the customer reaches the queue’s agent, the line stays open', async () => {
    await onDuty('olga', 'sven')
    const room = await olgaLine()
    const [line] = await members(room)
    const caller = await toOperator(1)
    await w.driver.joined(caller.bLeg, /^line-olga-/)

    // What is refused, naming the field.
    const badQueue = await olga('POST', '/operator/transfer', { to: { kind: 'queue', value: 'nowhere' }, mode: 'blind' })
    expect(badQueue.status).toBe(400)
    expect(badQueue.json.message).toMatch(/^to\.value: there is no queue 'nowhere'/)
    const badNumber = await olga('POST', '/operator/transfer', { to: { kind: 'number', value: '12ab' }, mode: 'blind' })
    expect([badNumber.status, badNumber.json.error]).toEqual([400, 'bad-number'])
    const toQueueAttended = await olga('POST', '/operator/transfer', { to: { kind: 'queue', value: 'orders' }, mode: 'attended' })
    expect(toQueueAttended.json.message).toMatch(/^to\.kind:/)
    expect((await sven('POST', '/operator/transfer', { to: { kind: 'queue', value: 'orders' }, mode: 'blind' })).status).toBe(404)

    const r = await olga('POST', '/operator/transfer', { to: { kind: 'queue', value: 'orders' }, mode: 'blind' })
    expect(r.status, JSON.stringify(r.json)).toBe(200)
    expect(r.json).toMatchObject({ call: caller.bLeg, mode: 'blind', state: 'done' })
    await w.driver.waitForEvent('the customer bridged to Sven', bridgedTo(caller.bLeg, /answers-sven/))
    expect((await sven('GET', '/operator/talk')).json).toMatchObject({ call: caller.bLeg, line: false })
    expect(await members(room)).toEqual([line])
    expect((await olga('GET', '/operator/talk')).status).toBe(404)

    await w.driver.hangup(caller.aLeg)
    const row = await w.endedRow(caller.bLeg)
    expect(row).toMatchObject({ queue: 'orders', answeredBy: 'sven', queueOutcome: 'answered' })
    expect(row.details.transfers).toEqual([{ by: 'olga', mode: 'blind', to: { kind: 'queue', value: 'orders' }, at: expect.any(String) }])
    expect(await members(room)).toEqual([line])
  }, 120_000)

  it('blind to a number from a rung operator: the customer is called through, not hung up', async () => {
    await onDuty('rita')
    const caller = await toOperator(2)
    const ritaLeg = (await w.driver.waitForEvent('the customer bridged to Rita', bridgedTo(caller.bLeg, /answers-rita/)))['Other-Leg-Unique-ID']!
    await talking(rita, caller.bLeg)
    const number = contactNumber('person', 7)

    const r = await rita('POST', '/operator/transfer', { to: { kind: 'number', value: number }, mode: 'blind' })
    expect(r.status, JSON.stringify(r.json)).toBe(200)
    expect(r.json).toMatchObject({ to: { kind: 'number', value: number } })
    await w.driver.hungUp(ritaLeg)
    const bridge = await w.driver.waitForEvent('the customer bridged to the number', bridgedTo(caller.bLeg, new RegExp(`loopback/\\${number}-a`)))
    expect(await w.driver.exists(caller.bLeg)).toBe(true)
    // The center's number is shown to the person called.
    expect(await w.driver.getVar(bridge['Other-Leg-Unique-ID']!, 'origination_caller_id_number')).toBe('+38733200200')

    await w.driver.hangup(caller.aLeg)
    const row = await w.endedRow(caller.bLeg)
    expect(row).toMatchObject({ answeredBy: 'rita' })
    expect(row.details.transfers).toEqual([{ by: 'rita', mode: 'blind', to: { kind: 'number', value: number }, at: expect.any(String), result: 'connected' }])
  }, 120_000)

  it('blind to an agent from a rung operator: the customer is rung through to them from their first queue', async () => {
    await onDuty('rita', 'sven')
    const caller = await toOperator(6)
    const ritaLeg = (await w.driver.waitForEvent('the customer bridged to Rita', bridgedTo(caller.bLeg, /answers-rita/)))['Other-Leg-Unique-ID']!
    await talking(rita, caller.bLeg)
    const absent = await rita('POST', '/operator/transfer', { to: { kind: 'agent', value: 'olga' }, mode: 'blind' })
    expect([absent.status, absent.json.error]).toEqual([409, 'agent-absent'])
    const unknown = await rita('POST', '/operator/transfer', { to: { kind: 'agent', value: 'nobody' }, mode: 'blind' })
    expect([unknown.status, unknown.json.message]).toEqual([400, "to.value: there is no active agent 'nobody'"])

    const r = await rita('POST', '/operator/transfer', { to: { kind: 'agent', value: 'sven' }, mode: 'blind' })
    expect(r.status, JSON.stringify(r.json)).toBe(200)
    await w.driver.hungUp(ritaLeg)
    await w.driver.waitForEvent('the customer bridged to Sven', bridgedTo(caller.bLeg, /answers-sven/))
    expect(await w.driver.exists(caller.bLeg)).toBe(true)

    await w.driver.hangup(caller.aLeg)
    const row = await w.endedRow(caller.bLeg)
    expect(row).toMatchObject({ queue: 'orders', answeredBy: 'sven' })
    expect(row.details.transfers).toEqual([{ by: 'rita', mode: 'blind', to: { kind: 'agent', value: 'sven' }, at: expect.any(String) }])
  }, 120_000)

  it('attended to an agent from an always-connected operator: consult, then complete', async () => {
    await onDuty('olga', 'sven')
    const room = await olgaLine()
    const [line] = await members(room)
    const caller = await toOperator(3)
    await w.driver.joined(caller.bLeg, /^line-olga-/)
    await talking(olga, caller.bLeg)

    const r = await olga('POST', '/operator/transfer', { to: { kind: 'agent', value: 'sven' }, mode: 'attended' })
    expect(r.status, JSON.stringify(r.json)).toBe(200)
    expect(r.json).toMatchObject({ state: 'consulting' })
    const svenLeg = r.json.leg as string
    // Olga talks with Sven in her line; the customer waits outside it on hold music.
    expect(await members(room)).toEqual([line, svenLeg].sort())
    await w.driver.executing(caller.bLeg, 'playback', /moh/)
    const again = await olga('POST', '/operator/transfer', { to: { kind: 'queue', value: 'orders' }, mode: 'blind' })
    expect([again.status, again.json.error]).toEqual([409, 'in-progress'])

    const done = await olga('POST', '/operator/transfer/complete', {})
    expect(done.status, JSON.stringify(done.json)).toBe(200)
    const joined = await w.driver.waitForEvent('the customer joining Sven', joinedXfer(caller.bLeg))
    expect(await members(joined['Conference-Name']!)).toEqual([caller.bLeg, svenLeg].sort())
    expect(await members(room)).toEqual([line])
    expect((await sven('GET', '/operator/talk')).json).toMatchObject({ call: caller.bLeg, line: true })
    expect((await olga('GET', '/operator/talk')).status).toBe(404)
    expect((await olga('POST', '/operator/transfer/complete', {})).status).toBe(404)

    // The customer hangs up: Sven's leg goes with the room.
    await w.driver.hangup(caller.aLeg)
    await w.driver.hungUp(svenLeg)
    const row = await w.endedRow(caller.bLeg)
    expect(row).toMatchObject({ answeredBy: 'olga' })
    expect(row.details.transfers).toEqual([{ by: 'olga', mode: 'attended', to: { kind: 'agent', value: 'sven' }, at: expect.any(String), result: 'connected' }])
    await eventually('Sven free again', async () => ((await w.http('GET', '/agents/sven')).json.state === 'available' ? true : undefined))
  }, 120_000)

  it('attended to an agent from an always-connected operator, cancelled: the customer is back in the line', async () => {
    await onDuty('olga', 'sven')
    const room = await olgaLine()
    const [line] = await members(room)
    const caller = await toOperator(4)
    await w.driver.joined(caller.bLeg, /^line-olga-/)
    await talking(olga, caller.bLeg)
    const r = await olga('POST', '/operator/transfer', { to: { kind: 'agent', value: 'sven' }, mode: 'attended' })
    expect(r.status, JSON.stringify(r.json)).toBe(200)
    const svenLeg = r.json.leg as string

    const back = await olga('POST', '/operator/transfer/cancel', {})
    expect(back.status, JSON.stringify(back.json)).toBe(200)
    await w.driver.hungUp(svenLeg)
    await eventually('the customer back in the line', async () => JSON.stringify(await members(room)) === JSON.stringify([line, caller.bLeg].sort()))
    expect((await olga('GET', '/operator/talk')).json).toMatchObject({ call: caller.bLeg, line: true })
    expect((await olga('POST', '/operator/transfer/cancel', {})).status).toBe(404)

    await w.driver.hangup(caller.aLeg)
    const row = await w.endedRow(caller.bLeg)
    expect(row).toMatchObject({ answeredBy: 'olga' })
    // The consult that came to nothing is in the register, with how it ended.
    expect(row.details.transfers).toEqual([{ by: 'olga', mode: 'attended', to: { kind: 'agent', value: 'sven' }, at: expect.any(String), result: 'cancelled' }])
    expect(await members(room)).toEqual([line])
  }, 120_000)

  it('attended to an agent from a rung operator: cancel brings the customer back, complete frees the operator', async () => {
    await onDuty('rita', 'sven')
    const caller = await toOperator(5)
    const ritaLeg = (await w.driver.waitForEvent('the customer bridged to Rita', bridgedTo(caller.bLeg, /answers-rita/)))['Other-Leg-Unique-ID']!
    await talking(rita, caller.bLeg)

    const first = await rita('POST', '/operator/transfer', { to: { kind: 'agent', value: 'sven' }, mode: 'attended' })
    expect(first.status, JSON.stringify(first.json)).toBe(200)
    const room = (await w.driver.waitForEvent('Rita in a consult room', joinedXfer(ritaLeg)))['Conference-Name']!
    expect(await members(room)).toEqual([ritaLeg, first.json.leg as string].sort())
    expect(await w.driver.exists(caller.bLeg)).toBe(true)

    expect((await rita('POST', '/operator/transfer/cancel', {})).status).toBe(200)
    await w.driver.hungUp(first.json.leg as string)
    expect(await members(room)).toEqual([ritaLeg, caller.bLeg].sort())

    const second = await rita('POST', '/operator/transfer', { to: { kind: 'agent', value: 'sven' }, mode: 'attended' })
    expect(second.status, JSON.stringify(second.json)).toBe(200)
    const svenLeg = second.json.leg as string
    expect((await rita('POST', '/operator/transfer/complete', {})).status).toBe(200)
    await w.driver.hungUp(ritaLeg)
    const final = await eventually('the customer with Sven', () => w.driver.events.find((e) => joinedXfer(caller.bLeg)(e) && e['Conference-Name'] !== room))
    expect(await members(final['Conference-Name']!)).toEqual([caller.bLeg, svenLeg].sort())
    expect(await w.driver.exists(caller.bLeg)).toBe(true)

    // Sven hangs up: the customer's call ends with the room.
    await w.driver.hangup(svenLeg)
    const row = await w.endedRow(caller.bLeg)
    expect(row).toMatchObject({ answeredBy: 'rita' })
    expect(row.details.transfers).toEqual([
      { by: 'rita', mode: 'attended', to: { kind: 'agent', value: 'sven' }, at: expect.any(String), result: 'cancelled' },
      { by: 'rita', mode: 'attended', to: { kind: 'agent', value: 'sven' }, at: expect.any(String), result: 'connected' },
    ])
  }, 120_000)
})
