/**
 * The replay peer: plays FreeSWITCH's side of a golden transcript to our code over real
 * TCP. Outbound connections (`outN`, `conn1`) are dialled to our OutboundServer as
 * FreeSWITCH's `socket` app does; inbound ones (`inbN`, `noauth`, `plain`) are listened
 * for as on FreeSWITCH's :8021.
 *
 * Per connection a walker goes through the transcript in order: a recorded command waits
 * until our code writes one that matches it (replay-match.ts), a recorded FreeSWITCH
 * message is written with the recorded read boundaries. Across connections, a message is
 * held back until every command recorded before it on the other replayed connections
 * has arrived (and every socket the app closed before it is closed): what FreeSWITCH
 * said in reaction to the app stays after what the app did. Nothing waits for recorded
 * time; a message that came "spontaneously" (DTMF after an fs_cli NOTE) goes out as soon
 * as everything before it has.
 *
 * Our commands the transcript lacks get the reply FreeSWITCH would give (`resume` ->
 * `+OK`, `api uuid_setvar[_multi] <uuid> socket_resume ...` -> `+OK`, the ControlClient's
 * `bgapi status` ping -> a status job); anything else unmatched
 * is an error. `report()` tells the test what was claimed, made up and left over.
 */
import net from 'node:net'
import { EventEmitter } from 'node:events'
import type { Transcript } from '../helpers/transcripts.js'
import { match, ourCommand, REORDERABLE, sessionVarsReply, setupReply, verbOf, type Match, type OurCommand, type Side } from './replay-match.js'
import { buildScript, deferred, type CmdItem, type ConnScript, type Deferred, type OutItem } from './replay-script.js'
import { backgroundJob, commandReply, eventField, frameAll, framingError, PLAUSIBLE_STATUS, reframe, replaceAll } from './replay-wire.js'

export interface ConnOptions {
  /** Outbound connections: the port our OutboundServer listens on. */
  port?: number
  /** Transcript commands our code does not send: dropped with their reply. */
  skip?: (line: string) => boolean
}

export interface ConnReport {
  /** Transcript commands our code sent (command lines as recorded). */
  claimed: string[]
  /** Our commands the transcript lacks, answered by the peer (our command lines). */
  extras: string[]
  /** Transcript commands our code never sent (and that were not skipped). */
  unconsumed: string[]
  /** Our commands that arrived after FreeSWITCH's side had closed. */
  late: string[]
  /** Our side closed the socket before FreeSWITCH did. */
  closedByApp: boolean
}

const isOutbound = (conn: string): boolean => conn.startsWith('out') || conn.startsWith('conn')
const turn = (): Promise<void> => new Promise((r) => setImmediate(r))

class ConnRun {
  socket: net.Socket | undefined
  pos = 0
  readonly cmds: CmdItem[]
  readonly claimed: string[] = []
  readonly extras: string[] = []
  readonly late: string[] = []
  peerEnded = false
  /** Inbound: a recorded `auth` our side sent was accepted. */
  authenticated = false
  authRefused = false
  closedByApp = false
  isClosed = false
  readonly closed: Deferred = deferred()
  writing: Promise<void> = Promise.resolve()
  processing: Promise<void> = Promise.resolve()
  inBuf: Buffer = Buffer.alloc(0)

  constructor(
    readonly script: ConnScript,
    readonly options: ConnOptions,
  ) {
    this.cmds = script.items.filter((i): i is CmdItem => i.kind === 'cmd')
    for (const c of this.cmds) {
      if (options.skip?.(c.line)) {
        c.state = 'skipped'
        if (c.reply) c.reply.state = 'dropped'
      }
    }
  }

  get conn(): string {
    return this.script.conn
  }
  get side(): Side {
    return isOutbound(this.conn) ? 'outbound' : 'inbound'
  }
}

export class Replay {
  readonly errors: string[] = []
  private readonly runs = new Map<string, ConnRun>()
  private readonly servers = new Map<string, net.Server>()
  private readonly spare: net.Socket[] = []
  private readonly replacements: Array<[string, string]> = []
  private readonly progress = new EventEmitter()
  private readonly jobTemplate: Record<string, unknown> | undefined
  private readonly statusText: string

  private constructor(
    readonly transcript: Transcript,
    conns: Record<string, ConnOptions>,
  ) {
    this.progress.setMaxListeners(0)
    for (const [conn, options] of Object.entries(conns)) this.runs.set(conn, new ConnRun(buildScript(transcript, conn), options))
    const { template, status } = recordedJobs(this.runs)
    this.jobTemplate = template
    this.statusText = status ?? PLAUSIBLE_STATUS
  }

