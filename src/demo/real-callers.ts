/**
 * The demo's callers on a real FreeSWITCH: each is a loopback call from its own event-socket
 * connection (`originate {origination_caller_id_number=...}loopback/<number>/default
 * &park()`), whose parked -a leg is the caller's phone and whose -b leg runs the dialplan
 * to the app. The caller's steps are the simulator's (ScriptStep), carried out in real time:
 * wait for the IVR to start an application on the -b leg, press keys with uuid_send_dtmf on
 * the -a leg (they travel to the -b leg), hang up with uuid_kill.
 */
import type { Logger } from 'pino'
import { ControlClient, type ControlEvent } from '../esl/control-client.js'
import { CommandFailed } from '../esl/results.js'
import type { ScriptStep } from '../sim/caller-script.js'

export interface RealCall {
  /** The caller's side (parked). */
  aLeg: string
  /** The side the app controls: the call register's call uuid. */
  bLeg: string
  /** Resolves once the caller's side is gone. */
  done: Promise<void>
}

export interface PlaceOptions {
  from: string
  to: string
  steps: ScriptStep[]
  /** The caller hangs up after this long on the line, whatever happens (real ms). */
  patienceMs: number
}

export class RealCallers {
  /** Applications started per channel (CHANNEL_EXECUTE), kept from before a caller looks. */
  private readonly started = new Map<string, Map<string, number>>()
  /** Channels hung up, with when (pruned: the switch is shared with the app's other calls). */
  private readonly gone = new Map<string, number>()
  private readonly waiters = new Set<() => void>()
  private readonly live = new Set<string>()

  private constructor(private readonly control: ControlClient) {
    control.onEvent('CHANNEL_EXECUTE', (e) => this.onExecute(e))
    control.onEvent('CHANNEL_HANGUP_COMPLETE', (e) => {
      if (!e.uuid) return
      const now = Date.now()
      for (const [uuid, at] of this.gone) if (now - at > 600_000) this.gone.delete(uuid)
      this.gone.set(e.uuid, now)
      this.started.delete(e.uuid)
      this.wake()
    })
  }

  /** Connects to the switch's event socket and waits until it answers. */
  static async connect(node: { host: string; port: number; password: string }, log: Logger, timeoutMs = 15_000): Promise<RealCallers> {
    const control = new ControlClient({ ...node, log: log.child({ module: 'demo-callers' }) })
    const from = Date.now()
    while (!control.isUp) {
      if (Date.now() - from > timeoutMs) {
        control.end()
        throw new Error(`demo: the callers' connection to FreeSWITCH at ${node.host}:${node.port} did not come up within ${timeoutMs} ms`)
      }
      await sleep(100)
    }
    return new RealCallers(control)
  }

  /** Places a caller; its steps run in the background and `done` resolves when it hung up or was hung up. */
  async place(options: PlaceOptions): Promise<RealCall> {
    if (!/^\+?\d{1,20}$/.test(options.from) || !/^\+?\d{1,20}$/.test(options.to)) throw new Error(`demo: not a phone number: ${options.from} -> ${options.to}`)
    const reply = await this.api(`originate {origination_caller_id_number=${options.from},origination_caller_id_name=demo}loopback/${options.to}/default &park()`, 30_000)
    const m = /^\+OK ([0-9a-f-]{36})/.exec(reply)
    if (!m) throw new Error(`demo: FreeSWITCH did not place the call from ${options.from} to ${options.to}: ${reply}`)
    const aLeg = m[1]!
    this.live.add(aLeg)
    const bLeg = await this.api(`uuid_getvar ${aLeg} other_loopback_leg_uuid`)
    if (!/^[0-9a-f-]{36}$/.test(bLeg)) {
      await this.api(`uuid_kill ${aLeg}`).catch(() => '')
      throw new Error(`demo: no loopback -b leg for ${aLeg}: ${bLeg}`)
    }
    const done = this.run(aLeg, bLeg, options).finally(() => {
      this.live.delete(aLeg)
      this.started.delete(bLeg)
      this.gone.delete(aLeg)
      this.gone.delete(bLeg)
    })
    return { aLeg, bLeg, done }
  }

  /** Hangs up every caller still on the line (the demo is stopping). */
  async hangUpAll(): Promise<void> {
    await Promise.all([...this.live].map((uuid) => this.api(`uuid_kill ${uuid}`).catch(() => '')))
  }

  close(): void {
    this.control.end()
  }

  private async run(aLeg: string, bLeg: string, options: PlaceOptions): Promise<void> {
    const deadline = Date.now() + options.patienceMs
    const ended = (): boolean => this.gone.has(aLeg) || this.gone.has(bLeg)
    const used = new Map<string, number>()
    for (const step of options.steps) {
      if (ended() || Date.now() >= deadline) break
      if ('wait' in step) await this.until(() => ended(), Math.min(step.wait, deadline - Date.now()))
      else if ('app' in step) {
        // Each such step takes the next start of the application (as the simulator's scripts do).
        const wanted = (used.get(step.app) ?? 0) + 1
        used.set(step.app, wanted)
        const limit = Math.min(step.timeoutMs ?? Infinity, deadline - Date.now())
        await this.until(() => ended() || (this.started.get(bLeg)?.get(step.app) ?? 0) >= wanted, limit)
      } else if ('dtmf' in step) {
        for (const [i, digit] of Array.from(step.dtmf).entries()) {
          if (i > 0) await this.until(() => ended(), step.gapMs ?? 150)
          if (ended()) break
          await this.api(`uuid_send_dtmf ${aLeg} ${digit}`).catch(() => '')
        }
      } else if ('hangup' in step) {
        await this.api(`uuid_kill ${aLeg} NORMAL_CLEARING`).catch(() => '')
        break
      }
      // { speak }: a loopback caller has no voice; the recording hears silence.
    }
    // Then the caller stays on the line until the call ends, or their patience does.
    await this.until(() => ended(), Math.max(0, deadline - Date.now()))
    if (!ended()) {
      await this.api(`uuid_kill ${aLeg} NORMAL_CLEARING`).catch(() => '')
      await this.until(() => ended(), 5000)
    }
  }

  private onExecute(e: ControlEvent): void {
    const uuid = e.uuid
    const app = e.get('Application')
    if (!uuid || !app) return
    let apps = this.started.get(uuid)
    if (!apps) this.started.set(uuid, (apps = new Map()))
    apps.set(app, (apps.get(app) ?? 0) + 1)
    this.wake()
  }

  private wake(): void {
    for (const w of [...this.waiters]) w()
  }

  /** Resolves when `done()` holds (checked at every event) or after `ms`. */
  private until(done: () => boolean, ms: number): Promise<void> {
    if (done() || ms <= 0) return Promise.resolve()
    return new Promise((resolve) => {
      const check = (): void => {
        if (!done()) return
        finish()
      }
      const finish = (): void => {
        this.waiters.delete(check)
        clearTimeout(timer)
        resolve()
      }
      const timer = Number.isFinite(ms) ? setTimeout(finish, ms) : undefined
      this.waiters.add(check)
    })
  }

  private async api(command: string, timeoutMs?: number): Promise<string> {
    const r = await this.control.api(command, timeoutMs)
    if (r instanceof CommandFailed) throw new Error(`${command}: ${r.reply}`)
    return r.text
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
