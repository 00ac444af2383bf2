/**
 * The simulated FreeSWITCH core: its channels, the events they fire (delivered to every
 * event-socket session that asked for them), api commands, originate, the dialplan
 * (which extension runs what) and the directory (what happens when a number or an agent's
 * phone is dialled). All time goes through a Clock, so it runs in real or virtual time.
 */
import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import { silentLogger } from '../log.js'
import type { Clock } from '../time/clock.js'
import { runApi } from './api-commands.js'
import { builtinApps, type AppImpl } from './apps/index.js'
import { runScript, type CallerScript } from './caller-script.js'
import type { SimChannel } from './channel.js'
import { EVENT_ORIGINS, SimEvent, type HeaderList } from './event.js'
import type { EventSink } from './esl-session.js'
import { MediaLibrary, type MediaOptions } from './media.js'
import { startLoopback } from './originate.js'
import { defaultDirectory, type Directory } from './parties.js'
import { RecordingWriter } from './recordings.js'
import { placeSipCall, type SipCall, type SipCallOptions } from './sip-call.js'
import { waitFor } from './wait.js'

export type DialplanActions = Array<[app: string, arg: string]>

export interface SimSwitchOptions {
  clock: Clock
  log?: Logger
  /** Where the `socket` application connects (our outbound server), host:port. */
  appAddress?: string
  /**
   * Extensions: destination number -> applications. Default: every number runs
   * `socket <appAddress> async full`, then the fallback (a prompt, so nobody is left in silence).
   */
  dialplan?: (destination: string, context: string) => DialplanActions | undefined
  directory?: Directory
  media?: MediaOptions
  /** Delay between a queued sendmsg and its CHANNEL_EXECUTE (FreeSWITCH's 20 ms frame). */
  frameMs?: number
  /** Write recording files (WAV) where the app asked. */
  writeRecordings?: boolean
  /**
   * How long a channel's hangup events trail its outbound socket's linger notice, ms (default
   * 0: the notice after CHANNEL_HANGUP_COMPLETE, as in the transcripts). The real switch often
   * sends it first: mod_event_socket's listener thread sees the channel down by itself while
   * the events wait in the event dispatch queue (`npm run bench:linger` counts the orders).
   */
  hangupEventLagMs?: number
  hostname?: string
}

export interface PlaceCallOptions {
  from: string
  fromName?: string
  to: string
  context?: string
  uuid?: string
  script?: CallerScript
}

export interface PlacedCall {
  /** The caller's leg (loopback `-a`, parked). */
  caller: SimChannel
  /** The leg that runs the dialplan and talks to the app (loopback `-b`). */
  ivr: SimChannel
  /** Resolves when both legs are gone. */
  done: Promise<void>
}

export class SimSwitch {
  readonly clock: Clock
  readonly log: Logger
  readonly coreUuid = randomUUID()
  readonly hostname: string
  readonly domain = '127.0.0.1'
  readonly startedAt: number
  readonly apps: Map<string, AppImpl> = builtinApps()
  readonly media: MediaLibrary
  readonly recordings: RecordingWriter
  readonly directory: Directory
  readonly frameMs: number
  readonly hangupEventLagMs: number
  readonly maxSessions = 20_000
  readonly sessionsPerSecond = 1000
  sessionsSinceStart = 0
  peakSessions = 0
  private readonly channels = new Map<string, SimChannel>()
  private readonly sinks = new Set<EventSink>()
  private readonly channelSinks = new Map<string, Set<EventSink>>()
  private readonly sinkChannel = new Map<EventSink, string>()
  private sequence = 0
  private sessionId = 0
  private readonly options: SimSwitchOptions

  constructor(options: SimSwitchOptions) {
    this.options = options
    this.clock = options.clock
    this.log = options.log ?? silentLogger
    this.hostname = options.hostname ?? 'sim'
    this.startedAt = options.clock.now()
    this.media = new MediaLibrary(options.media)
    this.recordings = new RecordingWriter(options.clock, options.writeRecordings ?? true)
    this.directory = options.directory ?? defaultDirectory()
    this.frameMs = options.frameMs ?? 20
    this.hangupEventLagMs = options.hangupEventLagMs ?? 0
  }

