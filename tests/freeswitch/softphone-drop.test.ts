/**
 * The console's softphone through a network drop, in Debian's chromium against the real
 * switch: the page's WebSocket to FreeSWITCH goes through a relay the test cuts and restores
 * (tests/freeswitch/harness/tcp-relay.ts). The console says it is reconnecting, the phone
 * registers again by itself, and calls reach the operator afterwards.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { availableOnLine, browserSpeaking, closeBrowsers, expectPageHearsCaller, offered, openPage, password, softphoneState } from './harness/softphone-page.js'
import { TcpRelay } from './harness/tcp-relay.js'
import { LINE_MEDIA_TIMEOUT_MS } from '../../src/lines/operator-lines.js'
import { aroundTests, eventually, World } from './harness/world.js'

const run = promisify(execFile)

let w: World
let relay: TcpRelay
const CLIENT = (n: number) => `+3876140000${n}`
const CALLER_HZ = 1000
const OPERATOR_HZ = 440
const DYING_HZ = 480
const DYING_RINGING_HZ = 520

beforeAll(async () => {
  w = await World.start({ name: 'softphone-drop', softphones: true })
  relay = await TcpRelay.start({ host: '127.0.0.1', port: w.sw.ports.ws })
  await w.startApp({ env: { SOFTPHONE_WS_URL: `ws://127.0.0.1:${relay.port}` } })
  const people = [
    { id: 'ivan', name: 'Ivan Marić', sipUser: 'ivan-sip', lineMode: 'ringing' },
    { id: 'olga', name: 'Olga Ivanova', sipUser: 'olga-sip', lineMode: 'always-connected' },
  ]
  for (const p of people) {
    const r = await w.http('POST', '/agents', { ...p, groups: ['operators'], user: { username: p.id, password: password(p.id), role: 'operator' } })
    expect(r.status, JSON.stringify(r.json)).toBe(201)
  }
  await w.seed({ clients: [1, 2, 3].map((n) => ({ name: `Client ${n}`, phone: CLIENT(n), type: 'retail' as const, managerId: 'ivan', language: 'en' })) })
}, 120_000)

aroundTests(() => w)

afterAll(async () => {
  await closeBrowsers()
  await relay?.close()
})

/** The network between the page and the switch is gone for `ms`, then back. */
async function dropNetwork(page: import('playwright-core').Page, ms: number): Promise<void> {
  const before = relay.connections
  relay.cut()
  await softphoneState(page, 'reconnecting', 10_000)
  // The console says so, in words.
  expect(await page.getAttribute('[data-testid=sip-state]', 'data-state')).toBe('reconnecting')
  await new Promise((r) => setTimeout(r, ms))
  relay.restore()
  await softphoneState(page, 'registered', 20_000)
  expect(relay.connections, 'a new WebSocket, made by the page itself').toBeGreaterThan(before)
}

