/**
 * The simulator's event socket for inbound clients (FreeSWITCH's :8021): `auth/request` on
 * connect, `auth <password>`, then events, api/bgapi, sendmsg to any channel, exit.
 */
import net from 'node:net'
import type { EslCommand } from './command-reader.js'
import { EslSession } from './esl-session.js'
import type { SimSwitch } from './switch.js'

export class InboundSession extends EslSession {
  private authed = false

  constructor(
    sw: SimSwitch,
    socket: net.Socket,
    private readonly password: string,
  ) {
    super(sw, socket)
    this.writer.authRequest()
  }

  protected override async handle(cmd: EslCommand): Promise<void> {
    if (this.closed) return
    const [verb = '', ...rest] = cmd.line.split(' ')
    const v = verb.toLowerCase()
    if (!this.authed) {
      // `auth` needs its space and password (strncasecmp "auth "); bare `auth` is no command.
      if (v === 'auth' && rest.length > 0) {
        if (rest.join(' ') === this.password) {
          this.authed = true
          this.writer.reply('+OK accepted')
        } else {
          this.writer.reply('-ERR invalid')
          this.disconnect()
        }
      } else if (v === 'exit') {
        this.writer.reply('+OK bye')
        this.disconnect()
      } else this.writer.reply('-ERR command not found')
      return
    }
    switch (v) {
      case 'sendmsg':
        return this.sendmsg(cmd, rest[0] ?? cmd.headers.get('session-id'))
      case 'linger':
      case 'nolinger':
        return this.writer.reply('-ERR not controlling a session')
      case 'myevents': {
        const uuid = rest[0]
        if (!uuid || !this.sw.channel(uuid)) return this.writer.reply('-ERR invalid uuid')
        this.onlyUuid = uuid
        this.sw.addSink(this, uuid)
        if (rest.some((w) => /json/i.test(w))) this.format = 'json'
        for (const n of ['CHANNEL_ANSWER', 'CHANNEL_BRIDGE', 'CHANNEL_EXECUTE', 'CHANNEL_EXECUTE_COMPLETE', 'CHANNEL_HANGUP', 'CHANNEL_HANGUP_COMPLETE', 'CHANNEL_PARK', 'CHANNEL_UNPARK', 'CHANNEL_STATE', 'CHANNEL_UNBRIDGE', 'DTMF']) {
          this.names.add(n)
        }
        return this.writer.reply('+OK Events Enabled')
      }
    }
    if (await this.common(cmd)) return
    this.writer.reply('-ERR command not found')
  }

  private sendmsg(cmd: EslCommand, uuid: string | undefined): void {
    const ch = uuid ? this.sw.channel(uuid) : undefined
    if (!ch) return this.writer.reply(`-ERR invalid session id [${uuid ?? ''}]`)
    const command = (cmd.headers.get('call-command') ?? '').toLowerCase()
    this.writer.reply('+OK')
    if (command === 'hangup') void ch.hangup(cmd.headers.get('hangup-cause') || 'NORMAL_CLEARING')
    else if (command === 'execute') {
      let arg = cmd.headers.get('execute-app-arg') ?? ''
      if (arg === '' && (cmd.headers.get('content-type') ?? '').startsWith('text/plain')) arg = cmd.body
      void ch.execute(cmd.headers.get('execute-app-name') ?? '', arg, cmd.headers.get('event-uuid'))
    }
  }
}

export class InboundServer {
  private constructor(
    private readonly server: net.Server,
    private readonly sessions: Set<InboundSession>,
    readonly port: number,
  ) {}

  static async listen(sw: SimSwitch, options: { host?: string; port?: number; password?: string } = {}): Promise<InboundServer> {
    const password = options.password ?? 'ClueCon'
    const sessions = new Set<InboundSession>()
    const server = net.createServer((socket) => {
      const session = new InboundSession(sw, socket, password)
      sessions.add(session)
      void session.done.then(() => sessions.delete(session))
    })
    server.maxConnections = 1000
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve())
    })
    const address = server.address()
    return new InboundServer(server, sessions, typeof address === 'object' && address ? address.port : 0)
  }

  /** Drops every client connection (a FreeSWITCH restart as clients see it). */
  dropClients(): void {
    for (const s of this.sessions) s.destroy()
  }

  async close(): Promise<void> {
    this.dropClients()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}
