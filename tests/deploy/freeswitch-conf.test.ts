/**
 * freeswitch/conf, checked as FreeSWITCH 1.10/1.11 would read it (no FreeSWITCH runs here):
 * every file well-formed and safe for FreeSWITCH's line-based pre-processor, the whole
 * assembled the way the pre-processor assembles it (tests/deploy/freeswitch-xml.ts), every
 * application and stream the dialplan and the app use backed by a loaded module, the addresses
 * matching the app's defaults (src/config.ts), and no secret written in the files.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import YAML from 'yaml'
import { loadConfig } from '../../src/config.js'
import { SAMPLE_AGENTS } from '../../src/demo/sample-data.js'
import { loadQueues } from '../../src/queue/config.js'
import { environmentOf, interpolate, readCompose } from './compose-file.js'
import {
  assemble,
  child,
  CONF_DIR,
  confFiles,
  configuration,
  findAll,
  params,
  extensions,
  parseXml,
  pcre,
  REPO,
  wavFormat,
  wellFormed,
  type Element,
} from './freeswitch-xml.js'

/** The app's defaults: no environment at all. */
const appDefaults = loadConfig({}, REPO)
const flow = YAML.parse(fs.readFileSync(path.join(REPO, 'flows/default.yaml'), 'utf8')) as { numbers: string[] }

/**
 * Which module provides each dialplan application FreeSWITCH can run here. An application
 * missing from this map fails the test: add it, with its module, when the dialplan or the
 * app starts using it.
 */
const APPLICATION_MODULE: Record<string, string> = {
  socket: 'mod_event_socket',
  avmd_start: 'mod_avmd',
  avmd_stop: 'mod_avmd',
  conference: 'mod_conference',
  ...Object.fromEntries(
    [
      'answer', 'pre_answer', 'ring_ready', 'playback', 'play_and_get_digits', 'record', 'record_session', 'stop_record_session',
      'bridge', 'transfer', 'set', 'export', 'unset', 'hangup', 'sleep', 'park', 'log', 'break',
    ].map((a) => [a, 'mod_dptools']),
  ),
}

/** Which module provides each API command the app sends over the event socket. */
const API_MODULE: Record<string, string> = {
  originate: 'mod_commands',
  status: 'mod_commands',
  show: 'mod_commands',
  uuid_bridge: 'mod_commands',
  uuid_broadcast: 'mod_commands',
  uuid_break: 'mod_commands',
  uuid_kill: 'mod_commands',
  uuid_record: 'mod_commands',
  uuid_transfer: 'mod_commands',
  uuid_setvar: 'mod_commands',
  uuid_getvar: 'mod_commands',
  uuid_exists: 'mod_commands',
  // The operators' SIP accounts (src/sip/switch-commands.ts).
  hash: 'mod_hash',
  global_getvar: 'mod_commands',
  sofia_contact: 'mod_sofia',
}

