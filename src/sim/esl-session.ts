/**
 * What both kinds of event-socket session share (FreeSWITCH's parse_command): event
 * subscriptions (`event`, `nixevent`, `noevents`, `filter`), `api`, `bgapi`, `log`,
 * `exit`, and delivering the switch's events to the client in its chosen format.
 */
import { randomUUID } from 'node:crypto'
import type { Socket } from 'node:net'
import type { SimChannel } from './channel.js'
import { CommandReader, type EslCommand } from './command-reader.js'
import type { SimEvent } from './event.js'
import { EslWriter } from './esl-writer.js'
import type { SimSwitch } from './switch.js'

export interface EventSink {
  /** Whether this sink could want such an event (checked before the event is built). */
  interested(name: string, subclass: string | undefined, channel: SimChannel | undefined): boolean
  deliver(event: SimEvent, channel: SimChannel | undefined): void
}

const FORMATS = new Set(['plain', 'json', 'xml'])

export abstract class EslSession implements EventSink {
  protected readonly writer: EslWriter
  protected format: 'plain' | 'json' = 'plain'
  protected readonly names = new Set<string>()
  protected readonly subclasses = new Set<string>()
  protected allEvents = false
  protected readonly filters: Array<[string, string]> = []
  /** Only events of this channel (outbound `myevents`). */
  protected onlyUuid: string | undefined
  private readonly reader = new CommandReader()
  private chain: Promise<void> = Promise.resolve()
  protected closed = false
  readonly done: Promise<void>
  private settleDone!: () => void

