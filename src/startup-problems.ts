/**
 * What went wrong when the app could not start, as a sentence naming the setting to change
 * (a port taken, Redis or PostgreSQL unreachable); undefined for a failure that is a bug, which
 * keeps its stack trace.
 */
import type { Config } from './config.js'
import { RedisUnavailableError } from './redis/connection.js'

const LISTEN_CODES: Record<string, string> = {
  EADDRINUSE: 'is in use by another process',
  EACCES: 'may not be opened by this user (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'is not an address of this machine',
}

const DATABASE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', '28P01', '28000', '3D000'])

interface SystemError extends Error {
  code?: string
  port?: number
  address?: string
  syscall?: string
}

/** Hides a password in a connection URL. */
function hidePassword(url: string | undefined): string {
  if (!url) return 'the local PostgreSQL or PGlite'
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')
}

/** `err` from startApp (ESL listen, Redis, PostgreSQL). */
export function appStartProblem(err: unknown, config: Config): string | undefined {
  if (err instanceof RedisUnavailableError) return err.message
  const e = err as SystemError
  // pg and drizzle wrap the network error: look one level down as well.
  const cause = (e?.cause ?? {}) as SystemError
  const code = e?.code ?? cause.code
  if (code && LISTEN_CODES[code] && (e.syscall === 'listen' || e.syscall === 'bind')) {
    const { host, port } = config.eslListen
    return `the event-socket port ${host}:${port} for FreeSWITCH's calls ${LISTEN_CODES[code]}: set ESL_LISTEN_PORT (and ESL_LISTEN_HOST) to a free port, or stop what listens there`
  }
  if (code && DATABASE_CODES.has(code)) {
    return `PostgreSQL at ${hidePassword(config.databaseUrl)} cannot be used (${cause.message || e.message}): start it, or set DATABASE_URL to a reachable database`
  }
  return undefined
}

/** The HTTP server's listen failure. */
export function httpStartProblem(err: unknown, config: Config): string {
  const e = err as SystemError
  const why = (e?.code && LISTEN_CODES[e.code]) ?? `cannot be opened (${e?.message ?? String(err)})`
  return `the HTTP port ${config.http.host}:${config.http.port} ${why}: set HTTP_PORT (and HTTP_HOST) to a free port, or stop what listens there`
}
