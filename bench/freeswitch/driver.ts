/**
 * The benchmark's own hands on the switch (esl-lite, as tests/freeswitch/harness/driver.ts,
 * not the app's code): it places callers over loopback, presses their keys when FreeSWITCH
 * says a menu prompt started, hangs them up, and tells what became of each call.
 *
 * Only the events it needs cross its connection (filtered at FreeSWITCH): PLAYBACK_START
 * (fired by every file played, by the app's `playback` and `play_and_get_digits` as by
 * mod_lua's streamFile and playAndGetDigits, so both ways of driving a call are seen alike),
 * CHANNEL_HANGUP_COMPLETE, CHANNEL_BRIDGE and BACKGROUND_JOB.
 */
import { randomUUID } from 'node:crypto'
import { FreeSwitchClient, type FreeSwitchEventData } from 'esl-lite'
import pino from 'pino'

export type SwitchEvent = Record<string, unknown>

const str = (e: SwitchEvent, k: string): string | undefined => {
  const v = e[k]
  return v === undefined || v === null ? undefined : Array.isArray(v) ? v.join('|') : String(v)
}

/** An event's own time (FreeSWITCH's clock, µs since the epoch) in ms. */
export const eventMs = (e: SwitchEvent): number => Number(str(e, 'Event-Date-Timestamp')) / 1000

/** What a call's caller does: told of every prompt the channel starts playing. */
export interface CallScript {
  onPrompt(call: PlacedCall, file: string, at: number): void
  /** The call may sit with no prompt starting for long (waiting in a queue): no stall check. */
  patient?: boolean
}

export interface CallOutcome {
  aLeg: string
  bLeg: string | undefined
  /**
   * originate sent -> PLAYBACK_START of the first prompt (on the leg that runs the dialplan)
   * received here, ms, both on this process's clock (FreeSWITCH's event times advance in 20 ms
   * steps on this machine).
   */
  setupMs: number | undefined
  completed: boolean
  /** Why the call was lost, when it was. */
  lost: string | undefined
  /** Prompts that tell the caller a key went missing (no-input, invalid-option), with what came before. */
  reprompts: string[]
}

/** A placed call: its two loopback legs, what the script has seen, and how it ends. */
export class PlacedCall {
  bLeg: string | undefined
  setupMs: number | undefined
  completed = false
  lost: string | undefined
  readonly reprompts: string[] = []
  /** Counters the script keeps (e.g. how many times the main menu started). */
  readonly seen = new Map<string, number>()
  lastStep = 'originate'
  /** Prompts and keys so far, with ms since the originate: what a reprompt is reported with. */
  readonly trail: string[] = []
  lastProgress = Date.now()
  private aDone = false
  private bDone = false
  /** Hung up by us: what the channel plays from now on is no longer the caller's concern. */
  killing = false
  private closed = false
  private readonly timers = new Set<NodeJS.Timeout>()
  private settle!: (o: CallOutcome) => void
  readonly done: Promise<CallOutcome>

  constructor(
    readonly driver: LoadDriver,
    readonly aLeg: string,
    readonly script: CallScript,
    readonly placedAt: number,
  ) {
    this.done = new Promise((resolve) => (this.settle = resolve))
  }

  count(what: string): number {
    const n = (this.seen.get(what) ?? 0) + 1
    this.seen.set(what, n)
    return n
  }

  /** Presses a key as the caller (on the parked -a leg; loopback carries it to the other side) after `ms`. */
  press(digit: string, ms: number): void {
    const due = Date.now() + ms
    this.later(ms, () => {
      const late = Date.now() - due
      this.lastStep = `pressed ${digit}${late > 100 ? ` ${late} ms late` : ''} after ${this.lastStep}`
      this.trail.push(`key ${digit}@${Date.now() - this.placedAt}`)
      void this.driver.api(`uuid_send_dtmf ${this.aLeg} ${digit}`).then((r) => {
        if (!r.startsWith('+OK') && !this.ended) this.fail(`uuid_send_dtmf: ${r}`)
      })
    })
  }

  /** The caller is done and hangs up after `ms`: the call counts as completed. */
  finish(ms: number): void {
    this.later(ms, () => {
      this.completed = true
      this.kill()
    })
  }

