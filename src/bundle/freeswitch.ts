/**
 * A real FreeSWITCH 1.11.1 of our own, for the tests, the benchmarks and the demo: the bundle
 * installed by `bash ../shared/freeswitch/install.sh` (/opt/freeswitch, or FREESWITCH_BUNDLE),
 * started from a private copy of its test configuration (or of freeswitch/conf) with ports of
 * its own, so several instances and a developer's own switch run side by side. The copy gets
 * the extensions asked for (extensions.ts) in context "default"; the rest is the bundle's.
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)

export const BUNDLE = process.env.FREESWITCH_BUNDLE ?? '/opt/freeswitch'
/** The bundle's DTLS and WSS keys, made once by the test setup and shared by every instance. */
export const SHARED_CERTS = path.join(os.tmpdir(), 'opencc-freeswitch-certs')
export const INSTALL_HINT = 'install it with `bash ../shared/freeswitch/install.sh` (as .ci/run does), or set FREESWITCH_BUNDLE'

/**
 * A TCP port nobody listens on just now, below the kernel's range for outgoing connections
 * and FreeSWITCH's RTP range (16384 up): a port from the outgoing range (what listen(0)
 * gives) can be taken by any process's next outgoing connection between this answer and the
 * listen that uses it. A port is often listened on long after it is chosen (an app started
 * later in a test), so a process never hands out the same one twice, and processes that pick
 * side by side (vitest's workers, VITEST_POOL_ID) take theirs from slices of their own.
 */
export async function freePort(): Promise<number> {
  const [from, to] = portSlice(10_000, Math.min(16_384, ephemeralLow()))
  for (let i = 0; i < 50 && to - from > 1; i++) {
    const port = from + Math.floor(Math.random() * (to - from))
    if (handedOut.has(port)) continue
    if (await canListen(port)) {
      handedOut.add(port)
      return port
    }
  }
  return listenAny()
}

const handedOut = new Set<number>()
const PORT_SLICES = 8

function portSlice(low: number, high: number): [number, number] {
  const worker = Number(process.env.VITEST_POOL_ID)
  if (!Number.isInteger(worker) || worker < 1 || high - low < PORT_SLICES * 100) return [low, high]
  const size = Math.floor((high - low) / PORT_SLICES)
  const from = low + ((worker - 1) % PORT_SLICES) * size
  return [from, from + size]
}

function ephemeralLow(): number {
  try {
    return Number(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 0
  } catch {
    return 0
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer()
    s.once('error', () => resolve(false))
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)))
  })
}

function listenAny(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo
      s.close(() => resolve(port))
    })
  })
}

export interface SwitchPorts {
  esl: number
  sip: number
  sipTls: number
  externalSip: number
  externalTls: number
  ws: number
  wss: number
}

export interface StartOptions {
  /** Names the instance's directory, for the reader of a failure. */
  name: string
  /** XML put into context "default" (extensions), see extensions.ts. */
  extensions?: string
  /** Core log level (default debug: the log is where a failure is explained). */
  logLevel?: 'debug' | 'info' | 'notice' | 'warning' | 'err'
  /** Start from this configuration directory instead of the bundle's test configuration. */
  confDir?: string
  /** Environment for the freeswitch process (the project's freeswitch/conf reads secrets from it). */
  env?: Record<string, string>
  /** Event-socket password of the started switch (default ClueCon, the test configuration's). */
  password?: string
  /** Rewrite the copied configuration's ports (default true; false for a configuration that takes them from `env`). */
  rewritePorts?: boolean
  /** Ports to use instead of free ones. */
  ports?: Partial<SwitchPorts>
  /** 8 kHz WAV files for local_stream://moh (the bundle ships no sounds: silence otherwise). */
  holdMusicDir?: string
  /**
   * The project's own SIP accounts handler and operators' line profile (freeswitch/conf):
   * scripts/sip-directory.lua as mod_lua's directory handler, and the `opencc-line`
   * conference profile; the bundle's static users stay.
   */
  appDirectory?: boolean
}

