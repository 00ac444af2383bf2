/**
 * One live call handed to us by FreeSWITCH's `socket` application, with typed methods for
 * the dialplan applications we use. Each method resolves when FreeSWITCH reports the
 * application complete (CHANNEL_EXECUTE_COMPLETE matched by the Event-UUID we sent), or
 * with CallEnded when the caller hangs up first: nothing is left waiting after a hangup.
 */
import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import type { Logger } from 'pino'
import { conferenceTarget } from './dial-string.js'
import { apiCommand, eventCommand, executeCommand, hangupCommand, singleLine, UnsafeCommandError } from './commands.js'
import type { EslEvent, ReplyHeaders } from './event.js'
import type { BridgeResult, CallEvents, CallOptions, CallSummary, DigitsRequest, DigitsResult, PlaybackResult, RecordRequest, RecordResult } from './call-types.js'
import { CallEnded, CommandFailed, type Completion, type Outcome } from './results.js'
import type { Reply, SessionListener, SocketSession } from './socket-session.js'

// The requests and results of a Call's methods, where its users expect them.
export type * from './call-types.js'

interface PendingApp {
  app: string
  /** The digit that ends it early, for play_and_get_digits. */
  terminator?: string
  resolve: (v: Completion | CallEnded) => void
}

const DIGITS_VAR = 'cc_digits'
/** The European ringing tone (ETSI: 425 Hz, 1 s on, 4 s off), for a caller whose call rings someone. */
export const RINGING_TONE = 'tone_stream://%(1000,4000,425);loops=-1'
const FILE_ARG = /^\S+$/
const TERMINATORS = /^[0-9*#]{1,12}$/
/** How long the hangup events may trail the linger notice (real time: FreeSWITCH's own lag). */
const LINGER_GRACE_MS = 3000

export class Call extends EventEmitter<CallEvents> implements SessionListener {
  readonly uuid: string
  readonly log: Logger
  readonly startedAt: number
  answeredAt: number | undefined
  private endedCause: string | undefined
  private endedAt: number | undefined
  private final: EslEvent | undefined
  private readonly pending = new Map<string, PendingApp>()
  private settleFinished!: (s: CallSummary) => void
  private exitSent = false
  /** The transfer_ringback last set on the channel. */
  private ringback: string | undefined
  /** The leg this call is bridged to just now (CHANNEL_BRIDGE until CHANNEL_UNBRIDGE). */
  private bridgedTo: string | undefined
  private detached = false
  /** Subscribed to conference::maintenance (an open line's join). */
  private conferenceEvents = false
  /** Cause of a hangup FreeSWITCH accepted (+OK) before reporting the channel gone. */
  private hangupAccepted: string | undefined
  /** FreeSWITCH's linger notice came: the channel is down, whatever events are still on their way. */
  private lingerNoticed = false
  private lingerGrace: NodeJS.Timeout | undefined
  /** Resolves once the socket has closed, with what FreeSWITCH reported at the end. */
  readonly finished: Promise<CallSummary>

  constructor(
    private readonly session: SocketSession,
    /** The channel dump FreeSWITCH sent in reply to `connect`. */
    readonly channel: ReplyHeaders,
    log: Logger,
    private readonly now: () => number,
    private readonly options: CallOptions = {},
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

  // --- applications --------------------------------------------------------------------

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

  async answer(): Promise<Outcome<Completion>> {
    const r = await this.execute('answer')
    if (!(r instanceof CallEnded) && !(r instanceof CommandFailed) && this.answeredAt === undefined) this.answeredAt = this.now()
    return r
  }

  /** Plays a file, `tone_stream://`, `silence_stream://` or `file_string://` (no line breaks). */
  async playback(file: string, options: { terminators?: string } = {}): Promise<Outcome<PlaybackResult>> {
    if (options.terminators !== undefined) {
      const t = options.terminators === 'none' ? 'none' : this.checkTerminators(options.terminators)
      if (t instanceof CommandFailed) return t
      const set = await this.set('playback_terminators', t)
      if (!isCompletion(set)) return set
    }
    const r = await this.execute('playback', file)
    if (!isCompletion(r)) return r
    return { response: r.response, terminator: r.event.variable('playback_terminator_used') || undefined, completion: r }
  }

  /** play_and_get_digits: prompt, collect, retry with the invalid prompt; returns the digits. */
  async playAndGetDigits(req: DigitsRequest): Promise<Outcome<DigitsResult>> {
    const invalid = req.invalidPrompt ?? 'silence_stream://250'
    const regex = req.regex ?? '\\d+'
    const terminators = req.terminators ?? '#'
    for (const [field, value] of [['prompt', req.prompt], ['invalid prompt', invalid], ['regex', regex]] as const) {
      if (!FILE_ARG.test(value)) return new CommandFailed('play_and_get_digits', `${field} must be one word without spaces: ${JSON.stringify(value)}`)
    }
    const t = this.checkTerminators(terminators)
    if (t instanceof CommandFailed) return t
    const ints = [req.min, req.max, req.tries, req.timeoutMs, req.digitTimeoutMs ?? req.timeoutMs]
    if (!ints.every((n) => Number.isInteger(n) && n >= 0) || req.min > req.max || req.tries < 1) {
      return new CommandFailed('play_and_get_digits', `min/max/tries/timeouts must be non-negative integers with min <= max and tries >= 1`)
    }
    const arg = [req.min, req.max, req.tries, req.timeoutMs, t, req.prompt, invalid, DIGITS_VAR, regex, req.digitTimeoutMs ?? req.timeoutMs].join(' ')
    const r = await this.execute('play_and_get_digits', arg, t[0])
    if (!isCompletion(r)) return r
    const result = r.event.variable('read_result') ?? 'failure'
    // FreeSWITCH 1.11 says `timeout` when fewer than `max` digits came without a terminator,
    // yet accepts them when they are at least `min` and match the regex (a mismatch clears
    // the variable): switch_play_and_get_digits. A shorter, rejected entry may linger in the
    // variable with `failure`.
    const typed = r.event.variable(DIGITS_VAR) ?? ''
    const digits = result === 'success' || (result === 'timeout' && typed.length >= Math.max(1, req.min)) ? typed : ''
    return { digits, result, completion: r }
  }

  /** Records the caller (e.g. a voice message) until silence, a terminator or maxSeconds. */
  async record(req: RecordRequest): Promise<Outcome<RecordResult>> {
    const arg = `${req.path} ${req.maxSeconds} ${req.silenceThreshold ?? 200} ${req.silenceSeconds ?? 3}`
    if (!FILE_ARG.test(req.path)) return new CommandFailed('record', `path must not contain spaces: ${JSON.stringify(req.path)}`)
    const r = await this.execute('record', arg)
    if (r instanceof CommandFailed) return r
    const completion = r instanceof CallEnded ? r.completion : r
    if (completion === undefined) return r as CallEnded
    // A caller who hangs up after speaking still leaves a usable message.
    return {
      path: req.path,
      ms: Number(completion.event.variable('record_ms') ?? 0),
      silenceStopped: completion.event.variable('silence_hits_exhausted') === 'true',
      hungUp: r instanceof CallEnded,
      completion,
    }
  }

  /** Starts recording the whole call (both directions) into `path`. */
  recordSession(path: string): Promise<Outcome<Completion>> {
    return this.execute('record_session', path)
  }

  stopRecordSession(path: string): Promise<Outcome<Completion>> {
    return this.execute('stop_record_session', path)
  }

  /**
   * What this (answered) call hears while a bridge rings the other side. FreeSWITCH plays the
   * caller channel's own `transfer_ringback`; `ringback` in the dial string's {} only reaches
   * the legs being rung. Set once per value: a queue's music stays set for every offer.
   */
  async setRingback(media: string): Promise<Outcome<Completion> | undefined> {
    if (media === this.ringback) return undefined
    const r = await this.set('transfer_ringback', media)
    if (isCompletion(r)) this.ringback = media
    return r
  }

  /** Bridges the caller to a dial string; resolves when the bridge ends or fails. */
  async bridge(dialString: string, options: { ringback?: string } = {}): Promise<Outcome<BridgeResult>> {
    if (options.ringback !== undefined) {
      const set = await this.setRingback(options.ringback)
      if (set !== undefined && !isCompletion(set)) return set
    }
    // A conversation with a person must outlive this process: should our socket go, FreeSWITCH
    // keeps the bridge (no resume) and, once it ends, hangs the caller up instead of running
    // the dialplan's fallback (hangup_after_bridge).
    await this.setVars({ socket_resume: 'false', hangup_after_bridge: 'true' })
    const r = await this.execute('bridge', dialString)
    if (this.endedCause === undefined && this.options.resumeOnLoss !== false && !(isCompletion(r) && r.event.variable('originate_disposition') === 'SUCCESS')) {
      await this.setVars({ socket_resume: 'true' })
    }
    if (r instanceof CommandFailed) return r
    const completion = r instanceof CallEnded ? r.completion : r
    if (completion === undefined) return r as CallEnded
    const v = (n: string): string => completion.event.variable(n) ?? ''
    const disposition = v('originate_disposition')
    const ok = disposition === 'SUCCESS' || disposition === 'ANSWER'
    return {
      ok,
      disposition,
      dialStatus: v('DIALSTATUS'),
      cause: ok ? v('bridge_hangup_cause') : v('originate_failed_cause') || disposition,
      hungUp: r instanceof CallEnded,
      completion,
    }
  }

  /**
   * Puts the caller into an operator's open line (a conference their phone sits in, see
   * src/lines): talking at once, no ring. Only joins a line that exists (join-only). Reads
   * as a bridge to `lineUuid` from the join until the caller leaves the conference, which
   * is when this resolves; like a bridge, it outlives our socket.
   */
  async joinLine(room: string, lineUuid: string): Promise<Outcome<BridgeResult>> {
    let target: string
    try {
      target = conferenceTarget(room, 'join-only')
    } catch (err) {
      return new CommandFailed('conference', (err as Error).message)
    }
    // myevents leaves CUSTOM events out: the join is told by the conference's own.
    if (!this.conferenceEvents) this.conferenceEvents = await this.subscribe(['CUSTOM', 'conference::maintenance'])
    await this.setVars({ socket_resume: 'false' })
    const joined = (e: EslEvent): void => {
      if (this.bridgedTo !== undefined || e.get('Event-Subclass') !== 'conference::maintenance' || e.get('Action') !== 'add-member') return
      this.bridgedTo = lineUuid
      this.emit('bridge', lineUuid)
    }
    this.on('event', joined)
    const r = await this.execute('conference', target)
    this.off('event', joined)
    const completion = r instanceof CallEnded ? r.completion : r instanceof CommandFailed ? undefined : r
    const inLine = this.bridgedTo === lineUuid || completion?.event.variable('conference_member_id') !== undefined
    if (this.bridgedTo === lineUuid) {
      this.bridgedTo = undefined
      this.emit('unbridge')
    }
    if (this.endedCause === undefined && this.options.resumeOnLoss !== false) await this.setVars({ socket_resume: 'true' })
    if (r instanceof CommandFailed) return r
    if (completion === undefined) return r as CallEnded
    return {
      ok: inLine,
      disposition: inLine ? 'SUCCESS' : 'NO_LINE',
      dialStatus: inLine ? 'SUCCESS' : 'CHANUNAVAIL',
      cause: inLine ? 'NORMAL_CLEARING' : 'NO_LINE',
      hungUp: r instanceof CallEnded,
      completion,
    }
  }

  set(name: string, value: string): Promise<Outcome<Completion>> {
    return this.varCommand('set', name, value)
  }

  /** Sets a variable on this channel and on any channel bridged from it later. */
  export(name: string, value: string): Promise<Outcome<Completion>> {
    return this.varCommand('export', name, value)
  }

  sleep(ms: number): Promise<Outcome<Completion>> {
    return this.execute('sleep', String(Math.max(0, Math.round(ms))))
  }

  /** Parks the call: it waits (in silence or hold music) until told what to do next. */
  park(): Promise<Outcome<Completion>> {
    return this.execute('park')
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

  /**
   * Stops what the channel is doing for us at once: a playback (uuid_break), and a running
   * play_and_get_digits, which uuid_break does not end (it only cuts the prompt, then waits
   * out its digit timeout: transcript avmd-pagd-break): its own terminator, received as if
   * the caller had pressed it, ends it.
   */
  async interrupt(): Promise<void> {
    await this.api(`uuid_break ${this.uuid}`)
    const reading = [...this.pending.values()].find((p) => p.app === 'play_and_get_digits')
    if (reading?.terminator) await this.api(`uuid_recv_dtmf ${this.uuid} ${reading.terminator}`)
  }

  /** Sets channel variables at once, not queued behind what the channel is doing (uuid_setvar_multi). */
  private async setVars(vars: Record<string, string>): Promise<void> {
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
   * The linger notice says the channel is down. It usually follows CHANNEL_HANGUP_COMPLETE, but
   * FreeSWITCH's listener thread sees the channel down on its own while the hangup events wait
   * in the event dispatch queue (mod_event_socket.c, listener_run): on a busy switch the notice
   * comes first. An `exit` then would close the session before the events arrive, so we wait
   * for them, a while at most.
   */
  onDisconnectNotice(disposition: string | undefined): void {
    if (disposition !== 'linger') return
    this.lingerNoticed = true
    if (this.final) return this.endLinger()
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

  private checkTerminators(t: string): string | CommandFailed {
    return TERMINATORS.test(t) ? t : new CommandFailed('terminators', `terminators must be digits, * or #: ${JSON.stringify(t)}`)
  }

  private async varCommand(app: 'set' | 'export', name: string, value: string): Promise<Outcome<Completion>> {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) return new CommandFailed(app, `bad variable name ${JSON.stringify(name)}`)
    try {
      singleLine(`${name} value`, value)
    } catch (err) {
      return new CommandFailed(app, (err as Error).message)
    }
    // FreeSWITCH expands ${...} inside set/export arguments; an outside value must not.
    if (value.includes('${') || value.includes('$${')) return new CommandFailed(app, `value of ${name} must not contain \${`)
    return this.execute(app, `${name}=${value}`)
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

function isCompletion<T>(v: T | CallEnded | CommandFailed): v is T {
  return !(v instanceof CallEnded) && !(v instanceof CommandFailed)
}
