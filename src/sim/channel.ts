/**
 * One simulated FreeSWITCH channel: its states, caller profile and variables, the events
 * it fires (with the headers and header order the transcripts show), the dialplan
 * applications it runs one at a time, DTMF, bridging and the hangup sequence.
 */
import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { profileHeaders, type CallerProfile } from './caller-profile.js'
import { EVENTS_WITH_VARIABLES, SimEvent, type HeaderList } from './event.js'
import { drainSessionEvents } from './session-events.js'
import type { SimSwitch } from './switch.js'

export type RunningState =
  | 'CS_NEW'
  | 'CS_INIT'
  | 'CS_ROUTING'
  | 'CS_SOFT_EXECUTE'
  | 'CS_EXECUTE'
  | 'CS_EXCHANGE_MEDIA'
  | 'CS_PARK'
  | 'CS_CONSUME_MEDIA'
  | 'CS_HIBERNATE'
  | 'CS_RESET'
  | 'CS_HANGUP'
  | 'CS_REPORTING'
  | 'CS_DESTROY'

const STATE_NUMBER: Record<RunningState, number> = {
  CS_NEW: 0,
  CS_INIT: 1,
  CS_ROUTING: 2,
  CS_SOFT_EXECUTE: 3,
  CS_EXECUTE: 4,
  CS_EXCHANGE_MEDIA: 5,
  CS_PARK: 6,
  CS_CONSUME_MEDIA: 7,
  CS_HIBERNATE: 8,
  CS_RESET: 9,
  CS_HANGUP: 10,
  CS_REPORTING: 11,
  CS_DESTROY: 12,
}

/** Q.850 codes of the hangup causes we produce. */
const Q850: Record<string, number> = {
  UNALLOCATED_NUMBER: 1,
  NO_ROUTE_DESTINATION: 3,
  NORMAL_CLEARING: 16,
  USER_BUSY: 17,
  NO_USER_RESPONSE: 18,
  NO_ANSWER: 19,
  CALL_REJECTED: 21,
  DESTINATION_OUT_OF_ORDER: 27,
  INVALID_NUMBER_FORMAT: 28,
  NORMAL_TEMPORARY_FAILURE: 41,
  ORIGINATOR_CANCEL: 487,
  LOSE_RACE: 502,
  USER_NOT_REGISTERED: 606,
  MANAGER_REQUEST: 503,
}

export type StopReason = 'hangup' | 'transfer'

/** The application a channel is running now. */
export interface RunningApp {
  name: string
  arg: string
  uuid: string
  controller: AbortController
  /** Set by apps that read DTMF (playback with terminators, play_and_get_digits, record). */
  onDigit?: (digit: string) => void
}

export interface AppOutcome {
  /** Application-Response, `_none_` when the app has nothing to say. */
  response: string
}

/** A media bug on the channel (record_session, uuid_record): stopped at hangup. */
export interface MediaBug {
  path: string
  startedAt: number
  stop(cause: string): void
}

export interface OtherLeg {
  type: 'originator' | 'originatee'
  channel: SimChannel
}

/** What an endpoint module (mod_sofia) adds to a channel's life. */
export interface ChannelEndpoint {
  /** Media is negotiated (early media or answer): codec, rtp_* variables. */
  onMedia(ch: SimChannel): void
  onAnswered(ch: SimChannel): void
  onHangup(ch: SimChannel, cause: string): void
  readonly dtmfSource: 'RTP' | 'UNKNOWN'
}

export interface ChannelEvents {
  dtmf: [digit: string]
  /** An application starts (after its CHANNEL_EXECUTE). */
  app: [name: string]
  /** The channel starts hanging up (before CHANNEL_HANGUP fires). */
  hangingUp: [cause: string]
  /** The far end started talking (audio reaches the channel). */
  speech: []
  progress: []
  answer: []
  hangup: [cause: string]
  /** Before its hangup sequence ends (events fired), for the peer logic. */
  gone: [cause: string]
  /** uuid_break's flag reaches the media loop (media-break.ts). */
  break: []
}

