/**
 * freeswitch/conf itself, loaded into the real FreeSWITCH 1.11.1 of the bundle: what the
 * deployment configuration does when it runs (tests/deploy reads the same files as text). With
 * its secrets set: it starts, every module loads, the doors take only those secrets, calls go
 * to the app's socket and, with the app down, to the dialplan's fallback. With its secrets
 * unset or empty: the doors stay shut (a random password nobody knows), not open with
 * "ClueCon" and empty SIP passwords.
 */
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SAMPLE_AGENTS } from '../../src/demo/sample-data.js'
import { register } from './conf-sip.js'
import { CONF_DIR, type ConfSwitch, eslApi, eslExchange, REPO, startConf } from './conf-switch.js'
import { SwitchDriver, type SwitchEvent } from './harness/driver.js'

const PROMPTS_DIR = path.join(REPO, 'prompts')
const SECRETS = {
  FREESWITCH_PASSWORD: 'esl-conf-test-secret',
  AGENT_PASSWORD_DEFAULT: 'agent-conf-test-secret',
  AGENT_PASSWORD_IVAN: 'ivan-own-conf-test-secret',
  CARRIER_PASSWORD: 'carrier-conf-test-secret',
}
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

/** The app's outbound-socket server, reduced to what FreeSWITCH needs: it answers `connect`. */
class AppSocket {
  private readonly server = net.createServer((s) => this.waiting.shift()?.(s) ?? this.early.push(s))
  private readonly waiting: Array<(s: net.Socket) => void> = []
  private readonly early: net.Socket[] = []
  port = 0

  async listen(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r))
    this.port = (this.server.address() as net.AddressInfo).port
  }

  /** The next call FreeSWITCH hands over: `connect` sent, the channel's data read back. */
  async take(): Promise<{ data: Map<string, string>; send(command: string): Promise<string>; drop(): void }> {
    const sock = this.early.shift() ?? (await new Promise<net.Socket>((r) => this.waiting.push(r)))
    let buffer = ''
    const messages: string[] = []
    let wake = (): void => {}
    sock.on('data', (d) => {
      buffer += d.toString('utf8')
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        messages.push(buffer.slice(0, end))
        buffer = buffer.slice(end + 2)
      }
      wake()
    })
    const next = async (): Promise<Map<string, string>> => {
      while (messages.length === 0) await new Promise<void>((r) => (wake = r))
      return new Map(messages.shift()!.split('\n').map((l) => [l.slice(0, l.indexOf(':')), decodeURIComponent(l.slice(l.indexOf(':') + 1).trim())] as [string, string]))
    }
    sock.write('connect\n\n')
    const data = await next()
    return {
      data,
      send: async (command) => {
        sock.write(`${command}\n\n`)
        return (await next()).get('Reply-Text') ?? ''
      },
      drop: () => sock.destroy(),
    }
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()))
  }
}

/** The module names of modules.conf.xml. */
const modules = [...fs.readFileSync(path.join(CONF_DIR, 'autoload_configs/modules.conf.xml'), 'utf8').matchAll(/<load module="([^"]+)"\/>/g)].map((m) => m[1]!)

/** What a SIP phone on this machine gets for REGISTER as `user` with `password`. */
async function phoneRegisters(sw: ConfSwitch, user: string, password: string): Promise<number> {
  const host = await eslApi(sw.ports.esl, sw.password, 'global_getvar local_ip_v4')
  const domain = await eslApi(sw.ports.esl, sw.password, 'global_getvar domain')
  return register({ host, port: sw.ports.sip, user, domain, password })
}

