/**
 * "The app" in a recording: a scripted event-socket client on one TCP connection (an
 * inbound session, or an outbound `socket` connection FreeSWITCH made). It writes
 * commands as our app does and reads what FreeSWITCH says with esl-lite's framing
 * (FreeSwitchParser), so a scenario can wait for a reply or an event before its next step.
 */
import { randomUUID } from 'node:crypto'
import type net from 'node:net'
import { FreeSwitchParser } from 'esl-lite'
import { silentLogger } from '../../../src/log.js'

export interface PeerMessage {
  /** Content-Type: command/reply, api/response, text/event-json ... */
  type: string
  replyText: string | undefined
  header(name: string): string | undefined
  /** An event's headers (plain: decoded; json: the object's values as strings). */
  event: Record<string, string> | undefined
  body: string
}

export interface Execution {
  /** The Event-UUID sent, which comes back as Application-UUID. */
  uuid: string
  /** The `+OK` of the sendmsg. */
  reply: Promise<PeerMessage>
  /** Its CHANNEL_EXECUTE_COMPLETE. */
  complete: Promise<PeerMessage>
}

export class ScriptedPeer {
  readonly received: PeerMessage[] = []
  private readonly waiters = new Set<() => void>()
  private finished = false
  /** Resolves when FreeSWITCH's side has ended. */
  readonly ended: Promise<void>

  constructor(
    readonly conn: string,
    private readonly socket: net.Socket,
  ) {
    socket.setNoDelay(true)
    socket.on('error', () => undefined)
    this.ended = this.read()
  }

  private async read(): Promise<void> {
    try {
      for await (const m of FreeSwitchParser(this.socket, silentLogger)) {
        if (m instanceof Error) continue
        this.received.push(toMessage(m.headers, m.body))
        for (const wake of Array.from(this.waiters)) wake()
      }
    } catch {
      // A reset connection ends the reading like a close does.
    }
    this.finished = true
    for (const wake of Array.from(this.waiters)) wake()
  }

  get closed(): boolean {
    return this.socket.destroyed || this.socket.readableEnded
  }

  /** Where the next message will land: a mark to wait for messages from. */
  mark(): number {
    return this.received.length
  }

  /** The first message from index `from` on that matches; waits for it up to `timeoutMs`. */
  waitFor(what: string, match: (m: PeerMessage) => boolean, from = 0, timeoutMs = 20_000): Promise<PeerMessage> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.received.slice(from).find(match)
        if (found) {
          cleanup()
          resolve(found)
          return true
        }
        if (this.finished) {
          // Nothing more will come: the connection is gone and everything read was checked.
          cleanup()
          reject(new Error(`${this.conn}: closed before ${what}`))
          return true
        }
        return false
      }
      const timer = setTimeout(() => {
        cleanup()
        reject(new Error(`${this.conn}: timed out waiting for ${what}`))
      }, timeoutMs)
      const cleanup = (): void => {
        clearTimeout(timer)
        this.waiters.delete(wake)
      }
      const wake = (): void => void check()
      this.waiters.add(wake)
      check()
    })
  }

  /** An event by name (and more), from a mark on. */
  event(name: string, from = 0, more: (e: Record<string, string>) => boolean = () => true, timeoutMs?: number): Promise<PeerMessage> {
    return this.waitFor(name, (m) => m.event?.['Event-Name'] === name && more(m.event), from, timeoutMs)
  }

  write(text: string): void {
    this.socket.write(text)
  }

  /** Sends a command and resolves with its reply (command/reply or api/response). */
  command(line: string, headers: Array<[string, string]> = []): Promise<PeerMessage> {
    const from = this.mark()
    this.write(`${line}\n${headers.map(([k, v]) => `${k}: ${v}\n`).join('')}\n`)
    return this.waitFor(`the reply to ${line}`, (m) => m.type === 'command/reply' || m.type === 'api/response' || m.type === 'auth/request', from)
  }

  api(command: string): Promise<PeerMessage> {
    return this.command(`api ${command}`)
  }

  /** sendmsg execute, as our app sends it (with an Event-UUID). */
  execute(app: string, arg?: string, target?: string): Execution {
    const uuid = randomUUID()
    const from = this.mark()
    const headers: Array<[string, string]> = [['call-command', 'execute'], ['execute-app-name', app]]
    if (arg !== undefined) headers.push(['execute-app-arg', arg])
    headers.push(['Event-UUID', uuid])
    const reply = this.command(target ? `sendmsg ${target}` : 'sendmsg', headers)
    const complete = this.waitFor(`CHANNEL_EXECUTE_COMPLETE ${app}`, (m) => m.event?.['Event-Name'] === 'CHANNEL_EXECUTE_COMPLETE' && m.event['Application-UUID'] === uuid, from, 60_000)
    // A step that never looks at the completion must not leave an unhandled rejection.
    complete.catch(() => undefined)
    return { uuid, reply, complete }
  }

  /** Closes the TCP connection without a word (an app crash: FIN, no `exit`). */
  crash(): void {
    this.socket.destroy()
  }

  end(): void {
    this.socket.end()
  }
}

function toMessage(headers: { contentType?: string; replyText?: string; get(name: string): string | undefined }, body: Buffer): PeerMessage {
  const type = headers.contentType ?? ''
  const text = body.toString('utf8')
  let event: Record<string, string> | undefined
  if (type === 'text/event-json') {
    const o = JSON.parse(text) as Record<string, unknown>
    event = Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Array.isArray(v) ? `ARRAY::${v.join('|:')}` : String(v)]))
  } else if (type === 'text/event-plain') {
    event = {}
    const end = text.indexOf('\n\n')
    for (const line of (end < 0 ? text : text.slice(0, end)).split('\n')) {
      const i = line.indexOf(': ')
      if (i > 0) event[line.slice(0, i)] = safeDecode(line.slice(i + 2))
    }
  } else if (type === 'command/reply' && headers.get('Event-Name') !== undefined) {
    // The outbound `connect` reply carries the channel's data as headers.
    event = {}
    for (const name of ['Event-Name', 'Unique-ID', 'Channel-Name', 'Caller-Destination-Number', 'Call-Direction']) {
      const v = headers.get(name)
      if (v !== undefined) event[name] = safeDecode(v)
    }
  }
  return { type, replyText: headers.replyText, header: (n) => headers.get(n), event, body: text }
}

function safeDecode(v: string): string {
  try {
    return decodeURIComponent(v)
  } catch {
    return v
  }
}

