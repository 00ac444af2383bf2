/**
 * freeswitch/conf itself on the bundle's real FreeSWITCH 1.11.1, run as production runs it: in
 * the foreground, its console (mod_console, the only logger the configuration loads) on stdout,
 * every setting in the environment. Unlike startSwitch (src/bundle/freeswitch.ts, via fs-start),
 * it can start a switch whose event-socket password nobody chose: with the secrets missing it is
 * random, and is read back from the assembled configuration FreeSWITCH writes to its log
 * directory (freeswitch.xml.fsxml).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { BUNDLE, freePort, requireBundle, SHARED_CERTS, type TestSwitch } from '../../src/bundle/freeswitch.js'

const run = promisify(execFile)
export const REPO = fileURLToPath(new URL('../../', import.meta.url))
export const CONF_DIR = path.join(REPO, 'freeswitch/conf')

/** Every environment variable vars.xml reads (env-set "$NAME", exec-set "printenv NAME"). */
export function variablesVarsXmlReads(): string[] {
  const text = fs.readFileSync(path.join(CONF_DIR, 'vars.xml'), 'utf8')
  return [...new Set([...text.matchAll(/=\$([A-Z][A-Z0-9_]*)"/g), ...text.matchAll(/printenv ([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!))].sort()
}

export interface ConfSwitch extends TestSwitch {
  /** What FreeSWITCH printed on its console so far. */
  console(): string
}

export interface ConfStartOptions {
  name: string
  /** Another configuration directory (default freeswitch/conf). */
  confDir?: string
  /** The settings vars.xml reads; nothing of the test process's own environment reaches it. */
  env: Record<string, string>
  /** The event-socket password, when the test chose it (else read from freeswitch.xml.fsxml). */
  password?: string
}

export async function startConf(options: ConfStartOptions): Promise<ConfSwitch> {
  requireBundle()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `fs-conf-${options.name.replace(/[^a-z0-9-]/gi, '-')}-`))
  const confDir = path.join(dir, 'conf')
  fs.cpSync(options.confDir ?? CONF_DIR, confDir, { recursive: true })
  const ports = { esl: await freePort(), sip: await freePort(), sipTls: await freePort(), externalSip: await freePort(), externalTls: await freePort(), ws: await freePort(), wss: await freePort() }
  const env: Record<string, string> = {}
  const read = new Set(variablesVarsXmlReads())
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !read.has(k)) env[k] = v
  Object.assign(env, {
    FS_ESL_PORT: String(ports.esl),
    FS_INTERNAL_SIP_PORT: String(ports.sip),
    FS_INTERNAL_TLS_PORT: String(ports.sipTls),
    FS_EXTERNAL_SIP_PORT: String(ports.externalSip),
    FS_INTERNAL_WS_PORT: String(ports.ws),
    FS_INTERNAL_WSS_PORT: String(ports.wss),
    ...options.env,
    LD_LIBRARY_PATH: path.join(BUNDLE, 'lib'),
  })
  // The directories fs-start passes, with this instance's own conf, log, run and db.
  const b = BUNDLE
  const d = (name: string) => path.join(dir, name)
  const args = ['-nf', '-nonat', '-base', b, '-conf', confDir, '-log', d('log'), '-run', d('run'), '-db', d('db'), '-mod', `${b}/lib/freeswitch/mod`,
    '-certs', SHARED_CERTS, '-storage', `${b}/var/lib/freeswitch/storage`, '-recordings', `${b}/var/lib/freeswitch/recordings`, '-sounds', `${b}/share/freeswitch/sounds`,
    '-scripts', `${b}/share/freeswitch/scripts`, '-htdocs', `${b}/share/freeswitch/htdocs`, '-grammar', `${b}/share/freeswitch/grammar`,
    '-cache', `${b}/var/cache/freeswitch`, '-temp', `${b}/var/tmp/freeswitch`]
  for (const sub of ['log', 'run', 'db']) fs.mkdirSync(d(sub))
  const consoleFile = d('console.log')
  const child = spawn(path.join(b, 'bin', 'freeswitch'), args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let printed = ''
  const take = (chunk: Buffer): void => {
    printed += chunk.toString('utf8')
    fs.appendFileSync(consoleFile, chunk)
  }
  child.stdout!.on('data', take)
  child.stderr!.on('data', take)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const tail = (lines = 60) => printed.split('\n').slice(-lines).join('\n')
  let password = options.password ?? ''

  const sw: ConfSwitch = {
    ports,
    get password() {
      return password
    },
    dir,
    confDir,
    logFile: consoleFile,
    eslAddress: `127.0.0.1:${ports.esl}`,
    logTail: tail,
    console: () => printed,
    async cli(command) {
      const { stdout } = await run(path.join(b, 'bin', 'fs-cli'), ['-H', '127.0.0.1', '-P', String(ports.esl), '-p', sw.password, '-x', command], { timeout: 20_000 })
      return stdout
    },
    stop: () => stop(child, exited, dir),
  }
  try {
    password = await ready(dir, ports.esl, child, options.password)
  } catch (err) {
    await sw.stop()
    throw new Error(`freeswitch/conf did not start (${options.name}): ${(err as Error).message}\n--- console:\n${tail(40)}`)
  }
  return sw
}

/** Waits for `status` to say "is ready" over the event socket; returns the password that worked. */
async function ready(dir: string, port: number, child: ChildProcess, password: string | undefined): Promise<string> {
  const fsxml = path.join(dir, 'log', 'freeswitch.xml.fsxml')
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`freeswitch exited with status ${child.exitCode}`)
    const assembled = !password && fs.existsSync(fsxml) ? fs.readFileSync(fsxml, 'utf8') : ''
    // Without a password mod_event_socket takes "ClueCon" (mod_event_socket.c, config()).
    if (assembled.includes('</document>')) password = eventSocketPasswordIn(assembled) || 'ClueCon'
    if (password) {
      const status = await eslApi(port, password, 'status').catch(() => '')
      if (status.includes('is ready')) return password
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error('not ready after 30 s')
}

/** The password param of event_socket.conf in an assembled configuration. */
export function eventSocketPasswordIn(fsxml: string): string | undefined {
  const conf = /<configuration name="event_socket\.conf"[\s\S]*?<\/configuration>/.exec(fsxml)?.[0]
  return conf && /<param name="password" value="([^"]*)"\/>/.exec(conf)?.[1]
}

