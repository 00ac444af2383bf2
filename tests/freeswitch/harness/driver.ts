/**
 * The test's own hands on a real switch: its own event-socket connection (esl-lite, not the
 * app's code) that places callers, presses their keys, hangs them up, and keeps every
 * channel event it saw so a test can wait for what FreeSWITCH did.
 */
import { FreeSwitchClient, type FreeSwitchEventData } from 'esl-lite'
import pino from 'pino'
import type { TestSwitch } from '../../../src/bundle/freeswitch.js'

export type SwitchEvent = Record<string, string | undefined> & { 'Event-Name'?: string }

const WATCHED = [
  'CHANNEL_CREATE',
  'CHANNEL_PROGRESS',
  'CHANNEL_ANSWER',
  'CHANNEL_EXECUTE',
  'CHANNEL_EXECUTE_COMPLETE',
  'CHANNEL_BRIDGE',
  'CHANNEL_UNBRIDGE',
  'CHANNEL_HANGUP',
  'CHANNEL_HANGUP_COMPLETE',
  'PLAYBACK_START',
  'PLAYBACK_STOP',
  'DTMF',
] as const

/** Someone in a conference: its room, member id, channel and flags (hear|speak|...). */
export interface ConferenceMember {
  room: string
  id: string
  uuid: string
  flags: string
}

/** A caller placed through loopback: `aLeg` is the caller's side, `bLeg` the side that runs the dialplan. */
export interface TestCaller {
  aLeg: string
  /** Known once FreeSWITCH created it (waitForBLeg). */
  bLeg: string
}

export class SwitchDriver {
  readonly events: SwitchEvent[] = []
  private readonly waiters = new Set<() => void>()
  private constructor(
    private readonly client: FreeSwitchClient,
    readonly sw: TestSwitch,
  ) {}

