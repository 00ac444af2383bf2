/**
 * The app as its own process, as the real-switch tests start it (src/main.ts through
 * `node --import tsx`): its log goes to a file (nothing of it is parsed while calls run),
 * and it is ready when /health says FreeSWITCH, Postgres and Redis are up.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { Redis } from 'ioredis'

export interface BenchApp {
  child: ChildProcess
  pid: number
  logFile: string
  httpPort: number
  exited: Promise<number | string>
  /** An HTTP request as the admin. */
  http(method: string, url: string, body?: unknown): Promise<{ status: number; json: unknown }>
  /** Log lines at warn (40) or above, counted by message, from the log file. */
  problems(): Map<string, number>
  stop(): Promise<void>
}

export async function startBenchApp(options: { root: string; env: Record<string, string>; logFile: string; httpPort: number; adminPassword: string; cpuProfileDir?: string }): Promise<BenchApp> {
  const out = fs.openSync(options.logFile, 'a')
  const args = ['--import', 'tsx']
  if (options.cpuProfileDir) args.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`)
  const child = spawn(process.execPath, [...args, path.join(options.root, 'src/main.ts')], {
    cwd: options.root,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', ...options.env },
    stdio: ['ignore', out, out],
  })
  fs.closeSync(out)
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)))
  let gone = false
  void exited.then(() => (gone = true))
  const base = `http://127.0.0.1:${options.httpPort}`
  const from = Date.now()
  for (;;) {
    if (gone) throw new Error(`the app exited at start; its log:\n${tail(options.logFile)}`)
    if (Date.now() - from > 60_000) {
      child.kill('SIGKILL')
      throw new Error(`the app was not ready within 60 s; its log:\n${tail(options.logFile)}`)
    }
    const health = await fetch(`${base}/health`)
      .then((r) => r.json() as Promise<{ status?: string; freeswitch?: { status?: string } }>)
      .catch(() => undefined)
    if (health?.status === 'ok' && health.freeswitch?.status === 'up') break
    await new Promise((r) => setTimeout(r, 200))
  }
  let token: string | undefined
  const login = async (): Promise<string> => {
    const res = await fetch(`${base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: options.adminPassword }) })
    if (res.status !== 200) throw new Error(`admin login failed: ${res.status} ${await res.text()}`)
    return ((await res.json()) as { token: string }).token
  }
  return {
    child,
    pid: child.pid!,
    logFile: options.logFile,
    httpPort: options.httpPort,
    exited,
    async http(method, url, body) {
      token ??= await login()
      const res = await fetch(`${base}${url}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      const text = await res.text()
      let json: unknown = text
      try {
        json = JSON.parse(text)
      } catch {
        // kept as text
      }
      return { status: res.status, json }
    },
    problems() {
      const counts = new Map<string, number>()
      let text = ''
      try {
        text = fs.readFileSync(options.logFile, 'utf8')
      } catch {
        return counts
      }
      for (const line of text.split('\n')) {
        if (!line.startsWith('{')) continue
        let l: { level?: number; msg?: string; err?: { message?: string } | string }
        try {
          l = JSON.parse(line) as typeof l
        } catch {
          continue
        }
        if ((l.level ?? 0) < 40) continue
        const err = typeof l.err === 'string' ? l.err : l.err?.message
        const key = `${l.level! >= 50 ? 'error' : 'warn'}: ${l.msg ?? '?'}${err ? ` (${err.slice(0, 100)})` : ''}`
        counts.set(key, (counts.get(key) ?? 0) + 1)
      }
      return counts
    },
    async stop() {
      if (gone) return
      // SIGTERM: it finishes calls in progress (none by now) and exits, writing a CPU profile if asked.
      child.kill('SIGTERM')
      const t = setTimeout(() => child.kill('SIGKILL'), 40_000)
      await exited
      clearTimeout(t)
    },
  }
}

function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log)'
  }
}

/** Deletes the keys an app left under its REDIS_PREFIX. */
export async function dropRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 })
  try {
    await redis.connect()
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
      cursor = next
      if (keys.length) await redis.del(...keys)
    } while (cursor !== '0')
  } catch {
    // Redis away: the keys stay under their own prefix
  } finally {
    redis.disconnect()
  }
}
