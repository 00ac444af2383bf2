/**
 * Redis from REDIS_URL. When nothing answers and the URL is the local default, a private
 * `redis-server` is started under <dataDir>/redis if the binary exists (so the demo runs
 * on a bare machine); otherwise the start fails with a message that says how to get one.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { portOpen } from '../db/database.js'

export interface RedisHandle {
  /** Connection for ordinary commands. */
  client: Redis
  url: string
  /** A new connection with the same settings (BullMQ workers and subscribers need their own). */
  duplicate(): Redis
  ping(): Promise<boolean>
  close(): Promise<void>
}

export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError'
}

const DEFAULT_LOCAL = new Set(['127.0.0.1', 'localhost'])

export async function openRedis(options: { url: string; dataDir: string; log: Logger; allowPrivateServer?: boolean }): Promise<RedisHandle> {
  const { log } = options
  let url = options.url
  const u = new URL(url)
  const port = Number(u.port || 6379)
  let child: ChildProcess | undefined
  if (!(await portOpen(u.hostname, port, 500))) {
    if (options.allowPrivateServer === false || !DEFAULT_LOCAL.has(u.hostname)) {
      throw new RedisUnavailableError(`Redis is not reachable at ${redact(url)}. Start it, or set REDIS_URL to a reachable server.`)
    }
    if (spawnSync('redis-server', ['--version']).status !== 0) {
      throw new RedisUnavailableError(
        `Redis is not reachable at ${redact(url)} and no redis-server binary was found. Install one (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL.`,
      )
    }
    const privatePort = await freeLocalPort(port)
    const dir = path.join(options.dataDir, 'redis')
    fs.mkdirSync(dir, { recursive: true })
    child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(privatePort), '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' })
    for (let i = 0; i < 50 && !(await portOpen('127.0.0.1', privatePort, 200)); i++) await new Promise((r) => setTimeout(r, 100))
    u.hostname = '127.0.0.1'
    u.port = String(privatePort)
    url = u.toString()
    log.warn({ port: privatePort }, 'no Redis found: started a private redis-server (set REDIS_URL for production)')
  }
  const make = (): Redis => {
    const r = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false })
    r.on('error', (err) => log.debug({ err: err.message }, 'redis connection error'))
    return r
  }
  const client = make()
  const extra: Redis[] = []
  return {
    client,
    url,
    duplicate() {
      const r = make()
      extra.push(r)
      return r
    },
    async ping() {
      try {
        return (await Promise.race([client.ping(), new Promise<string>((r) => setTimeout(() => r('timeout'), 1000).unref())])) === 'PONG'
      } catch {
        return false
      }
    },
    async close() {
      await Promise.all([client, ...extra].map((r) => r.quit().catch(() => r.disconnect())))
      child?.kill()
    },
  }
}

async function freeLocalPort(preferred: number): Promise<number> {
  if (!(await portOpen('127.0.0.1', preferred, 200))) return preferred
  for (let p = preferred + 1; p < preferred + 100; p++) if (!(await portOpen('127.0.0.1', p, 200))) return p
  throw new RedisUnavailableError('no free local port for a private redis-server')
}

function redact(url: string): string {
  const u = new URL(url)
  if (u.password) u.password = '***'
  return u.toString()
}
