/**
 * Drives the simulator the way the recorded app and operator drove the real FreeSWITCH
 * (the transcript's APP->FS commands, the fs_cli actions of its NOTE lines), captures what
 * the simulator answers on each connection, and compares it with what FreeSWITCH said:
 * message kinds and order, reply texts, event names, header names and their order, and
 * the values that carry results. UUIDs are compared by identity, not by value.
 */
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import wav from 'node-wav'
import { defaultDirectory, startSimulator, type Simulator, type SipCallOptions } from '../../src/sim/index.js'
import type { DialplanActions } from '../../src/sim/switch.js'
import { VirtualClock } from '../../src/time/virtual-clock.js'
import { eventHeaders, header, loadTranscript, messages, type Transcript, type WireMessage } from '../helpers/transcripts.js'

const RECORDED_ROOT = '/srv/fsw/'
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g

/** The recording host's audio files, rebuilt with the same lengths (8 kHz 16-bit mono). */
export function makeAudioRoot(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fsw-'))
  const write = (rel: string, ms: number, freq: number, toneMs = ms): void => {
    const n = (ms * 8000) / 1000
    const s = new Float32Array(n)
    for (let i = 0; i < (toneMs * 8000) / 1000; i++) s[i] = 0.3 * Math.sin((2 * Math.PI * freq * i) / 8000)
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true })
    fs.writeFileSync(path.join(root, rel), wav.encode([s], { sampleRate: 8000, float: false, bitDepth: 16 }))
  }
  write('audio/melody.wav', 2000, 523)
  write('audio/beep.wav', 1000, 1000)
  write('audio/moh/hold-music-8s.wav', 8000, 440)
  write('audio/tone1s-silence5s.wav', 6000, 350, 1000)
  fs.mkdirSync(path.join(root, 'recordings'), { recursive: true })
  return root
}

/** A message reduced to what must match: kind, key headers, header-name order, result values. */
export interface Shape {
  kind: string
  names?: string
  values: Record<string, string>
  variables?: string[]
  /** The channel an event is about: its name and (renamed) Unique-ID. */
  channel?: { name: string; uuid: string }
}

const KEY_HEADERS = [
  'Content-Type',
  'Reply-Text',
  'Socket-Mode',
  'Control',
  'Content-Disposition',
  'Linger-Time',
  'Event-Name',
  'Event-Subclass',
  'Event-Calling-File',
  'Event-Calling-Function',
  'Channel-State',
  'Channel-Call-State',
  'Channel-State-Number',
  'Call-Direction',
  'Answer-State',
  'Hangup-Cause',
  'Application',
  'Application-Data',
  'Application-Response',
  'Playback-Status',
  'Playback-File-Type',
  'DTMF-Digit',
  'DTMF-Source',
  'Record-Completion-Cause',
  'Job-Command',
  'Other-Type',
]

/** Variables that carry results, compared by value. */
const KEY_VARIABLES = [
  'read_result',
  'ivr_digit',
  'originate_disposition',
  'DIALSTATUS',
  'originate_failed_cause',
  'bridge_hangup_cause',
  'playback_terminator_used',
  'silence_hits_exhausted',
  'hangup_cause',
  'current_application',
  'endpoint_disposition',
  'campaign_id',
  'contact_id',
]

export function shapeOf(m: WireMessage, normalise: (s: string) => string): Shape {
  const rename = normalise
  const values: Record<string, string> = {}
  const ev = eventHeaders(m)
  const all = ev ?? m.headers
  for (const [k, v] of all) if (KEY_HEADERS.includes(k) && values[k] === undefined) values[k] = rename(v)
  for (const [k, v] of m.headers) if (KEY_HEADERS.includes(k) && values[k] === undefined) values[k] = rename(v)
  if (!ev) {
    const body = m.body.toString('utf8')
    if (body) values.body = rename(body.startsWith('UP ') || body.startsWith('{"row_count"') ? body.slice(0, 2) : body)
    return { kind: header(m, 'Content-Type') ?? '?', values }
  }
  const nonVariables = ev.filter(([k]) => !k.startsWith('variable_'))
  const variables = ev.filter(([k]) => k.startsWith('variable_')).map(([k]) => k.slice(9))
  for (const [k, v] of ev) {
    if (k.startsWith('variable_') && KEY_VARIABLES.includes(k.slice(9))) values[k] = rename(v)
  }
  const uuid = ev.find(([k]) => k === 'Unique-ID')?.[1]
  const name = ev.find(([k]) => k === 'Channel-Name')?.[1]
  return {
    kind: `${header(m, 'Content-Type')} ${values['Event-Name'] ?? ''}`,
    names: nonVariables.map(([k]) => k).join(' '),
    values,
    variables: variables.sort(),
    channel: uuid !== undefined && name !== undefined ? { name, uuid: rename(uuid) } : undefined,
  }
}