  /** The call went wrong: it is lost, and hung up. */
  fail(why: string): void {
    if (this.completed || this.lost) return
    this.lost = why
    this.kill()
  }

  kill(): void {
    if (this.killing) return
    this.killing = true
    void this.driver.api(`uuid_kill ${this.aLeg}`)
    // Whatever happens, the call is over for us 15 s later.
    this.later(15_000, () => this.close(), true)
  }

  get ended(): boolean {
    return this.aDone && (this.bDone || this.bLeg === undefined)
  }

  later(ms: number, fn: () => void, evenAfterEnd = false): void {
    const t = setTimeout(() => {
      this.timers.delete(t)
      if (evenAfterEnd || !this.ended) fn()
    }, ms)
    this.timers.add(t)
  }

  /** A leg is gone (CHANNEL_HANGUP_COMPLETE). */
  hungUp(leg: 'a' | 'b', e: SwitchEvent): void {
    if (leg === 'a') this.aDone = true
    else this.bDone = true
    if (!this.completed && !this.lost) this.lost = `${leg === 'a' ? 'caller' : 'dialplan'} leg hung up (${str(e, 'Hangup-Cause') ?? '?'}) after ${this.lastStep}`
    if (this.aDone && this.bDone) this.close()
    // The other leg follows within moments; if it does not, stop waiting for it.
    else this.later(5_000, () => this.close(), true)
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    this.driver.forget(this)
    this.settle({ aLeg: this.aLeg, bLeg: this.bLeg, setupMs: this.setupMs, completed: this.completed, lost: this.completed ? undefined : (this.lost ?? `unfinished after ${this.lastStep}`), reprompts: this.reprompts })
  }
}

export class LoadDriver {
  private readonly calls = new Map<string, PlacedCall>()
  private readonly bridgeListeners = new Set<(e: SwitchEvent) => void>()
  private readonly hangupListeners = new Set<(e: SwitchEvent) => void>()
  private readonly watchdog: NodeJS.Timeout
  /** A call with no new prompt for this long is stuck (the longest prompt is 12.4 s). */
  stallMs = 45_000
  /** Number of events received. */
  events = 0

  private constructor(private readonly client: FreeSwitchClient) {
    this.watchdog = setInterval(() => {
      const now = Date.now()
      for (const c of this.calls.values()) if (!c.script.patient && !c.completed && !c.lost && now - c.lastProgress > this.stallMs) c.fail(`no prompt for ${Math.round((now - c.lastProgress) / 1000)} s after ${c.lastStep}`)
    }, 1000)
  }