  nowUs(): number {
    return this.clock.now() * 1000
  }

  nextSessionId(): number {
    return ++this.sessionId
  }

  // --- channels ----------------------------------------------------------------------

  addChannel(ch: SimChannel): void {
    this.channels.set(ch.uuid, ch)
    this.sessionsSinceStart++
    this.peakSessions = Math.max(this.peakSessions, this.channels.size)
  }

  removeChannel(ch: SimChannel): void {
    this.channels.delete(ch.uuid)
  }

  channel(uuid: string): SimChannel | undefined {
    return this.channels.get(uuid)
  }

  allChannels(): SimChannel[] {
    return Array.from(this.channels.values())
  }

  get channelCount(): number {
    return this.channels.size
  }

  // --- events ------------------------------------------------------------------------

  /**
   * A session that takes events. Sessions that only want one channel's events (an outbound
   * socket after `myevents`) are filed under that channel, so an event is offered to its own
   * channel's sessions and the few global ones, not to every socket.
   */
  addSink(sink: EventSink, channelUuid?: string): void {
    this.removeSink(sink)
    if (channelUuid === undefined) this.sinks.add(sink)
    else {
      let set = this.channelSinks.get(channelUuid)
      if (!set) this.channelSinks.set(channelUuid, (set = new Set()))
      set.add(sink)
      this.sinkChannel.set(sink, channelUuid)
    }
  }

  removeSink(sink: EventSink): void {
    this.sinks.delete(sink)
    const uuid = this.sinkChannel.get(sink)
    if (uuid === undefined) return
    this.sinkChannel.delete(sink)
    const set = this.channelSinks.get(uuid)
    set?.delete(sink)
    if (set?.size === 0) this.channelSinks.delete(uuid)
  }

  private dateCache: { second: number; local: string; gmt: string } = { second: -1, local: '', gmt: '' }

  /** Event-Date-Local and -GMT change once a second: formatted once a second. */
  private dates(nowMs: number): [string, string] {
    const second = Math.floor(nowMs / 1000)
    if (this.dateCache.second !== second) {
      const date = new Date(second * 1000)
      this.dateCache = { second, local: date.toISOString().replace('T', ' ').slice(0, 19), gmt: date.toUTCString() }
    }
    return [this.dateCache.local, this.dateCache.gmt]
  }

  /** The header block every event starts with. */
  baseHeaders(name: string, originKey: string, subclass?: string): HeaderList {
    const [file, func, line] = EVENT_ORIGINS[originKey] ?? EVENT_ORIGINS[name] ?? ['switch_event.c', 'switch_event_fire_detailed', 0]
    const nowMs = this.clock.now()
    const [local, gmt] = this.dates(nowMs)
    // A CUSTOM event names its subclass first (switch_event_create_subclass).
    const h: HeaderList = subclass !== undefined ? [['Event-Subclass', subclass], ['Event-Name', name]] : [['Event-Name', name]]
    h.push(
      ['Core-UUID', this.coreUuid],
      ['FreeSWITCH-Hostname', this.hostname],
      ['FreeSWITCH-Switchname', this.hostname],
      ['FreeSWITCH-IPv4', '127.0.0.1'],
      ['FreeSWITCH-IPv6', '::1'],
      ['Event-Date-Local', local],
      ['Event-Date-GMT', gmt],
      ['Event-Date-Timestamp', String(Math.round(nowMs * 1000))],
      ['Event-Calling-File', file],
      ['Event-Calling-Function', func],
      ['Event-Calling-Line-Number', String(line)],
      ['Event-Sequence', String(++this.sequence)],
    )
    return h
  }

  publish(event: SimEvent, channel?: SimChannel): void {
    for (const sink of this.sinks) sink.deliver(event, channel)
    const own = channel && this.channelSinks.get(channel.uuid)
    if (own) for (const sink of own) sink.deliver(event, channel)
  }

  /** Whether any session would take such an event: events nobody wants are not built. */
  anyoneWants(name: string, subclass: string | undefined, channel: SimChannel | undefined): boolean {
    for (const sink of this.sinks) if (sink.interested(name, subclass, channel)) return true
    const own = channel && this.channelSinks.get(channel.uuid)
    if (own) for (const sink of own) if (sink.interested(name, subclass, channel)) return true
    return false
  }