interface EventOptions {
  /** Headers placed right after Event-Sequence (Bridge-A-Unique-ID, Hangup-Cause ...). */
  before?: HeaderList
  /** Headers after the variables (Application-*, Playback-*, DTMF-* ...). */
  after?: HeaderList
  /** Key into EVENT_ORIGINS when it differs from the event name. */
  origin?: string
  /** Put a `Channel-*` copy of the profile first (the connect reply's CHANNEL_DATA). */
  channelProfile?: boolean
  subclass?: string
}

export class SimChannel extends EventEmitter<ChannelEvents> {
  readonly uuid: string
  readonly name: string
  readonly profile: CallerProfile
  runningState: RunningState = 'CS_INIT'
  stateNumber = 1
  callState: 'DOWN' | 'RINGING' | 'EARLY' | 'ACTIVE' | 'HELD' | 'HANGUP' = 'DOWN'
  answerState: 'ringing' | 'early' | 'answered' | 'hangup' = 'ringing'
  hangupCause: string | undefined
  readonly vars = new Map<string, string>()
  /** The other leg of a loopback pair (A <-> B). */
  loopbackPeer: SimChannel | undefined
  /** The channel this one is bridged to right now. */
  partner: SimChannel | undefined
  /** Set once bridged; stays after the bridge ends (Other-Leg-* headers). */
  otherLeg: OtherLeg | undefined
  /** Running applications, outermost first (`socket`, then what it runs). */
  private readonly stack: RunningApp[] = []
  readonly bugs = new Set<MediaBug>()
  /** Digits received while no application was reading them (type-ahead). */
  readonly digitBuffer: string[] = []
  /** How long the far end talks when the next `record` starts (set by caller scripts), ms. */
  speechMs = 0
  /** Until when (clock ms) the far end is talking; `record` waits for silence after it. */
  speakingUntil = 0
  /** Who answers this channel's far end: a person or an answering machine (for avmd). */
  answeredBy: 'person' | 'machine' = 'person'
  /** Answering-machine detection running on the channel (avmd_start). */
  avmd: { direction: 'read' | 'write'; startedAt: number; detected: boolean } | undefined
  /** uuid_break's CF_BREAK (2 with `all`), until a media loop takes it or an application starts. */
  breakFlag: 0 | 1 | 2 = 0
  /** The channel's own event queue (session-events.ts). */
  readonly sessionEvents: Array<() => void> = []
  /** The negotiated codec; undefined until a SIP channel has media. */
  codec: { name: string; rate: string; bitRate: string } | undefined = { name: 'L16', rate: '8000', bitRate: '128000' }
  presenceId: string | undefined
  /** Every application run on the channel and its response, in order (for tests and the demo). */
  readonly history: Array<{ app: string; arg: string; response: string }> = []
  /** Per-endpoint behaviour (SIP: media negotiation at pre-answer, the ACK after answer). */
  endpoint: ChannelEndpoint | undefined
  private answering = false
  /** True on the side that fired CHANNEL_BRIDGE (it fires CHANNEL_UNBRIDGE too). */
  private bridgeOriginator = false
  /** Resolves when the channel is destroyed. */
  readonly gone: Promise<string>
  private settleGone!: (cause: string) => void
  private queue: Promise<unknown> = Promise.resolve()
  private hangingUp: Promise<void> | undefined
  /** Applications running now (the socket app and what runs inside it). */
  private readonly running = new Set<Promise<unknown>>()
  /** Set while the channel's dialplan must not continue (uuid_bridge, transfer took it). */
  detached = false

