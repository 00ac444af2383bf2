/**
 * What FreeSWITCH writes on an event socket, byte for byte: command replies, api
 * responses, events, disconnect notices.
 */
import type { Socket } from 'node:net'
import type { SimEvent } from './event.js'

export const GOODBYE = 'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n'

export class EslWriter {
  constructor(
    private readonly socket: Socket,
    /** Told of every write, so a virtual clock waits for the bytes to land. */
    private readonly onWrite: (bytes: number) => void = () => {},
  ) {}

  get open(): boolean {
    return !this.socket.destroyed && this.socket.writable
  }

  raw(text: string): void {
    if (!this.open) return
    this.onWrite(Buffer.byteLength(text))
    this.socket.write(text)
  }

  reply(text: string, extra: Array<[string, string]> = []): void {
    let out = `Content-Type: command/reply\nReply-Text: ${text}\n`
    for (const [k, v] of extra) out += `${k}: ${v}\n`
    this.raw(`${out}\n`)
  }

  api(body: string): void {
    this.raw(`Content-Type: api/response\nContent-Length: ${Buffer.byteLength(body)}\n\n${body}`)
  }

  event(event: SimEvent, format: 'plain' | 'json'): void {
    this.raw(event.frame(format))
  }

  authRequest(): void {
    this.raw('Content-Type: auth/request\n\n')
  }

  /** The final notice; `session` adds Controlled-Session-UUID (outbound sockets). */
  disconnect(session?: { uuid: string }): void {
    let out = 'Content-Type: text/disconnect-notice\n'
    if (session) out += `Controlled-Session-UUID: ${session.uuid}\nContent-Disposition: disconnect\n`
    this.raw(`${out}Content-Length: ${Buffer.byteLength(GOODBYE)}\n\n${GOODBYE}`)
  }

  linger(session: { uuid: string; name: string }, seconds: number): void {
    this.raw(
      `Content-Type: text/disconnect-notice\nControlled-Session-UUID: ${session.uuid}\nContent-Disposition: linger\n` +
        `Channel-Name: ${session.name}\nLinger-Time: ${seconds}\nContent-Length: 0\n\n`,
    )
  }

  end(): void {
    if (!this.socket.destroyed) this.socket.end()
  }
}
