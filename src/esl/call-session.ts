/**
 * The life of one call's outbound socket, under Call (call.ts): what FreeSWITCH told us about
 * the channel, running an application and waiting for its CHANNEL_EXECUTE_COMPLETE (matched
 * by the Event-UUID we sent), api commands, hanging up, and the end: the hangup events, the
 * linger notice and the socket closing, after which nothing is left waiting.
 */
import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import type { Logger } from 'pino'
import { apiCommand, eventCommand, executeCommand, hangupCommand, UnsafeCommandError } from './commands.js'
import type { EslEvent, ReplyHeaders } from './event.js'
import type { CallEvents, CallOptions, CallSummary } from './call-types.js'
import { CallEnded, CommandFailed, type Completion } from './results.js'
import type { Reply, SessionListener, SocketSession } from './socket-session.js'

export interface PendingApp {
  app: string
  /** The digit that ends it early, for play_and_get_digits. */
  terminator?: string
  resolve: (v: Completion | CallEnded) => void
}

/** How long the hangup events may trail the linger notice (real time: FreeSWITCH's own lag). */
const LINGER_GRACE_MS = 3000

export class CallSession extends EventEmitter<CallEvents> implements SessionListener {
  readonly uuid: string
  readonly log: Logger
  readonly startedAt: number
  answeredAt: number | undefined
  protected endedCause: string | undefined
  private endedAt: number | undefined
  private final: EslEvent | undefined
  protected readonly pending = new Map<string, PendingApp>()
  private settleFinished!: (s: CallSummary) => void
  private exitSent = false
  /** The leg this call is bridged to just now (CHANNEL_BRIDGE until CHANNEL_UNBRIDGE). */
  protected bridgedTo: string | undefined
  private detached = false
  /** Cause of a hangup FreeSWITCH accepted (+OK) before reporting the channel gone. */
  private hangupAccepted: string | undefined
  /** FreeSWITCH's linger notice came: the channel is down, whatever events are still on their way. */
  private lingerNoticed = false
  private lingerGrace: NodeJS.Timeout | undefined
  /** Resolves once the socket has closed, with what FreeSWITCH reported at the end. */
  readonly finished: Promise<CallSummary>

  constructor(
    protected readonly session: SocketSession,
    /** The channel dump FreeSWITCH sent in reply to `connect`. */
    readonly channel: ReplyHeaders,
    log: Logger,
    protected readonly now: () => number,
    protected readonly options: CallOptions = {},
  ) {
    super()
    this.uuid = channel.get('Unique-ID') ?? channel.get('Channel-Unique-ID') ?? 'unknown'
    this.log = log.child({ call: this.uuid })
    this.startedAt = now()
    if (channel.get('Answer-State') === 'answered') this.answeredAt = this.startedAt
    this.finished = new Promise((resolve) => (this.settleFinished = resolve))
    session.attach(this)
  }

  // --- what FreeSWITCH told us about the channel ---------------------------------------

  get callerNumber(): string {
    return this.channel.get('Caller-Caller-ID-Number') ?? ''
  }
  get callerName(): string {
    return this.channel.get('Caller-Caller-ID-Name') ?? ''
  }
  get destination(): string {
    return this.channel.get('Caller-Destination-Number') ?? ''
  }
  /** `inbound` for a caller reaching us, `outbound` for a call we originated. */
  get direction(): string {
    return this.channel.get('Call-Direction') ?? 'inbound'
  }
  /** A channel variable as it was when the socket connected (e.g. originate's campaign_id). */
  variable(name: string): string | undefined {
    return this.channel.variable(name)
  }
  get ended(): boolean {
    return this.endedCause !== undefined
  }
  /** Commands sent and not yet answered by FreeSWITCH (0 once the call is over). */
  get pendingCommands(): number {
    return this.pending.size
  }
  get hangupCause(): string | undefined {
    return this.endedCause
  }
  /** Bridged to someone just now: a conversation that no longer needs us to go on. */
  get inConversation(): boolean {
    return this.bridgedTo !== undefined && this.endedCause === undefined
  }
  /** Our socket went during a conversation, which goes on without us (see CallSummary). */
  get isDetached(): boolean {
    return this.detached
  }

  // --- running applications and commands ------------------------------------------------

