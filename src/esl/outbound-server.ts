/**
 * Our end of FreeSWITCH's outbound event socket: the dialplan's
 * `socket <app>:8084 async full` connects here once per call. Per connection we send
 * `connect` (the reply is the channel dump), `myevents`, `linger` and, by default, set the
 * channel variable `socket_resume=true` (if this process dies, the dialplan goes on to its
 * fallback instead of leaving the caller in silence), then hand a Call to the domain handler.
 * Not the `resume` command: it cannot be taken back, and a conversation (a bridge) must
 * survive us; Call.bridge switches the variable off for its time (mod_event_socket.c reads
 * `LFLAG_RESUME || socket_resume`).
 */
import net from 'node:net'
import type { Logger } from 'pino'
import type { Clock } from '../time/clock.js'
import { Call } from './call.js'
import { SocketSession } from './socket-session.js'

export type CallHandler = (call: Call) => Promise<void>

export interface OutboundServerOptions {
  host: string
  port: number
  log: Logger
  clock: Clock
  handler: CallHandler
  /** Let FreeSWITCH continue the dialplan when our socket goes (default true), except during conversations. */
  resume?: boolean
  /** Event encoding asked of FreeSWITCH (default plain: cheapest to read). */
  eventFormat?: 'plain' | 'json'
  /** How long to wait for FreeSWITCH to close a finished session before we close it, ms. */
  closeTimeoutMs?: number
}

export interface OutboundServerStats {
  accepted: number
  active: number
  handshakeFailures: number
  handlerErrors: number
}

export class OutboundServer {
  private readonly server: net.Server
  private readonly sessions = new Set<SocketSession>()
  /** Every connection being served, until its call handler and cleanup are done. */
  private readonly serving = new Set<Promise<void>>()
  private readonly calls = new Set<Call>()
  private accepting = true
  readonly stats: OutboundServerStats = { accepted: 0, active: 0, handshakeFailures: 0, handlerErrors: 0 }

  private constructor(private readonly options: OutboundServerOptions) {
    this.server = net.createServer((socket) => {
      const p = this.serve(socket).finally(() => this.serving.delete(p))
      this.serving.add(p)
    })
    this.server.maxConnections = 20_000
  }

  static async listen(options: OutboundServerOptions): Promise<OutboundServer> {
    const s = new OutboundServer(options)
    await new Promise<void>((resolve, reject) => {
      s.server.once('error', reject)
      s.server.listen(options.port, options.host, () => {
        s.server.off('error', reject)
        resolve()
      })
    })
    options.log.info({ host: options.host, port: s.port }, 'outbound event-socket server listening')
    return s
  }

  get port(): number {
    const a = this.server.address()
    return typeof a === 'object' && a ? a.port : this.options.port
  }

  /** Event-socket sessions still open (each holds a TCP socket). */
  get openSessions(): number {
    return this.sessions.size
  }

  /** Calls currently in our hands. */
  get activeCalls(): ReadonlySet<Call> {
    return this.calls
  }

  /** Stops taking new calls; calls in progress carry on. */
  stopAccepting(): void {
    this.accepting = false
    this.server.close()
  }

  /**
   * Waits up to `graceMs` for calls in progress to end or to become conversations (which go on
   * without us), then closes every socket.
   */
  async close(graceMs = 0): Promise<void> {
    this.stopAccepting()
    if (graceMs > 0 && this.calls.size > 0) {
      const settled = (c: Call): Promise<unknown> =>
        c.inConversation ? Promise.resolve() : Promise.race([c.finished, new Promise((r) => c.once('bridge', r))])
      await Promise.race([Promise.all(Array.from(this.calls, settled)), this.options.clock.sleep(graceMs)])
    }
    for (const s of this.sessions) s.destroy()
    await Promise.all(Array.from(this.sessions, (s) => s.done))
  }

  /**
   * Resolves when every call handler has returned (after close(): their calls are gone, but
   * they still write their books), or after `capMs` of real time, whichever comes first.
   */
  async handlersDone(capMs = 5000): Promise<void> {
    let cap: NodeJS.Timeout | undefined
    await Promise.race([Promise.all(this.serving), new Promise<void>((r) => (cap = setTimeout(r, capMs)))])
    clearTimeout(cap)
  }

  private async serve(socket: net.Socket): Promise<void> {
    const { log, clock } = this.options
    if (!this.accepting) {
      // FreeSWITCH then continues the dialplan (its fallback) for this caller.
      socket.destroy()
      return
    }
    this.stats.accepted++
    const session = new SocketSession(socket, log, clock.tap(socket))
    this.sessions.add(session)
    void session.done.then(() => this.sessions.delete(session))
    const channel = await session.send('connect\n\n')
    if (!channel?.ok || channel.headers.get('Unique-ID') === undefined) {
      this.stats.handshakeFailures++
      log.warn({ reply: channel?.text }, 'outbound socket: connect got no channel data')
      session.close()
      return
    }
    const uuid = channel.headers.get('Unique-ID')!
    if (channel.headers.get('Socket-Mode') === 'static') {
      log.warn({ call: uuid }, "socket in static mode: quote the originate app ('&socket(host:port async full)') or add 'async full' in the dialplan")
    }
    session.eventFormat = this.options.eventFormat ?? 'plain'
    const myevents = session.eventFormat === 'json' ? 'myevents json\n\n' : 'myevents\n\n'
    const setup = [session.send(myevents), session.send('linger\n\n')]
    if (this.options.resume !== false) setup.push(session.send(`api uuid_setvar ${uuid} socket_resume true\n\n`))
    const replies = await Promise.all(setup)
    for (const r of replies) if (r && !r.ok) log.debug({ call: uuid, reply: r.text }, 'socket setup command refused')
    const call = new Call(session, channel.headers, log, () => clock.now(), { resumeOnLoss: this.options.resume !== false })
    this.calls.add(call)
    this.stats.active++
    try {
      await this.options.handler(call)
    } catch (err) {
      this.stats.handlerErrors++
      call.log.error({ err }, 'call handler failed; hanging up')
    }
    try {
      await call.release()
    } catch (err) {
      call.log.warn({ err }, 'release failed')
    }
    // FreeSWITCH closes after our `exit`; do not let a silent peer keep the session open.
    const timer = clock.setTimeout(() => session.close(), this.options.closeTimeoutMs ?? 10_000)
    await call.finished
    clock.clearTimeout(timer)
    this.calls.delete(call)
    this.stats.active--
  }
}
