/**
 * Always-connected operators on the real switch: the operator's phone is called once, at
 * login, into a conference of their own; queue callers are put into it with no ring; hold
 * and the console's hang-up act on the customer and leave the line open; a supervisor
 * listens, whispers and barges on their own phone, each logged; a line that drops pauses its
 * operator. Phones here are loopback people (the browser's softphone: softphone.test.ts).
 */
import { asc, eq } from 'drizzle-orm'
import { beforeAll, describe, expect, it } from 'vitest'
import { personEndpoint } from '../../src/bundle/extensions.js'
import { supervision } from '../../src/db/schema/index.js'
import { aroundTests, eventually, World } from './harness/world.js'

let w: World
type Api = Awaited<ReturnType<World['user']>>
let olga: Api
let sam: Api

const CLIENT = (n: number) => `+3876120000${n}`

beforeAll(async () => {
  w = await World.start({ name: 'lines', softphones: true })
  await w.seed({
    agents: [
      { id: 'olga', name: 'Olga Ivanova', endpoint: personEndpoint('answers', 'olga'), groups: ['operators'], lineMode: 'always-connected' },
      // A supervisor's own phone, in no queue.
      { id: 'sam', name: 'Sam Supervisor', endpoint: personEndpoint('answers', 'sam'), groups: [] },
    ],
    clients: [1, 2, 3].map((n) => ({ name: `Client ${n}`, phone: CLIENT(n), type: 'retail' as const, managerId: 'olga', language: 'en' })),
  })
  await w.startApp()
  olga = await w.user('olga', 'operator', 'olga')
  sam = await w.user('sam', 'supervisor', 'sam')
}, 120_000)

aroundTests(() => w)

/** Olga's open line: a conference of its own, line-olga-<the line's first 8>. */
const OLGA_LINE = /^line-olga-/

const members = (agent: string) => w.driver.members(`line-${agent}-`)
const toOperator = (n: number) => w.driver.toOperator(CLIENT(n))

/** Olga logged in afresh (the calls of the last test, her line with them, were hung up). */
async function loggedIn(): Promise<void> {
  await olga('POST', '/agents/olga/logout')
  const r = await olga('POST', '/agents/olga/login')
  expect(r.status, JSON.stringify(r.json)).toBe(200)
}

/** Calls to Olga's phone so far (the loopback legs that ring her). */
const rungOlga = () => w.driver.events.filter((e) => e['Event-Name'] === 'CHANNEL_CREATE' && e['Channel-Name'] === 'loopback/answers-olga-b').length

