/**
 * The one place that reads the environment. Every setting is parsed and validated here;
 * a bad value stops the start with a message naming the variable, the value and the fix.
 */
import path from 'node:path'

export interface FreeSwitchNode {
  host: string
  port: number
  password: string
}

export interface Config {
  env: 'production' | 'development' | 'test'
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  /** Postgres URL; undefined means "use 127.0.0.1:5432 if it answers, else embedded PGlite". */
  databaseUrl: string | undefined
  redisUrl: string
  /** Prefix for every Redis key and BullMQ queue, so several deployments can share one Redis. */
  redisPrefix: string
  dataDir: string
  recordingsDir: string
  promptsDir: string
  flowsDir: string
  /** Where our outbound event-socket server listens (FreeSWITCH's `socket` app connects here). */
  eslListen: { host: string; port: number }
  /** The host FreeSWITCH connects to for calls we originate to our socket (callbacks, dialer). */
  eslAdvertiseHost: string
  /** FreeSWITCH nodes we control over inbound ESL. */
  freeswitch: FreeSwitchNode[]
  http: { host: string; port: number }
  /** Name this app instance uses in logs and shared state. */
  instanceId: string
  /** Country whose numbering plan reads numbers without a country code (ISO 3166, e.g. BA). */
  defaultCountry: string
  /** How outside numbers are dialled: a dial-string template with {number}. */
  gatewayTemplate: string
  /**
   * The number people outside see when we call them (callbacks, calls put through to an
   * outside number, campaigns that name none): the center's own, never the caller's.
   */
  outboundCallerId: string
  /** How long a caller may wait in a queue before the queue's timeout action, ms. */
  /** The queue settings file. */
  queuesFile: string
  /** Campaign scripts (flows the dialer runs on answered calls). */
  scriptsDir: string
  /** Outbound calls at once over every campaign: the trunk's lines. */
  dialerMaxLines: number
  /** The first admin's password, used only when the users table is empty at start; else a random one is printed. */
  adminPassword: string | undefined
  /** When set, GET /metrics wants `Authorization: Bearer <token>`; else it is open. */
  metricsToken: string | undefined
  /** How long a login session lasts, minutes. */
  sessionTtlMinutes: number
  /** The SIP domain operators' accounts live in (SIP_DOMAIN, as freeswitch/conf/vars.xml reads it); else asked from the switch. */
  sipDomain: string | undefined
  /** Where the operator console's softphone connects (SOFTPHONE_WS_URL); else wss://<the page's host>:7443. */
  softphoneWsUrl: string | undefined
}