describe('freeswitch/conf with its secrets set', () => {
  const app = new AppSocket()
  const recordings = fs.mkdtempSync(path.join(os.tmpdir(), 'conf-recordings-'))
  let sw: ConfSwitch
  let d: SwitchDriver
  let domain: string

  beforeAll(async () => {
    await app.listen()
    sw = await startConf({
      name: 'secrets-set',
      env: { ...SECRETS, PROMPTS_DIR, RECORDINGS_DIR: recordings, APP_SOCKET: `127.0.0.1:${app.port}` },
      password: SECRETS.FREESWITCH_PASSWORD,
    })
    d = await SwitchDriver.connect(sw)
    domain = await d.api('global_getvar domain')
  }, 60_000)

  afterAll(async () => {
    d?.close()
    await sw?.stop()
    await app.close()
    fs.rmSync(recordings, { recursive: true, force: true })
  }, 60_000)

  it('starts with every module of modules.conf.xml and both SIP profiles, and nothing complains', async () => {
    expect(modules.length).toBeGreaterThan(5)
    for (const m of modules) expect(`${m}: ${await d.api(`module_exists ${m}`)}`).toBe(`${m}: true`)
    const ip = await d.api('global_getvar local_ip_v4')
    const sofia = await d.api('sofia status')
    expect(sofia).toMatch(new RegExp(`internal\\s+profile\\s+sip:mod_sofia@${ip}:${sw.ports.sip}\\s+RUNNING`))
    expect(sofia).toMatch(new RegExp(`external\\s+profile\\s+sip:mod_sofia@${ip}:${sw.ports.externalSip}\\s+RUNNING`))
    expect(sofia).toMatch(/external::carrier\s+gateway/)
    // Errors on the console at start, but for the core's first-start probes of its own tables.
    const errors = sw
      .console()
      .split('\n')
      .filter((l) => /\[(ERR|CRIT|ALERT)\]/.test(l) && !/switch_core_sqldb\.c.*no such (table|view)/.test(l))
    expect(errors).toEqual([])
  })

  it('its event socket takes FREESWITCH_PASSWORD, refuses ClueCon and the empty password, and admits only loopback', async () => {
    expect((await eslExchange(sw.ports.esl, SECRETS.FREESWITCH_PASSWORD)).auth).toBe('+OK accepted')
    expect((await eslExchange(sw.ports.esl, 'ClueCon')).auth).toBe('-ERR invalid')
    expect((await eslExchange(sw.ports.esl, '')).auth).toBe('-ERR invalid')
    // It listens on every address (0.0.0.0), but the ACL admits only loopback and the app's network.
    const ip = await d.api('global_getvar local_ip_v4')
    expect(ip, 'this test needs an address other than loopback').not.toMatch(/^127\./)
    expect(await eslExchange(sw.ports.esl, SECRETS.FREESWITCH_PASSWORD, 'status', ip)).toEqual({ greeting: 'text/rude-rejection' })
  })

  it("has every operator's account with AGENT_PASSWORD_DEFAULT or its own AGENT_PASSWORD_<ID>, and a phone registers only with it", async () => {
    for (const a of SAMPLE_AGENTS) expect(`${a.id}: ${await d.api(`user_exists id ${a.id} ${domain}`)}`).toBe(`${a.id}: true`)
    expect(await d.api(`user_data ivan@${domain} param password`)).toBe(SECRETS.AGENT_PASSWORD_IVAN)
    expect(await d.api(`user_data maria@${domain} param password`)).toBe(SECRETS.AGENT_PASSWORD_DEFAULT)
    expect(await d.api(`sofia status gateway carrier`)).toMatch(/Password\s+yes/)
    // ana, not an operator: a registered operator would be rung by the fallback below.
    expect(await phoneRegisters(sw, 'ana', SECRETS.AGENT_PASSWORD_DEFAULT)).toBe(200)
    expect(await phoneRegisters(sw, 'boris', '')).toBe(403)
    expect(await phoneRegisters(sw, 'ivan', SECRETS.AGENT_PASSWORD_DEFAULT)).toBe(403)
  })

  it('hands 5000, and our DID through the public context, to the app socket; a call the app lets go falls back at once', async () => {
    for (const [dialled, context, reaches] of [
      ['5000', 'default', '5000'],
      ['033200200', 'public', '+38733200200'],
    ] as const) {
      const taken = app.take()
      void d.api(`originate {origination_caller_id_number=+38761100001}loopback/${dialled}/${context} &park()`).catch(() => {})
      const call = await taken
      const bLeg = call.data.get('Unique-ID')!
      expect(call.data.get('Caller-Destination-Number')).toBe(reaches)
      expect(call.data.get('Caller-Caller-ID-Number')).toBe('+38761100001')
      expect(call.data.get('Answer-State')).toBe('ringing')
      expect((await d.executing(bLeg, 'socket'))['Application-Data']).toBe(`127.0.0.1:${app.port} async full`)
      // The app takes it, says "resume" (as it does on every call) and goes away.
      expect(await call.send('resume')).toMatch(/^\+OK/)
      const droppedAt = Date.now()
      call.drop()
      await d.executing(bLeg, 'log', /did not keep call/, 5000)
      expect(Date.now() - droppedAt).toBeLessThan(2000)
      await d.hangup(bLeg)
      await d.hungUp(bLeg)
    }
  })

  it('with the app down: answers, says "connecting", rings the operators (none registered), takes a message ended by #, hangs up', async () => {
    await app.close()
    const caller = await d.call('+38761100002', '5000')
    const b = caller.bLeg
    const completed = (application: string, data?: RegExp): Promise<SwitchEvent> =>
      d.waitForEvent(
        `${application} ${data ?? ''} completed on ${b}`,
        (e) => e['Event-Name'] === 'CHANNEL_EXECUTE_COMPLETE' && e['Unique-ID'] === b && e['Application'] === application && (!data || data.test(e['Application-Data'] ?? '')),
        20_000,
      )
    const prompt = (name: string) => new RegExp(`^${path.join(PROMPTS_DIR, 'en', name).replace(/\./g, '\\.')}$`)

    await completed('socket')
    await d.waitForEvent(`the answer of ${b}`, (e) => e['Event-Name'] === 'CHANNEL_ANSWER' && e['Unique-ID'] === b)
    expect((await completed('playback', prompt('connecting.wav')))['Application-Response']).toBe('FILE PLAYED')
    const bridge = await completed('bridge', new RegExp(`^group/operators@${domain}$`))
    expect(bridge['variable_originate_disposition']).toBe('USER_NOT_REGISTERED')
    expect((await completed('playback', prompt('all-busy.wav')))['Application-Response']).toBe('FILE PLAYED')
    expect((await completed('playback', prompt('record-after-beep.wav')))['Application-Response']).toBe('FILE PLAYED')
    const record = await d.executing(b, 'record', undefined, 10_000)
    await new Promise((r) => setTimeout(r, 1000))
    await d.press(caller.aLeg, '#')
    await completed('record')
    expect((await completed('playback', prompt('message-saved.wav')))['Application-Response']).toBe('FILE PLAYED')
    expect((await d.hungUp(b))['Hangup-Cause']).toBe('NORMAL_CLEARING')
    // The message, in RECORDINGS_DIR, named as the dialplan says.
    const file = record['Application-Data']!.split(' ')[0]!
    expect(path.dirname(file)).toBe(recordings)
    expect(path.basename(file)).toMatch(new RegExp(`^fallback-\\d{8}-\\d{6}-${b}\\.wav$`))
    expect(fs.statSync(file).size).toBeGreaterThan(44)
  }, 60_000)
})