  /** Runs a dialplan application and waits for FreeSWITCH to report it complete. */
  async execute(app: string, arg = '', terminator?: string): Promise<Completion | CallEnded | CommandFailed> {
    if (this.endedCause !== undefined) return new CallEnded(this.endedCause)
    const eventUuid = randomUUID()
    let text: string
    try {
      text = executeCommand(app, arg, eventUuid)
    } catch (err) {
      if (err instanceof UnsafeCommandError) return new CommandFailed(app, err.message)
      throw err
    }
    const completion = new Promise<Completion | CallEnded>((resolve) => this.pending.set(eventUuid, { app, terminator, resolve }))
    const reply = await this.session.send(text)
    if (reply === undefined) return this.endedOr('CONNECTION_LOST', eventUuid)
    if (!reply.ok) {
      this.pending.delete(eventUuid)
      return new CommandFailed(`${app} ${arg}`.trim(), reply.text)
    }
    return completion
  }

  /** Hangs up; resolves once FreeSWITCH reports the channel hung up. */
  async hangup(cause = 'NORMAL_CLEARING'): Promise<void> {
    if (this.endedCause !== undefined) return
    const ended = new Promise<void>((resolve) => this.once('hangup', () => resolve()))
    let text: string
    try {
      text = hangupCommand(cause)
    } catch {
      cause = 'NORMAL_CLEARING'
      text = hangupCommand(cause)
    }
    const reply = await this.session.send(text)
    if (reply === undefined || this.endedCause !== undefined) return
    // A static-mode socket sends no hangup events: FreeSWITCH says +OK and closes. The
    // call then ended with our cause, not with a lost connection.
    if (reply.ok) this.hangupAccepted = cause
    await ended
  }

  /** An `api` command over this call's socket (uuid_getvar, uuid_kill ...). */
  async api(command: string): Promise<Reply | CommandFailed> {
    let text: string
    try {
      text = apiCommand(command)
    } catch (err) {
      return new CommandFailed(command, (err as Error).message)
    }
    return (await this.session.send(text)) ?? new CommandFailed(command, 'socket closed')
  }

  /** Sets channel variables at once, not queued behind what the channel is doing (uuid_setvar_multi). */
  protected async setVars(vars: Record<string, string>): Promise<void> {
    const list = Object.entries(vars).map(([k, v]) => `${k}=${v}`).join(';')
    const r = await this.api(`uuid_setvar_multi ${this.uuid} ${list}`)
    if (r instanceof CommandFailed || !r.ok) {
      const reply = r instanceof CommandFailed ? r.reply : r.text
      // The caller hung up a moment ago: nothing to set, nothing wrong.
      if (/no such channel/i.test(reply)) this.log.debug({ vars, reply }, 'channel variables not set: the channel is gone')
      else this.log.warn({ vars, reply }, 'channel variables not set')
    }
  }

  /** Adds events to this socket's subscription (e.g. `CUSTOM avmd::beep`). */
  async subscribe(names: string[]): Promise<boolean> {
    return (await this.session.send(eventCommand(this.session.eventFormat, names)))?.ok ?? false
  }

  // --- SessionListener -----------------------------------------------------------------

  onEvent(event: EslEvent): void {
    switch (event.name) {
      case 'CHANNEL_EXECUTE_COMPLETE': {
        const id = event.get('Application-UUID')
        const pending = id === undefined ? undefined : this.pending.get(id)
        // Application and response are read only by whoever looks (lookups cost per event).
        const completion = new EventCompletion(event)
        if (pending && id !== undefined) {
          this.pending.delete(id)
          pending.resolve(this.endedCause === undefined ? completion : new CallEnded(this.endedCause, completion))
        }
        if (this.listenerCount('execute-complete') > 0) this.emit('execute-complete', completion)
        break
      }
      case 'DTMF':
        this.emit('dtmf', {
          digit: event.get('DTMF-Digit') ?? '',
          durationMs: Number(event.get('DTMF-Duration') ?? 0) / 8,
          source: event.get('DTMF-Source') ?? '',
        })
        break
      case 'CHANNEL_ANSWER':
        if (this.answeredAt === undefined) this.answeredAt = this.now()
        this.emit('answer')
        break
      case 'CHANNEL_HANGUP':
        this.markEnded(event.get('Hangup-Cause') ?? 'NORMAL_CLEARING')
        break
      case 'CHANNEL_HANGUP_COMPLETE':
        this.final = event
        this.markEnded(event.get('Hangup-Cause') ?? 'NORMAL_CLEARING')
        // Everything FreeSWITCH will say about this channel has been said: end the lingering
        // session now rather than wait for the linger notice that follows (endLinger runs once).
        this.settleAll()
        this.endLinger()
        break
      case 'CHANNEL_BRIDGE':
        this.bridgedTo = event.get('Other-Leg-Unique-ID') ?? ''
        this.emit('bridge', event.get('Other-Leg-Unique-ID'))
        break
      case 'CHANNEL_UNBRIDGE':
        this.bridgedTo = undefined
        this.emit('unbridge')
        break
    }
    this.emit('event', event)
  }

