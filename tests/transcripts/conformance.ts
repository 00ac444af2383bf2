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
import { defaultDirectory, startSimulator, type Simulator } from '../../src/sim/index.js'
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

export function shapeOf(m: WireMessage, rename: (s: string) => string): Shape {
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
  return {
    kind: `${header(m, 'Content-Type')} ${values['Event-Name'] ?? ''}`,
    names: nonVariables.map(([k]) => k).join(' '),
    values,
    variables: variables.sort(),
  }
}

/** Gives UUIDs and host-specific paths stable names (u1, u2 ... by first appearance). */
export function renamer(root?: string): (s: string) => string {
  const seen = new Map<string, string>()
  return (s) => {
    let out = root ? s.split(root).join(RECORDED_ROOT) : s
    out = out.replace(UUID, (u) => {
      let n = seen.get(u)
      if (!n) seen.set(u, (n = `u${seen.size + 1}`))
      return n
    })
    return out
  }
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
  /** Transcript UUID -> simulator UUID (callers we placed). */
  uuids: Map<string, string>
  send(conn: string, text: string): void
  crash(conn: string): void
}

export interface ScenarioOptions {
  /** Connections to drive (default: every conn with wire data). */
  conns?: string[]
  /** Extensions as in the recording host's test dialplan. */
  dialplan?: (app: string) => (destination: string) => DialplanActions | undefined
}

export interface ScenarioResult {
  recorded: Map<string, Shape[]>
  simulated: Map<string, Shape[]>
}

/** The recording host's dialplan (README): 5000 socket, 5001 answer+park, 5002 machine, 5003 ringing, 5004 socket+melody. */
export function recordedDialplan(app: string, root: string): (destination: string) => DialplanActions | undefined {
  return (destination) => {
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
        return undefined
    }
  }
}

export async function runScenario(name: string, options: ScenarioOptions = {}): Promise<ScenarioResult> {
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
    media: { localStreams: { moh: path.join(root, 'audio/moh/hold-music-8s.wav') } },
    dialplan: (options.dialplan ?? ((a) => recordedDialplan(a, root)))(appAddress),
    hostname: 'vm',
    // The recording host had no SIP phones registered.
    directory: defaultDirectory(new Set()),
  })
  const ctx: RunContext = {
    sim,
    root,
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
    let lastFsAt = 0
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
  const horizon = Math.max(...t.chunks.map((c) => c.tMs), ...t.notes.map((n) => n.tMs)) + 15_000
  const startedAt = clock.now()
  await clock.runWhile(() => clock.now() - startedAt < horizon, horizon)
  for (const s of sockets.values()) s.destroy()
  await sim.close()
  await new Promise<void>((r) => server.close(() => r()))
  fs.rmSync(root, { recursive: true, force: true })

  const recorded = new Map<string, Shape[]>()
  const simulated = new Map<string, Shape[]>()
  const renameRecorded = renamer()
  const renameSimulatedPaths = renamer(root + '/')
  const renameSimulated = (v: string): string => renameSimulatedPaths(v.split(appAddress).join('127.0.0.1:8084'))
  for (const conn of conns) {
    recorded.set(conn, byConn.get(conn)!.filter((m) => m.dir === 'FS->APP').map((m) => shapeOf(m, renameRecorded)))
    simulated.set(conn, (received.get(conn) ?? []).map((m) => shapeOf(m, renameSimulated)))
  }
  return { recorded, simulated }
}

/** Rewrites a recorded command for the simulator: paths, and UUIDs of channels we created. */
function mapCommand(raw: string, c: RunContext): string {
  let out = raw.split(RECORDED_ROOT).join(`${c.root}/`)
  for (const [from, to] of c.uuids) out = out.split(from).join(to)
  return out
}

/** The fs_cli actions of the NOTE lines, as simulator calls. */
function noteActions(t: Transcript, byConn: Map<string, WireMessage[]>, conns: string[]): Action[] {
  const out: Action[] = []
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
    const originate = /fs_cli -x "bgapi originate \{([^}]*)\}loopback\/(\d+)\/default &park"/.exec(text)
    const cli = /fs_cli -x "(uuid_send_dtmf|uuid_kill|uuid_broadcast) ([^"]+)"/.exec(text)
    if (originate) {
      const vars = new Map(originate[1]!.split(',').map((kv) => kv.split('=') as [string, string]))
      const uuid = vars.get('origination_uuid')
      // The note is written once fs_cli returned, which can be after the call's socket
      // connected: anchor on what was said before that connection existed.
      const at = anchor(note.tMs, (conn) => firstAt(conn) > note.tMs - 100)
      out.push({
        ...at,
        run: (c) => {
          const placed = c.sim.sw.placeCall({
            from: vars.get('origination_caller_id_number') ?? '1001',
            fromName: vars.get('origination_caller_id_name'),
            to: originate[2]!,
            uuid,
          })
          if (uuid) c.uuids.set(uuid, placed.caller.uuid)
        },
      })
    } else if (cli) {
      out.push({ ...anchor(note.tMs), run: (c) => void c.sim.sw.api(mapCommand(`${cli[1]} ${cli[2]}`, c)) })
    } else if (/app crashes: socket.destroy\(\)/.test(text) && note.conn) {
      const conn = note.conn
      out.push({ ...anchor(note.tMs), conn, run: (c) => c.crash(conn) })
    }
  }
  return out
}