export interface TestSwitch {
  readonly ports: SwitchPorts
  readonly password: string
  readonly dir: string
  readonly confDir: string
  readonly logFile: string
  /** `host:port` of the event socket, as FREESWITCH_NODES wants it. */
  readonly eslAddress: string
  /** Runs an api command through fs_cli and returns its output. */
  cli(command: string): Promise<string>
  /** The last `lines` lines of FreeSWITCH's log, for failure messages. */
  logTail(lines?: number): string
  stop(): Promise<void>
}

/** Throws, saying how to install it, when the bundle is not there. */
export function requireBundle(): void {
  if (!fs.existsSync(path.join(BUNDLE, 'bin', 'freeswitch'))) {
    throw new Error(`FreeSWITCH is not installed at ${BUNDLE}: ${INSTALL_HINT}`)
  }
}

export async function startSwitch(options: StartOptions): Promise<TestSwitch> {
  requireBundle()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `fs-${options.name.replace(/[^a-z0-9-]/gi, '-')}-`))
  const confDir = path.join(dir, 'conf')
  fs.cpSync(options.confDir ?? path.join(BUNDLE, 'etc', 'freeswitch'), confDir, { recursive: true, filter: (src) => path.basename(src) !== 'tls' })
  const ports: SwitchPorts = {
    esl: options.ports?.esl ?? (await freePort()),
    sip: options.ports?.sip ?? (await freePort()),
    sipTls: options.ports?.sipTls ?? (await freePort()),
    externalSip: options.ports?.externalSip ?? (await freePort()),
    externalTls: options.ports?.externalTls ?? (await freePort()),
    ws: options.ports?.ws ?? (await freePort()),
    wss: options.ports?.wss ?? (await freePort()),
  }
  if (options.rewritePorts !== false) rewritePorts(confDir, ports, options.logLevel ?? 'debug')
  if (options.holdMusicDir) {
    const file = path.join(confDir, 'autoload_configs', 'local_stream.conf.xml')
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replaceAll('$${sounds_dir}/music/8000', options.holdMusicDir))
  }
  if (options.appDirectory) addAppDirectory(confDir)
  if (options.extensions) {
    const target = path.join(confDir, 'dialplan', 'default')
    fs.mkdirSync(target, { recursive: true })
    fs.writeFileSync(path.join(target, '00_opencc_tests.xml'), `<include>\n${options.extensions}\n</include>\n`)
  }
  const env = {
    ...process.env,
    ...options.env,
    FS_CONF_DIR: confDir,
    FS_RUN_DIR: path.join(dir, 'run'),
    FS_LOG_DIR: path.join(dir, 'log'),
    FS_DB_DIR: path.join(dir, 'db'),
    FS_CERTS_DIR: SHARED_CERTS,
    FS_ESL_HOST: '127.0.0.1',
    FS_ESL_PORT: String(ports.esl),
    FS_ESL_PASSWORD: options.password ?? 'ClueCon',
  }
  const logFile = path.join(dir, 'log', 'freeswitch.log')
  const logTail = (lines = 60): string => {
    try {
      return fs.readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n')
    } catch {
      return '(no log)'
    }
  }
  try {
    await run(path.join(BUNDLE, 'bin', 'fs-start'), [], { env, timeout: 60_000 })
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string }
    throw new Error(`FreeSWITCH did not start (${options.name}): ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`)
  }
  const password = options.password ?? 'ClueCon'
  return {
    ports,
    password,
    dir,
    confDir,
    logFile,
    eslAddress: `127.0.0.1:${ports.esl}`,
    logTail,
    async cli(command) {
      const { stdout } = await run(path.join(BUNDLE, 'bin', 'fs-cli'), ['-H', '127.0.0.1', '-P', String(ports.esl), '-p', password, '-x', command], { timeout: 20_000 })
      return stdout
    },
    async stop() {
      await run(path.join(BUNDLE, 'bin', 'fs-stop'), [], { env, timeout: 60_000 }).catch(() => {})
      if (!process.env.KEEP_FREESWITCH_DIRS) fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** The project's configuration, whose pieces appDirectory puts into a copy of the bundle's. */
const PROJECT_CONF = fileURLToPath(new URL('../../freeswitch/conf/', import.meta.url))

/** The project's sip-directory.lua and lua.conf.xml, and its `opencc-line` profile inserted into the copy's conference.conf.xml. */
function addAppDirectory(confDir: string): void {
  fs.mkdirSync(path.join(confDir, 'scripts'), { recursive: true })
  fs.copyFileSync(path.join(PROJECT_CONF, 'scripts', 'sip-directory.lua'), path.join(confDir, 'scripts', 'sip-directory.lua'))
  // Ours names the script under $${conf_dir}: the copy's own directory.
  fs.copyFileSync(path.join(PROJECT_CONF, 'autoload_configs', 'lua.conf.xml'), path.join(confDir, 'autoload_configs', 'lua.conf.xml'))
  const ours = fs.readFileSync(path.join(PROJECT_CONF, 'autoload_configs', 'conference.conf.xml'), 'utf8')
  const profile = /<profile name="opencc-line">[\s\S]*?<\/profile>/.exec(ours)?.[0]
  if (!profile) throw new Error(`harness: no <profile name="opencc-line"> in ${PROJECT_CONF}autoload_configs/conference.conf.xml`)
  const file = path.join(confDir, 'autoload_configs', 'conference.conf.xml')
  const theirs = fs.readFileSync(file, 'utf8')
  if (!theirs.includes('<profiles>')) throw new Error(`harness: no <profiles> in the bundle's ${file} (has the bundle's configuration changed?)`)
  fs.writeFileSync(file, theirs.replace('<profiles>', `<profiles>\n    ${profile}`))
}

/** Gives the copy its own ports (event socket, SIP, TLS, WS, WSS) and the log level asked for. */
function rewritePorts(confDir: string, ports: SwitchPorts, logLevel: string): void {
  const edit = (rel: string, change: (text: string) => string, mustChange = true): void => {
    const file = path.join(confDir, rel)
    const before = fs.readFileSync(file, 'utf8')
    const after = change(before)
    if (after === before && mustChange) throw new Error(`harness: nothing to change in ${rel} (has the bundle's configuration changed?)`)
    fs.writeFileSync(file, after)
  }
  edit('autoload_configs/event_socket.conf.xml', (t) => t.replace(/(name="listen-port" value=")\d+/, `$1${ports.esl}`))
  edit('vars.xml', (t) =>
    t
      .replace(/data="internal_sip_port=\d+"/, `data="internal_sip_port=${ports.sip}"`)
      .replace(/data="internal_tls_port=\d+"/, `data="internal_tls_port=${ports.sipTls}"`)
      .replace(/data="external_sip_port=\d+"/, `data="external_sip_port=${ports.externalSip}"`)
      .replace(/data="external_tls_port=\d+"/, `data="external_tls_port=${ports.externalTls}"`),
  )
  edit('sip_profiles/internal.xml', (t) =>
    t.replace(/(name="ws-binding"\s+value=":)\d+/, `$1${ports.ws}`).replace(/(name="wss-binding"\s+value=":)\d+/, `$1${ports.wss}`),
  )
  edit('autoload_configs/switch.conf.xml', (t) => t.replace(/(name="loglevel" value=")\w+/, `$1${logLevel}`), false)
}

/**
 * Makes the DTLS and WSS keys every instance shares, once (FreeSWITCH makes them at its
 * first start: 6-13 s). Run by the test setup before any test file starts a switch.
 */
export async function prepareSharedCerts(): Promise<void> {
  requireBundle()
  if (fs.existsSync(path.join(SHARED_CERTS, 'wss.pem')) && fs.existsSync(path.join(SHARED_CERTS, 'dtls-srtp.pem'))) return
  fs.mkdirSync(SHARED_CERTS, { recursive: true })
  const sw = await startSwitch({ name: 'certs', logLevel: 'warning' })
  await sw.stop()
}
