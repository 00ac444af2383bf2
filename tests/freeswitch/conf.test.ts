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
import { assemble, CORE_VARIABLE_NAMES, LATE_VARIABLE_NAMES } from '../deploy/freeswitch-xml.js'
import { register } from './conf-sip.js'
import { CONF_DIR, type ConfSwitch, eslApi, eslExchange, REPO, startConf } from './conf-switch.js'
import { SwitchDriver, type SwitchEvent } from './harness/driver.js'
import { ha1 } from '../../src/sip/secret.js'
import { publishCommands, withdrawCommands } from '../../src/sip/switch-commands.js'

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
  private readonly server = net.createServer((s) => {
    this.open.add(s)
    s.on('close', () => this.open.delete(s))
    const waiter = this.waiting.shift()
    if (waiter) waiter(s)
    else this.early.push(s)
  })
  private readonly waiting: Array<(s: net.Socket) => void> = []
  private readonly early: net.Socket[] = []
  private readonly open = new Set<net.Socket>()
  port = 0

  async listen(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r))
    this.port = (this.server.address() as net.AddressInfo).port
  }

  /** The next call FreeSWITCH hands over: `connect` sent, the channel's data read back. */
  async take(): Promise<{ data: Map<string, string>; send(command: string): Promise<string>; drop(): void }> {
    const sock = this.early.shift() ?? (await new Promise<net.Socket>((r) => this.waiting.push(r)))
    let buffer = ''
    let wake = (): void => {}
    sock.on('data', (d) => {
      buffer += d.toString('utf8')
      wake()
    })
    /** The next message: its headers (values URL-decoded), and its body's text as "_body". */
    const next = async (): Promise<Map<string, string>> => {
      for (;;) {
        const end = buffer.indexOf('\n\n')
        if (end >= 0) {
          const headers = new Map(buffer.slice(0, end).split('\n').map((l) => [l.slice(0, l.indexOf(':')), decodeURIComponent(l.slice(l.indexOf(':') + 1).trim())] as [string, string]))
          const length = Number(headers.get('Content-Length') ?? 0)
          if (buffer.length >= end + 2 + length) {
            headers.set('_body', buffer.slice(end + 2, end + 2 + length))
            buffer = buffer.slice(end + 2 + length)
            return headers
          }
        }
        await new Promise<void>((r) => (wake = r))
      }
    }
    sock.write('connect\n\n')
    const data = await next()
    return {
      data,
      send: async (command) => {
        sock.write(`${command}\n\n`)
        const reply = await next()
        return reply.get('Reply-Text') ?? reply.get('_body') ?? ''
      },
      drop: () => sock.destroy(),
    }
  }

  /** Stops listening (FreeSWITCH's connect is then refused) and drops every connection. */
  close(): Promise<void> {
    for (const s of this.open) s.destroy()
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

/** The carrier gateway's password and every account's, as the running switch holds them. */
async function passwords(sw: ConfSwitch): Promise<{ carrier: string | undefined; accounts: Map<string, string> }> {
  const api = (command: string) => eslApi(sw.ports.esl, sw.password, command)
  const sofia = await api('xml_locate configuration configuration name sofia.conf')
  const directory = await api(`xml_locate directory domain name ${await api('global_getvar domain')}`)
  const accounts = new Map(
    [...directory.matchAll(/<user id="([a-z]+)">\s*<params>\s*<param name="password" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!] as [string, string]),
  )
  return { carrier: /<gateway name="carrier">[\s\S]*?<param name="password" value="([^"]*)"/.exec(sofia)?.[1], accounts }
}

