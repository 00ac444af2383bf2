/**
 * The operators' voice, in Debian's chromium against the real switch: the console's softphone
 * registers with the account the app made for the agent, over WebSocket, and exchanges Opus
 * over DTLS-SRTP with FreeSWITCH. A caller's leg "speaks" a 1 kHz tone that the page hears
 * (WebAudio analyser); the operator's fake microphone (440 Hz) is what the caller's leg
 * receives (recorded from it, read-only). Hold puts the queue's music on the caller; a
 * supervisor's whisper (their own fake microphone, 1600 Hz) is heard by the operator and not
 * by the caller; an always-connected operator gets a campaign contact with no ring.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contactNumber } from '../../src/bundle/extensions.js'
import { attempts, contacts } from '../../src/db/schema/index.js'
import { middayZone, OPEN_WINDOW } from '../helpers/calling-window.js'
import { toneLevels, writeTone } from './harness/audio.js'
import { availableOnLine, browserSpeaking, closeBrowsers, expectPageHearsCaller, hearsTone, lineState, offered, openPage, password } from './harness/softphone-page.js'
import { aroundTests, eventually, World } from './harness/world.js'

let w: World
const CLIENT = (n: number) => `+3876130000${n}`
/** The hold music (local_stream://moh): a tone, so the caller's recording tells music from voices. */
const MUSIC_HZ = 700
const CALLER_HZ = 1000
const OPERATOR_HZ = 440
const SUPERVISOR_HZ = 1600

beforeAll(async () => {
  const music = fs.mkdtempSync(path.join(os.tmpdir(), 'music-'))
  writeTone(path.join(music, 'tone.wav'), MUSIC_HZ, 10, 8000)
  w = await World.start({ name: 'softphone', softphones: true, holdMusicDir: music })
  await w.startApp({ env: { SOFTPHONE_WS_URL: `ws://127.0.0.1:${w.sw.ports.ws}` } })
  // Agents and their users as an administrator makes them: the app makes the SIP accounts.
  const people = [
    { id: 'ivan', name: 'Ivan Marić', sipUser: 'ivan-sip', groups: ['operators'], lineMode: 'ringing', role: 'operator' },
    { id: 'olga', name: 'Olga Ivanova', sipUser: 'olga-sip', groups: ['operators'], lineMode: 'always-connected', role: 'operator' },
    // Always connected too: a monitoring call must still not pass for the open line.
    { id: 'sam', name: 'Sam Supervisor', sipUser: 'sam-sip', groups: [], lineMode: 'always-connected', role: 'supervisor' },
  ]
  for (const p of people) {
    const r = await w.http('POST', '/agents', { id: p.id, name: p.name, sipUser: p.sipUser, groups: p.groups, lineMode: p.lineMode, user: { username: p.id, password: password(p.id), role: p.role } })
    expect(r.status, JSON.stringify(r.json)).toBe(201)
  }
  // Known retail clients with a manager: the main menu is where they land.
  await w.seed({ clients: [1, 2, 3].map((n) => ({ name: `Client ${n}`, phone: CLIENT(n), type: 'retail' as const, managerId: 'ivan', language: 'en' })) })
}, 120_000)

aroundTests(() => w)

afterAll(closeBrowsers)

/** What the caller's leg receives over `ms`, recorded from it (read direction only). */
async function callerHears(aLeg: string, ms = 2000): Promise<Record<number, number>> {
  const file = path.join(w.sw.dir, `heard-${aLeg}-${Date.now()}.wav`)
  await w.driver.api(`uuid_setvar ${aLeg} RECORD_READ_ONLY true`)
  await w.driver.api(`uuid_record ${aLeg} start ${file}`)
  await new Promise((r) => setTimeout(r, ms))
  await w.driver.api(`uuid_record ${aLeg} stop ${file}`)
  await eventually(`the recording ${file}`, () => fs.existsSync(file) && fs.statSync(file).size > 8000, 5000)
  // The first half second: what was there before.
  return toneLevels(file, [CALLER_HZ, OPERATOR_HZ, MUSIC_HZ, SUPERVISOR_HZ], 500)
}

const toOperator = (n: number) => w.driver.toOperator(CLIENT(n))

/** The caller, as a member of Olga's open line: hearing the line or not (on hold). */
async function callerHearsLine(bLeg: string): Promise<boolean | undefined> {
  return (await w.driver.members('line-olga-')).find((m) => m.uuid === bLeg)?.flags.includes('hear')
}

/** A tone is there (amplitude well above the noise floor of Opus and the mixer). */
const PRESENT = 0.02
const ABSENT = 0.005

