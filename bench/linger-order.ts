/**
 * `npm run bench:linger`: in what order the real switch (the FreeSWITCH 1.11.1 bundle, one
 * private instance, log level warning) tells an outbound socket that its channel hung up:
 * the linger notice (`text/disconnect-notice`, `Content-Disposition: linger`) against the
 * channel's CHANNEL_HANGUP and CHANNEL_HANGUP_COMPLETE events. mod_event_socket's listener
 * thread sends the notice as soon as it sees the channel down, while the events reach it
 * through the core's dispatch threads (listener_run), so the notice may come first; an app
 * that sends `exit` at the notice then loses the events that were still on their way
 * (src/esl/call-session.ts waits for them).
 *
 * Calls: `originate loopback/5000 &park`, whose -b leg runs `socket <us> async full`; our side
 * sends myevents and `linger 5` over the project's SocketSession (esl-lite's framing), and
 * `hupall` ends a round's calls at once. Twice: the machine as it is, then with two CPU-bound
 * processes beside it (the machine's two cores busy, as a loaded CI run). Prints the table and
 * writes it, with the command and the date, between the `bench-linger` markers of
 * docs/BENCHMARKS.md.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import net from 'node:net'
import os from 'node:os'
import { freePort, startSwitch } from '../src/bundle/freeswitch.js'
import { textTable } from '../src/cli/text-table.js'
import { exitWithHelp } from '../src/cli/usage.js'
import type { EslEvent } from '../src/esl/event.js'
import { silentLogger } from '../src/log.js'
import { SocketSession, type SessionListener } from '../src/esl/socket-session.js'
import { writeSection } from './freeswitch/doc.js'

exitWithHelp(`
usage: npm run bench:linger [-- --calls <per round, default 60>] [--rounds <per load, default 3>]

The order of the linger notice and the hangup events on the real switch, idle and with both
cores busy; writes the table to docs/BENCHMARKS.md.

  -h, --help   this text
`)
const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  const n = i >= 0 ? Number(process.argv[i + 1]) : dflt
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`)
  return n
}
const CALLS = arg('calls', 60)
const ROUNDS = arg('rounds', 3)

const ORDERS = ['events first', 'notice between HANGUP and HANGUP_COMPLETE', 'notice before HANGUP', 'no notice'] as const
type Order = (typeof ORDERS)[number]

/** What one socket saw, in the order it saw it. */
class OrderWatch implements SessionListener {
  private seen: string[] = []
  constructor(private readonly done: (order: Order) => void) {}
  onEvent(e: EslEvent): void {
    if (e.name === 'CHANNEL_HANGUP' || e.name === 'CHANNEL_HANGUP_COMPLETE') this.seen.push(e.name)
  }
  onDisconnectNotice(disposition: string | undefined): void {
    if (disposition === 'linger') this.seen.push('notice')
  }
  onClose(): void {
    const at = (what: string): number => {
      const i = this.seen.indexOf(what)
      return i < 0 ? Infinity : i
    }
    const notice = at('notice')
    this.done(notice === Infinity ? 'no notice' : notice < at('CHANNEL_HANGUP') ? 'notice before HANGUP' : notice < at('CHANNEL_HANGUP_COMPLETE') ? 'notice between HANGUP and HANGUP_COMPLETE' : 'events first')
  }
}

const orders: Order[] = []
let connected = 0
const server = net.createServer((socket) => {
  const session = new SocketSession(socket, silentLogger)
  session.attach(new OrderWatch((o) => orders.push(o)))
  connected++
  void session.send('connect\n\n')
  void session.send('myevents\n\n')
  void session.send('linger 5\n\n')
})
const appPort = await freePort()
await new Promise<void>((r) => server.listen(appPort, '127.0.0.1', () => r()))
const extension = `<extension name="bench-linger"><condition field="destination_number" expression="^5000$"><action application="socket" data="127.0.0.1:${appPort} async full"/></condition></extension>`
const sw = await startSwitch({ name: 'bench-linger', extensions: extension, logLevel: 'warning' })

const waitUntil = async (ok: () => boolean, ms: number): Promise<void> => {
  const end = Date.now() + ms
  while (!ok() && Date.now() < end) await new Promise((r) => setTimeout(r, 50))
}

/** ROUNDS rounds of CALLS calls; the orders seen. */
async function measure(): Promise<Order[]> {
  const from = orders.length
  for (let r = 0; r < ROUNDS; r++) {
    const before = connected
    const ended = orders.length
    // A loopback call is two sessions: paced under the switch's 30 sessions a second.
    for (let i = 0; i < CALLS; i++) {
      await sw.cli('bgapi originate loopback/5000/default &park')
      await new Promise((x) => setTimeout(x, 80))
    }
    await waitUntil(() => connected - before >= CALLS, 15_000)
    await new Promise((x) => setTimeout(x, 300))
    await sw.cli('hupall NORMAL_CLEARING')
    await waitUntil(() => orders.length - ended >= connected - before, 60_000)
  }
  return orders.slice(from)
}

const rows: Array<Array<string | number>> = []
const row = (load: string, seen: Order[]): void => {
  const share = (o: Order): string => {
    const n = seen.filter((x) => x === o).length
    return `${n} (${Math.round((100 * n) / Math.max(1, seen.length))} %)`
  }
  rows.push([load, seen.length, ...ORDERS.map(share)])
}
let burners: ChildProcess[] = []
try {
  row('idle', await measure())
  burners = [0, 1].map(() => spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' }))
  row('2 CPU-bound processes', await measure())
} finally {
  for (const b of burners) b.kill('SIGKILL')
  await sw.stop()
  server.close()
}

const table = textTable(['load', 'calls', ...ORDERS], rows)
console.log(table)
writeSection('bench-linger', [
  `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench:linger -- --calls ${CALLS} --rounds ${ROUNDS}\` on ${os.cpus().length} cores, FreeSWITCH 1.11.1 (the bundle, log level warning): ${CALLS} calls killed at once (\`hupall\`), ${ROUNDS} rounds a load.`,
  '',
  table,
])
process.exit(0)