  constructor(
    readonly sw: SimSwitch,
    init: {
      uuid?: string
      name: string
      direction: 'inbound' | 'outbound'
      callerIdName: string
      callerIdNumber: string
      destination: string
      calleeIdName?: string
      calleeIdNumber?: string
      context?: string
      source?: string
      vars?: Array<[string, string]>
      /** An originated leg lists its variables in another order (is_outbound, call_uuid ...). */
      originated?: boolean
      /** A SIP channel has no codec until media is negotiated; its variables come from mod_sofia. */
      sip?: boolean
    },
  ) {
    super()
    this.uuid = init.uuid ?? randomUUID()
    this.name = init.name
    const now = sw.nowUs()
    this.profile = {
      direction: init.direction,
      logicalDirection: init.direction,
      dialplan: 'xml',
      callerIdName: init.callerIdName,
      callerIdNumber: init.callerIdNumber,
      origCallerIdName: init.callerIdName,
      origCallerIdNumber: init.callerIdNumber,
      calleeIdName: init.calleeIdName ?? 'Outbound Call',
      calleeIdNumber: init.calleeIdNumber ?? (init.context ?? 'default'),
      ani: init.callerIdNumber,
      destination: init.destination,
      uuid: this.uuid,
      source: init.source ?? 'mod_loopback',
      context: init.context ?? 'default',
      channelName: init.name,
      createdUs: now,
      answeredUs: 0,
      progressUs: 0,
      progressMediaUs: 0,
      hangupUs: 0,
      transferUs: 0,
      bridgedUs: 0,
    }
    this.gone = new Promise((resolve) => (this.settleGone = resolve))
    const codecs = (): void => {
      this.setVar('read_codec', 'L16')
      this.setVar('read_rate', '8000')
      this.setVar('write_codec', 'L16')
      this.setVar('write_rate', '8000')
    }
    this.setVar('direction', init.direction)
    if (init.originated) {
      this.setVar('is_outbound', 'true')
      this.setVar('session_id', String(sw.nextSessionId()))
      codecs()
      this.setVar('channel_name', init.name)
      this.setVar('uuid', this.uuid)
      this.setVar('call_uuid', this.uuid)
    } else if (init.sip) {
      this.codec = undefined
      this.setVar('uuid', this.uuid)
      this.setVar('session_id', String(sw.nextSessionId()))
    } else {
      this.setVar('uuid', this.uuid)
      this.setVar('session_id', String(sw.nextSessionId()))
      this.setVar('channel_name', init.name)
      codecs()
    }
    for (const [k, v] of init.vars ?? []) this.setVar(k, v)
    sw.addChannel(this)
  }

  // --- variables: FreeSWITCH deletes then appends, so a set moves the variable last --------

  setVar(name: string, value: string | undefined): void {
    this.vars.delete(name)
    if (value !== undefined && value !== '') this.vars.set(name, value)
  }

  getVar(name: string): string | undefined {
    return this.vars.get(name)
  }

  get isUp(): boolean {
    return this.hangupCause === undefined
  }

  get answered(): boolean {
    return this.profile.answeredUs > 0
  }

  // --- events ------------------------------------------------------------------------

  event(name: string, options: EventOptions = {}): SimEvent {
    return this.eventAfter(this.sw.baseHeaders(name, options.origin ?? name, options.subclass), name, options)
  }

  /** An event whose first headers are given (a module's own event, then the channel's data). */
  eventAfter(first: HeaderList, name: string, options: EventOptions = {}): SimEvent {
    const h: HeaderList = [...first]
    if (options.before) h.push(...options.before)
    if (options.channelProfile) h.push(...profileHeaders('Channel', this.profile))
    h.push(
      ['Channel-State', this.runningState],
      ['Channel-Call-State', this.callState],
      ['Channel-State-Number', String(this.stateNumber)],
      ['Channel-Name', this.name],
      ['Unique-ID', this.uuid],
      ['Call-Direction', this.profile.direction],
      ['Presence-Call-Direction', this.profile.direction],
      ['Channel-HIT-Dialplan', 'true'],
    )
    if (this.presenceId) h.push(['Channel-Presence-ID', this.presenceId])
    h.push(['Channel-Call-UUID', this.uuid], ['Answer-State', this.answerState])
    if (this.hangupCause !== undefined) h.push(['Hangup-Cause', this.hangupCause])
    // Codec headers appear once media is negotiated (at once for loopback channels).
    const c = this.codec
    if (c) {
      h.push(
        ['Channel-Read-Codec-Name', c.name],
        ['Channel-Read-Codec-Rate', c.rate],
        ['Channel-Read-Codec-Bit-Rate', c.bitRate],
        ['Channel-Write-Codec-Name', c.name],
        ['Channel-Write-Codec-Rate', c.rate],
        ['Channel-Write-Codec-Bit-Rate', c.bitRate],
      )
    }
    h.push(...profileHeaders('Caller', this.profile))
    if (this.otherLeg) {
      h.push(['Other-Type', this.otherLeg.type], ...profileHeaders('Other-Leg', this.otherLeg.channel.profile, { other: true }))
    }
    if (EVENTS_WITH_VARIABLES.has(name)) for (const [k, v] of this.vars) h.push([`variable_${k}`, v])
    if (options.after) h.push(...options.after)
    return new SimEvent(name, h)
  }