  static async connect(sw: TestSwitch): Promise<SwitchDriver> {
    const client = new FreeSwitchClient({ host: '127.0.0.1', port: sw.ports.esl, password: sw.password, logger: pino({ level: 'silent' }) })
    const d = new SwitchDriver(client, sw)
    for (const name of WATCHED) {
      client.on(name, (e: FreeSwitchEventData) => d.take(e.body.data as Record<string, unknown>))
    }
    // Who joins and leaves conferences (operators' open lines).
    client.custom.on('conference::maintenance', (e: FreeSwitchEventData) => d.take(e.body.data as Record<string, unknown>))
    // The subscriptions are in place once a command has gone through after them.
    for (let i = 0; i < 50; i++) {
      if ((await d.api('status').catch(() => '')).includes('UP')) return d
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error(`the test driver could not reach FreeSWITCH on ${sw.eslAddress}`)
  }

  /** An api command (bgapi), its output with the trailing newline removed. */
  async api(command: string, timeoutMs = 30_000): Promise<string> {
    const r = await this.client.bgapi(command, timeoutMs)
    if (r instanceof Error) throw new Error(`${command}: ${r.message}`)
    const body = r.body.response ?? r.body.data['_body']
    return String(body ?? '').replace(/\n$/, '')
  }

  /**
   * A caller dialling `to` (default 5000, our IVR) from `from`: the -a leg is parked (the
   * caller's phone), the -b leg runs the dialplan and reaches the app.
   */
  async call(from: string, to = '5000', vars: Record<string, string> = {}): Promise<TestCaller> {
    const all = { origination_caller_id_number: from, ...vars }
    const block = Object.entries(all).map(([k, v]) => `${k}=${v}`).join(',')
    const reply = await this.api(`originate {${block}}loopback/${to}/default &park()`)
    const m = /^\+OK ([0-9a-f-]{36})/.exec(reply)
    if (!m) throw new Error(`originate to ${to} failed: ${reply}`)
    const aLeg = m[1]!
    const bLeg = await this.otherLoopbackLeg(aLeg)
    return { aLeg, bLeg }
  }

  /** The -b leg of a loopback pair, from its -a leg. */
  async otherLoopbackLeg(aLeg: string): Promise<string> {
    const id = await this.api(`uuid_getvar ${aLeg} other_loopback_leg_uuid`)
    if (/^[0-9a-f-]{36}$/.test(id)) return id
    throw new Error(`no other loopback leg for ${aLeg}: ${id}`)
  }

  /** Presses keys as the party on `uuid` (the DTMF travels to the other side). */
  async press(uuid: string, digits: string): Promise<void> {
    const r = await this.api(`uuid_send_dtmf ${uuid} ${digits}`)
    if (!r.startsWith('+OK')) throw new Error(`uuid_send_dtmf ${uuid} ${digits}: ${r}`)
  }

  async hangup(uuid: string, cause = 'NORMAL_CLEARING'): Promise<void> {
    await this.api(`uuid_kill ${uuid} ${cause}`)
  }

  async exists(uuid: string): Promise<boolean> {
    return (await this.api(`uuid_exists ${uuid}`)) === 'true'
  }

  async getVar(uuid: string, name: string): Promise<string | undefined> {
    const v = await this.api(`uuid_getvar ${uuid} ${name}`)
    return v === '_undef_' || v.startsWith('-ERR') ? undefined : v
  }

  /** Live channels (`show channels as json`). */
  async channels(): Promise<Array<Record<string, string>>> {
    const text = await this.api('show channels as json')
    const parsed = JSON.parse(text) as { rows?: Array<Record<string, string>> }
    return parsed.rows ?? []
  }

  /** Waits until no channel is left (between tests), killing stragglers after `ms`. */
  async drain(ms = 5000): Promise<void> {
    const from = Date.now()
    while ((await this.channels()).length > 0) {
      if (Date.now() - from > ms) {
        await this.api('hupall NORMAL_CLEARING')
        await new Promise((r) => setTimeout(r, 300))
        return
      }
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  /** Events about one channel, in order. */
  of(uuid: string): SwitchEvent[] {
    return this.events.filter((e) => e['Unique-ID'] === uuid)
  }

  /** Waits for an event that `match` accepts (seen already or still to come). */
  waitForEvent(what: string, match: (e: SwitchEvent) => boolean, timeoutMs = 20_000): Promise<SwitchEvent> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = this.events.find(match)
        if (!found) return
        this.waiters.delete(check)
        clearTimeout(timer)
        resolve(found)
      }
      const timer = setTimeout(() => {
        this.waiters.delete(check)
        reject(new Error(`FreeSWITCH did not show ${what} within ${timeoutMs} ms\n--- its log:\n${this.sw.logTail(40)}`))
      }, timeoutMs)
      this.waiters.add(check)
      check()
    })
  }

  /** Waits for a channel to be gone (CHANNEL_HANGUP_COMPLETE). */
  hungUp(uuid: string, timeoutMs = 20_000): Promise<SwitchEvent> {
    return this.waitForEvent(`the hangup of ${uuid}`, (e) => e['Event-Name'] === 'CHANNEL_HANGUP_COMPLETE' && e['Unique-ID'] === uuid, timeoutMs)
  }

  /** Waits for an application to start on a channel (CHANNEL_EXECUTE), optionally with data matching. */
  executing(uuid: string, app: string, data?: RegExp, timeoutMs = 20_000): Promise<SwitchEvent> {
    return this.waitForEvent(
      `${app}${data ? ` ${data}` : ''} on ${uuid}`,
      (e) => e['Event-Name'] === 'CHANNEL_EXECUTE' && e['Unique-ID'] === uuid && e['Application'] === app && (!data || data.test(e['Application-Data'] ?? '')),
      timeoutMs,
    )
  }

  /** Waits for a channel to join a conference (`room`: its name without the profile, or a pattern). */
  joined(uuid: string, room: string | RegExp, timeoutMs = 20_000): Promise<SwitchEvent> {
    const named = (n: string | undefined) => (typeof room === 'string' ? n === room : room.test(n ?? ''))
    return this.waitForEvent(
      `${uuid} joining ${room}`,
      (e) => e['Event-Subclass'] === 'conference::maintenance' && e['Action'] === 'add-member' && e['Unique-ID'] === uuid && named(e['Conference-Name']),
      timeoutMs,
    )
  }

  /** The members of the conferences whose names start with `prefix` (an agent's open line: `line-<agent>-`). */
  async members(prefix: string): Promise<ConferenceMember[]> {
    const out: ConferenceMember[] = []
    for (const room of await this.conferences(prefix)) {
      // `conference <room> list`: id;channel;uuid;caller id name;caller id number;flags;...
      for (const line of (await this.api(`conference ${room} list`)).split('\n')) {
        const f = line.split(';')
        if (/^\d+$/.test(f[0] ?? '')) out.push({ room, id: f[0]!, uuid: f[2]!, flags: f[5] ?? '' })
      }
    }
    return out
  }

  /** A known client (our number, the default flow) presses 0 at the main menu: the operators' queue. */
  async toOperator(from: string): Promise<TestCaller> {
    const caller = await this.call(from)
    await this.executing(caller.bLeg, 'play_and_get_digits', /main-menu\.wav/)
    await this.press(caller.aLeg, '0')
    return caller
  }

  /** The conferences running whose names start with `prefix`. */
  async conferences(prefix: string): Promise<string[]> {
    const out = await this.api('conference list summary')
    return [...out.matchAll(/^\+OK Conference (\S+)/gm)].map((m) => m[1]!).filter((n) => n.startsWith(prefix))
  }

  close(): void {
    this.client.end()
  }

  private take(data: Record<string, unknown>): void {
    const e: SwitchEvent = {}
    for (const [k, v] of Object.entries(data)) e[k] = v === undefined || v === null ? undefined : Array.isArray(v) ? v.join('|') : String(v)
    this.events.push(e)
    for (const w of this.waiters) w()
  }
}