describe('freeswitch/conf with its secrets set', () => {
  const app = new AppSocket()
  let recordings: string
  let sw: ConfSwitch
  let d: SwitchDriver
  let domain: string

  beforeAll(async () => {
    recordings = fs.mkdtempSync(path.join(os.tmpdir(), 'conf-recordings-'))
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
    if (recordings) fs.rmSync(recordings, { recursive: true, force: true })
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
    expect((await passwords(sw)).carrier).toBe(SECRETS.CARRIER_PASSWORD)
    // ana, not an operator: a registered operator would be rung by the fallback below.
    expect(await phoneRegisters(sw, 'ana', SECRETS.AGENT_PASSWORD_DEFAULT)).toBe(200)
    expect(await phoneRegisters(sw, 'boris', '')).toBe(403)
    expect(await phoneRegisters(sw, 'ivan', SECRETS.AGENT_PASSWORD_DEFAULT)).toBe(403)
  })

  it("takes the app's SIP accounts from mod_hash (scripts/sip-directory.lua), beside the static ones; the softphone's WebSocket ports listen", async () => {
    const password = 'app-made-device-secret'
    expect(await d.api(`user_exists id lejla.sip ${domain}`)).toBe('false')
    for (const command of publishCommands('lejla.sip', ha1('lejla.sip', domain, password), 'Lejla Hadžić & Co')) expect(await d.api(command)).toBe('+OK')
    expect(await d.api(`user_exists id lejla.sip ${domain}`)).toBe('true')
    expect(await d.api(`user_data lejla.sip@${domain} var effective_caller_id_name`)).toBe('Lejla Hadžić & Co')
    expect(await phoneRegisters(sw, 'lejla.sip', password)).toBe(200)
    expect(await phoneRegisters(sw, 'lejla.sip', SECRETS.AGENT_PASSWORD_DEFAULT)).toBe(403)
    for (const command of withdrawCommands('lejla.sip')) expect(await d.api(command)).toBe('+OK')
    expect(await d.api(`user_exists id lejla.sip ${domain}`)).toBe('false')
    expect(await phoneRegisters(sw, 'lejla.sip', password)).toBe(403)
    expect(await d.api(`user_exists id ivan ${domain}`)).toBe('true')
    const internal = await d.api('sofia status profile internal')
    expect(internal).toMatch(new RegExp(`WS-BIND-URL\\s+sip:mod_sofia@\\S+:${sw.ports.ws};transport=ws`))
    expect(internal).toMatch(new RegExp(`WSS-BIND-URL\\s+sips:mod_sofia@\\S+:${sw.ports.wss};transport=wss`))
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
      // The app takes it as src/esl/outbound-server.ts does (linger, socket_resume=true), plays
      // something endless, and goes away: FreeSWITCH cuts the playback and falls back at once.
      expect(await call.send('linger')).toMatch(/^\+OK/)
      expect(await call.send(`api uuid_setvar ${bLeg} socket_resume true`)).toMatch(/^\+OK/)
      const play = `sendmsg\ncall-command: execute\nexecute-app-name: endless_playback\nexecute-app-arg: ${PROMPTS_DIR}/music/hold.wav`
      expect(await call.send(play)).toMatch(/^\+OK/)
      await d.executing(bLeg, 'endless_playback')
      const droppedAt = Date.now()
      call.drop()
      await d.executing(bLeg, 'log', /did not keep call/, 5000)
      expect(Date.now() - droppedAt).toBeLessThan(3000)
      await d.hangup(bLeg)
      await d.hungUp(bLeg)
    }
  })

  it('with the app down: answers, says "connecting", rings the operators (none registered), takes a message ended by #, hangs up', async () => {
    await app.close()
    // The caller makes a sound all along (our hold music), so the message has something in it.
    const reply = await d.api(`originate {origination_caller_id_number=+38761100002}loopback/5000/default &endless_playback(${PROMPTS_DIR}/music/hold.wav)`)
    const aLeg = /^\+OK ([0-9a-f-]{36})/.exec(reply)?.[1]
    expect(aLeg, reply).toBeDefined()
    const b = await d.otherLoopbackLeg(aLeg!)
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
    await d.press(aLeg!, '#')
    await completed('record')
    expect((await completed('playback', prompt('message-saved.wav')))['Application-Response']).toBe('FILE PLAYED')
    expect((await d.hungUp(b))['Hangup-Cause']).toBe('NORMAL_CLEARING')
    // The message, in RECORDINGS_DIR, named as the dialplan says.
    const file = record['Application-Data']!.split(' ')[0]!
    expect(path.dirname(file)).toBe(recordings)
    expect(path.basename(file)).toMatch(new RegExp(`^fallback-\\d{8}-\\d{6}-${b}\\.wav$`))
    // About a second of 8 kHz 16-bit sound after the 44-byte header.
    expect(fs.statSync(file).size).toBeGreaterThan(44 + 8000)
  }, 60_000)
})

