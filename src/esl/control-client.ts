/**
 * Inbound event-socket control of one FreeSWITCH node, wrapping esl-lite's
 * FreeSwitchClient (which authenticates, reconnects, re-subscribes and re-queues commands
 * on its own). We add typed api commands with FreeSWITCH's `+OK` / `-ERR` results, and
 * watch the connection: esl-lite hides reconnections, so we notice them through its public
 * `stats.authRequest` counter and a periodic `status` ping, and report up/down/reconnected.
 */
import { EventEmitter } from 'node:events'
import { FreeSwitchClient, type FreeSwitchEventData } from 'esl-lite'
import type { Logger } from 'pino'
import { probeAuth } from './auth-probe.js'
import { channelUuid, originateToPark, originateToSocket } from './dial-string.js'
import { CommandFailed } from './results.js'

export interface ControlClientOptions {
  host: string
  port: number
  password: string
  log: Logger
  /** How often the connection is checked with `status`, real ms (default 2000). */
  pingIntervalMs?: number
  /** Default time allowed for an api command, real ms. */
  commandTimeoutMs?: number
}

/** An event received on the control connection (JSON-encoded by esl-lite). */
export class ControlEvent {
  readonly name: string
  constructor(readonly data: Record<string, unknown>) {
    this.name = typeof data['Event-Name'] === 'string' ? (data['Event-Name'] as string) : ''
  }
  get(header: string): string | undefined {
    const v = this.data[header]
    if (v === undefined || v === null) return undefined
    return Array.isArray(v) ? v.join('|') : String(v)
  }
  variable(name: string): string | undefined {
    return this.get(`variable_${name}`)
  }
  get uuid(): string | undefined {
    return this.get('Unique-ID')
  }
}

export type OriginateResult = { ok: true; uuid: string } | { ok: false; cause: string }

export interface ApiResult {
  ok: boolean
  /** The command's output with FreeSWITCH's trailing newline removed. */
  text: string
}

export interface ControlClientEvents {
  up: []
  down: [reason: string]
  /** The connection was re-established: live-call state may need reconciling. */
  reconnected: []
}

export class ControlClient extends EventEmitter<ControlClientEvents> {
  private readonly client: FreeSwitchClient
  private readonly log: Logger
  private state: 'connecting' | 'up' | 'down' = 'connecting'
  private lastAuthCount = 0n
  /** The status ping under way, and on which connection (its auth count) it was sent. */
  private pinging: { connection: bigint; done: Promise<void> } | undefined
  private readonly timers: NodeJS.Timeout[] = []
  private ended = false
  /** Commands waiting for FreeSWITCH: answered at once when the connection is lost. */
  private readonly pending = new Set<(failed: CommandFailed) => void>()

  constructor(private readonly options: ControlClientOptions) {
    super()
    this.log = options.log.child({ module: 'esl-control', node: `${options.host}:${options.port}` })
    // esl-lite logs every reconnect attempt at error level; ours are enough.
    const libLog = this.log.child({ lib: 'esl-lite' }, { level: 'silent' })
    this.client = new FreeSwitchClient({ host: options.host, port: options.port, password: options.password, logger: libLog })
    // esl-lite subscribes to every channel's CHANNEL_EXECUTE_COMPLETE and to every CUSTOM
    // event: filtered at FreeSWITCH, only the events we listen to cross the connection (a
    // listener whose queue overflows under load is dropped by FreeSWITCH).
    this.client.filter('Event-Name', 'BACKGROUND_JOB')
    this.client.on('BACKGROUND_JOB', () => this.jobEvents++)
    const ping = options.pingIntervalMs ?? 2000
    this.timers.push(setInterval(() => void this.ping(), ping).unref())
    this.timers.push(setInterval(() => this.watchReconnects(), 100).unref())
    setImmediate(() => void this.ping())
  }

  get isUp(): boolean {
    return this.state === 'up'
  }

  /** Why the node is down, when known: 'password refused' or 'unreachable'. */
  downReason: string | undefined

  get node(): string {
    return `${this.options.host}:${this.options.port}`
  }

  /** Runs an api command in the background (bgapi) and returns its output. */
  async api(command: string, timeoutMs = this.options.commandTimeoutMs ?? 10_000): Promise<ApiResult | CommandFailed> {
    if (/[\r\n]/.test(command)) return new CommandFailed(command, 'command must be one line')
    let lost: ((failed: CommandFailed) => void) | undefined
    const res = await Promise.race([
      this.client.bgapi(command, timeoutMs),
      new Promise<CommandFailed>((resolve) => {
        lost = resolve
        this.pending.add(resolve)
      }),
    ]).finally(() => this.pending.delete(lost!))
    if (res instanceof CommandFailed) return new CommandFailed(command, res.reply)
    if (res instanceof Error) return new CommandFailed(command, `${res.name}: ${res.message}`)
    const text = jobText(res)
    return { ok: !text.startsWith('-ERR'), text: text.replace(/\n$/, '') }
  }