/** Endpoints, file formats and API functions named inside arguments and variable values. */
const EMBEDDED_MODULE: Array<[RegExp, string]> = [
  [/\bsofia\//, 'mod_sofia'],
  [/\$\{sofia_contact\(/, 'mod_sofia'],
  [/\bloopback\//, 'mod_loopback'],
  [/\b(user|group|error)\//, 'mod_dptools'],
  // group/ expands to ${group_call(...)}, an API command of mod_commands.
  [/\bgroup\//, 'mod_commands'],
  [/\$\{strftime\(/, 'mod_dptools'],
  [/\bfile_string:\/\//, 'mod_dptools'],
  [/\blocal_stream:\/\//, 'mod_local_stream'],
  [/\b(tone_stream|silence_stream):\/\//, 'mod_tone_stream'],
  [/\.wav\b/, 'mod_sndfile'],
]

/** Every "execute('<application>'" in the app's sources: the applications it runs on calls. */
function applicationsTheAppRuns(): string[] {
  const found = new Set<string>()
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name)
      if (e.isDirectory()) {
        if (e.name !== 'sim') walk(p)
      } else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) {
        for (const m of fs.readFileSync(p, 'utf8').matchAll(/execute\('([a-z_]+)'/g)) found.add(m[1]!)
        for (const m of fs.readFileSync(p, 'utf8').matchAll(/varCommand\('([a-z_]+)'/g)) found.add(m[1]!)
      }
    }
  }
  walk(path.join(REPO, 'src'))
  // varCommand's own 'set' | 'export'.
  found.add('set')
  found.add('export')
  return [...found].sort()
}

function apiCommandsTheAppSends(): string[] {
  const text = fs.readFileSync(path.join(REPO, 'src/esl/control-client.ts'), 'utf8') + fs.readFileSync(path.join(REPO, 'src/esl/dial-string.ts'), 'utf8')
  const found = new Set<string>(['originate'])
  for (const m of text.matchAll(/'(uuid_[a-z_]+)'/g)) found.add(m[1]!)
  for (const m of text.matchAll(/this\.api\('([a-z_]+)/g)) found.add(m[1]!)
  // The SIP accounts' commands: each a string or template that starts with the command's name.
  const sip = fs.readFileSync(path.join(REPO, 'src/sip/switch-commands.ts'), 'utf8')
  for (const m of sip.matchAll(/(?:return |\[|, )`([a-z_]+) |= '([a-z_]+) /g)) found.add((m[1] ?? m[2])!)
  return [...found].sort()
}

function loadedModules(doc: Element): string[] {
  return findAll(configuration(doc, 'modules.conf'), 'load').map((l) => l.attrs.module!)
}

/** The environment docker-compose.yml gives the "freeswitch" service, with test secrets. */
const TEST_SECRETS = {
  POSTGRES_PASSWORD: 'pg-test-secret',
  REDIS_PASSWORD: 'redis-test-secret',
  FREESWITCH_PASSWORD: 'esl-test-secret',
  AGENT_PASSWORD_DEFAULT: 'agent-test-secret',
  CARRIER_PASSWORD: 'carrier-test-secret',
}
function composeFreeswitchEnv(service = 'freeswitch', extra: Record<string, string> = {}): Record<string, string> {
  return environmentOf(readCompose().services[service]!, { ...TEST_SECRETS, ...extra })
}

describe('freeswitch/conf files', () => {
  const files = confFiles()

  it('has the files the issue asks for', () => {
    const rel = files.map((f) => path.relative(CONF_DIR, f))
    for (const f of [
      'freeswitch.xml', 'vars.xml', 'autoload_configs/modules.conf.xml', 'autoload_configs/switch.conf.xml', 'autoload_configs/event_socket.conf.xml',
      'autoload_configs/acl.conf.xml', 'autoload_configs/sofia.conf.xml', 'autoload_configs/local_stream.conf.xml', 'autoload_configs/avmd.conf.xml',
      'directory/default.xml', 'dialplan/default.xml', 'dialplan/public.xml',
    ]) {
      expect(rel).toContain(f)
    }
  })

  it.each(confFiles().map((f) => [path.relative(CONF_DIR, f), f]))('%s is well-formed XML', (_name, file) => {
    expect(wellFormed(fs.readFileSync(file, 'utf8'))).toBe(true)
  })

  it.each(confFiles().map((f) => [path.relative(CONF_DIR, f), f]))("%s is safe for FreeSWITCH's line-based pre-processor", (_name, file) => {
    const problems: string[] = []
    fs.readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const at = `line ${i + 1}`
        // A directive must be alone on its line (text around it is dropped), and a line that merely
        // mentions the tag (in a comment, say) is dropped whole, which could unbalance a comment.
        if (/x-pre-process/i.test(line) && !/^\s*<X-PRE-PROCESS cmd="[a-z-]+" data="[^"]*"\/>\s*$/.test(line)) problems.push(`${at}: directive not alone on its line, or tag named in text`)
        if (line.includes('<!--#')) problems.push(`${at}: "<!--#" is a pre-processor command`)
        // Lines with these are dropped whole: nothing else may share them.
        for (const tag of ['<include>', '</include>']) if (line.includes(tag) && line.trim() !== tag) problems.push(`${at}: ${tag} shares its line`)
        if (line.includes('<?') && !/^<\?xml [^>]*\?>$/.test(line.trim())) problems.push(`${at}: "<?" outside the XML declaration`)
        // "$${" starts a pre-processor variable even in a comment; an unterminated one is an error.
        for (const m of line.matchAll(/\$\$\{/g)) if (!line.slice(m.index).match(/^\$\$\{[a-z0-9_]+\}/)) problems.push(`${at}: malformed $\${...}`)
      })
    expect(problems).toEqual([])
  })
})

describe('the configuration assembled as FreeSWITCH assembles it', () => {
  const bare = assemble()
  const doc = parseXml(bare.xml)

  it('includes every file, defines every global variable before use, and parses', () => {
    expect(bare.files.map((f) => path.relative(CONF_DIR, f)).sort()).toEqual(confFiles().map((f) => path.relative(CONF_DIR, f)).sort())
    expect(bare.undefinedReferences).toEqual([])
    expect(wellFormed(bare.xml)).toBe(true)
    expect(doc.name).toBe('document')
    expect(doc.children.filter((s) => s.name === 'section').map((s) => s.attrs.name)).toEqual(['configuration', 'directory', 'dialplan'])
  })

  it('reads the environment through env-set, and makes random secrets with exec-set, the way 1.10/1.11 support them', () => {
    const cmds = new Set(bare.directives.map((d) => d.cmd))
    expect([...cmds].sort()).toEqual(['env-set', 'exec-set', 'include', 'set'])
    const setBefore = new Set<string>()
    const readFrom = new Map<string, string>()
    for (const d of bare.directives) {
      const name = d.data.split('=')[0]!.trim()
      if (d.cmd === 'set') setBefore.add(name)
      if (d.cmd === 'env-set') {
        // Exactly name=$ENV: preprocess_env_set trims nothing and needs the '$'.
        expect(d.data).toMatch(/^[a-z][a-z0-9_]*=\$[A-Z][A-Z0-9_]*$/)
        // Every variable has a default, so a missing environment variable leaves a value.
        expect(setBefore, `${d.data} has no default set before it`).toContain(name)
        readFrom.set(name, d.data.slice(d.data.indexOf('$') + 1))
      }
      if (d.cmd === 'exec-set') {
        // Only these two commands, both in any Linux image: a random UUID, or one when the
        // variable's environment variable (read just before) is empty.
        const m = /^([a-z][a-z0-9_]*)=(?:printenv ([A-Z][A-Z0-9_]*) \| grep -q \. \|\| )?cat \/proc\/sys\/kernel\/random\/uuid$/.exec(d.data)
        expect(m, d.data).not.toBeNull()
        if (m![2]) expect(readFrom.get(name), d.data).toBe(m![2])
        setBefore.add(name)
      }
    }
  })

  it('loads exactly the modules the project needs', () => {
    expect(loadedModules(doc).sort()).toEqual(
      [
        'mod_avmd', 'mod_commands', 'mod_console', 'mod_dialplan_xml', 'mod_dptools', 'mod_event_socket', 'mod_local_stream', 'mod_loopback',
        'mod_native_file', 'mod_sndfile', 'mod_sofia', 'mod_tone_stream',
        // The app's SIP accounts (mod_hash + mod_lua's directory handler) and operators' open lines.
        'mod_hash', 'mod_lua', 'mod_conference',
      ].sort(),
    )
  })

  it('has a loaded module for every application, endpoint, stream and API command in use', () => {
    const loaded = new Set(loadedModules(doc))
    const needs: Array<{ what: string; module: string | undefined }> = []
    const dialplan = child(doc, 'section', ['name', 'dialplan'])!
    for (const a of findAll(dialplan, 'action')) needs.push({ what: `dialplan application ${a.attrs.application}`, module: APPLICATION_MODULE[a.attrs.application!] })
    // Arguments, parameters and variables anywhere (dial strings, hold music, streams ...).
    const texts = [...findAll(doc, 'action').map((a) => a.attrs.data ?? ''), ...findAll(doc, 'param').map((p) => p.attrs.value ?? ''), ...findAll(doc, 'variable').map((v) => v.attrs.value ?? '')]
    for (const t of texts) for (const [re, module] of EMBEDDED_MODULE) if (re.test(t)) needs.push({ what: `"${t}"`, module })
    // What the app itself does on calls and over the event socket.
    for (const app of applicationsTheAppRuns()) needs.push({ what: `application the app runs: ${app}`, module: APPLICATION_MODULE[app] })
    for (const api of apiCommandsTheAppSends()) needs.push({ what: `API command the app sends: ${api}`, module: API_MODULE[api] })
    needs.push({ what: `the app's gateway template ${appDefaults.gatewayTemplate}`, module: 'mod_sofia' })
    needs.push({ what: "the app's originate ... '&socket(...)'", module: 'mod_event_socket' })
    // The app's prompts: .wav files, several at once as file_string://.
    needs.push({ what: 'prompts (.wav)', module: 'mod_sndfile' }, { what: 'prompt lists (file_string://)', module: 'mod_dptools' })

    expect(needs.filter((n) => n.module === undefined).map((n) => `${n.what}: no module known, add it to APPLICATION_MODULE/API_MODULE`)).toEqual([])
    expect(needs.filter((n) => !loaded.has(n.module!)).map((n) => `${n.what} needs ${n.module}, not loaded`)).toEqual([])
    // The app does use answering-machine detection, so mod_avmd really is needed.
    expect(applicationsTheAppRuns()).toContain('avmd_start')
  })

  it("hands 5000 and the DID to the app's socket, at the app's default address, with async full", () => {
    const exts = extensions(doc, 'default')
    expect(flow.numbers).toEqual(expect.arrayContaining(['5000', '+38733200200']))
    for (const number of flow.numbers) {
      const ext = exts.find((e) => e.field === 'destination_number' && pcre(e.expression).test(number))
      expect(ext, `no extension in context default for ${number}`).toBeDefined()
      expect(ext!.actions[0]).toEqual({ application: 'socket', data: `${appDefaults.eslAdvertiseHost}:${appDefaults.eslListen.port} async full` })
    }
    // Its event socket listens where the app's FREESWITCH_NODES looks by default.
    const esl = params(child(configuration(doc, 'event_socket.conf'), 'settings'))
    expect(Number(esl.get('listen-port'))).toBe(appDefaults.freeswitch[0]!.port)
    expect(appDefaults.freeswitch[0]!.port).toBe(8021)
    expect(appDefaults.eslListen.port).toBe(8084)
  })

  it('falls back to a spoken prompt, the operators and a message when the app does not keep the call', () => {
    const ext = extensions(doc, 'default').find((e) => e.actions[0]?.application === 'socket')!
    const after = ext.actions.slice(1)
    const index = (app: string, data?: RegExp) => after.findIndex((a) => a.application === app && (!data || data.test(a.data)))
    // Answer, then something to hear before anything else.
    expect(index('answer')).toBeGreaterThanOrEqual(0)
    expect(index('playback')).toBeGreaterThan(index('answer'))
    // The bridge must fall through when nobody answers, and end the call when the operator hangs up.
    const bridge = index('bridge', /^group\/operators@/)
    expect(bridge).toBeGreaterThan(index('playback'))
    for (const setting of [/^continue_on_fail=true$/, /^hangup_after_bridge=true$/, /^transfer_ringback=local_stream:\/\/moh$/]) {
      const i = index('set', setting)
      expect(i >= 0 && i < bridge, `${setting} set before the bridge`).toBe(true)
    }
    // Then a message, and a clean hangup.
    expect(index('record')).toBeGreaterThan(bridge)
    expect(after[after.length - 1]!.application).toBe('hangup')
    // Every prompt it plays exists, as the 8 kHz mono WAV FreeSWITCH plays without resampling.
    const prompts = after.filter((a) => a.application === 'playback' && a.data.endsWith('.wav')).map((a) => a.data)
    expect(prompts.length).toBeGreaterThanOrEqual(3)
    for (const p of prompts) {
      expect(p.startsWith('/app/prompts/')).toBe(true)
      expect(wavFormat(path.join(REPO, 'prompts', p.slice('/app/prompts/'.length)))).toEqual({ rate: 8000, channels: 1, bits: 16 })
    }
    // The message lands in the recordings directory, at its top (no directory to create).
    const record = after[index('record')]!.data
    expect(record).toMatch(/^\/var\/lib\/opencc\/recordings\/[^/ ]+\.wav \d+ \d+ \d+$/)
  })

  it('rings exactly the operators of the "operators" queue', async () => {
    const operators = SAMPLE_AGENTS.filter((a) => a.groups.includes('operators')).map((a) => a.id)
    expect(operators).toEqual(['ivan', 'maria', 'petra'])
    const queues = await loadQueues(path.join(REPO, 'queues/queues.yaml'))
    expect(queues.find((q) => q.name === 'operators')!.members.groups).toEqual(['operators'])
    const group = findAll(child(doc, 'section', ['name', 'directory'])!, 'group').find((g) => g.attrs.name === 'operators')!
    expect(findAll(group, 'user').map((u) => u.attrs.id)).toEqual(operators)
    expect(findAll(group, 'user').every((u) => u.attrs.type === 'pointer')).toBe(true)
  })

  it('routes every form of our DID from the public context to the same extension', () => {
    const publicExts = extensions(doc, 'public')
    const did = bare.globals.get('inbound_did')!
    expect(flow.numbers).toContain(did)
    for (const form of ['+38733200200', '38733200200', '0038733200200', '033200200']) {
      const ext = publicExts.find((e) => pcre(e.expression).test(form))
      expect(ext, form).toBeDefined()
      expect(ext!.actions).toEqual([{ application: 'transfer', data: `${did} XML default` }])
    }
    // Nothing else: a stranger's INVITE to any other number finds no route.
    for (const other of ['5000', '+38733200201', '00385123456', '1000']) expect(publicExts.some((e) => pcre(e.expression).test(other)), other).toBe(false)
    // And the transferred number reaches the socket extension of the default context.
    expect(extensions(doc, 'default').some((e) => pcre(e.expression).test(did) && e.actions[0]?.application === 'socket')).toBe(true)
    // Calls the carrier sends to our registration arrive as that number too.
    const gateway = findAll(configuration(doc, 'sofia.conf'), 'gateway').find((g) => g.attrs.name === 'carrier')!
    expect(params(gateway).get('extension')).toBe(did)
  })

  it('has one operator account per sample agent, rung as user/<id>, and the profiles route as described', () => {
    const directory = child(doc, 'section', ['name', 'directory'])!
    const domain = child(directory, 'domain')!
    expect(domain.attrs.name).toBe(bare.globals.get('domain'))
    const agents = findAll(domain, 'group').find((g) => g.attrs.name === 'agents')!
    expect(findAll(agents, 'user').map((u) => u.attrs.id).sort()).toEqual(SAMPLE_AGENTS.map((a) => a.id).sort())
    for (const a of SAMPLE_AGENTS) expect(a.endpoint).toBe(`user/${a.id}`)
    // user/<id> needs a dial-string (mod_dptools' user endpoint refuses the call without one).
    expect(params(child(domain, 'params')).get('dial-string')).toContain('${sofia_contact(*/${dialed_user}@${dialed_domain})}')
    expect(findAll(domain, 'variable').find((v) => v.attrs.name === 'user_context')?.attrs.value).toBe('default')

    const profiles = findAll(configuration(doc, 'sofia.conf'), 'profile')
    const internal = params(child(profiles.find((p) => p.attrs.name === 'internal')!, 'settings'))
    const external = params(child(profiles.find((p) => p.attrs.name === 'external')!, 'settings'))
    expect(internal.get('auth-calls')).toBe('true')
    expect(internal.get('sip-port')).toBe('5060')
    expect(external.get('auth-calls')).toBe('false')
    expect(external.get('context')).toBe('public')
    expect(external.get('sip-port')).toBe('5080')
  })

  it("defines the gateway the app's GATEWAY_TEMPLATE dials", () => {
    const m = /^sofia\/gateway\/([^/]+)\/\{number\}$/.exec(appDefaults.gatewayTemplate)
    expect(m).not.toBeNull()
    const external = findAll(configuration(doc, 'sofia.conf'), 'profile').find((p) => p.attrs.name === 'external')!
    expect(findAll(external, 'gateway').map((g) => g.attrs.name)).toContain(m![1])
    expect(readCompose().services.app!.environment!.GATEWAY_TEMPLATE).toBe(appDefaults.gatewayTemplate)
  })

  it('streams our 8 kHz hold music as "moh", the stream the queues and the fallback play', async () => {
    const streams = findAll(configuration(doc, 'local_stream.conf'), 'directory')
    const moh = streams.find((d) => d.attrs.name === 'moh')!
    expect(moh.attrs.path).toBe('/app/prompts/music')
    expect(params(moh).get('rate')).toBe('8000')
    const dir = path.join(REPO, 'prompts/music')
    const wavs = fs.readdirSync(dir).filter((f) => f.endsWith('.wav'))
    expect(wavs).toContain('hold.wav')
    for (const f of wavs) expect(wavFormat(path.join(dir, f))).toEqual({ rate: 8000, channels: 1, bits: 16 })
    const names = new Set(streams.map((s) => s.attrs.name))
    const queues = await loadQueues(path.join(REPO, 'queues/queues.yaml'))
    for (const q of queues) {
      const m = /^local_stream:\/\/(.+)$/.exec(q.music)
      if (m) expect(names, `queue ${q.name} plays ${q.music}`).toContain(m[1])
    }
    expect(bare.globals.get('hold_music')).toBe('local_stream://moh')
  })

  it('admits only the app network and loopback to the event socket; without APP_NETWORK_CIDR, loopback only', () => {
    const esl = params(child(configuration(doc, 'event_socket.conf'), 'settings'))
    const acl = findAll(configuration(doc, 'acl.conf'), 'list').find((l) => l.attrs.name === esl.get('apply-inbound-acl'))!
    expect(acl.attrs.default).toBe('deny')
    expect(acl.children.map((n) => [n.attrs.type, n.attrs.cidr])).toEqual([
      ['allow', '127.0.0.0/8'],
      ['allow', '127.0.0.0/8'],
    ])
    const raw = parseXml(fs.readFileSync(path.join(CONF_DIR, 'autoload_configs/acl.conf.xml'), 'utf8'))
    expect(findAll(raw, 'node')[0]!.attrs.cidr).toBe('$${app_network_cidr}')
  })
})

describe('secrets', () => {
  const SECRET = /pass(word)?|secret|token|key/i
  /** Settings about passwords that are not themselves secret. */
  const NOT_SECRET = new Set(['allow-empty-password'])

  it('no password or secret is written in the files: every one is a $${variable}', () => {
    const problems: string[] = []
    for (const file of confFiles()) {
      const root = parseXml(fs.readFileSync(file, 'utf8'))
      for (const e of [...findAll(root, 'param'), ...findAll(root, 'variable')]) {
        if (NOT_SECRET.has(e.attrs.name ?? '')) continue
        if (SECRET.test(e.attrs.name ?? '') && !/^\$\$\{[a-z0-9_]+\}$/.test(e.attrs.value ?? '')) problems.push(`${path.relative(CONF_DIR, file)}: ${e.attrs.name}="${e.attrs.value}"`)
      }
    }
    expect(problems).toEqual([])
  })

  it('vars.xml gives secrets no literal value: they come from the environment, else a random per-start value', () => {
    // As written in vars.xml, before the pre-processor expands anything.
    const directives = [...fs.readFileSync(path.join(CONF_DIR, 'vars.xml'), 'utf8').matchAll(/<X-PRE-PROCESS cmd="([a-z-]+)" data="([^"]*)"\/>/g)].map((m) => ({
      cmd: m[1]!,
      data: m[2]!,
    }))
    const secretNames = [...new Set(directives.map((d) => d.data.split('=')[0]!).filter((n) => SECRET.test(n)))]
    expect(secretNames.length).toBeGreaterThan(0)
    for (const name of secretNames) {
      const mine = directives.filter((d) => d.data.startsWith(`${name}=`))
      // The default: a random UUID, or (an agent's own) the shared agent password. Never
      // core_uuid, which is still empty while the configuration is read.
      expect([`${name}=cat /proc/sys/kernel/random/uuid`, `${name}=$\${agent_password_default}`], `${name}'s default`).toContain(mine[0]!.data)
      expect(mine.some((d) => d.cmd === 'env-set' && d.data.startsWith(`${name}=$`)), `${name} is never read from the environment`).toBe(true)
      expect(mine.map((d) => d.data).join(' ')).not.toContain('core_uuid')
    }
  })

  it('without the environment every secret is its own random value, new at every start (fail closed)', () => {
    const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
    const secrets = (a: ReturnType<typeof assemble>) => {
      const doc = parseXml(a.xml)
      const passwords = findAll(child(doc, 'section', ['name', 'directory'])!, 'param').filter((p) => p.attrs.name === 'password')
      expect(passwords.length).toBe(SAMPLE_AGENTS.length)
      return {
        esl: params(child(configuration(doc, 'event_socket.conf'), 'settings')).get('password')!,
        carrier: params(findAll(configuration(doc, 'sofia.conf'), 'gateway')[0]!).get('password')!,
        agents: [...new Set(passwords.map((p) => p.attrs.value!))],
      }
    }
    const one = secrets(assemble())
    expect(one.esl).toMatch(UUID)
    expect(one.carrier).toMatch(UUID)
    expect(one.agents).toHaveLength(1)
    expect(one.agents[0]).toMatch(UUID)
    expect(new Set([one.esl, one.carrier, one.agents[0]]).size).toBe(3)
    const two = secrets(assemble())
    expect(two.esl).not.toBe(one.esl)
    expect(two.agents[0]).not.toBe(one.agents[0])
    // Exported but empty: the event socket still gets a random password (an empty one would
    // be "ClueCon"); the agents' passwords are empty, which the directory refuses.
    const empty = assemble({ env: { FREESWITCH_PASSWORD: '', AGENT_PASSWORD_DEFAULT: '', CARRIER_PASSWORD: '' } })
    expect(secrets(empty).esl).toMatch(UUID)
    expect(secrets(empty).agents).toEqual([''])
    const domain = child(child(parseXml(empty.xml), 'section', ['name', 'directory'])!, 'domain')!
    expect(params(child(domain, 'params')).get('allow-empty-password')).toBe('false')
  })

  it('with the environment docker-compose.yml passes, each value lands where it should', () => {
    const env = composeFreeswitchEnv()
    const assembled = assemble({ env })
    expect(assembled.undefinedReferences).toEqual([])
    const doc = parseXml(assembled.xml)
    const esl = params(child(configuration(doc, 'event_socket.conf'), 'settings'))
    expect(esl.get('password')).toBe(TEST_SECRETS.FREESWITCH_PASSWORD)
    expect(esl.get('listen-ip')).toBe('0.0.0.0')
    const acl = findAll(configuration(doc, 'acl.conf'), 'node').map((n) => n.attrs.cidr)
    const subnet = interpolate(readCompose().networks!.telephony!.ipam!.config![0]!.subnet!, TEST_SECRETS)
    expect(subnet).toBe('172.28.10.0/24')
    expect(acl).toEqual([subnet, '127.0.0.0/8'])
    const socket = extensions(doc, 'default')[0]!.actions[0]!
    expect(socket).toEqual({ application: 'socket', data: 'app:8084 async full' })
    const passwords = findAll(child(doc, 'section', ['name', 'directory'])!, 'param').filter((p) => p.attrs.name === 'password')
    for (const p of passwords) expect(p.attrs.value).toBe(TEST_SECRETS.AGENT_PASSWORD_DEFAULT)
    const gateway = params(findAll(configuration(doc, 'sofia.conf'), 'gateway')[0]!)
    expect(gateway.get('password')).toBe(TEST_SECRETS.CARRIER_PASSWORD)
    expect(gateway.get('proxy')).toBe('carrier.invalid')
    expect(gateway.get('realm')).toBe('carrier.invalid')
    // A per-agent password overrides the shared one for that agent only.
    const own = parseXml(assemble({ env: { ...env, AGENT_PASSWORD_IVAN: 'ivan-own' } }).xml)
    const byUser = new Map(findAll(child(own, 'section', ['name', 'directory'])!, 'user').filter((u) => u.attrs.type !== 'pointer').map((u) => [u.attrs.id, params(child(u, 'params')).get('password')]))
    expect(byUser.get('ivan')).toBe('ivan-own')
    expect(byUser.get('maria')).toBe(TEST_SECRETS.AGENT_PASSWORD_DEFAULT)
  })

  it('the second node of the "scale" profile hands its calls to the second app instance, on its own ports', () => {
    const doc = parseXml(assemble({ env: composeFreeswitchEnv('freeswitch-2') }).xml)
    expect(extensions(doc, 'default')[0]!.actions[0]!.data).toBe('app-2:8084 async full')
    const profiles = findAll(configuration(doc, 'sofia.conf'), 'profile')
    expect(params(child(profiles[0]!, 'settings')).get('sip-port')).toBe('5062')
    expect(params(child(profiles[1]!, 'settings')).get('sip-port')).toBe('5082')
    const core = params(child(configuration(doc, 'switch.conf'), 'settings'))
    expect([core.get('rtp-start-port'), core.get('rtp-end-port')]).toEqual(['16600', '16799'])
  })
})