  /** Starts replaying `conns` of the transcript (inbound ones listen on ports of their own). */
  static async start(transcript: Transcript, conns: Record<string, ConnOptions>): Promise<Replay> {
    const replay = new Replay(transcript, conns)
    for (const run of replay.runs.values()) {
      if (run.side === 'inbound') await replay.listen(run)
      else void replay.dial(run).catch((err: Error) => replay.failed(run, `cannot connect: ${err.message}`))
    }
    return replay
  }

  /** Port of the listener standing in for FreeSWITCH's :8021 for an inbound connection. */
  port(conn: string): number {
    const a = this.servers.get(conn)?.address()
    if (!a || typeof a !== 'object') throw new Error(`${conn} is not an inbound connection of this replay`)
    return a.port
  }

  /** Resolves when every replayed connection (or the ones named) has closed. */
  async finished(...conns: string[]): Promise<void> {
    const runs = conns.length > 0 ? conns.map((c) => this.run(c)) : Array.from(this.runs.values())
    await Promise.all(runs.map((r) => r.closed.promise))
  }

  report(conn: string): ConnReport {
    const run = this.run(conn)
    return {
      claimed: [...run.claimed],
      extras: [...run.extras],
      unconsumed: run.cmds.filter((c) => c.state === 'open').map((c) => c.line),
      late: [...run.late],
      closedByApp: run.closedByApp,
    }
  }

  /** Where each walker stands: for a test that timed out. */
  describe(): string {
    return Array.from(this.runs.values())
      .map((r) => {
        const next = r.script.items[r.pos]
        const what = next === undefined ? 'end of script' : next.kind === 'cmd' ? `waiting for command ${JSON.stringify(next.line)}` : `holding message (order ${next.order}) ${next.raw.subarray(0, 60).toString()}`
        return `${r.conn}: ${r.isClosed ? 'closed' : r.socket ? 'open' : 'not connected'}, ${what}`
      })
      .join('\n')
  }

  async close(): Promise<void> {
    for (const r of this.runs.values()) r.socket?.destroy()
    for (const s of this.spare) s.destroy()
    await Promise.all(Array.from(this.servers.values(), (s) => new Promise((r) => s.close(r))))
  }

  // --- connections ----------------------------------------------------------------------

  private run(conn: string): ConnRun {
    const run = this.runs.get(conn)
    if (!run) throw new Error(`${conn} is not replayed`)
    return run
  }

