/**
 * A phone registering an operator's account, as small as SIP allows: REGISTER over UDP, the
 * switch's 401 challenge, REGISTER again with an RFC 2617 digest (qop=auth) of the password
 * given. Returns the switch's final answer: 200 registered, 403 refused.
 */
import { createHash, randomBytes } from 'node:crypto'
import dgram from 'node:dgram'

export interface RegisterOptions {
  /** Where the profile listens (its sip-ip, sip-port). */
  host: string
  port: number
  user: string
  domain: string
  password: string
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex')
const token = () => randomBytes(8).toString('hex')

interface SipResponse {
  status: number
  headers: Map<string, string>
}

function parse(text: string): SipResponse {
  const lines = text.split('\r\n')
  const status = Number(/^SIP\/2\.0 (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0)
  const headers = new Map<string, string>()
  for (const l of lines.slice(1)) {
    const i = l.indexOf(':')
    if (i > 0) headers.set(l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim())
  }
  return { status, headers }
}

export async function register(o: RegisterOptions): Promise<number> {
  const sock = dgram.createSocket('udp4')
  await new Promise<void>((r) => sock.bind(0, o.host, r))
  const local = sock.address()
  const callId = `${token()}@opencc-conf-test`
  const fromTag = token()
  const uri = `sip:${o.domain}`
  const responses: SipResponse[] = []
  let wake = (): void => {}
  sock.on('message', (m) => {
    responses.push(parse(m.toString('utf8')))
    wake()
  })
  /** Sends a REGISTER and waits for its final response (anything but 1xx). */
  const send = async (cseq: number, authorization?: string): Promise<SipResponse> => {
    const lines = [
      `REGISTER ${uri} SIP/2.0`,
      `Via: SIP/2.0/UDP ${local.address}:${local.port};branch=z9hG4bK${token()};rport`,
      'Max-Forwards: 70',
      `From: <sip:${o.user}@${o.domain}>;tag=${fromTag}`,
      `To: <sip:${o.user}@${o.domain}>`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} REGISTER`,
      `Contact: <sip:${o.user}@${local.address}:${local.port}>`,
      'Expires: 60',
      ...(authorization ? [`Authorization: ${authorization}`] : []),
      'User-Agent: opencc-conf-test',
      'Content-Length: 0',
    ]
    responses.length = 0
    sock.send(`${lines.join('\r\n')}\r\n\r\n`, o.port, o.host)
    const deadline = Date.now() + 5000
    for (;;) {
      const final = responses.find((r) => r.status >= 200)
      if (final) return final
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no answer to REGISTER ${o.user}@${o.domain} from ${o.host}:${o.port}`)
      await new Promise<void>((r) => {
        wake = r
        setTimeout(r, left)
      })
    }
  }
  try {
    const challenge = await send(1)
    if (challenge.status !== 401) return challenge.status
    const www = challenge.headers.get('www-authenticate') ?? ''
    const param = (name: string) => new RegExp(`${name}="?([^",]*)"?`).exec(www)?.[1] ?? ''
    const realm = param('realm')
    const nonce = param('nonce')
    const cnonce = token()
    const nc = '00000001'
    const ha1 = md5(`${o.user}:${realm}:${o.password}`)
    const ha2 = md5(`REGISTER:${uri}`)
    const qop = /qop="?auth/.test(www)
    const response = qop ? md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`) : md5(`${ha1}:${nonce}:${ha2}`)
    const auth = `Digest username="${o.user}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5${qop ? `, qop=auth, nc=${nc}, cnonce="${cnonce}"` : ''}`
    return (await send(2, auth)).status
  } finally {
    sock.close()
  }
}