/**
 * Differences between what FreeSWITCH said and what the simulator said on one connection.
 * `exact`: the whole sequence must match. `per-channel` (inbound sessions that see every
 * channel): messages that are not about a channel must match in order, and so must each
 * channel's own events; how two channels' events interleave is thread timing, not protocol.
 */
export function differences(recorded: Shape[], simulated: Shape[], mode: 'exact' | 'per-channel'): string[] {
  if (mode === 'exact') return compareSequence(renamed(recorded), renamed(simulated), '')
  const groups = (shapes: Shape[]): Map<string, Shape[]> => {
    const ordinal = new Map<string, string>()
    const perName = new Map<string, number>()
    const out = new Map<string, Shape[]>()
    for (const sh of shapes) {
      // Background jobs finish when their work does: ordered among themselves, not against replies.
      let key = sh.values['Event-Name'] === 'BACKGROUND_JOB' ? 'jobs' : 'switch'
      if (sh.channel) {
        const id = `${sh.channel.name}|${sh.channel.uuid}`
        if (!ordinal.has(id)) {
          const n = (perName.get(sh.channel.name) ?? 0) + 1
          perName.set(sh.channel.name, n)
          ordinal.set(id, `${sh.channel.name}#${n}`)
        }
        key = ordinal.get(id)!
      }
      if (!out.has(key)) out.set(key, [])
      out.get(key)!.push(sh)
    }
    return out
  }
  const r = groups(recorded)
  const s = groups(simulated)
  const diffs: string[] = []
  for (const key of new Set([...r.keys(), ...s.keys()])) diffs.push(...compareSequence(renamed(r.get(key) ?? []), renamed(s.get(key) ?? []), `${key}: `))
  return diffs
}

/** Gives the UUIDs of a sequence stable names by first appearance (u1, u2 ...). */
function renamed(shapes: Shape[]): Shape[] {
  const seen = new Map<string, string>()
  const r = (v: string): string =>
    v.replace(UUID, (u) => {
      let n = seen.get(u)
      if (!n) seen.set(u, (n = `u${seen.size + 1}`))
      return n
    })
  return shapes.map((sh) => ({
    ...sh,
    values: Object.fromEntries(Object.entries(sh.values).map(([k, v]) => [k, r(v)])),
  }))
}

function compareSequence(recorded: Shape[], simulated: Shape[], prefix: string): string[] {
  const diffs: string[] = []
  const n = Math.max(recorded.length, simulated.length)
  for (let i = 0; i < n; i++) {
    const a = recorded[i]
    const b = simulated[i]
    const where = `${prefix}#${i} ${a?.kind ?? '-'}`
    if (!a || !b || a.kind !== b.kind) {
      diffs.push(`${where}: recorded ${a?.kind ?? 'nothing'}, simulated ${b?.kind ?? 'nothing'}`)
      // Once the sequences part, the rest says nothing more.
      break
    }
    for (const k of new Set([...Object.keys(a.values), ...Object.keys(b.values)])) {
      if (a.values[k] !== b.values[k]) diffs.push(`${where}: ${k} recorded ${JSON.stringify(a.values[k])}, simulated ${JSON.stringify(b.values[k])}`)
    }
    if (a.names !== b.names) {
      const na = (a.names ?? '').split(' ')
      const nb = (b.names ?? '').split(' ')
      const onlyA = na.filter((x) => !nb.includes(x))
      const onlyB = nb.filter((x) => !na.includes(x))
      diffs.push(`${where}: headers differ (only recorded: ${onlyA.join(' ') || '-'}; only simulated: ${onlyB.join(' ') || '-'}${onlyA.length + onlyB.length === 0 ? '; order' : ''})`)
    }
    const va = new Set(a.variables ?? [])
    const vb = new Set(b.variables ?? [])
    const onlyA = [...va].filter((x) => !vb.has(x))
    const onlyB = [...vb].filter((x) => !va.has(x))
    if (onlyA.length + onlyB.length > 0) diffs.push(`${where}: variables differ (only recorded: ${onlyA.join(' ') || '-'}; only simulated: ${onlyB.join(' ') || '-'})`)
  }
  return diffs
}

/** Puts host-specific paths back to the recording host's. */
export function normaliser(root?: string): (s: string) => string {
  return (s) => (root ? s.split(root).join(RECORDED_ROOT) : s)
}