async function stop(child: ChildProcess, exited: Promise<number | null>, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    await exited
    clearTimeout(timer)
  }
  if (!process.env.KEEP_FREESWITCH_DIRS) fs.rmSync(dir, { recursive: true, force: true })
}

/**
 * One event-socket exchange, byte for byte: connects, reads the greeting, sends `auth` and,
 * when it is accepted, `api <command>`. Returns the greeting's content type, the auth reply and
 * the api body.
 */
export async function eslExchange(port: number, password: string, command?: string, host = '127.0.0.1'): Promise<{ greeting: string; auth?: string; body?: string }> {
  const sock = net.connect({ host, port })
  sock.setTimeout(5000, () => sock.destroy(new Error(`event socket ${host}:${port} timed out`)))
  let buffer = Buffer.alloc(0)
  let closed = false
  let wake: () => void = () => {}
  sock.on('data', (d) => {
    buffer = Buffer.concat([buffer, d])
    wake()
  })
  const failed = new Promise<never>((_, reject) => sock.once('error', reject))
  sock.on('close', () => {
    closed = true
    wake()
  })
  failed.catch(() => {})
  /** The next message: its headers and its body (Content-Length), or undefined when the socket closed. */
  const next = async (): Promise<{ headers: Map<string, string>; body: string } | undefined> => {
    for (;;) {
      const end = buffer.indexOf('\n\n')
      if (end >= 0) {
        const headers = new Map(buffer.subarray(0, end).toString('utf8').split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()] as [string, string]))
        const length = Number(headers.get('Content-Length') ?? 0)
        if (buffer.length >= end + 2 + length) {
          const body = buffer.subarray(end + 2, end + 2 + length).toString('utf8')
          buffer = buffer.subarray(end + 2 + length)
          return { headers, body }
        }
      }
      if (closed) return undefined
      await Promise.race([new Promise<void>((r) => (wake = r)), failed])
    }
  }
  try {
    const greeting = await next()
    const type = greeting?.headers.get('Content-Type') ?? '(closed)'
    if (type !== 'auth/request') return { greeting: type }
    sock.write(`auth ${password}\n\n`)
    const auth = (await next())?.headers.get('Reply-Text') ?? '(closed)'
    if (!auth.startsWith('+OK') || !command) return { greeting: type, auth }
    sock.write(`api ${command}\n\n`)
    return { greeting: type, auth, body: (await next())?.body }
  } finally {
    sock.destroy()
  }
}

/** An api command's output over the event socket (throws when the password is refused). */
export async function eslApi(port: number, password: string, command: string): Promise<string> {
  const r = await eslExchange(port, password, command)
  if (r.body === undefined) throw new Error(`api ${command}: ${r.greeting} ${r.auth ?? ''}`)
  return r.body.replace(/\n$/, '')
}