  fire(name: string, options: EventOptions = {}): void {
    if (!this.sw.anyoneWants(name, options.subclass, this)) return this.sw.skipEvent()
    this.sw.publish(this.event(name, options), this)
  }

  /** Moves to a state and fires CHANNEL_STATE. */
  enterState(state: RunningState): void {
    this.runningState = state
    this.stateNumber = STATE_NUMBER[state]
    this.fire('CHANNEL_STATE')
  }

  // --- call progress -----------------------------------------------------------------

  /** Ring (CHANNEL_PROGRESS), as a far end does while alerting. */
  ring(): void {
    if (!this.isUp || this.profile.progressUs > 0) return
    this.profile.progressUs = this.sw.nowUs()
    this.fire('CHANNEL_PROGRESS')
    this.callState = 'RINGING'
    this.emit('progress')
    if (this.loopbackPeer) this.loopbackPeer.ring()
  }

  /** Early media (pre_answer, acknowledge_call): CHANNEL_PROGRESS_MEDIA. */
  markPreAnswered(): void {
    if (!this.isUp || this.answered || this.profile.progressMediaUs > 0) return
    this.profile.progressMediaUs = this.sw.nowUs()
    this.answerState = 'early'
    this.endpoint?.onMedia(this)
    this.fire('CHANNEL_PROGRESS_MEDIA')
    this.callState = 'EARLY'
    this.setVar('endpoint_disposition', 'EARLY MEDIA')
    const peer = this.loopbackPeer
    if (peer && !peer.answered && peer.profile.progressMediaUs === 0) peer.markPreAnswered()
  }

  /** Ringing reached this (already answered) channel from a leg it dials: noted, no event. */
  noteProgress(): void {
    if (this.profile.progressUs === 0) this.profile.progressUs = this.sw.nowUs()
  }

  /** Marks the channel answered and fires CHANNEL_ANSWER; false when already answered or gone. */
  markAnswered(): boolean {
    if (!this.isUp || this.answered || this.answering) return false
    this.answering = true
    const peer = this.loopbackPeer
    // A loopback pair answers together, the originated (-a) leg first.
    if (peer && this.profile.direction === 'inbound') peer.markAnswered()
    // A SIP channel negotiates media first (early media), then answers.
    if (this.endpoint && this.profile.progressMediaUs === 0) this.markPreAnswered()
    this.answerState = 'answered'
    this.profile.answeredUs = this.sw.nowUs()
    this.endpoint?.onAnswered(this)
    this.fire('CHANNEL_ANSWER')
    this.callState = 'ACTIVE'
    this.emit('answer')
    if (peer) peer.markAnswered()
    this.answering = false
    return true
  }

  /**
   * An originated leg that starts its application shows the called party as its caller
   * (switch_channel_flip_cid): what `show channels` and later events report.
   */
  flipCallerId(): void {
    const p = this.profile
    if (p.callerIdName) this.setVar('pre_transfer_caller_id_name', p.callerIdName)
    this.setVar('pre_transfer_caller_id_number', p.callerIdNumber)
    this.setVar('channel_cid_flipped', 'yes')
    const [name, number] = [p.callerIdName, p.callerIdNumber]
    p.callerIdName = p.calleeIdName
    p.callerIdNumber = p.calleeIdNumber
    p.calleeIdName = name
    p.calleeIdNumber = number
  }