export class ConfigError extends Error {
  override name = 'ConfigError'
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`)
  }
}

type Env = Record<string, string | undefined>

export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const problems: string[] = []
  const str = (name: string, fallback: string): string => {
    const v = env[name]
    return v === undefined || v === '' ? fallback : v
  }
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const v = str(name, fallback)
    if ((allowed as readonly string[]).includes(v)) return v as T
    problems.push(`${name} must be one of ${allowed.join(', ')} (got '${v}')`)
    return fallback
  }
  const port = (name: string, fallback: number): number => {
    const v = str(name, String(fallback))
    const n = Number(v)
    if (!/^\d+$/.test(v) || n > 65535) {
      problems.push(`${name} must be a TCP port 0-65535 (got '${v}')`)
      return fallback
    }
    return n
  }
  const url = (name: string, fallback: string | undefined, schemes: string[]): string | undefined => {
    const v = env[name] === '' ? undefined : env[name]
    if (v === undefined) return fallback
    try {
      const u = new URL(v)
      if (!schemes.includes(u.protocol)) {
        problems.push(`${name} must start with ${schemes.join(' or ')} (got '${u.protocol}')`)
      }
    } catch {
      problems.push(`${name} is not a valid URL (got '${v}')`)
    }
    return v
  }
  const dir = (name: string, fallback: string): string => path.resolve(cwd, str(name, fallback))
  const country = (v: string): string => {
    if (!/^[A-Z]{2}$/.test(v)) problems.push(`DEFAULT_COUNTRY must be a two-letter country code such as BA or RU (got '${v}')`)
    return v
  }
  const whole = (name: string, fallback: number): number => {
    const v = str(name, String(fallback))
    if (!/^[1-9][0-9]{0,5}$/.test(v)) {
      problems.push(`${name} must be a whole number above 0 (got '${v}')`)
      return fallback
    }
    return Number(v)
  }
  const advertise = (v: string): string => {
    if (v === '0.0.0.0' || v === '::') problems.push(`ESL_ADVERTISE_HOST must be an address FreeSWITCH can reach, not '${v}' (set it when ESL_LISTEN_HOST listens on all addresses)`)
    else if (!/^[A-Za-z0-9_.:-]+$/.test(v)) problems.push(`ESL_ADVERTISE_HOST must be a host name or address (got '${v}')`)
    return v
  }
  const template = (v: string): string => {
    if (!/^[A-Za-z0-9_.\-/@:]*\{number\}[A-Za-z0-9_.\-/@:]*$/.test(v)) {
      problems.push(`GATEWAY_TEMPLATE must be a dial string with {number}, e.g. sofia/gateway/carrier/{number} (got '${v}')`)
    }
    return v
  }

  const callerId = (v: string): string => {
    if (!/^\+?[0-9]{3,20}$/.test(v)) problems.push(`OUTBOUND_CALLER_ID must be a phone number, digits with an optional leading + (got '${v}')`)
    return v
  }

  const secret = (name: string, minLength: number): string | undefined => {
    const v = env[name]
    if (v === undefined || v === '') return undefined
    // The value itself never goes into the message: it is a secret.
    if (v.length < minLength || v.length > 200) problems.push(`${name} must be ${minLength} to 200 characters long (got ${v.length})`)
    return v
  }

  const sipDomain = (v: string | undefined): string | undefined => {
    if (v === undefined || v === '') return undefined
    if (!/^[A-Za-z0-9._:-]{1,255}$/.test(v)) problems.push(`SIP_DOMAIN must be a host name or address, e.g. sip.example.com (got '${v}')`)
    return v
  }

  const nodeEnv = oneOf('NODE_ENV', ['production', 'development', 'test'] as const, 'development')
  const password = str('FREESWITCH_PASSWORD', 'ClueCon')
  const freeswitch = parseNodes(str('FREESWITCH_NODES', '127.0.0.1:8021'), password, problems)
  if (nodeEnv === 'production' && password === 'ClueCon') {
    problems.push("FREESWITCH_PASSWORD must be set in production (the stock 'ClueCon' is public)")
  }
  const prefix = str('REDIS_PREFIX', 'cc')
  if (!/^[A-Za-z0-9_.-]{1,40}$/.test(prefix)) {
    problems.push(`REDIS_PREFIX may hold only letters, digits, '_', '.', '-' (got '${prefix}')`)
  }

  const config: Config = {
    env: nodeEnv,
    logLevel: oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    databaseUrl: url('DATABASE_URL', undefined, ['postgres:', 'postgresql:']),
    redisUrl: url('REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:'])!,
    redisPrefix: prefix,
    dataDir: dir('DATA_DIR', 'data'),
    recordingsDir: dir('RECORDINGS_DIR', 'recordings'),
    promptsDir: dir('PROMPTS_DIR', 'prompts'),
    flowsDir: dir('FLOWS_DIR', 'flows'),
    eslListen: { host: str('ESL_LISTEN_HOST', '127.0.0.1'), port: port('ESL_LISTEN_PORT', 8084) },
    eslAdvertiseHost: advertise(str('ESL_ADVERTISE_HOST', str('ESL_LISTEN_HOST', '127.0.0.1'))),
    freeswitch,
    http: { host: str('HTTP_HOST', '127.0.0.1'), port: port('HTTP_PORT', 3000) },
    instanceId: str('INSTANCE_ID', `app-${process.pid}`),
    defaultCountry: country(str('DEFAULT_COUNTRY', 'BA')),
    gatewayTemplate: template(str('GATEWAY_TEMPLATE', 'sofia/gateway/carrier/{number}')),
    outboundCallerId: callerId(str('OUTBOUND_CALLER_ID', '+38733200200')),
    queuesFile: dir('QUEUES_FILE', 'queues/queues.yaml'),
    scriptsDir: dir('SCRIPTS_DIR', 'campaigns/scripts'),
    dialerMaxLines: whole('DIALER_MAX_LINES', 100),
    adminPassword: secret('ADMIN_PASSWORD', 12),
    metricsToken: secret('METRICS_TOKEN', 16),
    sessionTtlMinutes: whole('SESSION_TTL_MINUTES', 720),
    sipDomain: sipDomain(env['SIP_DOMAIN']),
    softphoneWsUrl: url('SOFTPHONE_WS_URL', undefined, ['ws:', 'wss:']),
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return config
}

function parseNodes(list: string, password: string, problems: string[]): FreeSwitchNode[] {
  const nodes: FreeSwitchNode[] = []
  for (const item of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([A-Za-z0-9_.-]+|\[[0-9A-Fa-f:]+\]):(\d{1,5})$/.exec(item)
    if (!m || Number(m[2]) > 65535) {
      problems.push(`FREESWITCH_NODES must be a comma-separated list of host:port (bad entry '${item}')`)
      continue
    }
    nodes.push({ host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]), password })
  }
  if (nodes.length === 0) problems.push('FREESWITCH_NODES lists no node')
  return nodes
}
