/**
 * A TCP proxy to put between the app and a server (Postgres, Redis, FreeSWITCH) and cut:
 * cut() drops every connection and refuses new ones, as a server that went away does;
 * restore() lets connections through again.
 */
import net from 'node:net'

export interface TcpProxy {
  port: number
  /** host:port of the proxy, to put in a URL. */
  address: string
  /** Connections asked for so far, refused ones included (how often a client retried). */
  readonly connections: number
  cut(): void
  restore(): void
  close(): Promise<void>
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>()
  let refusing = false
  let connections = 0
  const server = net.createServer((client) => {
    connections++
    if (refusing) return client.destroy()
    const upstream = net.connect(target)
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => undefined)
    }
    client.pipe(upstream)
    upstream.pipe(client)
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as net.AddressInfo).port
  return {
    port,
    address: `127.0.0.1:${port}`,
    get connections() {
      return connections
    },
    cut() {
      refusing = true
      for (const s of sockets) s.destroy()
    },
    restore() {
      refusing = false
    },
    async close() {
      refusing = true
      for (const s of sockets) s.destroy()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}
