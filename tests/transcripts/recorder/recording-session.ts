/**
 * Records one scenario against a real FreeSWITCH 1.11.1 (the installed bundle, a private
 * instance of our own): the switch gets the scenario's extensions, a recording proxy sits
 * in front of its event socket and one in front of the app's outbound-socket port, the
 * scenario plays the app through them, and the wire log is written as a golden transcript.
 */
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { BUNDLE, startSwitch, type TestSwitch } from '../../../src/bundle/freeswitch.js'
import { fsUrlEncode } from '../../../src/esl/url-encoding.js'
import { writeAudioFiles } from '../recorded-host.js'
import { startOnFourDigitPort, startRecordingProxy, type RecordingProxy } from './recording-proxy.js'
import { ScriptedPeer } from './scripted-peer.js'
import { WireLog, type Rewrite } from './wire-log.js'

/** What the recorded data says instead of this host's paths and ports (README). */
export const RECORDED_APP = '127.0.0.1:8084'
export const RECORDED_ROOT = '/srv/fsw/'

export type Extension = Array<[app: string, data?: string]>

export interface ScenarioContext {
  /** host:port FreeSWITCH's socket app must connect to (the proxy in front of the app). */
  app: string
  /** The audio root (same length as /srv/fsw/): melody.wav, beep.wav, moh/hold-music-8s.wav ... */
  audio(rel: string): string
  /** An inbound event-socket session through the proxy (inb1, inb2 ... in connect order). */
  inbound(): Promise<ScriptedPeer>
  /** The next outbound-socket connection FreeSWITCH makes to the app (out1, out2 ...). */
  outbound(timeoutMs?: number): Promise<ScriptedPeer>
  /** An api command through fs_cli, noted as `fs_cli -x "<command>" -> <output>`. */
  cli(command: string): Promise<string>
  note(text: string, conn?: string): void
  sleep(ms: number): Promise<void>
  /** The switch's log lines since the scenario started that match (for NOTEs and checks). */
  logLines(match: RegExp): string[]
}

export interface RecordingScenario {
  name: string
  title: string
  /** Header lines: what the scenario does, in words and commands. */
  description: string[]
  /** Extensions put into context "default" (number -> applications), given the app's address. */
  extensions(ctx: { app: string; audio: (rel: string) => string }): Record<string, Extension>
  run(ctx: ScenarioContext): Promise<void>
}

export interface RecordingResult {
  jsonl: string
  txt: string
}

