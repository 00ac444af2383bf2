/**
 * `npm run demo` as a person runs it (src/cli/demo.ts as its own process, through tsx): with
 * `--freeswitch` its callers go through a private real FreeSWITCH 1.11.1 and land in the
 * call register with their IVR path, and nothing of the switch is left afterwards; without
 * it the demo still runs on the simulator. Each run gets a scratch database, a Redis prefix
 * and ports of its own.
 */
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { agents, calls } from '../../src/db/schema/index.js'
import { SAMPLE_AGENTS } from '../../src/demo/sample-data.js'
import { freePort } from '../../src/bundle/freeswitch.js'
import { createTestDatabase, type TestDatabase } from '../helpers/database.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

interface DemoRun {
  code: number | string
  out: string
  err: string
}

const cleanups: Array<() => Promise<void>> = []

afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {})
}, 60_000)

/** A database, a Redis prefix, ports and directories for one run of the demo. */
async function scratch(): Promise<{ db: TestDatabase; env: Record<string, string> }> {
  const db = await createTestDatabase()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-test-'))
  const prefix = `demo${randomUUID().slice(0, 8)}`
  cleanups.push(async () => {
    await db.drop()
    fs.rmSync(dir, { recursive: true, force: true })
    const redis = new Redis(REDIS_URL)
    const keys = await redis.keys(`${prefix}:*`)
    if (keys.length) await redis.del(...keys)
    redis.disconnect()
  })
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL,
    REDIS_PREFIX: prefix,
    HTTP_PORT: String(await freePort()),
    RECORDINGS_DIR: path.join(dir, 'recordings'),
    DATA_DIR: path.join(dir, 'data'),
    LOG_LEVEL: 'warn',
  }
  return { db, env }
}

/** Runs the demo's CLI to its end (node --import tsx: a signal reaches the demo itself, not a tsx wrapper). */
function runDemo(args: string[], env: Record<string, string>, timeoutMs: number): Promise<DemoRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/demo.ts'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')))
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')))
    // Past the limit, SIGTERM: the demo stops its app and switch on it, as on Ctrl-C.
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      resolve({ code: code ?? signal ?? -1, out, err })
    })
  })
}

/** FreeSWITCH processes started from `dir` (the instance's private copy of the configuration). */
function switchesFrom(dir: string): string[] {
  const ps = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
  return ps.split('\n').filter((l) => l.includes('bin/freeswitch') && l.includes(`${dir}/`))
}

describe('npm run demo', () => {
  it('--freeswitch: the callers go through a real switch and land in the call register with their IVR path', async () => {
    const { db, env } = await scratch()
    const run = await runDemo(['--freeswitch', '--calls', '3', '--gap', '2', '--seed', '1', '--exit'], env, 240_000)
    const explain = `--- stdout:\n${run.out}\n--- stderr:\n${run.err.slice(-4000)}`
    expect(run.code, explain).toBe(0)
    // The same banner and logins as on the simulator.
    expect(run.out).toMatch(/demo: pages and API at http:\/\/127\.0\.0\.1:\d+/)
    expect(run.out).toMatch(/\| admin +\| demo-password +\| admin/)
    expect(run.out).toContain('call register rows: 3 of 3')
    const dir = /FreeSWITCH 1\.11\.1 on 127\.0\.0\.1:\d+, its files in (\S+);/.exec(run.out)?.[1]
    expect(dir, explain).toBeDefined()

    const rows = await db.db.select().from(calls)
    expect(rows, explain).toHaveLength(3)
    for (const r of rows) {
      expect(r).toMatchObject({ direction: 'inbound', flowId: 'default' })
      expect(r.endedAt, explain).not.toBeNull()
      // The path has a step per event at a node (entered, digits, result): one per node here.
      const nodes = r.ivrPath.map((s) => s.node).filter((n, i, all) => n !== all[i - 1])
      expect(nodes.slice(0, 3), explain).toEqual(['welcome', 'lookup', 'language'])
      // Open (the default --at): every call got past the hours to where its caller belongs.
      expect(nodes, explain).toContain('by-client')
    }
    // The people's phones are theirs again, and no FreeSWITCH of the demo is left.
    const endpoints = await db.db.select({ id: agents.id, endpoint: agents.endpoint }).from(agents)
    expect(Object.fromEntries(endpoints.map((a) => [a.id, a.endpoint]))).toEqual(Object.fromEntries(SAMPLE_AGENTS.map((a) => [a.id, a.endpoint])))
    expect(switchesFrom(dir!)).toEqual([])
    expect(fs.existsSync(dir!)).toBe(false)
  }, 300_000)

  it('without --freeswitch it runs on the simulator, in simulated time', async () => {
    const { db, env } = await scratch()
    const run = await runDemo(['--calls', '2', '--exit'], env, 120_000)
    expect(run.code, `${run.out}\n${run.err.slice(-4000)}`).toBe(0)
    expect(run.out).toMatch(/\(simulated time\), to 5000/)
    expect(run.out).toContain('call register rows: 2 of 2')
    expect(await db.db.select().from(calls)).toHaveLength(2)
  }, 150_000)

  it('--freeswitch without the bundle says how to install it', async () => {
    const run = await runDemo(['--freeswitch', '--exit'], { FREESWITCH_BUNDLE: path.join(os.tmpdir(), 'no-freeswitch-here') }, 60_000)
    expect(run.code).toBe(2)
    expect(run.err).toContain('bash ../shared/freeswitch/install.sh')
  }, 90_000)

  it('--help describes --freeswitch and the other options', async () => {
    const run = await runDemo(['--help'], {}, 60_000)
    expect(run.code).toBe(0)
    for (const option of ['--freeswitch', '--calls', '--seed', '--gap', '--at', '--exit']) expect(run.out).toContain(option)
  }, 90_000)
})