  /** An event fired that nobody listens to still takes its sequence number. */
  skipEvent(): void {
    this.sequence++
  }

  // --- dialplan and calls ------------------------------------------------------------

  /** Where the `socket` application connects (our outbound server), host:port. */
  get appAddress(): string {
    return this.options.appAddress ?? '127.0.0.1:8084'
  }

  set appAddress(address: string) {
    this.options.appAddress = address
  }

  dialplanFor(destination: string, context = 'default'): DialplanActions | undefined {
    if (this.options.dialplan) return this.options.dialplan(destination, context)
    return [['socket', `${this.appAddress} async full`]]
  }

  /**
   * An inbound call, placed the way the transcripts place theirs: `originate
   * {origination_caller_id_number=...}loopback/<to>/<context> &park`. The `-b` leg runs the
   * dialplan for `to` (our socket app); the caller's `-a` leg parks once answered. The
   * script acts as the caller: DTMF and speech reach the `-b` leg, hanging up ends `-a`.
   */
  placeCall(options: PlaceCallOptions): PlacedCall {
    const vars: Array<[string, string]> = []
    if (options.uuid) vars.push(['origination_uuid', options.uuid])
    vars.push(['origination_caller_id_number', options.from])
    if (options.fromName) vars.push(['origination_caller_id_name', options.fromName])
    const legs = startLoopback(this, options.to, options.context ?? 'default', {
      uuid: options.uuid,
      callerIdName: options.fromName ?? '',
      callerIdNumber: options.from,
      channelVars: vars,
      timeoutMs: 60_000,
      cancel: new AbortController().signal,
    })
    void legs.result.then((outcome) => {
      if (!outcome.ok) return
      outcome.channel.flipCallerId()
      void outcome.channel.runDialplan([['park', '']])
    })
    if (options.script) void runScript({ media: legs.b, own: legs.a }, options.script)
    return { caller: legs.a, ivr: legs.b, done: Promise.all([legs.a.gone, legs.b.gone]).then(() => undefined) }
  }

  /** An inbound SIP call (mod_sofia's channel shape), e.g. from a carrier. */
  placeSipCall(options: SipCallOptions): SipCall {
    return placeSipCall(this, options)
  }