describe('the softphone through a network drop', () => {
  it('a ringing operator: the page says it is reconnecting, registers again by itself, and the next caller rings it once', async () => {
    const page = await openPage(w, await browserSpeaking(w, OPERATOR_HZ), 'ivan', '/operator')
    await page.click('#go-available')
    await dropNetwork(page, 3000)

    const caller = await w.driver.toOperator(CLIENT(1))
    await page.waitForSelector('[data-action=answer]:visible', { timeout: 20_000 })
    await page.click('[data-action=answer]')
    await w.driver.waitForEvent('the caller bridged to Ivan', (e) => e['Event-Name'] === 'CHANNEL_BRIDGE' && e['Unique-ID'] === caller.bLeg, 20_000)
    await expectPageHearsCaller(w, page, caller.aLeg, CALLER_HZ, [OPERATOR_HZ])
    expect(await offered(page), 'one offer, not one per registration').toBe(1)
    await w.driver.hangup(caller.aLeg)
    expect(await w.endedRow(caller.bLeg)).toMatchObject({ answeredBy: 'ivan', queueOutcome: 'answered' })
    await page.click('#go-out')
    await page.context().close()
  }, 120_000)

  it('an always-connected operator: a drop of the signalling leaves the open line and its audio alone; the next caller comes in with no ring', async () => {
    const page = await openPage(w, await browserSpeaking(w, OPERATOR_HZ), 'olga', '/operator')
    await availableOnLine(page)
    await dropNetwork(page, 3000)
    expect(await page.evaluate(() => (globalThis as unknown as { ccSoftphone: { line: string } }).ccSoftphone.line)).toBe('open')
    expect((await w.http('GET', '/agents/olga')).json.state).toBe('available')

    const caller = await w.driver.toOperator(CLIENT(2))
    await w.driver.joined(caller.bLeg, /^line-olga-/)
    expect(await offered(page), 'no ring: the caller joined the open line').toBe(1)
    await expectPageHearsCaller(w, page, caller.aLeg, CALLER_HZ, [OPERATOR_HZ])
    await w.driver.hangup(caller.aLeg)
    expect(await w.endedRow(caller.bLeg)).toMatchObject({ answeredBy: 'olga', queueOutcome: 'answered' })
    await page.click('#go-out')
    await page.context().close()
  }, 120_000)

  it('an always-connected operator whose browser dies (no BYE): the silent line is closed within seconds and she is paused, as her console then says; muted, the line stays', async () => {
    // A tone of this test's own: its file names this browser among the others.
    const page = await openPage(w, await browserSpeaking(w, DYING_HZ), 'olga', '/operator')
    await availableOnLine(page)
    // Muted longer than the media timeout: a muted softphone still sends (silent) audio.
    await page.click('[data-action=mute]')
    await new Promise((r) => setTimeout(r, LINE_MEDIA_TIMEOUT_MS + 4000))
    expect(await w.driver.members('line-olga-')).toHaveLength(1)
    expect((await w.http('GET', '/agents/olga')).json.state).toBe('available')

    // The browser dies: no BYE, no unregister, its sockets reset by the kernel.
    const pid = await chromiumPid(`mic-${DYING_HZ}.wav`)
    process.kill(pid, 'SIGKILL')
    const died = Date.now()
    const paused = await eventually('Olga paused', async () => {
      const r = await w.http('GET', '/agents/olga')
      return r.json.state === 'paused' ? r.json : undefined
    }, LINE_MEDIA_TIMEOUT_MS + 12_000)
    expect(paused.reason).toBe('line-dropped')
    expect(Date.now() - died).toBeLessThan(LINE_MEDIA_TIMEOUT_MS + 10_000)
    expect(await w.driver.members('line-olga-')).toHaveLength(0)

    // Back in a new browser, the console says why she is paused.
    const again = await openPage(w, await browserSpeaking(w, OPERATOR_HZ + 1), 'olga', '/operator')
    await again.waitForSelector('text=line dropped', { timeout: 10_000 })
    await again.click('#go-out')
    await again.context().close()
  }, 120_000)

  it('a ringing operator whose browser dies mid-call: the caller is not left in silence, the call ends within seconds and is registered; on hold longer than that, it stays', async () => {
    const page = await openPage(w, await browserSpeaking(w, DYING_RINGING_HZ), 'ivan', '/operator')
    await page.click('#go-available')
    const caller = await w.driver.toOperator(CLIENT(3))
    await page.waitForSelector('[data-action=answer]:visible', { timeout: 20_000 })
    await page.click('[data-action=answer]')
    await w.driver.waitForEvent('the caller bridged to Ivan', (e) => e['Event-Name'] === 'CHANNEL_BRIDGE' && e['Unique-ID'] === caller.bLeg, 20_000)
    // Held from the console (his phone is put on hold, and sends nothing) past the media timeout.
    await page.click('[data-action=hold]')
    await new Promise((r) => setTimeout(r, LINE_MEDIA_TIMEOUT_MS + 4000))
    expect(await w.driver.exists(caller.bLeg), 'a held call is not a dead one').toBe(true)
    expect(await w.driver.getVar(caller.bLeg, 'bridge_uuid')).toBeTruthy()
    await page.click('[data-action=hold]')

    process.kill(await chromiumPid(`mic-${DYING_RINGING_HZ}.wav`), 'SIGKILL')
    const died = Date.now()
    await eventually('the caller’s call ended', async () => !(await w.driver.exists(caller.bLeg)), LINE_MEDIA_TIMEOUT_MS + 12_000)
    expect(Date.now() - died).toBeLessThan(LINE_MEDIA_TIMEOUT_MS + 10_000)
    expect(await w.endedRow(caller.bLeg)).toMatchObject({ answeredBy: 'ivan', queueOutcome: 'answered' })
    await w.http('POST', '/agents/ivan/logout')
  }, 120_000)
})

/** The chromium whose command line names `arg` (its fake microphone's file). */
async function chromiumPid(arg: string): Promise<number> {
  const { stdout } = await run('pgrep', ['-o', '-f', arg])
  return Number(stdout.trim().split('\n')[0])
}

