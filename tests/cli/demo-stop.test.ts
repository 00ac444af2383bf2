/**
 * `npm run demo` stops, children and all, on a TERM sent to npm (as a service manager or a
 * terminal closing sends it) and on Ctrl-C: while it places its calls and once it serves
 * the pages. Nothing it started is left running (tsx, the demo, its private redis-server),
 * and its ports are free again. The demo runs as the user runs it: npm, a shell, tsx.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../helpers/database.js'
import { freePort } from '../helpers/app-process.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** The processes below `pid`, from /proc (Linux). */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>()
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      // pid (comm) state ppid ...: comm may hold spaces, so after the last ')'.
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8')
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]))
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = []
  const walk = (p: number): void => {
    for (const [child, parent] of parents) {
      if (parent !== p) continue
      found.push(child)
      walk(child)
    }
  }
  walk(pid)
  return found
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    // A zombie has exited: only its parent has not read its status yet.
    return !/^\S+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return false
  }
}

const listening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port })
    s.once('connect', () => {
      s.destroy()
      resolve(true)
    })
    s.once('error', () => resolve(false))
  })

let db: TestDatabase | undefined
const started: number[] = []

afterEach(async () => {
  // Whatever a failed test left: only the processes this test started.
  for (const pid of started.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL')
  await db?.drop()
  db = undefined
})

async function startDemo(args: string[]): Promise<{ npm: ChildProcess; output: () => string; ports: { http: number; redis: number }; exited: Promise<unknown> }> {
  db = await createTestDatabase()
  const ports = { http: await freePort(), redis: await freePort() }
  const npm = spawn('npm', ['run', 'demo', '--', ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      // Nobody on this port: the demo starts a private redis-server, a child to stop as well.
      REDIS_URL: `redis://127.0.0.1:${ports.redis}`,
      HTTP_PORT: String(ports.http),
      DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'demo-stop-')),
      RECORDINGS_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'demo-stop-rec-')),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  started.push(npm.pid!)
  let out = ''
  npm.stdout!.on('data', (c: Buffer) => (out += c.toString()))
  npm.stderr!.on('data', (c: Buffer) => (out += c.toString()))
  const exited = new Promise((r) => npm.once('exit', r))
  return { npm, output: () => out, ports, exited }
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms: number, output: () => string): Promise<void> {
  const until = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`${what}: not within ${ms} ms. The demo said:\n${output().slice(-2000)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

async function stopsEverything(demo: Awaited<ReturnType<typeof startDemo>>, signal: NodeJS.Signals): Promise<void> {
  const tree = descendants(demo.npm.pid!)
  started.push(...tree)
  // npm, sh, tsx, the demo and its redis-server at least.
  expect(tree.length, `the processes under npm: ${tree.join(', ')}`).toBeGreaterThanOrEqual(3)
  demo.npm.kill(signal)
  await waitFor('npm exits', () => demo.npm.exitCode !== null || demo.npm.signalCode !== null, 30_000, demo.output)
  await waitFor(`every process of the demo ends (${tree.join(', ')})`, () => tree.every((p) => !alive(p)), 15_000, demo.output)
  expect(await listening(demo.ports.http), 'the HTTP port is free').toBe(false)
  expect(await listening(demo.ports.redis), "the private redis-server's port is free").toBe(false)
}

describe('npm run demo', () => {
  it('stops on TERM while serving the pages, children included, ports freed', async () => {
    const demo = await startDemo(['--calls', '2', '--gap', '5'])
    await waitFor('the demo serves its pages', () => demo.output().includes('Ctrl-C to stop'), 90_000, demo.output)
    expect(await listening(demo.ports.http)).toBe(true)
    expect(await listening(demo.ports.redis)).toBe(true)
    await stopsEverything(demo, 'SIGTERM')
  }, 150_000)

  it('stops on TERM while it still places calls', async () => {
    const demo = await startDemo(['--calls', '400', '--gap', '20'])
    await waitFor('the calls begin', () => demo.output().includes('logged in to the queues'), 90_000, demo.output)
    await stopsEverything(demo, 'SIGTERM')
  }, 150_000)

  it('stops on Ctrl-C (SIGINT) while it still places calls', async () => {
    const demo = await startDemo(['--calls', '400', '--gap', '20'])
    await waitFor('the calls begin', () => demo.output().includes('logged in to the queues'), 90_000, demo.output)
    await stopsEverything(demo, 'SIGINT')
  }, 150_000)
})