  static async connect(port: number, password: string): Promise<LoadDriver> {
    const client = new FreeSwitchClient({ host: '127.0.0.1', port, password, logger: pino({ level: 'silent' }) })
    const d = new LoadDriver(client)
    client.filter('Event-Name', 'BACKGROUND_JOB')
    const on = (name: 'PLAYBACK_START' | 'CHANNEL_HANGUP_COMPLETE' | 'CHANNEL_BRIDGE', fn: (e: SwitchEvent) => void): void => {
      client.filter('Event-Name', name)
      client.on(name, (e: FreeSwitchEventData) => {
        d.events++
        fn(e.body.data as SwitchEvent)
      })
    }
    on('PLAYBACK_START', (e) => d.onPlayback(e))
    on('CHANNEL_HANGUP_COMPLETE', (e) => d.onHangup(e))
    on('CHANNEL_BRIDGE', (e) => {
      for (const l of d.bridgeListeners) l(e)
    })
    for (let i = 0; i < 100; i++) {
      if ((await d.api('status').catch(() => '')).includes('UP')) return d
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error(`the benchmark could not reach FreeSWITCH's event socket on port ${port}`)
  }

  /** An api command (bgapi), its output without the trailing newline; errors as '-ERR ...'. */
  async api(command: string, timeoutMs = 60_000): Promise<string> {
    const r = await this.client.bgapi(command, timeoutMs)
    if (r instanceof Error) return `-ERR ${r.message}`
    const body = r.body.response ?? (r.body.data as Record<string, unknown>)['_body']
    return String(body ?? '').replace(/\n$/, '')
  }

  /**
   * A caller from `from` dialling `to`: `originate {...}loopback/<to>/default &park()`. The -a
   * leg (parked) is the caller's phone; the -b leg runs the dialplan (the app or the script).
   */
  place(to: string, from: string, script: CallScript): PlacedCall {
    const aLeg = randomUUID()
    const call = new PlacedCall(this, aLeg, script, Date.now())
    this.calls.set(aLeg, call)
    void this.api(`originate {origination_uuid=${aLeg},origination_caller_id_number=${from},origination_caller_id_name=bench}loopback/${to}/default &park()`).then((reply) => {
      if (!reply.startsWith('+OK')) {
        call.lastStep = `originate failed: ${reply.slice(0, 80)}`
        call.fail(`originate: ${reply.slice(0, 80)}`)
      }
    })
    return call
  }

  get live(): number {
    return this.calls.size
  }

  forget(call: PlacedCall): void {
    if (this.calls.get(call.aLeg) === call) this.calls.delete(call.aLeg)
  }

  onBridge(fn: (e: SwitchEvent) => void): () => void {
    this.bridgeListeners.add(fn)
    return () => this.bridgeListeners.delete(fn)
  }

  /** More events from now on (FreeSWITCH sends them from the next command on). */
  subscribe(name: 'CHANNEL_UNBRIDGE' | 'CHANNEL_EXECUTE' | 'API', fn: (e: SwitchEvent) => void): void {
    this.client.filter('Event-Name', name)
    this.client.on(name, (e: FreeSwitchEventData) => {
      this.events++
      fn(e.body.data as SwitchEvent)
    })
  }

  /** Hang-ups of channels that are not placed callers (agents' phones). */
  onOtherHangup(fn: (e: SwitchEvent) => void): () => void {
    this.hangupListeners.add(fn)
    return () => this.hangupListeners.delete(fn)
  }

  close(): void {
    clearInterval(this.watchdog)
    this.client.end()
  }

  private callOf(e: SwitchEvent): { call: PlacedCall; leg: 'a' | 'b' } | undefined {
    const uuid = str(e, 'Unique-ID') ?? ''
    const own = this.calls.get(uuid)
    if (own) return { call: own, leg: 'a' }
    const other = this.calls.get(str(e, 'variable_other_loopback_leg_uuid') ?? '')
    if (other && (other.bLeg === undefined || other.bLeg === uuid)) {
      other.bLeg = uuid
      return { call: other, leg: 'b' }
    }
    return undefined
  }

  private onPlayback(e: SwitchEvent): void {
    const found = this.callOf(e)
    if (!found || found.leg !== 'b' || found.call.killing) return
    const { call } = found
    const at = eventMs(e)
    const file = str(e, 'Playback-File-Path') ?? ''
    call.setupMs ??= Date.now() - call.placedAt
    call.lastProgress = Date.now()
    const step = file.replace(/^.*\//, '')
    if (/\/(no-input|invalid-option)\.wav$/.test(file)) call.reprompts.push(`${step} after ${call.trail.slice(-4).join(', ')}`)
    call.lastStep = step
    call.trail.push(`${step}@${Math.round(at - call.placedAt)}`)
    call.script.onPrompt(call, file, at)
  }

  private onHangup(e: SwitchEvent): void {
    const found = this.callOf(e)
    if (found) return found.call.hungUp(found.leg, e)
    for (const l of this.hangupListeners) l(e)
  }
}

/**
 * The IVR caller of the benchmark, a known retail client without a language: the welcome,
 * the language menu (1, English), the main menu (3: the balance), the menu again (2: the
 * prices), the menu once more: hangs up. Keys go `keyDelayMs` after the menu prompt starts.
 */
export function ivrCaller(keyDelayMs: number): CallScript {
  return {
    onPrompt(call, file) {
      if (/\/choose-language\.wav$/.test(file)) return call.press('1', keyDelayMs)
      if (/\/main-menu\.wav$/.test(file)) {
        const n = call.count('main-menu')
        if (n === 1) call.press('3', keyDelayMs)
        else if (n === 2) call.press('2', keyDelayMs)
        else call.finish(keyDelayMs)
      }
    },
  }
}