  /**
   * Originates a call. `dial` is a dial string built with the dial-string builders; the
   * answered call goes to our outbound socket (`to: { socket }`) or is parked.
   */
  async originate(dial: string, to: { socket: string } | 'park', timeoutMs = 90_000): Promise<OriginateResult | CommandFailed> {
    let command: string
    try {
      command = to === 'park' ? originateToPark(dial) : originateToSocket(dial, to.socket)
    } catch (err) {
      return new CommandFailed('originate', (err as Error).message)
    }
    const r = await this.api(command, timeoutMs)
    if (r instanceof CommandFailed) return r
    const m = /^\+OK ([0-9a-fA-F-]+)/.exec(r.text)
    if (m) return { ok: true, uuid: m[1]! }
    return { ok: false, cause: r.text.replace(/^-ERR\s*/, '').trim() || 'UNKNOWN' }
  }

  uuidBridge(a: string, b: string): Promise<ApiResult | CommandFailed> {
    return this.uuidCommand('uuid_bridge', a, () => channelUuid(b))
  }

  /** Plays a file to a channel from outside its dialplan; `leg`: aleg, bleg or both. */
  uuidBroadcast(uuid: string, file: string, leg: 'aleg' | 'bleg' | 'both' = 'aleg'): Promise<ApiResult | CommandFailed> {
    return this.uuidCommand('uuid_broadcast', uuid, () => `${oneWord('file', file)} ${leg}`)
  }

  uuidBreak(uuid: string, all = true): Promise<ApiResult | CommandFailed> {
    return this.uuidCommand('uuid_break', uuid, () => (all ? 'all' : ''))
  }

  uuidKill(uuid: string, cause?: string): Promise<ApiResult | CommandFailed> {
    return this.uuidCommand('uuid_kill', uuid, () => (cause === undefined ? '' : oneWord('cause', cause)))
  }

  uuidRecord(uuid: string, action: 'start' | 'stop', path: string): Promise<ApiResult | CommandFailed> {
    return this.uuidCommand('uuid_record', uuid, () => `${action} ${oneWord('path', path)}`)
  }

  /** Sends the channel to another extension (optionally dialplan and context). */
  uuidTransfer(uuid: string, destination: string, dialplan = 'XML', context = 'default'): Promise<ApiResult | CommandFailed> {
    return this.uuidCommand('uuid_transfer', uuid, () => `${oneWord('destination', destination)} ${oneWord('dialplan', dialplan)} ${oneWord('context', context)}`)
  }

  uuidSetVar(uuid: string, name: string, value: string): Promise<ApiResult | CommandFailed> {
    return this.uuidCommand('uuid_setvar', uuid, () => `${oneWord('variable', name)} ${oneWord('value', value)}`)
  }

  async uuidGetVar(uuid: string, name: string): Promise<string | undefined | CommandFailed> {
    const r = await this.uuidCommand('uuid_getvar', uuid, () => oneWord('variable', name))
    if (r instanceof CommandFailed) return r
    if (!r.ok) return new CommandFailed('uuid_getvar', r.text)
    return r.text === '_undef_' ? undefined : r.text
  }

  async uuidExists(uuid: string): Promise<boolean | CommandFailed> {
    const r = await this.uuidCommand('uuid_exists', uuid, () => '')
    if (r instanceof CommandFailed) return r
    return r.text === 'true'
  }

  /** Live channels as FreeSWITCH sees them (`show channels as json`). */
  async showChannels(): Promise<Array<Record<string, string>> | CommandFailed> {
    const r = await this.api('show channels as json')
    if (r instanceof CommandFailed) return r
    try {
      const parsed = JSON.parse(r.text) as { rows?: Array<Record<string, string>> }
      return parsed.rows ?? []
    } catch {
      return new CommandFailed('show channels as json', `unparsable reply: ${r.text.slice(0, 80)}`)
    }
  }

  /** Subscribes to an event (esl-lite sends `event json <name>` and repeats it after a reconnect). */
  onEvent(name: EventNameArg, handler: (event: ControlEvent) => void): void {
    this.client.filter('Event-Name', name)
    this.client.on(name, (data: FreeSwitchEventData) => handler(new ControlEvent(data.body.data)))
  }

  /** Subscribes to a CUSTOM event subclass such as `avmd::beep`. */
  onCustom(subclass: string, handler: (event: ControlEvent) => void): void {
    this.client.filter('Event-Subclass', subclass)
    this.client.custom.on(subclass, (data: FreeSwitchEventData) => handler(new ControlEvent(data.body.data)))
  }

  /** Events received on this connection so far, api commands' results (ours and others') aside: to see what crosses it. */
  get channelEventsReceived(): bigint {
    return this.client.stats.events - this.jobEvents
  }

  private jobEvents = 0n

  end(): void {
    this.ended = true
    for (const t of this.timers) clearInterval(t)
    for (const fail of [...this.pending]) fail(new CommandFailed('', 'control connection closed'))
    this.client.end()
  }

