/**
 * One event-socket TCP session: frames incoming messages with esl-lite's FreeSwitchParser, pairs `command/reply` and
 * `api/response` messages with the commands we wrote (FreeSWITCH answers commands in
 * order), and hands events and disconnect notices to a listener.
 */
import type { Socket } from 'node:net'
import { FreeSwitchParser, FreeSwitchParserNonEmptyBufferAtEndError } from 'esl-lite'
import type { Logger } from 'pino'
import { JsonEvent, PlainEvent, ReplyHeaders, type EslEvent } from './event.js'
import type { WireTap } from '../time/clock.js'
import { fsUrlDecode } from './url-encoding.js'

export interface Reply {
  /** `Reply-Text` of a command/reply, or the body of an api/response. */
  readonly text: string
  readonly ok: boolean
  readonly headers: ReplyHeaders
}

export interface SessionListener {
  onEvent(event: EslEvent): void
  /** `text/disconnect-notice`; `disposition` is `linger` or `disconnect`. */
  onDisconnectNotice(disposition: string | undefined): void
  /** The TCP session is gone; every pending reply has been settled. */
  onClose(): void
}

type Pending = (reply: Reply | undefined) => void

export class SocketSession {
  private readonly pending: Pending[] = []
  private closed = false
  private listener: SessionListener | undefined
  /** Messages that arrived before a listener was attached (between connect and the Call). */
  private early: Array<() => void> = []
  readonly done: Promise<void>
  /** Format events were requested in (`myevents` / `myevents json`). */
  eventFormat: 'plain' | 'json' = 'plain'

  constructor(
    private readonly socket: Socket,
    private readonly log: Logger,
    /** Told of the bytes written and read (a virtual clock waits for them to land). */
    private readonly wire?: WireTap,
    /** Where the bytes come from: the socket itself, except in benchmarks. */
    source: AsyncIterable<Buffer> = socket,
  ) {
    socket.setNoDelay(true)
    socket.on('error', (err) => this.log.debug({ err }, 'event socket error'))
    this.done = this.readLoop(source === socket && wire ? counted(socket, wire) : source)
  }

  get isClosed(): boolean {
    return this.closed
  }

  attach(listener: SessionListener): void {
    this.listener = listener
    const early = this.early
    this.early = []
    for (const deliver of early) deliver()
  }

  /** Writes a command; resolves with its reply, or undefined when the session closed first. */
  send(text: string): Promise<Reply | undefined> {
    if (this.closed) return Promise.resolve(undefined)
    return new Promise((resolve) => {
      this.pending.push(resolve)
      this.wire?.sent(Buffer.byteLength(text))
      this.socket.write(text)
    })
  }

  /** Writes a command whose reply nobody waits for (e.g. `exit` during shutdown). */
  sendAndForget(text: string): void {
    void this.send(text)
  }

  close(): void {
    this.socket.end()
    // A peer that never answers the FIN must not keep the socket (and its fd) forever.
    setTimeout(() => this.socket.destroy(), 2000).unref()
  }

  destroy(): void {
    this.socket.destroy()
  }

  private async readLoop(source: AsyncIterable<Buffer>): Promise<void> {
    try {
      // esl-lite's parser as patched in patches/esl-lite+3.2.0.patch: it keeps header
      // values that contain ': ', `Content-Length: 0` messages (the linger notice), and
      // headers whose terminating blank line is split between two reads.
      for await (const msg of FreeSwitchParser(source, this.log)) {
        if (msg instanceof FreeSwitchParserNonEmptyBufferAtEndError) continue
        this.dispatch(msg.headers.contentType, msg.headers, msg.body)
      }
    } catch (err) {
      this.log.debug({ err }, 'event socket read ended with an error')
    }
    this.closed = true
    for (const resolve of this.pending.splice(0)) resolve(undefined)
    const finish = (): void => this.listener?.onClose()
    if (this.listener) finish()
    else this.early.push(finish)
  }

  private dispatch(contentType: string | undefined, headers: { get(n: string): string | undefined }, body: Buffer): void {
    switch (contentType) {
      case 'command/reply': {
        // The connect reply's Reply-Text is URL-encoded (`%2BOK%0A`), like its other headers.
        const text = fsUrlDecode(headers.get('Reply-Text') ?? '').trimEnd()
        this.settle({ text, ok: text.startsWith('+OK'), headers: new ReplyHeaders(headers) })
        return
      }
      case 'api/response': {
        const text = body.toString('utf8')
        this.settle({ text, ok: !text.startsWith('-ERR'), headers: new ReplyHeaders(headers) })
        return
      }
      case 'text/event-plain': {
        const event = new PlainEvent(body)
        if (this.listener) this.listener.onEvent(event)
        else this.early.push(() => this.listener!.onEvent(event))
        return
      }
      case 'text/event-json': {
        let event: EslEvent
        try {
          event = new JsonEvent(body)
        } catch (err) {
          this.log.warn({ err: (err as Error).message }, 'unparsable JSON event dropped')
          return
        }
        if (this.listener) this.listener.onEvent(event)
        else this.early.push(() => this.listener!.onEvent(event))
        return
      }
      case 'text/disconnect-notice': {
        const disposition = headers.get('Content-Disposition')
        this.deliver(() => this.listener!.onDisconnectNotice(disposition))
        return
      }
      default:
        this.log.debug({ contentType }, 'ignored event-socket message')
    }
  }

  private settle(reply: Reply): void {
    const resolve = this.pending.shift()
    if (resolve) resolve(reply)
    else this.log.warn({ reply: reply.text }, 'reply with no command waiting for it')
  }

  private deliver(fn: () => void): void {
    if (this.listener) fn()
    else this.early.push(fn)
  }
}

/** The socket's chunks, each counted as read when the parser takes it. */
async function* counted(socket: Socket, wire: WireTap): AsyncIterable<Buffer> {
  for await (const chunk of socket as AsyncIterable<Buffer>) {
    wire.received(chunk.length)
    yield chunk
  }
}