  /**
   * The linger notice says the channel is down. FreeSWITCH's listener thread sees the channel
   * down on its own while the hangup events wait in the event dispatch queue (mod_event_socket.c,
   * listener_run), so the notice often comes before CHANNEL_HANGUP_COMPLETE, now and then before
   * CHANNEL_HANGUP too (`npm run bench:linger`). An `exit` then would close the session before
   * the events arrive, so we wait for them, a while at most.
   */
  onDisconnectNotice(disposition: string | undefined): void {
    // After CHANNEL_HANGUP_COMPLETE our `exit` is already on its way.
    if (disposition !== 'linger' || this.exitSent) return
    this.lingerNoticed = true
    this.lingerGrace ??= setTimeout(() => this.endLinger(), LINGER_GRACE_MS)
    this.lingerGrace.unref()
  }

  private endLinger(): void {
    clearTimeout(this.lingerGrace)
    if (this.exitSent) return
    this.exitSent = true
    this.session.sendAndForget('exit\n\n')
  }

  onClose(): void {
    clearTimeout(this.lingerGrace)
    // After the linger notice the channel is down even if its hangup events never came.
    if (this.lingerNoticed) this.markEnded(this.hangupAccepted ?? 'UNKNOWN')
    if (this.inConversation) {
      this.detached = true
      this.log.info({ with: this.bridgedTo }, 'socket closed during a conversation: it goes on without us')
    }
    this.markEnded(this.hangupAccepted ?? (this.detached ? 'DETACHED' : 'CONNECTION_LOST'))
    this.settleAll()
    this.settleFinished({
      uuid: this.uuid,
      hangupCause: this.endedCause ?? 'CONNECTION_LOST',
      startedAt: this.startedAt,
      answeredAt: this.answeredAt,
      endedAt: this.endedAt ?? this.now(),
      final: this.final,
      detached: this.detached,
    })
  }

  /** Ends our side of the session: `exit` if the channel already hung up, else hang up. */
  async release(): Promise<void> {
    if (this.session.isClosed) return
    if (this.endedCause === undefined) await this.hangup()
  }

  // --- internals -----------------------------------------------------------------------

  private markEnded(cause: string): void {
    if (this.endedCause !== undefined) return
    this.endedCause = cause
    this.endedAt = this.now()
    this.log.debug({ cause }, 'call ended')
    this.emit('hangup', cause)
  }

  private settleAll(): void {
    const cause = this.endedCause ?? 'CONNECTION_LOST'
    for (const [id, p] of this.pending) {
      this.pending.delete(id)
      p.resolve(new CallEnded(cause))
    }
  }

  private endedOr(cause: string, eventUuid: string): CallEnded {
    this.pending.delete(eventUuid)
    return new CallEnded(this.endedCause ?? cause)
  }

}

/** A completion whose application and response are read from the event only when asked. */
class EventCompletion implements Completion {
  private appValue: string | undefined
  private responseValue: string | undefined
  constructor(readonly event: EslEvent) {}
  get app(): string {
    return (this.appValue ??= this.event.get('Application') ?? '')
  }
  get response(): string {
    return (this.responseValue ??= this.event.get('Application-Response') ?? '')
  }
}

export function isCompletion<T>(v: T | CallEnded | CommandFailed): v is T {
  return !(v instanceof CallEnded) && !(v instanceof CommandFailed)
}
