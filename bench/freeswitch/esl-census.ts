/**
 * What the app asks of FreeSWITCH per IVR call, counted on the wire: the benchmark's callers
 * (driver.ts) go through the app with two counting TCP relays in between, one on the outbound
 * socket (the dialplan's `socket` connects to the relay, which connects to the app) and one on
 * the app's control connection (FREESWITCH_NODES points at the relay). Prints, per call, the
 * commands the app sent (by application or api command), the events FreeSWITCH sent back (by
 * name) and the bytes each way.
 *
 *   npx tsx bench/freeswitch/esl-census.ts [--calls=20] [--at-once=10]
 */
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import YAML from 'yaml'
import { personEndpoint, testExtensions } from '../../src/bundle/extensions.js'
import { freePort, prepareSharedCerts, startSwitch, type TestSwitch } from '../../src/bundle/freeswitch.js'
import { textTable } from '../../src/cli/text-table.js'
import { createScratchDatabase, type ScratchDatabase } from '../../src/db/scratch-database.js'
import { agents, clients } from '../../src/db/schema/index.js'
import { dropRedisPrefix, startBenchApp, type BenchApp } from './app.js'
import { ivrCaller, LoadDriver } from './driver.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const arg = (name: string, d: number): number => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? d)
const CALLS = arg('calls', 20)
const AT_ONCE = arg('at-once', 10)

/** Counts ESL messages in one direction of a relayed connection. */
class Tally {
  bytes = 0
  readonly kinds = new Map<string, number>()
  private buf: Buffer = Buffer.alloc(0)
  constructor(private readonly direction: 'to-app' | 'to-fs') {}

  take(chunk: Buffer): void {
    this.bytes += chunk.length
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk
    for (;;) {
      const end = this.buf.indexOf('\n\n')
      if (end < 0) return
      const head = this.buf.subarray(0, end).toString('utf8')
      const length = Number(/^Content-Length: (\d+)$/m.exec(head)?.[1] ?? 0)
      if (this.buf.length < end + 2 + length) return
      const body = this.buf.subarray(end + 2, end + 2 + length).toString('utf8')
      this.buf = this.buf.subarray(end + 2 + length)
      this.count(head, body)
    }
  }

  private add(kind: string): void {
    this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + 1)
  }

  private count(head: string, body: string): void {
    if (this.direction === 'to-fs') {
      const first = head.split('\n')[0]!
      if (first.startsWith('sendmsg')) {
        const cmd = /^call-command: (\S+)$/m.exec(head)?.[1] ?? '?'
        const app = /^execute-app-name: (\S+)$/m.exec(head)?.[1]
        return this.add(app ? `execute ${app}` : `sendmsg ${cmd}`)
      }
      const words = first.split(' ')
      if (words[0] === 'api' || words[0] === 'bgapi') return this.add(`${words[0]} ${words[1] ?? ''}`)
      return this.add(words[0] ?? '?')
    }
    const type = /^Content-Type: (\S+)$/m.exec(head)?.[1] ?? '?'
    if (type === 'text/event-plain') return this.add(`event ${/^Event-Name: (\S+)$/m.exec(body)?.[1] ?? '?'}${/^Event-Name: CUSTOM$/m.test(body) ? ` ${/^Event-Subclass: (\S+)$/m.exec(body)?.[1]}` : ''}`)
    if (type === 'text/event-json') {
      try {
        return this.add(`event ${(JSON.parse(body) as Record<string, string>)['Event-Name']}`)
      } catch {
        return this.add('event ?')
      }
    }
    this.add(type)
  }
}