interface Action {
  /** Fire after this many FS->APP messages on `conn` ... */
  conn: string
  after: number
  /** ... plus this long (as recorded), ms. */
  delayMs: number
  run: (ctx: RunContext) => void | Promise<void>
}

interface RunContext {
  sim: Simulator
  root: string
  appAddress: string
  /** Transcript UUID -> simulator UUID (callers we placed). */
  uuids: Map<string, string>
  send(conn: string, text: string): void
  crash(conn: string): void
}

export interface ScenarioOptions {
  /** Connections to drive (default: every conn with wire data). */
  conns?: string[]
  /** Extensions as in the recording host's test dialplan. */
  dialplan?: (app: string) => (destination: string, context: string) => DialplanActions | undefined
  /** Hold music exists on the host (it did not yet in some recordings). */
  moh?: boolean
  /** A SIP call placed at the start (the sipp recording has no fs_cli originate). */
  sipCall?: SipCallOptions
}

export interface ScenarioResult {
  recorded: Map<string, Shape[]>
  simulated: Map<string, Shape[]>
}

/** The recording host's dialplan (README): 5000 socket, 5001 answer+park, 5002 machine, 5003 ringing, 5004 socket+melody. */
export function recordedDialplan(app: string, root: string): (destination: string, context: string) => DialplanActions | undefined {
  return (destination, context) => {
    if (context !== 'default') return undefined
    switch (destination) {
      case '5000':
        return [['socket', `${app} async full`]]
      case '5001':
        return [
          ['answer', ''],
          ['park', ''],
        ]
      case '5002':
        return [
          ['answer', ''],
          ['speak', 'flite|kal|Hello, please leave a message'],
          ['playback', path.join(root, 'audio/beep.wav')],
          ['park', ''],
        ]
      case '5003':
        return [
          ['ring_ready', ''],
          ['sleep', '10000'],
        ]
      case '5004':
        return [
          ['socket', `${app} async full`],
          ['playback', path.join(root, 'audio/melody.wav')],
          ['hangup', ''],
        ]
      default:
        // The host's catch-all: early media, ringing, hold music, then the dialplan ends.
        return [
          ['acknowledge_call', ''],
          ['ring_ready', ''],
          ['playback', 'local_stream://moh'],
        ]
    }
  }
}

/** What the recording host had at the time of each recording. */
const HOSTS: Record<string, ScenarioOptions> = {
  // Hold music was not installed yet: local_stream://moh answered FILE NOT FOUND.
  'inbound-originate-bridge': { moh: false },
  // sipp -s 5000 ... plays an RFC 2833 digit 1 s after its ACK.
  'outbound-sipp-rfc2833-dtmf': {
    sipCall: {
      from: 'sipp',
      to: '5000',
      profile: 'internal',
      subject: 'ESL test with RFC2833 DTMF',
      script: { steps: [{ app: 'answer' }, { wait: 1150 }, { dtmf: '1' }] },
    },
  },
}

