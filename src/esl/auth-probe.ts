/**
 * Tells why a control connection does not come up: one connection that waits for
 * FreeSWITCH's auth/request, sends the password and reads the reply. esl-lite reconnects
 * silently after a refused password (FreeSWITCH answers `-ERR invalid` and hangs up), which
 * otherwise looks like a connection that keeps coming back.
 */
import net from 'node:net'
import { FreeSwitchParser, FreeSwitchParserNonEmptyBufferAtEndError } from 'esl-lite'
import type { Logger } from 'pino'

export type AuthProbe = 'accepted' | 'refused' | 'unreachable'

export async function probeAuth(host: string, port: number, password: string, log: Logger, timeoutMs = 3000): Promise<AuthProbe> {
  const socket = net.connect({ host, port })
  const timer = setTimeout(() => socket.destroy(), timeoutMs)
  socket.on('error', () => undefined)
  try {
    for await (const msg of FreeSwitchParser(socket, log)) {
      if (msg instanceof FreeSwitchParserNonEmptyBufferAtEndError) continue
      const type = msg.headers.contentType
      if (type === 'auth/request') socket.write(`auth ${password}\n\n`)
      else if (type === 'command/reply') {
        const accepted = (msg.headers.replyText ?? '').startsWith('+OK')
        socket.end('exit\n\n')
        return accepted ? 'accepted' : 'refused'
      }
    }
    return 'unreachable'
  } catch {
    return 'unreachable'
  } finally {
    clearTimeout(timer)
    socket.destroy()
  }
}