export async function recordScenario(scenario: RecordingScenario, outDir: string): Promise<RecordingResult> {
  const log = new WireLog()
  const audioRoot = makeShortDir()
  writeAudioFiles(audioRoot)
  const audio = (rel: string): string => path.join(audioRoot, rel)
  // Sockets wait here until the scenario takes them (FreeSWITCH says nothing before `connect`).
  const accepted: net.Socket[] = []
  const acceptWaiters: Array<() => void> = []
  const appServer = net.createServer((socket) => {
    accepted.push(socket)
    for (const wake of acceptWaiters.splice(0)) wake()
  })
  await new Promise<void>((r) => appServer.listen(0, '127.0.0.1', () => r()))
  const outProxy = await startOnFourDigitPort({
    log,
    prefix: 'out',
    target: { host: '127.0.0.1', port: (appServer.address() as net.AddressInfo).port },
    describe: { client: 'FreeSWITCH', server: 'the app server (outbound socket)' },
  })
  const appAddress = `127.0.0.1:${outProxy.port}`
  const extensions = scenario.extensions({ app: appAddress, audio })
  const confDir = timeIndependentConf()
  let sw: TestSwitch | undefined
  let inProxy: RecordingProxy | undefined
  const peers: ScriptedPeer[] = []
  try {
    sw = await startSwitch({ name: `record-${scenario.name}`, confDir, extensions: extensionsXml(extensions) })
    const logStart = fs.readFileSync(sw.logFile, 'utf8').length
    const version = (await sw.cli('version')).trim()
    inProxy = await startRecordingProxy({
      log,
      prefix: 'inb',
      target: { host: '127.0.0.1', port: sw.ports.esl },
      describe: { client: 'the app', server: 'the FreeSWITCH event socket' },
    })
    const theSwitch = sw
    const proxyPort = inProxy.port
    let taken = 0
    const ctx: ScenarioContext = {
      app: appAddress,
      audio,
      inbound: async () => {
        const socket = net.connect({ host: '127.0.0.1', port: proxyPort })
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', () => resolve())
          socket.once('error', reject)
        })
        const peer = new ScriptedPeer(`inb${peers.filter((p) => p.conn.startsWith('inb')).length + 1}`, socket)
        peers.push(peer)
        return peer
      },
      outbound: async (timeoutMs = 20_000) => {
        const deadline = Date.now() + timeoutMs
        while (accepted.length <= taken) {
          if (Date.now() > deadline) throw new Error(`no outbound-socket connection #${taken + 1} within ${timeoutMs} ms`)
          await new Promise<void>((r) => {
            acceptWaiters.push(r)
            setTimeout(r, 100)
          })
        }
        const socket = accepted[taken++]!
        const peer = new ScriptedPeer(outProxy.connOfUpstreamPort(socket.remotePort ?? 0) ?? `out${taken}`, socket)
        peers.push(peer)
        return peer
      },
      cli: async (command) => {
        const out = (await theSwitch.cli(command)).trim()
        log.note('ctl', `fs_cli -x "${command}" -> ${out}`)
        return out
      },
      note: (text, conn = 'ctl') => log.note(conn, text),
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      logLines: (match) => fs.readFileSync(theSwitch.logFile, 'utf8').slice(logStart).split('\n').filter((l) => match.test(l)),
    }
    log.begin()
    log.note('srv', `app server listening on ${appAddress}`)
    await scenario.run(ctx)
    // Every channel ends before the recording does, so nothing is cut off.
    let left = ''
    for (let i = 0; i < 30; i++) {
      left = (await sw.cli('show channels count')).trim().split('\n').pop() ?? ''
      if (left.startsWith('0 ')) break
      await ctx.sleep(100)
    }
    log.note('ctl', `remaining channels: ${left}`)
    for (const p of peers) if (!p.closed) p.end()
    await Promise.race([Promise.all([inProxy.idle(), outProxy.idle()]), new Promise((r) => setTimeout(r, 5000))])
    log.note('ctl', 'done')
    const meta = {
      scenario: scenario.name,
      version,
      build: buildLine(),
      recorder: 'scripts/record-transcript.ts (tests/transcripts/recorder)',
      dialplan: extensions,
    }
    const header = [
      `GOLDEN WIRE TRANSCRIPT: ${scenario.title}`,
      `Scenario: ${scenario.name} -- ${scenario.description[0] ?? ''}`,
      ...scenario.description.slice(1),
      `FreeSWITCH version: ${version} -- ${buildLine()}`,
      `Recorded: ${new Date(log.startedAt).toISOString()} by scripts/record-transcript.ts (Node.js ${process.version}) through a recording TCP proxy`,
      ...Object.entries(extensions).map(([n, actions], i) => `${i === 0 ? 'Dialplan: context default:' : '                          '} ^(${n})$ -> ${actions.map(([a, d]) => (d ? `${a} ${d}` : a)).join('; ')}`),
      `Paths: the audio root ${RECORDED_ROOT} and the app address ${RECORDED_APP} were rewritten from same-length host values.`,
    ]
    // Plain events and the connect reply URL-encode values (':' -> %3A): rewrite that form too.
    const rewrites: Rewrite[] = [
      [audioRoot + '/', RECORDED_ROOT],
      [appAddress, RECORDED_APP],
    ]
    for (const [from, to] of [...rewrites]) if (fsUrlEncode(from) !== from) rewrites.push([fsUrlEncode(from), fsUrlEncode(to)])
    return log.write(outDir, scenario.name, meta, header, rewrites)
  } finally {
    for (const p of peers) p.crash()
    await sw?.stop()
    await inProxy?.close()
    await outProxy.close()
    await new Promise<void>((r) => appServer.close(() => r()))
    fs.rmSync(audioRoot, { recursive: true, force: true })
    fs.rmSync(confDir, { recursive: true, force: true })
  }
}

/** A fresh directory whose path is as long as /srv/fsw (so paths can be rewritten in place). */
function makeShortDir(): string {
  for (let i = 0; i < 100; i++) {
    const dir = `/tmp/${Math.random().toString(36).slice(2, 5).padEnd(3, 'x')}`
    try {
      fs.mkdirSync(dir)
      return dir
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
  }
  throw new Error('no free short directory under /tmp')
}

/**
 * The bundle's configuration without the stock dialplan's date examples: on weekdays
 * 9-18 h (and on US holidays) they add a `set` before every extension, so a recording
 * would depend on when it was made.
 */
function timeIndependentConf(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'record-conf-'))
  fs.cpSync(path.join(BUNDLE, 'etc', 'freeswitch'), dir, { recursive: true, filter: (src) => path.basename(src) !== 'tls' })
  const file = path.join(dir, 'dialplan', 'default.xml')
  const before = fs.readFileSync(file, 'utf8')
  const after = before.replace(/<extension name="(tod_example|holiday_example)"[\s\S]*?<\/extension>/g, '')
  if (after === before) throw new Error('recorder: the stock date examples were not found in dialplan/default.xml')
  fs.writeFileSync(file, after)
  return dir
}

function extensionsXml(extensions: Record<string, Extension>): string {
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  return Object.entries(extensions)
    .map(([number, actions]) => {
      const body = actions.map(([app, data]) => `      <action application="${app}"${data === undefined ? '' : ` data="${esc(data)}"`}/>`).join('\n')
      return `  <extension name="recorded_${number}">\n    <condition field="destination_number" expression="^(${number})$">\n${body}\n    </condition>\n  </extension>`
    })
    .join('\n')
}

function buildLine(): string {
  const notice = fs.readFileSync(path.join(BUNDLE, 'NOTICE.txt'), 'utf8')
  const commit = /tag v1\.11\.1 = commit ([0-9a-f]{40})/.exec(notice)?.[1] ?? 'unknown'
  return `the bundle ${BUNDLE} built from signalwire/freeswitch tag v1.11.1 (commit ${commit}), loopback-only test config`
}