  // --- applications ------------------------------------------------------------------

  /**
   * Runs a dialplan application and fires CHANNEL_EXECUTE / CHANNEL_EXECUTE_COMPLETE
   * around it. Applications run one at a time, in the order they were asked for.
   */
  execute(app: string, arg: string, appUuid: string = randomUUID()): Promise<AppOutcome> {
    const run = this.queue.then(() => this.runApp(app, arg, appUuid))
    this.queue = run.catch(() => undefined)
    return run
  }

  /** Runs an application now, nested in the current one (the socket app's inner apps). */
  async runApp(app: string, arg: string, appUuid: string = randomUUID(), via: 'dialplan' | 'sendmsg' = 'dialplan'): Promise<AppOutcome> {
    const impl = this.sw.apps.get(app)
    if (!this.isUp && app !== 'socket') return { response: '_none_' }
    this.vars.delete('current_application_response')
    // Applications sent by sendmsg run through the loop of the `loops` header.
    if (via === 'sendmsg') {
      this.setVar('current_loop', '1')
      this.setVar('total_loops', '1')
      this.setVar('current_application', app)
      this.setVar('current_application_data', arg)
    } else {
      this.setVar('current_application_data', arg)
      this.setVar('current_application', app)
    }
    const appHeaders: HeaderList = [['Application', app]]
    if (arg !== '') appHeaders.push(['Application-Data', arg])
    this.fire('CHANNEL_EXECUTE', { after: [...appHeaders, ['Application-UUID', appUuid]] })
    this.breakFlag = 0
    this.setVar('current_application', app)
    const running: RunningApp = { name: app, arg, uuid: appUuid, controller: new AbortController() }
    this.stack.push(running)
    drainSessionEvents(this)
    this.emit('app', app)
    let response = '_none_'
    const work = impl ? impl(this, arg, running.controller.signal) : Promise.resolve('_none_')
    this.running.add(work)
    try {
      response = await work
    } finally {
      this.running.delete(work)
      this.stack.splice(this.stack.indexOf(running), 1)
    }
    // The response is whatever the channel's current_application_response says by now:
    // park reports the playback a uuid_broadcast ran inside it, as FreeSWITCH does.
    if (response !== '_none_') this.setVar('current_application_response', response)
    response = this.getVar('current_application_response') ?? '_none_'
    this.history.push({ app, arg, response })
    this.fire('CHANNEL_EXECUTE_COMPLETE', {
      after: [...appHeaders, ['Application-Response', response], ['Application-UUID', appUuid]],
    })
    if (via === 'sendmsg') {
      this.vars.delete('current_loop')
      this.vars.delete('total_loops')
    }
    drainSessionEvents(this)
    return { response }
  }

  /** Runs dialplan actions in order; hangs up after the last one, as FreeSWITCH does. */
  async runDialplan(actions: Array<[string, string]>): Promise<void> {
    this.runningState = 'CS_EXECUTE'
    this.stateNumber = STATE_NUMBER.CS_EXECUTE
    for (const [app, arg] of actions) {
      if (!this.isUp || this.detached) return
      await this.execute(app, arg)
    }
    if (this.isUp && !this.detached) await this.hangup('NORMAL_CLEARING')
  }

  /** The innermost running application (inside `socket`, the one sent by sendmsg). */
  get current(): RunningApp | undefined {
    return this.stack[this.stack.length - 1]
  }

  /** Stops every running application (hangup, or uuid_bridge/transfer taking the channel). */
  abortAll(reason: StopReason): void {
    for (const app of [...this.stack].reverse()) app.controller.abort(reason)
  }

  /** The far end talks for `ms` from now (audio a recording would capture). */
  speak(ms: number): void {
    this.speakingUntil = Math.max(this.speakingUntil, this.sw.clock.now() + ms)
    this.emit('speech')
  }