  private uuidCommand(name: string, uuid: string, rest: () => string): Promise<ApiResult | CommandFailed> {
    let command: string
    try {
      command = `${name} ${channelUuid(uuid)} ${rest()}`.trimEnd()
    } catch (err) {
      return Promise.resolve(new CommandFailed(name, (err as Error).message))
    }
    return this.api(command)
  }

  /** A new auth/request after the first one means esl-lite reconnected (and re-subscribed). */
  private watchReconnects(): void {
    const count = this.client.stats.authRequest
    if (count === this.lastAuthCount) return
    const again = this.lastAuthCount > 0n
    this.lastAuthCount = count
    if (again) {
      // Replies to what was sent on the old connection will never come.
      for (const fail of [...this.pending]) fail(new CommandFailed('', 'FreeSWITCH connection lost (reconnected since)'))
      // 'reconnected' once FreeSWITCH answers on the new connection (then listeners may send
      // commands at once); not before: a refused password reconnects too.
      this.reconnectedAt = count
    }
    // The first connection may already be confirmed by the ping sent at start.
    if (again || this.state !== 'up') void this.ping()
  }

  /** The connection whose coming back is still to be announced, once a ping confirms it. */
  private reconnectedAt: bigint | undefined

  private announceReconnect(): void {
    if (this.reconnectedAt === undefined || this.reconnectedAt !== this.lastAuthCount || this.ended) return
    this.reconnectedAt = undefined
    this.log.info('FreeSWITCH control connection re-established')
    this.emit('reconnected')
  }

  /** Asks `status`; its answer marks the connection up or down. One at a time per connection. */
  private ping(): Promise<void> {
    if (this.ended) return Promise.resolve()
    const connection = this.lastAuthCount
    // The ping sent at start, before any connection was seen, travels on the first one.
    if (this.pinging && (this.pinging.connection === connection || (this.pinging.connection === 0n && connection === 1n))) return this.pinging.done
    const done = (async () => {
      const timeout = Math.max(500, (this.options.pingIntervalMs ?? 2000) - 100)
      const r = await this.api('status', timeout)
      if (this.ended) return
      const ok = !(r instanceof CommandFailed) && r.text.includes('UP')
      const firstConnection = connection === 0n && this.lastAuthCount === 1n
      // A ping sent on a connection that has since been replaced says nothing about the new
      // one, unless no connection has held since: a node that takes the connection and drops
      // it at once (a refused password) is down.
      if (connection !== this.lastAuthCount && !(firstConnection && ok)) {
        if (!ok && this.state !== 'up') this.markDown(r instanceof CommandFailed ? r.reply : 'unexpected status reply')
        // The first connection came while the start's ping failed: ask on it.
        if (firstConnection) setImmediate(() => void this.ping())
        return
      }
      if (ok) {
        this.markUp()
        this.announceReconnect()
      } else this.markDown(r instanceof CommandFailed ? r.reply : 'unexpected status reply')
    })().finally(() => {
      if (this.pinging?.done === done) this.pinging = undefined
    })
    this.pinging = { connection, done }
    return done
  }

  private markUp(): void {
    if (this.state === 'up') return
    this.state = 'up'
    this.downReason = undefined
    this.log.info('FreeSWITCH control connection up')
    this.emit('up')
  }

  private markDown(reason: string): void {
    if (this.state === 'down') return
    this.state = 'down'
    // An originate waiting on a node that is gone would wait out its whole timeout.
    for (const fail of [...this.pending]) fail(new CommandFailed('', `FreeSWITCH connection lost (${reason})`))
    this.log.warn({ reason }, 'FreeSWITCH control connection down')
    this.emit('down', reason)
    void this.diagnose()
  }

  /** Says why the node is down when FreeSWITCH itself can tell: a refused password. */
  private async diagnose(): Promise<void> {
    const { host, port, password } = this.options
    const r = await probeAuth(host, port, password, this.log.child({}, { level: 'silent' }))
    if (this.state !== 'down' || this.ended) return
    if (r === 'refused') {
      this.downReason = 'password refused'
      this.log.error({ node: this.node }, `FreeSWITCH at ${this.node} refused the event-socket password: set FREESWITCH_PASSWORD to the password in its event_socket.conf.xml`)
    } else if (r === 'unreachable') {
      this.downReason = 'unreachable'
      this.log.error({ node: this.node }, `FreeSWITCH event socket at ${this.node} does not answer: check FREESWITCH_NODES and that FreeSWITCH runs with mod_event_socket`)
    }
  }
}

type EventNameArg = Parameters<FreeSwitchClient['on']>[0]

function jobText(res: FreeSwitchEventData): string {
  const r = res.body.response
  if (typeof r === 'string') return r
  const b = res.body.data['_body']
  return typeof b === 'string' ? b : ''
}

function oneWord(field: string, value: string): string {
  if (!/^[^\s'"{}]+$/.test(value)) throw new Error(`${field} must be one word without quotes or braces: ${JSON.stringify(value)}`)
  return value
}
