/**
 * A TCP relay that a test can cut and restore: the network between a page and the switch's
 * WebSocket port. Cut, it drops every connection and refuses new ones (as an unplugged cable
 * or a Wi-Fi change looks to both ends); restored, it relays again.
 */
import net from 'node:net'

export class TcpRelay {
  private readonly sockets = new Set<net.Socket>()
  private cutOff = false
  /** Connections relayed so far (the first, and each one made after a cut). */
  connections = 0

  private constructor(private readonly server: net.Server, readonly port: number) {}

  static async start(target: { host: string; port: number }): Promise<TcpRelay> {
    const server = net.createServer()
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', resolve)
    })
    const relay = new TcpRelay(server, (server.address() as net.AddressInfo).port)
    server.on('connection', (client) => relay.relay(client, target))
    return relay
  }

  private relay(client: net.Socket, target: { host: string; port: number }): void {
    if (this.cutOff) {
      client.destroy()
      return
    }
    this.connections++
    const upstream = net.connect(target.port, target.host)
    for (const [a, b] of [[client, upstream], [upstream, client]] as const) {
      this.sockets.add(a)
      a.on('error', () => b.destroy())
      a.on('close', () => {
        this.sockets.delete(a)
        b.destroy()
      })
      a.pipe(b)
    }
  }

  /** The network is gone: every connection drops, new ones are refused. */
  cut(): void {
    this.cutOff = true
    for (const s of this.sockets) s.destroy()
  }

  restore(): void {
    this.cutOff = false
  }

  async close(): Promise<void> {
    this.cut()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}