  // --- DTMF --------------------------------------------------------------------------

  /** A digit arrives from the far end (RFC 2833 or uuid_send_dtmf). */
  receiveDtmf(digit: string, source: 'RTP' | 'UNKNOWN' | 'INBAND_AUDIO' = this.endpoint?.dtmfSource ?? 'UNKNOWN', durationSamples = 2000): void {
    if (!this.isUp) return
    this.fire('DTMF', {
      after: [
        ['DTMF-Digit', digit],
        ['DTMF-Duration', String(durationSamples)],
        ['DTMF-Source', source],
      ],
    })
    this.emit('dtmf', digit)
    const reader = this.current?.onDigit
    if (reader) reader(digit)
    else if (this.partner === undefined && this.digitBuffer.length < 128) this.digitBuffer.push(digit)
  }

  // --- bridging ----------------------------------------------------------------------

  /** Joins two channels (both must be answered); fires CHANNEL_BRIDGE on both sides. */
  bridgeWith(other: SimChannel, origin: string = 'CHANNEL_BRIDGE'): void {
    const now = this.sw.nowUs()
    this.partner = other
    other.partner = this
    this.bridgeOriginator = true
    other.bridgeOriginator = false
    this.otherLeg = { type: 'originatee', channel: other }
    other.otherLeg = { type: 'originator', channel: this }
    this.profile.bridgedUs = now
    other.profile.bridgedUs = now
    const ids: HeaderList = [
      ['Bridge-A-Unique-ID', this.uuid],
      ['Bridge-B-Unique-ID', other.uuid],
    ]
    this.fire('CHANNEL_BRIDGE', { before: ids, origin })
  }

  /** Ends a bridge; CHANNEL_UNBRIDGE fires on the side that fired CHANNEL_BRIDGE. */
  unbridge(): void {
    const other = this.partner
    if (!other) return
    this.partner = undefined
    if (other.partner === this) other.partner = undefined
    const [a, b] = this.bridgeOriginator ? [this, other] : [other, this]
    a.fire('CHANNEL_UNBRIDGE', {
      before: [
        ['Bridge-A-Unique-ID', a.uuid],
        ['Bridge-B-Unique-ID', b.uuid],
      ],
    })
  }

  /** Resolves when no application runs on the channel. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled(Array.from(this.running))
  }

  // --- hangup ------------------------------------------------------------------------

  /**
   * Hangs the channel up: CHANNEL_HANGUP, the running application ends (and fires its own
   * stop events), the socket app ends, CS_HANGUP, media bugs stop, CS_REPORTING,
   * CHANNEL_HANGUP_COMPLETE with the call detail variables. Peers follow.
   */
  hangup(cause = 'NORMAL_CLEARING'): Promise<void> {
    if (this.hangingUp) return this.hangingUp
    this.hangingUp = this.runHangup(cause)
    return this.hangingUp
  }

  private async runHangup(cause: string): Promise<void> {
    this.emit('hangingUp', cause)
    // A bridged channel's media bugs close with the bridge, before the hangup is announced.
    if (this.partner) this.stopBugs('success-silence')
    this.hangupCause = cause
    this.stateNumber = STATE_NUMBER.CS_HANGUP
    this.answerState = 'hangup'
    this.profile.hangupUs = this.sw.nowUs()
    this.fire('CHANNEL_HANGUP')
    this.emit('hangup', cause)
    this.abortAll('hangup')
    const partner = this.partner
    const peer = this.loopbackPeer
    await this.idle()
    // What happens to the other side is up to whoever bridged (bridge app, uuid_bridge).
    if (partner) this.unbridge()
    if (peer && peer.isUp) void peer.hangup(cause)
    this.enterState('CS_HANGUP')
    this.stopBugs('success-silence')
    this.callState = 'HANGUP'
    this.setCdrVariables(cause)
    this.endpoint?.onHangup(this, cause)
    this.enterState('CS_REPORTING')
    this.fire('CHANNEL_HANGUP_COMPLETE', { before: [['Hangup-Cause', cause]] })
    this.emit('gone', cause)
    this.sw.removeChannel(this)
    this.settleGone(cause)
  }

