/**
 * The connect benchmark's own eyes on the switch (esl-lite, not the app's code): for every
 * channel, FreeSWITCH's own times of its answer (CHANNEL_ANSWER) and of the moment it first
 * talks with someone, either bridged (CHANNEL_BRIDGE, the caller's leg that ran `bridge`) or
 * put into a conference (CUSTOM conference::maintenance add-member, same Unique-ID). It also
 * plays the campaign contact: once a contact talks with an operator, it hangs up after a
 * moment, as a person does when the conversation is over. The start of the contact leg's
 * `conference` or `bridge` application (CHANNEL_EXECUTE) splits the connect time into the
 * app's part (answer -> the application starts) and the switch's (-> talking).
 */
import { FreeSwitchClient, type FreeSwitchEventData } from 'esl-lite'
import pino from 'pino'
import { eventMs, type SwitchEvent } from './driver.js'

export interface Talk {
  /** FreeSWITCH's time of the bridge or the join, ms since the epoch. */
  at: number
  how: 'bridge' | 'join'
  /** The conference (join) or the other leg's channel name (bridge). */
  with: string
}

/** A campaign contact's leg that runs the app: loopback/<contact number>-a (the -b leg is the person). */
const CONTACT_LEG = /^loopback\/\+3876190\d{5}-a$/

export class ConnectWatch {
  /** CHANNEL_ANSWER times by Unique-ID, ms. */
  readonly answered = new Map<string, number>()
  /** The first bridge or conference join by Unique-ID. */
  readonly talked = new Map<string, Talk>()
  /** The first `conference` or `bridge` application each channel started (CHANNEL_EXECUTE), ms: where the app's part ends. */
  readonly executed = new Map<string, number>()
  /** Channels gone (CHANNEL_HANGUP_COMPLETE) with their hang-up cause. */
  readonly hungUp = new Map<string, string>()
  /** How long a contact talks before hanging up, ms (drawn per call between the two). */
  talkMs: [number, number] = [800, 1500]
  /** Problems met while hanging contacts up. */
  readonly problems: string[] = []
  private readonly timers = new Set<NodeJS.Timeout>()

  private constructor(private readonly client: FreeSwitchClient) {}

  static async connect(port: number, password: string): Promise<ConnectWatch> {
    const client = new FreeSwitchClient({ host: '127.0.0.1', port, password, logger: pino({ level: 'silent' }) })
    const w = new ConnectWatch(client)
    const data = (e: FreeSwitchEventData): SwitchEvent => e.body.data as SwitchEvent
    client.on('CHANNEL_ANSWER', (e: FreeSwitchEventData) => {
      const d = data(e)
      w.answered.set(String(d['Unique-ID']), eventMs(d))
    })
    client.on('CHANNEL_BRIDGE', (e: FreeSwitchEventData) => {
      const d = data(e)
      w.talk(d, 'bridge', String(d['Other-Leg-Channel-Name'] ?? ''))
    })
    client.on('CHANNEL_EXECUTE', (e: FreeSwitchEventData) => {
      const d = data(e)
      const uuid = String(d['Unique-ID'])
      if ((d['Application'] === 'conference' || d['Application'] === 'bridge') && !w.executed.has(uuid)) w.executed.set(uuid, eventMs(d))
    })
    client.custom.on('conference::maintenance', (e: FreeSwitchEventData) => {
      const d = data(e)
      if (d['Action'] === 'add-member') w.talk(d, 'join', String(d['Conference-Name'] ?? ''))
    })
    client.on('CHANNEL_HANGUP_COMPLETE', (e: FreeSwitchEventData) => {
      const d = data(e)
      w.hungUp.set(String(d['Unique-ID']), String(d['Hangup-Cause'] ?? '?'))
    })
    // The subscriptions are in place once a command has gone through after them.
    for (let i = 0; i < 100; i++) {
      if ((await w.api('status').catch(() => '')).includes('UP')) return w
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error(`the connect benchmark could not reach FreeSWITCH's event socket on port ${port}`)
  }

  /** An api command (bgapi), its output without the trailing newline; errors as '-ERR ...'. */
  async api(command: string, timeoutMs = 30_000): Promise<string> {
    const r = await this.client.bgapi(command, timeoutMs)
    if (r instanceof Error) return `-ERR ${r.message}`
    const body = r.body.response ?? (r.body.data as Record<string, unknown>)['_body']
    return String(body ?? '').replace(/\n$/, '')
  }

  private talk(e: SwitchEvent, how: Talk['how'], other: string): void {
    const uuid = String(e['Unique-ID'] ?? '')
    if (!uuid || this.talked.has(uuid)) return
    this.talked.set(uuid, { at: eventMs(e), how, with: other })
    // A contact talking with an operator: the person (the -b leg) hangs up after a moment.
    if (!CONTACT_LEG.test(String(e['Channel-Name'] ?? ''))) return
    const [lo, hi] = this.talkMs
    const t = setTimeout(() => {
      this.timers.delete(t)
      void (async () => {
        const person = await this.api(`uuid_getvar ${uuid} other_loopback_leg_uuid`)
        const r = await this.api(`uuid_kill ${/^[0-9a-f-]{36}$/.test(person) ? person : uuid}`)
        if (!r.startsWith('+OK') && !this.hungUp.has(uuid)) this.problems.push(`hanging up ${uuid}: ${r.slice(0, 80)}`)
      })()
    }, lo + Math.random() * (hi - lo))
    this.timers.add(t)
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t)
    this.client.end()
  }
}
