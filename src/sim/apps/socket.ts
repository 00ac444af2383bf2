import { OutboundSocketSession } from '../outbound-socket.js'
import type { AppImpl } from './types.js'

/**
 * socket <host:port> [async] [full]: hands the channel to an app server over the outbound
 * event socket. Returns (and the dialplan goes on) when the channel hangs up, the app goes
 * away, or uuid_bridge/transfer takes the channel. Its response repeats the last inner
 * application's, as FreeSWITCH's does.
 */
export const socket: AppImpl = async (ch, arg, signal) => {
  const [address = '', ...flags] = arg.split(' ')
  const colon = address.lastIndexOf(':')
  const host = address.slice(0, colon)
  const port = Number(address.slice(colon + 1))
  ch.setVar('socket_host', host)
  const session = await OutboundSocketSession.connect(ch.sw, ch, host, port, { async: flags.includes('async'), full: flags.includes('full') })
  if (!session) return '_none_'
  const detached = new Promise<'detached'>((resolve) => {
    if (signal.aborted) resolve('detached')
    signal.addEventListener('abort', () => {
      if (signal.reason === 'transfer') resolve('detached')
    })
  })
  const why = await Promise.race([session.controlEnded, detached])
  if (why === 'detached') session.detach()
  // What ran inside finishes (and says so) before the socket app does.
  await session.settled()
  session.unpark()
  return ch.getVar('current_application_response') ?? '_none_'
}