  private stopBugs(cause: string): void {
    for (const bug of Array.from(this.bugs)) bug.stop(cause)
    this.bugs.clear()
  }

  private setCdrVariables(cause: string): void {
    const p = this.profile
    const end = this.sw.nowUs()
    const stamp = (us: number): string | undefined => (us > 0 ? localStamp(us) : undefined)
    const sec = (us: number): string => String(Math.floor(us / 1e6))
    const answerUs = p.answeredUs
    this.setVar('hangup_cause', cause)
    this.setVar('hangup_cause_q850', String(Q850[cause] ?? 16))
    this.setVar('digits_dialed', this.getVar('digits_dialed') ?? 'none')
    this.setVar('start_stamp', stamp(p.createdUs))
    this.setVar('profile_start_stamp', stamp(p.createdUs))
    this.setVar('answer_stamp', stamp(answerUs))
    this.setVar('bridge_stamp', stamp(p.bridgedUs))
    this.setVar('progress_stamp', stamp(p.progressUs))
    this.setVar('progress_media_stamp', stamp(p.progressMediaUs))
    this.setVar('end_stamp', stamp(end))
    const epochs: Array<[string, number]> = [
      ['start', p.createdUs],
      ['profile_start', p.createdUs],
      ['answer', answerUs],
      ['bridge', p.bridgedUs],
      ['last_hold', 0],
    ]
    for (const [name, us] of epochs) {
      this.setVar(`${name}_epoch`, sec(us))
      this.setVar(`${name}_uepoch`, String(us))
    }
    this.setVar('hold_accum_seconds', '0')
    this.setVar('hold_accum_usec', '0')
    this.setVar('hold_accum_ms', '0')
    for (const [name, us] of [
      ['resurrect', 0],
      ['progress', p.progressUs],
      ['progress_media', p.progressMediaUs],
      ['end', end],
    ] as Array<[string, number]>) {
      this.setVar(`${name}_epoch`, sec(us))
      this.setVar(`${name}_uepoch`, String(us))
    }
    this.setVar('last_app', this.getVar('current_application'))
    this.setVar('last_arg', this.getVar('current_application_data'))
    this.setVar('caller_id', p.callerIdName ? `"${p.callerIdName}" <${p.callerIdNumber}>` : p.callerIdNumber)
    const durUs = end - p.createdUs
    const billUs = answerUs > 0 ? end - answerUs : 0
    const progressUs = p.progressUs > 0 ? p.progressUs - p.createdUs : 0
    const answerWaitUs = answerUs > 0 ? answerUs - p.createdUs : 0
    const mediaUs = p.progressMediaUs > 0 ? p.progressMediaUs - p.createdUs : 0
    const units: Array<[string, (us: number) => string]> = [
      ['sec', (us) => String(Math.round(us / 1e6))],
      ['msec', (us) => String(Math.round(us / 1e3))],
      ['usec', (us) => String(us)],
    ]
    for (const [unit, f] of units) {
      const d = unit === 'sec' ? 'duration' : unit === 'msec' ? 'mduration' : 'uduration'
      this.setVar(d, f(durUs))
      this.setVar(`bill${unit}`, f(billUs))
      this.setVar(`progress${unit}`, f(progressUs))
      this.setVar(`answer${unit}`, f(answerWaitUs))
      this.setVar(`wait${unit}`, f(0))
      this.setVar(`progress_media${unit}`, f(mediaUs))
      this.setVar(`flow_bill${unit}`, f(durUs))
    }
    if (p.source === 'mod_loopback') this.setVar('is_loopback', '1')
  }
}

/** `2026-11-22 11:06:06` in the switch's local time (UTC here). */
export function localStamp(us: number): string {
  return new Date(Math.floor(us / 1000)).toISOString().replace('T', ' ').slice(0, 19)
}
