/**
 * A minimal outbound event-socket controller (raw TCP, none of the app's code), for
 * bench/freeswitch/control-cost.ts: it takes the IVR call the way the app does (the same
 * setup, the same commands in the same order as esl-census.ts counts them for the app) and
 * does nothing else: no database, no flow, no log. What FreeSWITCH spends on a call driven
 * like this is what the event-socket way of control costs FreeSWITCH; what this process
 * spends is the floor for a Node controller.
 *
 *   node --import tsx minimal-controller.ts <port> <prompts dir> <recordings dir> <balance playlist> <variant>
 *
 * Variants: `all` (myevents: every event of the channel, as the app), `filtered` (myevents
 * plus filters: only the events a controller waits for), `setvar` (filtered, and variables
 * set with the uuid_setvar_multi api instead of executing `set`).
 */
import net from 'node:net'

const [portArg, prompts, recordings, balance, variant = 'all'] = process.argv.slice(2)
const ANY = '0123456789*#'
const file = (id: string): string => `${prompts}/en/${id}.wav`

interface Message {
  head: Map<string, string>
  body: string
}

function parseHead(text: string): Map<string, string> {
  const m = new Map<string, string>()
  for (const line of text.split('\n')) {
    const i = line.indexOf(': ')
    if (i > 0) m.set(line.slice(0, i), line.slice(i + 2))
  }
  return m
}

class Session {
  private buf: Buffer = Buffer.alloc(0)
  private readonly replies: Array<(m: Message) => void> = []
  private readonly completions = new Map<string, (vars: Map<string, string>) => void>()
  private seq = 0
  ended = false
  uuid = ''

  constructor(private readonly socket: net.Socket) {
    socket.on('data', (c: Buffer) => this.take(c))
    socket.on('close', () => this.end())
    socket.on('error', () => this.end())
  }

  private end(): void {
    this.ended = true
    for (const r of this.replies.splice(0)) r({ head: new Map(), body: '' })
    for (const c of this.completions.values()) c(new Map())
    this.completions.clear()
  }

  private take(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk
    for (;;) {
      const end = this.buf.indexOf('\n\n')
      if (end < 0) return
      const head = parseHead(this.buf.subarray(0, end).toString('utf8'))
      const length = Number(head.get('Content-Length') ?? 0)
      if (this.buf.length < end + 2 + length) return
      const body = this.buf.subarray(end + 2, end + 2 + length).toString('utf8')
      this.buf = this.buf.subarray(end + 2 + length)
      this.dispatch({ head, body })
    }
  }

  private dispatch(m: Message): void {
    const type = m.head.get('Content-Type')
    if (type === 'command/reply' || type === 'api/response') return this.replies.shift()?.(m)
    if (type !== 'text/event-plain') return
    const i = m.body.indexOf('\n\n')
    const ev = parseHead(i >= 0 ? m.body.slice(0, i) : m.body)
    const name = ev.get('Event-Name')
    if (name === 'CHANNEL_EXECUTE_COMPLETE') {
      const id = ev.get('Application-UUID')
      const done = id ? this.completions.get(id) : undefined
      if (done && id) {
        this.completions.delete(id)
        done(ev)
      }
    } else if (name === 'CHANNEL_HANGUP' || name === 'CHANNEL_HANGUP_COMPLETE') {
      this.ended = true
      for (const c of this.completions.values()) c(new Map())
      this.completions.clear()
    }
  }

  send(text: string): Promise<Message> {
    return new Promise((resolve) => {
      if (this.ended && !text.startsWith('exit')) return resolve({ head: new Map(), body: '' })
      this.replies.push(resolve)
      this.socket.write(text)
    })
  }

  /** Executes an application and waits for its CHANNEL_EXECUTE_COMPLETE; its variables. */
  async execute(app: string, arg = ''): Promise<Map<string, string>> {
    if (this.ended) return new Map()
    const id = `${this.uuid.slice(0, 8)}-${++this.seq}-${Math.random().toString(36).slice(2)}`
    const done = new Promise<Map<string, string>>((resolve) => this.completions.set(id, resolve))
    await this.send(`sendmsg\ncall-command: execute\nexecute-app-name: ${app}\nexecute-app-arg: ${arg}\nevent-uuid: ${id}\n\n`)
    return done
  }

  async setVars(vars: Record<string, string>): Promise<void> {
    if (variant === 'setvar') {
      await this.send(`api uuid_setvar_multi ${this.uuid} ${Object.entries(vars).map(([k, v]) => `${k}=${v}`).join(';')}\n\n`)
      return
    }
    for (const [k, v] of Object.entries(vars)) await this.execute('set', `${k}=${v}`)
  }
}

async function serve(socket: net.Socket): Promise<void> {
  const s = new Session(socket)
  const channel = await s.send('connect\n\n')
  s.uuid = channel.head.get('Unique-ID') ?? ''
  if (!s.uuid) return void socket.destroy()
  const setup = [s.send('myevents\n\n'), s.send('linger\n\n'), s.send(`api uuid_setvar ${s.uuid} socket_resume true\n\n`)]
  if (variant !== 'all') {
    for (const e of ['CHANNEL_EXECUTE_COMPLETE', 'CHANNEL_HANGUP', 'CHANNEL_HANGUP_COMPLETE', 'DTMF', 'CHANNEL_ANSWER', 'CHANNEL_BRIDGE', 'CHANNEL_UNBRIDGE']) setup.push(s.send(`filter Event-Name ${e}\n\n`))
  }
  await Promise.all(setup)
  const ask = async (id: string): Promise<string> => {
    const vars = await s.execute('play_and_get_digits', `1 1 1 5000 # ${file(id)} silence_stream://100 cc_digits [0-9*#]+ 5000`)
    return decodeURIComponent(vars.get('variable_cc_digits') ?? '')
  }
  const play = async (media: string, terminators: string): Promise<void> => {
    await s.setVars({ playback_terminators: terminators })
    await s.execute('playback', media)
  }
  await s.execute('answer')
  await s.setVars({ continue_on_fail: 'true' })
  await s.execute('record_session', `${recordings}/${s.uuid}.wav`)
  await play(file('welcome'), ANY)
  for (let i = 0; i < 2 && !s.ended; i++) if (['1', '2', '3', '4'].includes(await ask('choose-language'))) break
  let retries = 0
  while (!s.ended) {
    const d = await ask('main-menu')
    if (s.ended) break
    if (d === '3') await play(balance!, 'none')
    else if (d === '2') await play(file('prices-info'), ANY)
    else if (d === '1' || d === '0' || retries++ >= 2) break
    else await play(file(d === '' ? 'no-input' : 'invalid-option'), 'none')
  }
  if (!s.ended) await s.execute('hangup')
  await s.send('exit\n\n')
  socket.end()
}

const server = net.createServer((socket) => void serve(socket).catch(() => socket.destroy()))
server.maxConnections = 20_000
server.listen(Number(portArg), '127.0.0.1', () => process.send?.('ready'))
process.on('disconnect', () => process.exit(0))
