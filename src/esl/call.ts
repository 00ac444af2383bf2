/**
 * One live call handed to us by FreeSWITCH's `socket` application, with typed methods for
 * the dialplan applications we use. Each method resolves when FreeSWITCH reports the
 * application complete, or with CallEnded when the caller hangs up first: nothing is left
 * waiting after a hangup (the socket's side of that is call-session.ts).
 */
import { conferenceTarget } from './dial-string.js'
import { singleLine } from './commands.js'
import type { EslEvent } from './event.js'
import type { BridgeResult, DigitsRequest, DigitsResult, PlaybackResult, RecordRequest, RecordResult } from './call-types.js'
import { CallSession, isCompletion } from './call-session.js'
import { CallEnded, CommandFailed, type Completion, type Outcome } from './results.js'

// The requests and results of a Call's methods, where its users expect them.
export type * from './call-types.js'

const DIGITS_VAR = 'cc_digits'
/** The European ringing tone (ETSI: 425 Hz, 1 s on, 4 s off), for a caller whose call rings someone. */
export const RINGING_TONE = 'tone_stream://%(1000,4000,425);loops=-1'
const FILE_ARG = /^\S+$/
const TERMINATORS = /^[0-9*#]{1,12}$/

export class Call extends CallSession {
  /** The transfer_ringback last set on the channel. */
  private ringback: string | undefined
  /** Subscribed to conference::maintenance (an open line's join). */
  private conferenceEvents = false

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