  /**
   * uuid_bridge: takes both channels from what they run (their applications end, a socket
   * app too, though its session stays) and joins them. Whoever hangs up first takes the
   * other one along.
   */
  async uuidBridge(a: SimChannel, b: SimChannel): Promise<void> {
    const epoch = Math.floor(this.clock.now() / 1000)
    const source = `${epoch}:${randomUUID()}:uuid_br:${b.uuid}`
    a.setVar('uuid_bridge', b.uuid)
    for (const [x, y, type] of [
      [a, b, 'originatee'],
      [b, a, 'originator'],
    ] as const) {
      x.setVar('bridge_channel', y.name)
      x.setVar('bridge_uuid', y.uuid)
      x.setVar('signal_bond', y.uuid)
      x.setVar('original_destination_number', x.profile.destination)
      x.setVar('original_caller_id_name', x.profile.callerIdName)
      x.setVar('original_caller_id_number', x.profile.callerIdNumber)
      x.setVar('transfer_history', source)
      x.setVar('transfer_source', source)
      x.profile.transferSource = source
      x.profile.calleeIdName = y.profile.origCallerIdName
      x.profile.calleeIdNumber = y.profile.origCallerIdNumber
      x.otherLeg = { type, channel: y }
      x.detached = true
      // CS_HIBERNATE is pending while the running applications wind down.
      x.stateNumber = 8
      x.abortAll('transfer')
    }
    await Promise.all([a.idle(), b.idle()])
    if (!a.isUp || !b.isUp) {
      if (a.isUp) void a.hangup('NORMAL_CLEARING')
      if (b.isUp) void b.hangup('NORMAL_CLEARING')
      return
    }
    for (const state of ['CS_HIBERNATE', 'CS_RESET', 'CS_SOFT_EXECUTE'] as const) a.enterState(state)
    for (const state of ['CS_HIBERNATE', 'CS_RESET', 'CS_EXCHANGE_MEDIA'] as const) b.enterState(state)
    a.setVar('uuid_bridge', undefined)
    a.fire('CHANNEL_EXECUTE', {
      origin: 'CHANNEL_EXECUTE:uuid_bridge',
      after: [
        ['Application', 'uuid_bridge'],
        ['Application-Data', b.uuid],
      ],
    })
    if (!b.answered) b.markAnswered()
    if (!a.answered) a.markAnswered()
    a.bridgeWith(b)
    // What each side notes about the bridge depends on who hangs up first (as recorded).
    const lastBridge = (x: SimChannel, y: SimChannel): void => {
      x.setVar('last_bridge_to', y.uuid)
      x.setVar('last_sent_callee_id_name', y.profile.callerIdName)
      x.setVar('last_sent_callee_id_number', y.profile.callerIdNumber)
    }
    const aFirst = (cause: string): void => {
      b.off('hangingUp', bFirst)
      a.setVar('bridge_to', b.uuid)
      a.setVar('last_bridge_role', 'originatee')
      lastBridge(a, b)
      a.once('hangup', () => {
        a.setVar('bridge_to', undefined)
        a.setVar('bridge_hangup_cause', cause)
        lastBridge(b, a)
        b.setVar('last_bridge_hangup_cause', cause)
        a.unbridge()
        if (b.isUp) void b.hangup('NORMAL_CLEARING')
      })
    }
    const bFirst = (cause: string): void => {
      a.off('hangingUp', aFirst)
      b.once('hangup', () => {
        lastBridge(b, a)
        b.setVar('last_bridge_role', 'originator')
        lastBridge(a, b)
        a.setVar('last_bridge_hangup_cause', cause)
        a.setVar('bridge_hangup_cause', cause)
        a.unbridge()
        if (!a.isUp) return
        a.enterState('CS_EXECUTE')
        void a.hangup('NORMAL_CLEARING')
      })
    }
    a.once('hangingUp', aFirst)
    b.once('hangingUp', bFirst)
  }

  /** uuid_transfer: the channel leaves what it runs and executes another extension. */
  async transfer(ch: SimChannel, destination: string, actions: DialplanActions): Promise<void> {
    ch.detached = true
    ch.abortAll('transfer')
    await ch.idle()
    if (!ch.isUp) return
    ch.detached = false
    ch.profile.destination = destination
    ch.profile.transferUs = this.nowUs()
    await ch.runDialplan(actions)
  }

  /** Digits arriving at a channel, 100 ms apart. */
  async sendDigits(to: SimChannel | undefined, digits: string): Promise<void> {
    if (!to) return
    const never = new AbortController().signal
    for (const [i, d] of Array.from(digits).entries()) {
      if (i > 0) await waitFor(this.clock, 100, never).done
      to.receiveDtmf(d, 'UNKNOWN')
    }
  }

  // --- api ---------------------------------------------------------------------------

  api(line: string): Promise<string> {
    return runApi(this, line)
  }

  /**
   * bgapi: runs the command, then fires BACKGROUND_JOB with its output. `via` says who
   * asked: an event-socket client, or fs_cli / the console (mod_commands' bgapi).
   */
  async backgroundJob(jobUuid: string, line: string, via: 'socket' | 'console' = 'socket'): Promise<void> {
    const text = await this.api(line)
    const space = line.indexOf(' ')
    const h = this.baseHeaders('BACKGROUND_JOB', via === 'console' ? 'BACKGROUND_JOB:console' : 'BACKGROUND_JOB')
    h.push(['Job-UUID', jobUuid], ['Job-Command', space < 0 ? line : line.slice(0, space)])
    if (space >= 0) h.push(['Job-Command-Arg', line.slice(space + 1)])
    this.publish(new SimEvent('BACKGROUND_JOB', h, text))
  }

  /** Runs `fn` after the current api reply or BACKGROUND_JOB has gone out. */
  afterReply(fn: () => void): void {
    this.clock.setTimeout(fn, 0)
  }

  /** Hangs up every channel (shutdown). */
  async hangupAll(cause = 'SYSTEM_SHUTDOWN'): Promise<void> {
    await Promise.all(this.allChannels().map((ch) => ch.hangup(cause)))
  }
}