async function relay(target: number, toApp: Tally, toFs: Tally, /** FreeSWITCH is the side connecting (outbound socket) */ fsConnects: boolean): Promise<{ port: number; server: net.Server }> {
  const server = net.createServer((inbound) => {
    const out = net.connect(target, '127.0.0.1')
    const [fromFs, fromApp] = fsConnects ? [inbound, out] : [out, inbound]
    fromFs.on('data', (c: Buffer) => toApp.take(c))
    fromApp.on('data', (c: Buffer) => toFs.take(c))
    inbound.pipe(out)
    out.pipe(inbound)
    const close = (): void => {
      inbound.destroy()
      out.destroy()
    }
    inbound.on('error', close)
    out.on('error', close)
    inbound.on('close', close)
    out.on('close', close)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { port: (server.address() as net.AddressInfo).port, server }
}

let sw: TestSwitch | undefined
let db: ScratchDatabase | undefined
let app: BenchApp | undefined
let driver: LoadDriver | undefined
const redisPrefix = `census${process.pid}`
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'esl-census-'))
try {
  await prepareSharedCerts()
  db = await createScratchDatabase('bench')
  await db.db.insert(agents).values([{ id: 'olga', name: 'Olga', endpoint: personEndpoint('answers', 'olga'), groups: ['sales'] }])
  const number = (i: number): string => `+3876150${String(i).padStart(4, '0')}`
  await db.db.insert(clients).values(Array.from({ length: CALLS }, (_, i) => ({ name: `Shop ${i}`, phone: number(i), type: 'retail' as const, managerId: 'olga', balance: '1234.5', currency: 'EUR' })))
  const flows = path.join(work, 'flows')
  fs.mkdirSync(flows)
  const flow = YAML.parse(fs.readFileSync(path.join(ROOT, 'flows/default.yaml'), 'utf8')) as Record<string, unknown>
  const allDay = ['00:00-24:00']
  flow.hours = { timezone: 'Europe/Sarajevo', weekly: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay }, holidays: [] }
  fs.writeFileSync(path.join(flows, 'default.yaml'), YAML.stringify(flow))
  fs.writeFileSync(path.join(work, 'queues.yaml'), fs.readFileSync(path.join(ROOT, 'queues/queues.yaml')))

  const appPort = await freePort()
  const socketIn = new Tally('to-app')
  const socketOut = new Tally('to-fs')
  const socketRelay = await relay(appPort, socketIn, socketOut, true)
  sw = await startSwitch({ name: 'census', extensions: testExtensions(socketRelay.port), logLevel: 'warning' })
  const controlIn = new Tally('to-app')
  const controlOut = new Tally('to-fs')
  const controlRelay = await relay(sw.ports.esl, controlIn, controlOut, false)
  const httpPort = await freePort()
  app = await startBenchApp({
    root: ROOT,
    logFile: path.join(work, 'app.log'),
    httpPort,
    adminPassword: 'a-long-bench-password',
    env: {
      DATABASE_URL: db.url,
      REDIS_PREFIX: redisPrefix,
      FREESWITCH_NODES: `127.0.0.1:${controlRelay.port}`,
      FREESWITCH_PASSWORD: sw.password,
      ESL_LISTEN_PORT: String(appPort),
      HTTP_PORT: String(httpPort),
      FLOWS_DIR: flows,
      QUEUES_FILE: path.join(work, 'queues.yaml'),
      PROMPTS_DIR: path.join(ROOT, 'prompts'),
      RECORDINGS_DIR: path.join(work, 'recordings'),
      DATA_DIR: path.join(work, 'data'),
      ADMIN_PASSWORD: 'a-long-bench-password',
      LOG_LEVEL: 'info',
    },
  })
  driver = await LoadDriver.connect(sw.ports.esl, sw.password)
  // Redis commands touching the app's keys (MONITOR sees every client's; ours carry the prefix).
  const monitorClient = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true, enableReadyCheck: false })
  const monitor = await monitorClient.monitor()
  const redisCommands = new Map<string, number>()
  monitor.on('monitor', (_time: string, args: string[]) => {
    if (!args.some((a) => a.includes(redisPrefix))) return
    const name = args[0]!.toLowerCase()
    redisCommands.set(name, (redisCommands.get(name) ?? 0) + 1)
  })
  const tableStats = async (): Promise<Map<string, { ins: number; upd: number }>> => {
    const r = await db!.pool!.query<{ relname: string; ins: string; upd: string }>("select relname, n_tup_ins as ins, n_tup_upd as upd from pg_stat_user_tables")
    return new Map(r.rows.map((x) => [x.relname, { ins: Number(x.ins), upd: Number(x.upd) }]))
  }
  const xacts = async (): Promise<number> => Number((await db!.pool!.query<{ n: string }>('select xact_commit + xact_rollback as n from pg_stat_database where datname = current_database()')).rows[0]!.n)
  // Everything counted, at a moment: calls' figures are the counts over the calls less what
  // the same time costs with no call up (pings, BullMQ's polling), measured first.
  interface Counts {
    at: number
    kinds: Record<string, Map<string, number>>
    bytes: Record<string, number>
    xacts: number
    tables: Map<string, { ins: number; upd: number }>
    logLines: number
  }
  const tallies = { 'outbound socket, app -> FreeSWITCH': socketOut, 'outbound socket, FreeSWITCH -> app': socketIn, 'control connection, app -> FreeSWITCH': controlOut, 'control connection, FreeSWITCH -> app': controlIn }
  const counts = async (): Promise<Counts> => {
    // Backends report their statistics within 10 s of going idle (PostgreSQL 15).
    await new Promise((r) => setTimeout(r, 11_000))
    const kinds: Counts['kinds'] = { redis: new Map(redisCommands) }
    const bytes: Counts['bytes'] = {}
    for (const [name, t] of Object.entries(tallies)) {
      kinds[name] = new Map(t.kinds)
      bytes[name] = t.bytes
    }
    return { at: Date.now(), kinds, bytes, xacts: await xacts(), tables: await tableStats(), logLines: fs.readFileSync(app!.logFile, 'utf8').split('\n').length }
  }
  const idleFrom = await counts()
  const idleTo = await counts()
  const before = await counts()
  let next = 0
  let completed = 0
  const script = ivrCaller(1500)
  await Promise.all(
    Array.from({ length: AT_ONCE }, async () => {
      while (next < CALLS) {
        const o = await driver!.place('5000', number(next++), script).done
        if (o.completed) completed++
      }
    }),
  )
  const after = await counts()
  const scale = (after.at - before.at) / (idleTo.at - idleFrom.at)
  const perCall = (during: number, idle: number): number => (during - idle * scale) / CALLS
  const fmt = (n: number): string => n.toFixed(1)
  const kindRows = (name: string): string[][] => {
    const keys = new Set([...after.kinds[name]!.keys()])
    return [...keys]
      .map((k): [string, number] => {
        const d = (after.kinds[name]!.get(k) ?? 0) - (before.kinds[name]!.get(k) ?? 0)
        const i = (idleTo.kinds[name]!.get(k) ?? 0) - (idleFrom.kinds[name]!.get(k) ?? 0)
        return [k, perCall(d, i)]
      })
      .filter(([, n]) => n >= 0.05)
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => [k, fmt(n)])
  }
  console.log(`${CALLS} calls (${completed} completed), ${AT_ONCE} at once, ${((after.at - before.at) / 1000).toFixed(0)} s; per call, less what the same time costs with no call up:`)
  for (const name of Object.keys(tallies)) {
    const b = perCall(after.bytes[name]! - before.bytes[name]!, idleTo.bytes[name]! - idleFrom.bytes[name]!)
    console.log(`\n${name}: ${b.toFixed(0)} bytes\n${textTable(['message', 'per call'], kindRows(name))}`)
  }
  console.log(`\napp log lines per call (LOG_LEVEL info): ${fmt(perCall(after.logLines - before.logLines, idleTo.logLines - idleFrom.logLines))}`)
  const dbRows = [...after.tables.entries()]
    .map(([t, v]) => {
      const ins = perCall(v.ins - (before.tables.get(t)?.ins ?? 0), (idleTo.tables.get(t)?.ins ?? 0) - (idleFrom.tables.get(t)?.ins ?? 0))
      const upd = perCall(v.upd - (before.tables.get(t)?.upd ?? 0), (idleTo.tables.get(t)?.upd ?? 0) - (idleFrom.tables.get(t)?.upd ?? 0))
      return [t, ins, upd] as const
    })
    .filter(([, i, u]) => i + u >= 0.05)
    .map(([t, i, u]) => [t, fmt(i), fmt(u)])
  console.log(`\nPostgres, per call: ${fmt(perCall(after.xacts - before.xacts, idleTo.xacts - idleFrom.xacts))} transactions (the census's own few queries included)\n${textTable(['table', 'rows inserted', 'rows updated'], dbRows)}`)
  console.log(`\nRedis commands on the app's keys, per call\n${textTable(['command', 'per call'], kindRows('redis'))}`)
  monitor.disconnect()
  monitorClient.disconnect()
  socketRelay.server.close()
  controlRelay.server.close()
} finally {
  await app?.stop().catch(() => {})
  driver?.close()
  await sw?.stop().catch(() => {})
  await db?.drop().catch(() => {})
  await dropRedisPrefix(redisPrefix)
  fs.rmSync(work, { recursive: true, force: true })
}
