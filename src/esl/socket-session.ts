/**
 * One event-socket TCP session: frames incoming messages, pairs `command/reply` and
 * `api/response` messages with the commands we wrote (FreeSWITCH answers commands in
 * order), and hands events and disconnect notices to a listener.
 */
import type { Socket } from 'node:net'
import type { Logger } from 'pino'
import { JsonEvent, PlainEvent, ReplyHeaders, type EslEvent } from './event.js'
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
    private readonly onActivity: () => void = () => {},
  ) {
    socket.setNoDelay(true)
    socket.on('error', (err) => this.log.debug({ err }, 'event socket error'))
    this.done = this.readLoop()
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
      this.onActivity()
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

  private async readLoop(): Promise<void> {
    try {
      for await (const msg of eslMessages(this.socket)) {
        this.onActivity()
        this.dispatch(msg.headers.get('Content-Type'), msg.headers, msg.body)
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
        this.deliver(() => this.listener!.onEvent(event))
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
        this.deliver(() => this.listener!.onEvent(event))
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

/**
 * Frames event-socket messages: `Name: value` header lines, a blank line, then
 * Content-Length bytes of body. Not esl-lite's FreeSwitchParser: its header parsing
 * (`split(/: /, 2)`) cuts a value at the value's own ': ' (a bgapi reply's
 * `Reply-Text: +OK Job-UUID: <uuid>` came out as `+OK Job-UUID`), and it drops messages
 * with `Content-Length: 0` (the linger disconnect notice).
 */
export async function* eslMessages(chunks: AsyncIterable<Buffer>): AsyncGenerator<{ headers: Map<string, string>; body: Buffer }> {
  let buf: Buffer = Buffer.alloc(0)
  let headers: Map<string, string> | undefined
  let length = 0
  for await (const chunk of chunks) {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk])
    for (;;) {
      if (headers === undefined) {
        const end = buf.indexOf('\n\n')
        if (end < 0) break
        headers = new Map()
        for (const line of buf.toString('utf8', 0, end).split('\n')) {
          const i = line.indexOf(': ')
          if (i > 0) headers.set(line.slice(0, i), line.slice(i + 2))
        }
        const n = Number(headers.get('Content-Length') ?? 0)
        length = Number.isInteger(n) && n > 0 ? n : 0
        buf = buf.subarray(end + 2)
      }
      if (buf.length < length) break
      yield { headers, body: buf.subarray(0, length) }
      buf = buf.subarray(length)
      headers = undefined
    }
  }
}
