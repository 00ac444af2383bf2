/**
 * One simulated FreeSWITCH channel: its states, caller profile and variables, the events
 * it fires, the dialplan applications it runs one at a time (app-runner.ts), DTMF,
 * bridging and the hangup sequence. Event headers are built in channel-event.ts, the
 * first profile and variables in channel-init.ts, the call detail variables in
 * cdr-variables.ts.
 */
import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { AppRunner } from './app-runner.js'
import type { CallerProfile } from './caller-profile.js'
import { setCdrVariables } from './cdr-variables.js'
import { buildChannelEvent, type EventOptions } from './channel-event.js'
import { initialProfile, setInitialVariables, type ChannelInit } from './channel-init.js'
import type { AppOutcome, ChannelEndpoint, ChannelEvents, MediaBug, OtherLeg, RunningApp, StopReason } from './channel-types.js'
import type { HeaderList, SimEvent } from './event.js'
import { STATE_NUMBER, type RunningState } from './running-state.js'
import type { SimSwitch } from './switch.js'

export type { AppOutcome, ChannelEndpoint, ChannelEvents, MediaBug, OtherLeg, RunningApp, StopReason } from './channel-types.js'
export type { RunningState } from './running-state.js'

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
  private hangingUp: Promise<void> | undefined
  /** The applications running on the channel and those queued behind them. */
  private readonly apps = new AppRunner(this)
  /** Set while the channel's dialplan must not continue (uuid_bridge, transfer took it). */
  detached = false

  constructor(readonly sw: SimSwitch, init: ChannelInit) {
    super()
    this.uuid = init.uuid ?? randomUUID()
    this.name = init.name
    this.profile = initialProfile(init, this.uuid, sw.nowUs())
    this.gone = new Promise((resolve) => (this.settleGone = resolve))
    setInitialVariables(this, init)
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
    return buildChannelEvent(this, first, name, options)
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
    return this.apps.execute(app, arg, appUuid)
  }

  /** Runs an application now, nested in the current one (the socket app's inner apps). */
  runApp(app: string, arg: string, appUuid: string = randomUUID(), via: 'dialplan' | 'sendmsg' = 'dialplan'): Promise<AppOutcome> {
    return this.apps.runApp(app, arg, appUuid, via)
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
    return this.apps.current
  }

  /** Stops every running application (hangup, or uuid_bridge/transfer taking the channel). */
  abortAll(reason: StopReason): void {
    this.apps.abortAll(reason)
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
  idle(): Promise<void> {
    return this.apps.idle()
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
    setCdrVariables(this, cause)
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
}