describe.each([
  ['unset', {}],
  ['empty', { FREESWITCH_PASSWORD: '', AGENT_PASSWORD_DEFAULT: '', AGENT_PASSWORD_IVAN: '', CARRIER_PASSWORD: '' }],
] as const)('freeswitch/conf with its secrets %s', (how, secrets) => {
  let sw: ConfSwitch

  beforeAll(async () => {
    sw = await startConf({ name: `secrets-${how}`, env: { ...secrets, PROMPTS_DIR, RECORDINGS_DIR: os.tmpdir(), APP_SOCKET: '127.0.0.1:9' } })
  }, 60_000)

  afterAll(async () => {
    await sw?.stop()
  }, 60_000)

  it('keeps the event socket shut: its password is random, ClueCon and the empty password are refused', async () => {
    // The password FreeSWITCH runs with, as the pre-processor left it (startConf read it back).
    expect(sw.password).toMatch(UUID)
    expect((await eslExchange(sw.ports.esl, sw.password)).auth).toBe('+OK accepted')
    expect((await eslExchange(sw.ports.esl, 'ClueCon')).auth).toBe('-ERR invalid')
    expect((await eslExchange(sw.ports.esl, '')).auth).toBe('-ERR invalid')
  })

  it('gives the operators and the carrier random passwords of their own, so a phone with an empty one is refused', async () => {
    const domain = await eslApi(sw.ports.esl, sw.password, 'global_getvar domain')
    const ivan = await eslApi(sw.ports.esl, sw.password, `user_data ivan@${domain} param password`)
    const maria = await eslApi(sw.ports.esl, sw.password, `user_data maria@${domain} param password`)
    expect(maria).toMatch(UUID)
    expect(ivan).toBe(maria)
    expect(maria).not.toBe(sw.password)
    expect(await eslApi(sw.ports.esl, sw.password, 'sofia status gateway carrier')).toMatch(/Password\s+yes/)
    expect(await phoneRegisters(sw, 'ivan', '')).toBe(403)
    expect(await phoneRegisters(sw, 'ana', '')).toBe(403)
  })
})