  private async listen(run: ConnRun): Promise<void> {
    const server = net.createServer((socket) => {
      // FreeSWITCH's session was recorded once; a reconnecting client finds one that stays silent.
      if (run.socket) {
        this.spare.push(socket)
        socket.on('error', () => {})
        return
      }
      this.attach(run, socket)
    })
    this.servers.set(run.conn, server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  }

  private async dial(run: ConnRun): Promise<void> {
    if (run.options.port === undefined) throw new Error(`${run.conn}: outbound connection needs our OutboundServer's port`)
    await this.gate(run.conn, run.script.startOrder)
    const socket = net.connect(run.options.port, '127.0.0.1')
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    })
    this.attach(run, socket)
  }

  private failed(run: ConnRun, why: string): void {
    this.errors.push(`${run.conn}: ${why}`)
    run.isClosed = true
    run.closed.resolve()
    this.changed()
  }

  private attach(run: ConnRun, socket: net.Socket): void {
    run.socket = socket
    socket.setNoDelay(true)
    socket.on('error', () => {})
    socket.on('data', (data) => {
      const { messages, rest } = frameAll(Buffer.concat([run.inBuf, data]))
      run.inBuf = rest
      for (const m of messages) {
        const cmd = ourCommand(m)
        run.processing = run.processing.then(() => this.process(run, cmd)).catch((err: Error) => void this.errors.push(`${run.conn}: ${err.message}`))
      }
    })
    socket.on('close', () => {
      run.closedByApp = !run.peerEnded
      run.isClosed = true
      run.closed.resolve()
      this.changed()
    })
    void this.walk(run).catch((err: Error) => this.failed(run, `replay failed: ${err.message}`))
  }

  // --- FreeSWITCH's side ----------------------------------------------------------------

  private async walk(run: ConnRun): Promise<void> {
    const items = run.script.items
    for (;;) {
      const pieces: Buffer[] = []
      let pending: Buffer[] = []
      let wait: Promise<unknown> | undefined
      while (run.pos < items.length) {
        const item = items[run.pos]!
        if (item.kind === 'cmd') {
          if (item.state === 'open') {
            wait = item.claimed.promise
            break
          }
          run.pos++
          continue
        }
        if (item.state !== 'waiting') {
          item.queued.resolve()
          run.pos++
          continue
        }
        if (!this.gateOpen(run.conn, item.order)) {
          wait = this.nextChange()
          break
        }
        // Recorded reads become separate writes; a read that ended mid-message continues into the next.
        for (const { bytes, endsRead } of this.render(item)) {
          pending.push(bytes)
          if (endsRead) {
            pieces.push(Buffer.concat(pending))
            pending = []
          }
        }
        item.state = 'sent'
        item.queued.resolve()
        run.pos++
      }
      if (pending.length > 0) pieces.push(Buffer.concat(pending))
      this.write(run, pieces)
      if (run.pos >= items.length || wait === undefined) break
      await Promise.race([wait, run.closed.promise])
      if (run.isClosed) break
    }
    await this.idle(run)
    if (run.script.fsCloses && !run.isClosed) {
      run.peerEnded = true
      run.socket?.end()
    }
  }

  /** A recorded message with the substitutions known so far, cut at its recorded reads. */
  private render(item: OutItem): Array<{ bytes: Buffer; endsRead: boolean }> {
    let bytes: Buffer = item.raw
    let sameLength = true
    for (const [from, to] of this.replacements) {
      const next = replaceAll(bytes, from, to)
      if (next !== bytes && from.length !== to.length) sameLength = false
      bytes = next
    }
    if (!sameLength) bytes = reframe(bytes)
    else if (bytes.length !== item.raw.length) this.errors.push(`${item.conn}: a same-length substitution changed a message's length`)
    const problem = framingError(bytes)
    if (problem) this.errors.push(`${item.conn}: rewritten message: ${problem}`)
    if (item.transform) return item.transform(bytes).map((b) => ({ bytes: b, endsRead: true }))
    const out: Array<{ bytes: Buffer; endsRead: boolean }> = []
    let at = 0
    for (const cut of item.cuts) {
      // A length-changing rewrite moves the end; recorded cuts inside stay where they fit.
      const c = cut === item.raw.length ? bytes.length : Math.min(cut, bytes.length)
      if (c <= at) continue
      out.push({ bytes: bytes.subarray(at, c), endsRead: true })
      at = c
    }
    if (at < bytes.length) out.push({ bytes: bytes.subarray(at), endsRead: false })
    return out
  }

  private write(run: ConnRun, pieces: Buffer[]): void {
    if (pieces.length === 0) return
    run.writing = run.writing.then(async () => {
      for (const p of pieces) {
        const socket = run.socket
        if (!socket || socket.destroyed || socket.writableEnded) return
        await new Promise<void>((resolve) => socket.write(p, () => resolve()))
        // Let our side read this piece before the next arrives, as the recorded reads did.
        await turn()
      }
    })
  }

  /** Waits until nothing more is queued for writing. */
  private async idle(run: ConnRun): Promise<void> {
    let w: Promise<void>
    do {
      w = run.writing
      await w
      await turn()
    } while (w !== run.writing)
  }

  // --- our side's commands --------------------------------------------------------------

  private async process(run: ConnRun, ours: OurCommand): Promise<void> {
    // After a refused `auth` FreeSWITCH only says goodbye and closes.
    if (run.peerEnded || run.authRefused) {
      run.late.push(ours.line)
      return
    }
    const found = this.claim(run, ours)
    if (found) {
      const { cmd, m, ahead } = found
      cmd.state = 'claimed'
      run.claimed.push(cmd.line)
      if (verbOf(cmd.line) === 'auth') {
        run.authenticated = cmd.reply?.raw.includes('Reply-Text: +OK accepted') ?? false
        run.authRefused = !run.authenticated
      }
      this.learn(run, cmd, m)
      cmd.claimed.resolve()
      this.changed()
      const reply = cmd.reply
      if (!reply || reply.state !== 'waiting') return
      if (ahead) {
        // A setup command the recorded app sent later: answer now, replies go in command order.
        this.write(run, this.render(reply).map((p) => p.bytes))
        reply.state = 'sent'
        reply.queued.resolve()
        return
      }
      await reply.queued.promise
      return
    }
    const made = this.madeUpReply(run, ours)
    if (made) {
      run.extras.push(ours.line)
      this.write(run, made)
      return
    }
    const next = run.cmds.find((c) => c.state === 'open')
    this.errors.push(`${run.conn}: unexpected command ${JSON.stringify(ours.line)} (transcript expects ${JSON.stringify(next?.line ?? 'nothing more')})`)
    this.write(run, [commandReply('-ERR replay peer: unexpected command')])
  }

  /**
   * The transcript command `ours` stands for: the next open one, or a later setup command
   * when only setup commands lie in between (those may come in another order).
   */
  private claim(run: ConnRun, ours: OurCommand): { cmd: CmdItem; m: Match; ahead: boolean } | undefined {
    let ahead = false
    for (const item of run.script.items.slice(run.pos)) {
      if (item.kind !== 'cmd' || item.state !== 'open') continue
      const m = match(run.side, ours, item, (c, app) => this.recordedAppUuid(run, c, app))
      if (m) return { cmd: item, m, ahead }
      if (!REORDERABLE.has(verbOf(item.line))) return undefined
      ahead = true
    }
    return undefined
  }

  /** Substitutions and reply changes a claim implies for what FreeSWITCH says next. */
  private learn(run: ConnRun, cmd: CmdItem, m: Match): void {
    for (const [from, to] of m.replacements) {
      if (/^[0-9a-f-]{36}$/.test(from) && to.length !== 36) this.errors.push(`${run.conn}: Event-UUID ${to} is not 36 characters: Content-Length would change`)
      this.replacements.push([from, to])
    }
    if (m.reply && cmd.reply) {
      const instead = m.reply
      cmd.reply.transform = () => instead
    }
    const job = m.job
    if (!job) return
    if (job.recorded) this.replacements.push([job.recorded, job.ours])
    const reply = cmd.reply
    if (job.fromApi && reply) {
      // FreeSWITCH runs a bgapi command like the api one; its output comes in a BACKGROUND_JOB.
      reply.transform = (raw) => {
        const body = frameAll(raw).messages[0]?.body.toString('utf8') ?? ''
        return [commandReply(`+OK Job-UUID: ${job.ours}`, { 'Job-UUID': job.ours }), backgroundJob(this.jobTemplate, job.ours, job.command, body)]
      }
    }
  }

  private madeUpReply(run: ConnRun, ours: OurCommand): Buffer[] | undefined {
    // Before a successful `auth` FreeSWITCH refuses every command (recorded in inbound-auth-fail).
    if (run.side === 'inbound' && !run.authenticated) return [commandReply('-ERR command not found')]
    if (run.side === 'inbound' && ours.line === 'bgapi status') {
      const job = ours.headers.get('job-uuid') ?? ''
      return [commandReply(`+OK Job-UUID: ${job}`, { 'Job-UUID': job }), backgroundJob(this.jobTemplate, job, 'status', this.statusText)]
    }
    const vars = run.side === 'outbound' ? sessionVarsReply(ours, run.script.items.some((i) => i.kind === 'out' && i.raw.includes('\nControl: single-channel\n'))) : undefined
    if (vars) return [vars]
    const text = setupReply(ours)
    return text === undefined ? undefined : [commandReply(text)]
  }

  /** The Application-UUID FreeSWITCH made up for a recorded execute sent without Event-UUID. */
  private recordedAppUuid(run: ConnRun, cmd: CmdItem, app: string): string | undefined {
    const items = run.script.items
    for (const item of items.slice(items.indexOf(cmd) + 1)) {
      if (item.kind !== 'out') continue
      const name = eventField(item.raw, 'Event-Name')
      if ((name === 'CHANNEL_EXECUTE' || name === 'CHANNEL_EXECUTE_COMPLETE') && eventField(item.raw, 'Application') === app) {
        return eventField(item.raw, 'Application-UUID')
      }
    }
    return undefined
  }

  // --- ordering across connections ------------------------------------------------------

  private gateOpen(conn: string, order: number): boolean {
    for (const other of this.runs.values()) {
      if (other.conn === conn) continue
      if (other.cmds.some((c) => c.order < order && c.state === 'open')) return false
      if (!other.script.fsCloses && other.script.closeOrder < order && !other.isClosed) return false
    }
    return true
  }

  private async gate(conn: string, order: number): Promise<void> {
    while (!this.gateOpen(conn, order)) await this.nextChange()
  }

  private nextChange(): Promise<void> {
    return new Promise((resolve) => this.progress.once('change', resolve))
  }

  private changed(): void {
    this.progress.emit('change')
  }
}

/** A recorded JSON BACKGROUND_JOB (template for made-up jobs) and a recorded status text. */
function recordedJobs(runs: Map<string, ConnRun>): { template: Record<string, unknown> | undefined; status: string | undefined } {
  let template: Record<string, unknown> | undefined
  let status: string | undefined
  for (const run of runs.values()) {
    for (const item of run.script.items) {
      if (item.kind === 'cmd') {
        if (status === undefined && /^(bg)?api status$/.test(item.line) && item.reply) {
          const body = frameAll(item.reply.raw).messages[0]?.body.toString('utf8')
          if (body) status = body
        }
        continue
      }
      if (template === undefined && eventField(item.raw, 'Event-Name') === 'BACKGROUND_JOB' && item.raw.includes('text/event-json')) {
        const body = frameAll(item.raw).messages[0]!.body
        template = JSON.parse(body.toString('utf8')) as Record<string, unknown>
      }
    }
  }
  return { template, status }
}
