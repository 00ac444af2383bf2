/**
 * The recording TCP proxy: listens in front of a server (FreeSWITCH's inbound event
 * socket, or the app's outbound-socket port) and forwards each connection to it, logging
 * every chunk both ways as read, under a name per connection (`inb1`, `out2` ...). Each
 * side's FIN is passed on to the other (half-close), so what one side did to the TCP
 * connection the other sees as it would without the proxy.
 */
import net from 'node:net'
import type { WireLog } from './wire-log.js'

export interface RecordingProxy {
  port: number
  /** The connection name of an upstream socket's local port (how the app server tells its connections apart). */
  connOfUpstreamPort(port: number): string | undefined
  /** Resolves when every proxied connection has closed on both sides. */
  idle(): Promise<void>
  close(): Promise<void>
}

export interface ProxyOptions {
  log: WireLog
  /** `inb` (clients of FreeSWITCH's event socket) or `out` (FreeSWITCH's socket app). */
  prefix: 'inb' | 'out'
  target: { host: string; port: number }
  /** Listen on this port (0: any). */
  port?: number
  /** Words for the notes: who connects to whom. */
  describe: { client: string; server: string }
}

export async function startRecordingProxy(o: ProxyOptions): Promise<RecordingProxy> {
  const byUpstreamPort = new Map<number, string>()
  const open = new Set<Promise<void>>()
  let count = 0
  // Bytes from the client side are FS->APP for the outbound socket (FreeSWITCH is the client).
  const fromClient = o.prefix === 'inb' ? ('APP->FS' as const) : ('FS->APP' as const)
  const fromServer = o.prefix === 'inb' ? ('FS->APP' as const) : ('APP->FS' as const)
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    const conn = `${o.prefix}${++count}`
    client.pause()
    const upstream = net.connect({ ...o.target, allowHalfOpen: true })
    client.setNoDelay(true)
    upstream.setNoDelay(true)
    let settle!: () => void
    const closed = new Promise<void>((r) => (settle = r))
    open.add(closed)
    let sides = 2
    const sideClosed = (): void => {
      if (--sides === 0) {
        o.log.note(conn, 'TCP socket closed')
        open.delete(closed)
        settle()
      }
    }
    upstream.once('connect', () => {
      byUpstreamPort.set(upstream.localPort ?? 0, conn)
      o.log.note(conn, `${o.describe.client} connected to ${o.describe.server}, peer ${client.remoteAddress}:${client.remotePort}`)
      client.resume()
    })
    client.on('data', (chunk: Buffer) => {
      o.log.chunk(conn, fromClient, chunk)
      upstream.write(chunk)
    })
    upstream.on('data', (chunk: Buffer) => {
      o.log.chunk(conn, fromServer, chunk)
      client.write(chunk)
    })
    client.on('end', () => {
      o.log.note(conn, `TCP FIN received from ${o.prefix === 'inb' ? 'the app' : 'FreeSWITCH'} (socket end)`)
      upstream.end()
    })
    upstream.on('end', () => {
      o.log.note(conn, `TCP FIN received from ${o.prefix === 'inb' ? 'FreeSWITCH' : 'the app'} (socket end)`)
      client.end()
    })
    for (const [s, other] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      s.on('error', (err) => {
        o.log.note(conn, `TCP error on the ${s === client ? o.describe.client : o.describe.server} side: ${err.message}`)
        other.destroy()
      })
      s.once('close', sideClosed)
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve())
  })
  return {
    port: (server.address() as net.AddressInfo).port,
    connOfUpstreamPort: (port) => byUpstreamPort.get(port),
    idle: async () => {
      while (open.size > 0) await Promise.all(Array.from(open))
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}

/** Listens the proxy on a free 4-digit port, so `127.0.0.1:<port>` can be rewritten to `127.0.0.1:8084` in place. */
export async function startOnFourDigitPort(o: Omit<ProxyOptions, 'port'>): Promise<RecordingProxy> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 2000 + Math.floor(Math.random() * 8000)
    try {
      return await startRecordingProxy({ ...o, port })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err
    }
  }
  throw new Error('no free 4-digit port for the recording proxy')
}