describe('always-connected operators on the real switch', () => {
  it('the operator is called once at login; callers are put into the open line with no ring; hold and hang-up leave the line open', async () => {
    await loggedIn()
    const [line] = await members('olga')
    expect(line, 'the line is open once the login answers').toBeDefined()
    expect(rungOlga()).toBe(1)

    const first = await toOperator(1)
    await w.driver.joined(first.bLeg, OLGA_LINE)
    expect((await members('olga')).map((m) => m.uuid).sort()).toEqual([line!.uuid, first.bLeg].sort())
    // Who talks to whom is written a moment after the join.
    expect(await eventually('Olga talking', async () => ((await olga('GET', '/operator/talk')).status === 200 ? (await olga('GET', '/operator/talk')).json : undefined))).toMatchObject({ call: first.bLeg, line: true })

    // Hold: the customer hears the music and is not heard; then back.
    expect((await olga('POST', '/operator/hold', { hold: true })).status).toBe(200)
    await eventually('the customer on hold', async () => (await members('olga')).find((m) => m.uuid === first.bLeg && !m.flags.includes('hear')))
    expect((await olga('POST', '/operator/hold', { hold: false })).status).toBe(200)
    await eventually('the customer back', async () => (await members('olga')).find((m) => m.uuid === first.bLeg && m.flags.includes('hear')))

    // The console's hang-up ends the customer's call, not the line.
    expect((await olga('POST', '/operator/hangup', {})).status).toBe(200)
    await w.driver.hungUp(first.bLeg)
    const row = await w.endedRow(first.bLeg)
    expect(row).toMatchObject({ queueOutcome: 'answered', answeredBy: 'olga' })
    expect((await members('olga')).map((m) => m.uuid)).toEqual([line!.uuid])

    // The next caller joins the same line: still one call to Olga's phone all along.
    const second = await toOperator(2)
    await w.driver.joined(second.bLeg, OLGA_LINE)
    expect(rungOlga()).toBe(1)
    await w.driver.hangup(second.aLeg)
    await w.endedRow(second.bLeg)
    await eventually('Olga talking to nobody', async () => (await olga('GET', '/operator/talk')).status === 404)
  }, 120_000)

  it('a supervisor listens, whispers and barges on their own phone, each logged beside the call', async () => {
    await loggedIn()
    const caller = await toOperator(3)
    await w.driver.joined(caller.bLeg, OLGA_LINE)
    const [line] = (await members('olga')).filter((m) => m.uuid !== caller.bLeg)
    await eventually('Olga talking', async () => (await olga('GET', '/operator/talk')).status === 200)

    const listen = await sam('POST', '/supervisor/monitor', { agent: 'olga', mode: 'listen' })
    expect(listen.status, JSON.stringify(listen.json)).toBe(200)
    const leg = listen.json.leg as string
    const eavesdrop = await w.driver.executing(leg, 'eavesdrop')
    expect(eavesdrop['Application-Data']).toBe(line!.uuid)
    expect(eavesdrop['variable_eavesdrop_whisper_bleg']).toBe('false')

    expect((await sam('POST', '/supervisor/monitor', { agent: 'olga', mode: 'whisper' })).json).toMatchObject({ leg, mode: 'whisper' })
    await w.driver.waitForEvent('the whisper key', (e) => e['Event-Name'] === 'DTMF' && e['Unique-ID'] === leg && e['DTMF-Digit'] === '2')
    expect((await sam('POST', '/supervisor/monitor', { agent: 'olga', mode: 'barge' })).json).toMatchObject({ leg, mode: 'barge' })
    await w.driver.waitForEvent('the barge key', (e) => e['Event-Name'] === 'DTMF' && e['Unique-ID'] === leg && e['DTMF-Digit'] === '3')
    expect((await sam('POST', '/supervisor/monitor/stop', {})).json).toEqual({ stopped: true })
    await w.driver.hungUp(leg)

    const logged = await w.db.db.select().from(supervision).where(eq(supervision.callUuid, caller.bLeg)).orderBy(asc(supervision.id))
    expect(logged.map((r) => `${r.supervisor}:${r.agentId}:${r.mode}`)).toEqual(['sam:olga:listen', 'sam:olga:whisper', 'sam:olga:barge', 'sam:olga:stop'])
    // In the call register's view of the call, for supervisors.
    const { id } = await eventually('the call in the register', () => w.callRow(caller.bLeg))
    expect(((await w.http('GET', `/calls/${id}`)).json.supervision as Array<{ mode: string }>).map((s) => s.mode)).toEqual(['listen', 'whisper', 'barge', 'stop'])
    // Not for operators, and not one's own conversation.
    expect((await olga('POST', '/supervisor/monitor', { agent: 'sam', mode: 'listen' })).status).toBe(403)
    await w.driver.hangup(caller.aLeg)
  }, 120_000)

  it('a line that drops pauses its operator, who is called again on resuming', async () => {
    await loggedIn()
    const [line] = await members('olga')
    const before = rungOlga()
    await w.driver.hangup(line!.uuid)
    const paused = await eventually('Olga paused', async () => {
      const r = await olga('GET', '/agents/olga')
      return r.json.state === 'paused' ? r.json : undefined
    })
    expect(paused.reason).toBe('line-dropped')
    expect((await olga('POST', '/agents/olga/resume')).json).toMatchObject({ state: 'available' })
    // Her phone is called again (its events may reach the test after the answer to resume).
    await eventually('Olga rung again', () => rungOlga() === before + 1)
    expect(rungOlga()).toBe(before + 1)
    expect(await members('olga')).toHaveLength(1)
    // Logging out hangs the line up, and pauses no one.
    expect((await olga('POST', '/agents/olga/logout')).status).toBe(200)
    await eventually('the line gone', async () => (await members('olga')).length === 0)
    expect((await olga('GET', '/agents/olga')).json).toMatchObject({ state: 'logged-out' })
  }, 120_000)

  it('a logout asked for during a call waits for the call’s end, and takes the line with it', async () => {
    await loggedIn()
    const caller = await toOperator(1)
    await w.driver.joined(caller.bLeg, OLGA_LINE)
    expect((await olga('POST', '/agents/olga/logout')).json).toMatchObject({ pending: 'logout' })
    expect(await members('olga')).toHaveLength(2)
    await w.driver.hangup(caller.aLeg)
    await eventually('the line gone with the call', async () => (await members('olga')).length === 0)
    expect((await olga('GET', '/agents/olga')).json).toMatchObject({ state: 'logged-out' })
  }, 120_000)
})