  constructor(
    readonly sw: SimSwitch,
    protected readonly socket: Socket,
  ) {
    const wire = sw.clock.tap(socket)
    this.writer = new EslWriter(socket, (bytes) => (wire ? wire.sent(bytes) : sw.clock.poke()))
    this.done = new Promise((resolve) => (this.settleDone = resolve))
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => {
      if (wire) wire.received(chunk.length)
      else sw.clock.poke()
      for (const cmd of this.reader.push(chunk)) {
        // Commands are answered in order; a slow one (api originate) holds the next. Not
        // clock.track()ed: such a command waits for simulated time to pass.
        this.chain = this.chain.then(() => this.handle(cmd)).catch((err: unknown) => {
          this.sw.log.warn({ err }, 'simulator: command failed')
        })
      }
    })
    socket.on('error', () => undefined)
    socket.on('end', () => this.onPeerEnd())
    socket.on('close', () => {
      this.closed = true
      this.sw.removeSink(this)
      this.onSocketClosed()
      this.settleDone()
    })
    sw.addSink(this)
  }

  protected abstract handle(cmd: EslCommand): Promise<void>

  /** Drops the TCP connection without a word (a crash or a network cut). */
  destroy(): void {
    this.socket.destroy()
  }
  protected onSocketClosed(): void {}
  /** The client shut down its side (FIN); the socket may still be written when half-open. */
  protected onPeerEnd(): void {}

  /** Events held back while a blocking command runs (static socket mode). */
  protected held: SimEvent[] | undefined

  deliver(event: SimEvent, channel: SimChannel | undefined): void {
    if (this.closed || !this.wants(event, channel)) return
    if (this.held) this.held.push(event)
    else this.writer.event(event, this.format)
  }

  /** Sends what was held back, then delivers events as they come again. */
  protected release(): void {
    const held = this.held ?? []
    this.held = undefined
    for (const e of held) this.writer.event(e, this.format)
  }

  interested(name: string, subclass: string | undefined, channel: SimChannel | undefined): boolean {
    if (this.closed) return false
    if (this.onlyUuid !== undefined && channel?.uuid !== this.onlyUuid) return false
    if (this.allEvents) return true
    // A CUSTOM event with a subclass goes only to sessions that named the subclass.
    if (name === 'CUSTOM') return this.names.has('CUSTOM') && (subclass === undefined || this.subclasses.has(subclass))
    return this.names.has(name)
  }

  protected wants(event: SimEvent, channel: SimChannel | undefined): boolean {
    if (!this.interested(event.name, event.get('Event-Subclass'), channel)) return false
    return this.filters.length === 0 || passesFilters(this.filters, event)
  }

  /**
   * `filter <header> <value>` (or `filter add ...`), `filter delete <header> [<value>]`,
   * `filter delete all`, with mod_event_socket's replies.
   */
  private filter(args: string): string {
    const space = args.indexOf(' ')
    let name = space < 0 ? args : args.slice(0, space)
    let value: string | undefined = space < 0 ? undefined : args.slice(space + 1)
    if (name.toLowerCase() === 'delete' && value !== undefined) {
      const at = value.indexOf(' ')
      ;[name, value] = at < 0 ? [value, undefined] : [value.slice(0, at), value.slice(at + 1)]
      if (name.toLowerCase() === 'all') this.filters.length = 0
      else {
        for (let i = this.filters.length - 1; i >= 0; i--) {
          const [h, v] = this.filters[i]!
          if (h.toLowerCase() === name.toLowerCase() && (value === undefined || v === value)) this.filters.splice(i, 1)
        }
      }
      return `+OK filter deleted. [${name}][${value ?? ''}]`
    }
    if (value === undefined) return '-ERR invalid syntax'
    if (name.toLowerCase() === 'add') {
      const at = value.indexOf(' ')
      ;[name, value] = at < 0 ? [value, undefined] : [value.slice(0, at), value.slice(at + 1)]
    }
    this.filters.push([name, value ?? ''])
    return `+OK filter added. [${name}]=[${value ?? ''}]`
  }

  /** Commands every session understands; false when `cmd` is not one of them. */
  protected async common(cmd: EslCommand): Promise<boolean> {
    const [verb = '', ...rest] = cmd.line.split(' ')
    const args = rest.join(' ')
    switch (verb.toLowerCase()) {
      case 'exit':
        this.writer.reply('+OK bye')
        this.disconnect()
        return true
      case 'event':
        this.writer.reply(this.subscribe(rest))
        return true
      case 'nixevent': {
        const names = rest.filter((n) => !FORMATS.has(n.toLowerCase()))
        for (const n of names) this.names.delete(n)
        this.writer.reply(names.length ? '+OK events nixed' : '-ERR no keywords supplied')
        return true
      }
      case 'noevents': {
        const had = this.allEvents || this.names.size > 0
        this.allEvents = false
        this.names.clear()
        this.subclasses.clear()
        this.writer.reply(had ? '+OK no longer listening for events' : '-ERR not listening for events')
        return true
      }
      case 'filter':
        this.writer.reply(this.filter(args))
        return true
      case 'api':
        this.writer.api(await this.sw.api(args))
        return true
      case 'bgapi': {
        const jobUuid = cmd.headers.get('job-uuid') ?? randomUUID()
        this.writer.reply(`+OK Job-UUID: ${jobUuid}`, [['Job-UUID', jobUuid]])
        void this.sw.backgroundJob(jobUuid, args)
        return true
      }
      case 'log':
        this.writer.reply(`+OK log level ${rest[0] ?? 'debug'} [7]`)
        return true
      case 'nolog':
        this.writer.reply('+OK no longer logging')
        return true
      default:
        return false
    }
  }

  private subscribe(words: string[]): string {
    let customFollows = false
    let any = false
    for (const w of words) {
      if (FORMATS.has(w.toLowerCase())) {
        this.format = w.toLowerCase() === 'json' ? 'json' : 'plain'
        continue
      }
      if (customFollows) {
        this.subclasses.add(w)
        any = true
        continue
      }
      if (w === 'ALL') this.allEvents = true
      else if (/^[A-Z_]+$/.test(w)) this.names.add(w)
      else continue
      if (w === 'CUSTOM') customFollows = true
      any = true
    }
    if (!any && words.every((w) => !FORMATS.has(w.toLowerCase()))) return '-ERR no keywords supplied'
    return `+OK event listener enabled ${this.format}`
  }

  /** Sends the final notice and closes (FreeSWITCH's send_disconnect). */
  protected disconnect(withSession?: { uuid: string }): void {
    if (this.closed) return
    this.writer.disconnect(withSession)
    this.writer.end()
    this.closed = true
    this.sw.removeSink(this)
  }
}

/**
 * mod_event_socket's event filters: an event passes when one of its headers equals a
 * filter's value (case-insensitive; `/regex/` matches); a value starting with `-` excludes
 * instead. Headers the event lacks do not count either way.
 */
function passesFilters(filters: Array<[string, string]>, event: SimEvent): boolean {
  let send = false
  for (const [name, raw] of filters) {
    const have = eventHeader(event, name)
    if (have === undefined) continue
    let value = raw
    let positive = true
    while (value.length > 0 && '+- '.includes(value[0]!)) {
      if (value[0] === '+') positive = true
      else if (value[0] === '-') positive = false
      value = value.slice(1)
    }
    if (send && positive) continue
    let matches: boolean
    if (raw.startsWith('/')) {
      try {
        matches = new RegExp(value.replace(/^\/|\/$/g, '')).test(have)
      } catch {
        matches = false
      }
    } else matches = have.toLowerCase() === value.toLowerCase()
    if (!matches) continue
    if (!positive) return false
    send = true
  }
  return send
}

/** A header by name, as switch_event_get_header finds it (case-insensitive). */
function eventHeader(event: SimEvent, name: string): string | undefined {
  const exact = event.get(name)
  if (exact !== undefined) return exact
  const lower = name.toLowerCase()
  for (const [k, v] of event.headers) if (k.toLowerCase() === lower) return v
  return undefined
}