export async function runScenario(name: string, given: ScenarioOptions = {}): Promise<ScenarioResult> {
  const options = { ...HOSTS[name], ...given }
  const t = loadTranscript(name)
  const root = makeAudioRoot()
  const clock = new VirtualClock({ start: Date.parse('2026-11-22T11:06:06Z'), quietMs: 4 })
  const byConn = new Map<string, WireMessage[]>()
  const conns = options.conns ?? Array.from(new Set(t.chunks.map((c) => c.conn)))
  for (const c of conns) byConn.set(c, messages(t, c))
  const outboundConns = conns.filter((c) => c.startsWith('out') || c.startsWith('conn'))
  const inboundConns = conns.filter((c) => !outboundConns.includes(c))

  // Our stand-in for the recorded app: accepts outbound sockets in the recorded order.
  const received = new Map<string, WireMessage[]>()
  const sockets = new Map<string, net.Socket>()
  const counters = new Map<string, number>()
  const waiting: Array<{ action: Action; armed: boolean }> = []
  const actions: Action[] = []
  const pendingOutbound = [...outboundConns]
  const server = net.createServer((socket) => {
    const conn = pendingOutbound.shift()
    if (!conn) return void socket.destroy()
    attach(conn, socket)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const appAddress = `127.0.0.1:${(server.address() as net.AddressInfo).port}`
  const sim = await startSimulator({
    clock,
    appAddress,
    media: { localStreams: options.moh === false ? {} : { moh: path.join(root, 'audio/moh/hold-music-8s.wav') } },
    dialplan: (options.dialplan ?? ((a) => recordedDialplan(a, root)))(appAddress),
    hostname: 'vm',
    // The recording host had no SIP phones registered.
    directory: defaultDirectory(new Set()),
  })
  const ctx: RunContext = {
    sim,
    root,
    appAddress,
    uuids: new Map(),
    send: (conn, text) => {
      clock.poke()
      sockets.get(conn)?.write(text)
    },
    crash: (conn) => sockets.get(conn)?.destroy(),
  }

  function attach(conn: string, socket: net.Socket): void {
    sockets.set(conn, socket)
    counters.set(conn, 0)
    received.set(conn, [])
    let buf = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => {
      clock.poke()
      buf = Buffer.concat([buf, chunk])
      for (;;) {
        const end = buf.indexOf('\n\n')
        if (end < 0) break
        const head = buf.subarray(0, end).toString('utf8')
        const headers: Array<[string, string]> = head.split('\n').flatMap((l): Array<[string, string]> => {
          const i = l.indexOf(': ')
          return i > 0 ? [[l.slice(0, i), l.slice(i + 2)]] : []
        })
        const len = Number(headers.find(([k]) => k === 'Content-Length')?.[1] ?? 0)
        if (buf.length < end + 2 + len) break
        const m: WireMessage = { conn, dir: 'FS->APP', tMs: clock.now(), headers, command: '', body: buf.subarray(end + 2, end + 2 + len), raw: buf.subarray(0, end + 2 + len), chunkIndex: 0 }
        buf = buf.subarray(end + 2 + len)
        received.get(conn)!.push(m)
        counters.set(conn, (counters.get(conn) ?? 0) + 1)
        learnUuids(conn, m)
      }
      arm()
    })
    socket.on('error', () => undefined)
    arm()
  }

  // Schedule: each APP->FS command after the FS->APP messages that preceded it, plus the
  // recorded pause; each NOTE action likewise on its connection.
  for (const conn of conns) {
    let count = 0
    // Pauses count from the connection's start, then from the last thing FreeSWITCH said.
    let lastFsAt = byConn.get(conn)![0]?.tMs ?? 0
    for (const m of byConn.get(conn)!) {
      if (m.dir === 'FS->APP') {
        count++
        lastFsAt = m.tMs
        continue
      }
      const raw = m.raw.toString('utf8')
      actions.push({ conn, after: count, delayMs: Math.max(0, m.tMs - lastFsAt), run: (c) => c.send(conn, mapCommand(raw, c)) })
    }
  }
  for (const a of noteActions(t, byConn, conns)) actions.push(a)
  for (const action of actions) waiting.push({ action, armed: false })

  // The recorded commands name channels by the recording's UUIDs: learn which simulated
  // channel each one is from messages that line up (outbound sockets keep a strict order;
  // a BACKGROUND_JOB names its Job-UUID, which we sent as recorded).
  const recordedFs = new Map<string, WireMessage[]>()
  for (const conn of conns) recordedFs.set(conn, byConn.get(conn)!.filter((m) => m.dir === 'FS->APP'))
  function learnUuids(conn: string, m: WireMessage): void {
    const ev = eventHeaders(m)
    const isOutbound = outboundConns.includes(conn)
    if (isOutbound) {
      const rec = recordedFs.get(conn)![(counters.get(conn) ?? 1) - 1]
      const recEv = rec ? eventHeaders(rec) : undefined
      if (!ev || !recEv) return
      for (const h of ['Unique-ID', 'Other-Leg-Unique-ID', 'Bridge-B-Unique-ID']) {
        const a = recEv.find(([k]) => k === h)?.[1]
        const b = ev.find(([k]) => k === h)?.[1]
        if (a && b && !ctx.uuids.has(a)) ctx.uuids.set(a, b)
      }
      return
    }
    if (ev?.find(([k]) => k === 'Event-Name')?.[1] !== 'BACKGROUND_JOB') return
    const job = ev.find(([k]) => k === 'Job-UUID')?.[1]
    const body = ev.find(([k]) => k === '_body')?.[1] ?? m.body.toString('utf8').split('\n\n').slice(1).join('\n\n')
    const rec = recordedFs.get(conn)!.find((r) => eventHeaders(r)?.some(([k, v]) => k === 'Job-UUID' && v === job))
    const recBody = rec ? (eventHeaders(rec)?.find(([k]) => k === '_body')?.[1] ?? rec.body.toString('utf8').split('\n\n').slice(1).join('\n\n')) : undefined
    const sim = /^\+OK ([0-9a-f-]{36})/.exec(body ?? '')
    const recorded = /^\+OK ([0-9a-f-]{36})/.exec(recBody ?? '')
    if (sim && recorded && !ctx.uuids.has(recorded[1]!)) ctx.uuids.set(recorded[1]!, sim[1]!)
  }

  function arm(): void {
    for (const w of waiting) {
      if (w.armed) continue
      const { conn, after } = w.action
      if (conn !== '' && (!counters.has(conn) || (counters.get(conn) ?? 0) < after)) continue
      w.armed = true
      clock.setTimeout(() => void w.action.run(ctx), w.action.delayMs)
    }
  }

  for (const conn of inboundConns) {
    const socket = net.connect(sim.address.port, sim.address.host)
    await new Promise<void>((r) => socket.once('connect', () => r()))
    attach(conn, socket)
  }
  arm()
  if (options.sipCall) sim.sw.placeSipCall(options.sipCall)
  const horizon = Math.max(...t.chunks.map((c) => c.tMs), ...t.notes.map((n) => n.tMs)) + 15_000
  const startedAt = clock.now()
  await clock.runWhile(() => clock.now() - startedAt < horizon, horizon)
  for (const s of sockets.values()) s.destroy()
  await sim.close()
  await new Promise<void>((r) => server.close(() => r()))
  fs.rmSync(root, { recursive: true, force: true })

  const recorded = new Map<string, Shape[]>()
  const simulated = new Map<string, Shape[]>()
  const renameRecorded = normaliser()
  const renameSimulatedPaths = normaliser(root + '/')
  const renameSimulated = (v: string): string => renameSimulatedPaths(v.split(appAddress).join('127.0.0.1:8084'))
  for (const conn of conns) {
    recorded.set(conn, byConn.get(conn)!.filter((m) => m.dir === 'FS->APP').map((m) => shapeOf(m, renameRecorded)))
    simulated.set(conn, (received.get(conn) ?? []).map((m) => shapeOf(m, renameSimulated)))
  }
  return { recorded, simulated }
}

/** Rewrites a recorded command for the simulator: paths, and UUIDs of channels we created. */
function mapCommand(raw: string, c: RunContext): string {
  let out = raw.split(RECORDED_ROOT).join(`${c.root}/`).split('127.0.0.1:8084').join(c.appAddress)
  for (const [from, to] of c.uuids) out = out.split(from).join(to)
  return out
}

/** The fs_cli actions of the NOTE lines, as simulator calls. */
function noteActions(t: Transcript, byConn: Map<string, WireMessage[]>, conns: string[]): Action[] {
  const out: Action[] = []
  const isOutbound = (conn: string): boolean => conn.startsWith('out') || conn.startsWith('conn')
  const firstAt = (conn: string): number => byConn.get(conn)!.find((m) => m.dir === 'FS->APP')?.tMs ?? Infinity
  const anchor = (tMs: number, exclude: (conn: string) => boolean = () => false): { conn: string; after: number; delayMs: number } => {
    // Anchor on the connection whose last FS->APP message before the note is latest.
    let best = { conn: conns[0]!, after: 0, delayMs: 0, at: -1 }
    for (const conn of conns) {
      if (exclude(conn)) continue
      let count = 0
      let at = -1
      for (const m of byConn.get(conn)!) {
        if (m.dir !== 'FS->APP' || m.tMs > tMs) continue
        count++
        at = m.tMs
      }
      if (at > best.at) best = { conn, after: count, delayMs: tMs - at, at }
    }
    // Nothing was said yet: the action starts the scenario.
    return best.at < 0 ? { conn: '', after: 0, delayMs: 0 } : best
  }
  for (const note of t.notes) {
    const text = note.text
    const originate = /fs_cli -x "bgapi (originate [^"]+)" -> \+OK Job-UUID: ([0-9a-f-]{36})/.exec(text)
    const cli = /fs_cli -x "(uuid_send_dtmf|uuid_kill|uuid_broadcast) ([^"]+)"/.exec(text)
    if (originate) {
      // The call is placed the way the recording placed it: fs_cli's bgapi originate.
      // The note is written once fs_cli returned, which can be after the call's socket
      // connected: anchor on what was said before that connection existed.
      const at = anchor(note.tMs, (conn) => isOutbound(conn) && firstAt(conn) > note.tMs - 100)
      out.push({ ...at, run: (c) => void c.sim.sw.backgroundJob(originate[2]!, mapCommand(originate[1]!, c), 'console') })
    } else if (cli) {
      out.push({ ...anchor(note.tMs), run: (c) => void c.sim.sw.api(mapCommand(`${cli[1]} ${cli[2]}`, c)) })
    } else if (/app crashes: socket.destroy\(\)/.test(text) && note.conn) {
      const conn = note.conn
      out.push({ ...anchor(note.tMs, (other) => other !== conn), run: (c) => c.crash(conn) })
    }
  }
  return out
}