describe('the softphone in the browser, with real media through the real switch', () => {
  it('a ringing operator answers in the page: each hears the other (1 kHz caller in the page, the 440 Hz microphone on the caller’s leg)', async () => {
    const page = await openPage(w, await browserSpeaking(w, OPERATOR_HZ), 'ivan', '/operator')
    await page.click('#go-available')
    await eventually('Ivan available', async () => (await w.http('GET', '/agents/ivan')).json.state === 'available')
    const caller = await toOperator(1)
    await page.waitForSelector('[data-action=answer]:visible', { timeout: 20_000 })
    await page.click('[data-action=answer]')
    await w.driver.waitForEvent('the caller bridged to Ivan', (e) => e['Event-Name'] === 'CHANNEL_BRIDGE' && e['Unique-ID'] === caller.bLeg, 20_000)
    await expectPageHearsCaller(w, page, caller.aLeg, CALLER_HZ, [OPERATOR_HZ])
    const onLeg = await callerHears(caller.aLeg)
    expect(onLeg[OPERATOR_HZ], JSON.stringify(onLeg)).toBeGreaterThan(PRESENT)
    expect(onLeg[CALLER_HZ]).toBeLessThan(ABSENT)

    await w.driver.hangup(caller.aLeg)
    expect(await w.endedRow(caller.bLeg)).toMatchObject({ answeredBy: 'ivan', queueOutcome: 'answered' })
    await page.click('#go-out')
    await page.context().close()
  }, 120_000)

  it('an always-connected operator: the line opens at “available”, a caller comes in with no ring; hold plays the music to the caller; a supervisor’s whisper reaches the operator only', async () => {
    const page = await openPage(w, await browserSpeaking(w, OPERATOR_HZ), 'olga', '/operator')
    await availableOnLine(page)
    expect(await offered(page)).toBe(1)

    const caller = await toOperator(2)
    await w.driver.joined(caller.bLeg, /^line-olga-/)
    expect(await offered(page), 'no ring: the caller joined the open line').toBe(1)
    await expectPageHearsCaller(w, page, caller.aLeg, CALLER_HZ, [OPERATOR_HZ])
    const talking = await callerHears(caller.aLeg)
    expect(talking[OPERATOR_HZ], JSON.stringify(talking)).toBeGreaterThan(PRESENT)
    expect(talking[MUSIC_HZ]).toBeLessThan(ABSENT)

    // Hold, from the page: the caller hears the queue's music and no longer the operator.
    await page.click('[data-action=hold]')
    await eventually('the caller on hold', async () => (await callerHearsLine(caller.bLeg)) === false)
    const held = await callerHears(caller.aLeg)
    expect(held[MUSIC_HZ], JSON.stringify(held)).toBeGreaterThan(PRESENT)
    expect(held[OPERATOR_HZ]).toBeLessThan(ABSENT)
    await page.click('[data-action=hold]')
    await eventually('the caller back', async () => (await callerHearsLine(caller.bLeg)) === true)

    // The supervisor whispers from the wallboard: Olga hears 1600 Hz, the caller does not.
    const wallboard = await openPage(w, await browserSpeaking(w, SUPERVISOR_HZ), 'sam', '/wallboard')
    await wallboard.click('tr[data-agent=olga] [data-monitor=whisper]')
    await lineState(wallboard, 'in-call')
    const whispered = await hearsTone(page, SUPERVISOR_HZ, [SUPERVISOR_HZ, CALLER_HZ])
    expect(whispered.levels[String(CALLER_HZ)]).toBeGreaterThan(-50)
    const notToCaller = await callerHears(caller.aLeg)
    expect(notToCaller[SUPERVISOR_HZ], JSON.stringify(notToCaller)).toBeLessThan(ABSENT)
    expect(notToCaller[OPERATOR_HZ]).toBeGreaterThan(PRESENT)
    // Barge: now the caller hears the supervisor too.
    await wallboard.click('tr[data-agent=olga] [data-monitor=barge]')
    const barged = await eventually('the supervisor on the caller’s leg', async () => {
      const h = await callerHears(caller.aLeg, 1500)
      return h[SUPERVISOR_HZ]! > PRESENT ? h : undefined
    }, 15_000)
    expect(barged[OPERATOR_HZ]).toBeGreaterThan(PRESENT)
    await wallboard.click('tr[data-agent=olga] [data-monitor=stop]')
    await w.driver.hangup(caller.aLeg)
    await w.endedRow(caller.bLeg)
    await wallboard.context().close()
    await page.click('#go-out')
    await page.context().close()
  }, 180_000)

  it('an always-connected operator gets a campaign contact with no ring: the contact is talking with her within the 2-second rule', async () => {
    const page = await openPage(w, await browserSpeaking(w, OPERATOR_HZ), 'olga', '/operator')
    await availableOnLine(page)
    const campaign = await w.http('POST', '/campaigns', {
      name: 'Telesales to an open line',
      kind: 'telesales',
      settings: { dialTemplate: 'loopback/{number}/default', window: OPEN_WINDOW, ringTimeoutSeconds: 5, maxAttempts: 1, maxLines: 1, callsPerSecond: 1, operatorsQueue: 'operators', mode: 'progressive', connectWithinSeconds: 2 },
    })
    expect(campaign.status, JSON.stringify(campaign.json)).toBe(201)
    const id = campaign.json.id as number
    const phone = contactNumber('person', 4242)
    await w.db.db.insert(contacts).values({ campaignId: id, phone, name: 'Contact', timezone: middayZone(), language: 'en', fields: {} })
    expect((await w.http('POST', `/campaigns/${id}/start`)).status).toBe(200)

    // The contact's leg that runs the app: answered, then in Olga's line.
    const answered = await w.driver.waitForEvent('the contact answering', (e) => e['Event-Name'] === 'CHANNEL_ANSWER' && e['Caller-Destination-Number'] === phone, 30_000)
    const contactLeg = answered['Unique-ID']!
    const joined = await w.driver.joined(contactLeg, /^line-olga-/, 30_000).catch((e: Error) => {
      console.log('DEBUG', w.tail())
      throw e
    })
    const connectMs = (Number(joined['Event-Date-Timestamp']) - Number(answered['Event-Date-Timestamp'])) / 1000
    console.info(`answered contact → talking with the operator: ${connectMs.toFixed(1)} ms (always-connected)`)
    expect(await offered(page), 'the contact came into the open line, no ring').toBe(1)
    await w.driver.hangup(contactLeg)
    const done = await eventually('the attempt finished', async () => {
      const [a] = await w.db.db.select().from(attempts).where(eq(attempts.campaignId, id))
      return a?.outcome ? a : undefined
    }, 20_000)
    expect(done.agentId).toBe('olga')
    expect(done.outcome).toBe('human')
    await page.click('#go-out')
    await page.context().close()
  }, 120_000)
})