describe.each<{ how: string; env: Record<string, string>; others: RegExp }>([
  // Unset: every secret is a random UUID of its own.
  { how: 'unset', env: {}, others: UUID },
  // Exported but empty: the event socket's is still random; the agents' and the carrier's are
  // empty, and the directory refuses an empty password.
  { how: 'empty', env: { FREESWITCH_PASSWORD: '', AGENT_PASSWORD_DEFAULT: '', AGENT_PASSWORD_IVAN: '', CARRIER_PASSWORD: '' }, others: /^$/ },
])('freeswitch/conf with its secrets $how', ({ how, env, others }) => {
  let sw: ConfSwitch

  beforeAll(async () => {
    sw = await startConf({ name: `secrets-${how}`, env: { ...env, PROMPTS_DIR, RECORDINGS_DIR: os.tmpdir(), APP_SOCKET: '127.0.0.1:9' } })
  }, 60_000)

  afterAll(async () => {
    await sw?.stop()
  }, 60_000)

  it('keeps the event socket shut: its password is a random UUID, ClueCon and the empty password are refused', async () => {
    // The password FreeSWITCH runs with, as the pre-processor left it (startConf read it back).
    expect(sw.password).toMatch(UUID)
    expect((await eslExchange(sw.ports.esl, sw.password)).auth).toBe('+OK accepted')
    expect((await eslExchange(sw.ports.esl, 'ClueCon')).auth).toBe('-ERR invalid')
    expect((await eslExchange(sw.ports.esl, '')).auth).toBe('-ERR invalid')
  })

  it("leaves no account open: the operators' and the carrier's passwords are random, or empty and refused", async () => {
    const { carrier, accounts } = await passwords(sw)
    expect([...accounts.keys()].sort()).toEqual(SAMPLE_AGENTS.map((a) => a.id).sort())
    expect(new Set(accounts.values()).size).toBe(1)
    const agentPassword = accounts.get('ivan')!
    expect(agentPassword).toMatch(others)
    expect(carrier).toMatch(others)
    if (agentPassword) expect(new Set([sw.password, agentPassword, carrier]).size).toBe(3)
    expect(await phoneRegisters(sw, 'ivan', '')).toBe(403)
    expect(await phoneRegisters(sw, 'ana', '')).toBe(403)
  })
})

describe("FreeSWITCH's pre-processor and the model of it in tests/deploy", () => {
  // Directives whose outcome the model must reproduce, then every variable seen in brackets.
  const directives = [
    'set|kept=before', 'exec-set|kept=printenv PROBE_UNSET | grep .',
    'env-set|emptied=$PROBE_EMPTY',
    'set|overridden=default', 'env-set|overridden=$PROBE_SET',
    "exec-set|trimmed = printf 'a b  \\n\\n'",
    'exec-set|guarded=printenv PROBE_EMPTY | grep -q . || echo random',
  ]
  const probed = ['kept', 'emptied', 'overridden', 'trimmed', 'guarded']
  const names = [...CORE_VARIABLE_NAMES, ...LATE_VARIABLE_NAMES, ...probed]

  it('agree: the core variables a configuration sees (core_uuid is not one), env-set, exec-set', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conf-probe-'))
    const line = (cmd: string, data: string) => `  <X-PRE-PROCESS cmd="${cmd}" data="${data}"/>`
    fs.writeFileSync(
      path.join(dir, 'freeswitch.xml'),
      [
        '<document type="freeswitch/xml">',
        line('env-set', 'probe_port=$FS_ESL_PORT'),
        ...directives.map((d) => line(d.split('|')[0]!, d.slice(d.indexOf('|') + 1))),
        ...names.map((n) => line('set', `seen_${n}=[$\${${n}}]`)),
        '  <section name="configuration">',
        '    <configuration name="modules.conf"><modules><load module="mod_event_socket"/><load module="mod_commands"/></modules></configuration>',
        '    <configuration name="event_socket.conf"><settings><param name="listen-ip" value="127.0.0.1"/>',
        '      <param name="listen-port" value="$${probe_port}"/><param name="password" value="probe"/></settings></configuration>',
        '  </section>',
        '</document>',
        '',
      ].join('\n'),
    )
    const env = { PROBE_EMPTY: '', PROBE_SET: 'from-env' }
    const sw = await startConf({ name: 'probe', confDir: dir, env, password: 'probe' })
    try {
      const model = assemble({ env }, dir).globals
      const real = new Map<string, string>()
      for (const n of names) real.set(n, await eslApi(sw.ports.esl, 'probe', `global_getvar seen_${n}`))
      // The core variables' values differ (the model has stand-ins); whether they are set must not.
      const isSet = (v: string | undefined) => (v === '[]' ? 'empty' : 'set')
      for (const n of [...CORE_VARIABLE_NAMES, ...LATE_VARIABLE_NAMES]) expect(`${n}: ${isSet(real.get(n))}`).toBe(`${n}: ${isSet(model.get(`seen_${n}`))}`)
      expect(real.get('core_uuid')).toBe('[]')
      expect(Object.fromEntries(probed.map((n) => [n, real.get(n)]))).toEqual(Object.fromEntries(probed.map((n) => [n, model.get(`seen_${n}`)])))
      expect(real.get('guarded')).toBe('[random]')
      expect(real.get('trimmed')).toBe('[a b]')
    } finally {
      await sw.stop()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})
