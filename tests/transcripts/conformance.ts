/**
 * Drives the simulator the way the recorded app and operator drove the real FreeSWITCH
 * (the transcript's APP->FS commands, the fs_cli actions of its NOTE lines), captures what
 * the simulator answers on each connection, and compares it with what FreeSWITCH said:
 * message kinds and order, reply texts, event names, header names and their order, and
 * the values that carry results. UUIDs are compared by identity, not by value.
 */
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { defaultDirectory, startSimulator, type Simulator } from '../../src/sim/index.js'
import type { DialplanActions } from '../../src/sim/switch.js'
import { VirtualClock } from '../../src/time/virtual-clock.js'
import { eventHeaders, loadTranscript, messages, type Transcript, type WireMessage } from '../helpers/transcripts.js'
import { normaliser, shapeOf, type Shape } from './conformance-shapes.js'
import { HOSTS, makeAudioRoot, metaDialplan, RECORDED_APP, RECORDED_ROOT, recordedDialplan, type HostOptions } from './recorded-host.js'

export { differences, type Shape } from './conformance-shapes.js'

interface Action {
  /** Fire after this many FS->APP messages on `conn` ... */
  conn: string
  after: number
  /** ... plus this long (as recorded), ms. */
  delayMs: number
  /** When it happened in the recording (ms since its start). */
  at: number
  run: (ctx: RunContext) => void | Promise<void>
  /** The action opens this inbound connection (a client that connects again later). */
  connects?: string
}

interface RunContext {
  sim: Simulator
  root: string
  appAddress: string
  /** Transcript UUID -> simulator UUID (callers we placed). */
  uuids: Map<string, string>
  send(conn: string, text: string): void
  crash(conn: string): void
  connect(conn: string): Promise<void>
}

export interface ScenarioOptions extends HostOptions {
  /** Connections to drive (default: every conn with wire data). */
  conns?: string[]
  /** Extensions as in the recording host's test dialplan. */
  dialplan?: (app: string) => (destination: string, context: string) => DialplanActions | undefined
}

export interface ScenarioResult {
  recorded: Map<string, Shape[]>
  simulated: Map<string, Shape[]>
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
    dialplan: (options.dialplan ?? ((a) => metaDialplan(t.meta, a, root) ?? recordedDialplan(a, root)))(appAddress),
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
    // Through our recorder's proxy a crash is a FIN the switch answers on the half-open
    // connection (recorded); the shared recordings' app dropped its socket outright.
    crash: (conn) => (t.meta.recorder !== undefined ? sockets.get(conn)?.end() : sockets.get(conn)?.destroy()),
    connect: async (conn) => {
      const socket = net.connect(sim.address.port, sim.address.host)
      await new Promise<void>((r) => socket.once('connect', () => r()))
      attach(conn, socket)
    },
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
      actions.push({ conn, after: count, delayMs: Math.max(0, m.tMs - lastFsAt), at: m.tMs, run: (c) => c.send(conn, mapCommand(raw, c)) })
    }
  }
  for (const a of noteActions(t, byConn, conns)) actions.push(a)
  for (const action of actions) waiting.push({ action, armed: false })
  // When the simulator said fewer messages than FreeSWITCH (the difference is reported),
  // an action still runs, a while after its recorded time, so the rest can be compared.
  const LATE_MS = 5000
  for (const w of waiting) {
    clock.setTimeout(() => {
      if (w.armed) return
      w.armed = true
      void w.action.run(ctx)
    }, w.action.at + LATE_MS)
  }

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

  // Inbound sessions connect at the start, unless the recording connected one later.
  const later = new Set(actions.flatMap((a) => (a.connects ? [a.connects] : [])))
  for (const conn of inboundConns) if (!later.has(conn)) await ctx.connect(conn)
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
  const renameSimulated = (v: string): string => renameSimulatedPaths(v.split(appAddress).join(RECORDED_APP))
  for (const conn of conns) {
    recorded.set(conn, byConn.get(conn)!.filter((m) => m.dir === 'FS->APP').map((m) => shapeOf(m, renameRecorded)))
    simulated.set(conn, (received.get(conn) ?? []).map((m) => shapeOf(m, renameSimulated)))
  }
  return { recorded, simulated }
}

/** Rewrites a recorded command for the simulator: paths, and UUIDs of channels we created. */
function mapCommand(raw: string, c: RunContext): string {
  let out = raw.split(RECORDED_ROOT).join(`${c.root}/`).split(RECORDED_APP).join(c.appAddress)
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
    const cli = /fs_cli -x "(uuid_send_dtmf|uuid_kill|uuid_broadcast|uuid_record) ([^"]+)"/.exec(text)
    if (originate) {
      // The call is placed the way the recording placed it: fs_cli's bgapi originate.
      // The note is written once fs_cli returned, which can be after the call's socket
      // connected: anchor on what was said before that connection existed.
      const at = anchor(note.tMs, (conn) => isOutbound(conn) && firstAt(conn) > note.tMs - 100)
      out.push({ ...at, at: note.tMs, run: (c) => void c.sim.sw.backgroundJob(originate[2]!, mapCommand(originate[1]!, c), 'console') })
    } else if (cli) {
      out.push({ ...anchor(note.tMs), at: note.tMs, run: (c) => void c.sim.sw.api(mapCommand(`${cli[1]} ${cli[2]}`, c)) })
    } else if (/^(TCP connected to|the app connected to the FreeSWITCH event socket)/.test(text) && note.conn && !isOutbound(note.conn)) {
      // A session opened after others had talked (a client reconnecting) opens as late here.
      const conn = note.conn
      const at = anchor(note.tMs, (other) => other === conn)
      if (at.conn !== '') out.push({ ...at, at: note.tMs, connects: conn, run: (c) => c.connect(conn) })
    } else if (/app crashes: socket.destroy\(\)/.test(text) && note.conn) {
      const conn = note.conn
      out.push({ ...anchor(note.tMs, (other) => other !== conn), at: note.tMs, run: (c) => c.crash(conn) })
    }
  }
  return out
}
