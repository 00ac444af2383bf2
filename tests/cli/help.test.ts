/**
 * Every command answers --help with its options (exit 0, no work done), and an ordinary
 * mistake — an unknown option, a port already taken — ends with a sentence naming what to
 * change, never a Node stack trace. The commands run as their own processes, as npm runs them.
 */
import { spawn } from 'node:child_process'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createTestDatabase } from '../helpers/database.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
/** What a Node stack trace looks like: "    at fn (file:line:col)". */
const STACK = /^\s+at .+[:(]/m

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

function run(file: string, args: string[], env: Record<string, string> = {}, timeoutMs = 40_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, file), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'test', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${file} ${args.join(' ')} still running after ${timeoutMs} ms (did --help start the work?)\n${stdout}\n${stderr}`))
    }, timeoutMs)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

// The entry points of package.json's scripts and of scripts/.
const COMMANDS: Array<[file: string, says: RegExp]> = [
  ['src/main.ts', /ESL_LISTEN_PORT/],
  ['src/cli/demo.ts', /--calls/],
  ['src/cli/simulate.ts', /--agents/],
  ['src/cli/check-flows.ts', /FLOWS_DIR/],
  ['src/cli/generate-prompts.ts', /--force/],
  ['scripts/conformance-report.ts', /transcript/],
  ['scripts/record-transcript.ts', /--out/],
  ['bench/run.ts', /--quick/],
  ['bench/chaos.ts', /--no-load/],
  ['bench/load.ts', /--/],
  ['bench/freeswitch.ts', /--/],
]

describe('--help', () => {
  it.each(COMMANDS)('%s prints its usage and exits 0', async (file, says) => {
    const r = await run(file, ['--help'])
    expect(r.stderr).not.toMatch(STACK)
    expect(r.stdout).toMatch(/^usage: /im)
    expect(r.stdout).toMatch(says)
    expect(r.code, r.stderr).toBe(0)
  }, 60_000)
})

describe('mistakes say what to change', () => {
  it('an unknown option of simulate: the option and where the options are, exit 2', async () => {
    const r = await run('src/cli/simulate.ts', ['--no-such-option'])
    expect(r.stderr).not.toMatch(STACK)
    expect(r.stderr).toContain("Unknown option '--no-such-option'")
    expect(r.stderr).toContain('--help')
    expect(r.code).toBe(2)
  }, 60_000)

  it('the app with PostgreSQL away: names DATABASE_URL, no stack trace, exit 2', async () => {
    const r = await run('src/main.ts', [], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere', REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', HTTP_PORT: '0', ESL_LISTEN_PORT: '0', LOG_LEVEL: 'silent' })
    expect(r.stdout + r.stderr).not.toMatch(STACK)
    expect(r.stderr).toContain('DATABASE_URL')
    expect(r.code).toBe(2)
  }, 60_000)

  it('the app with ESL_LISTEN_PORT taken: names ESL_LISTEN_PORT and the port, no stack trace, exit 2', async () => {
    const taken = net.createServer()
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r))
    const port = (taken.address() as net.AddressInfo).port
    const db = await createTestDatabase()
    try {
      const r = await run('src/main.ts', [], {
        DATABASE_URL: db.url,
        REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        REDIS_PREFIX: `help-${process.pid}`,
        ESL_LISTEN_PORT: String(port),
        HTTP_PORT: '0',
        FREESWITCH_NODES: '127.0.0.1:1',
        LOG_LEVEL: 'silent',
      })
      const all = r.stdout + r.stderr
      expect(all).not.toMatch(STACK)
      expect(r.stderr).toContain('ESL_LISTEN_PORT')
      expect(r.stderr).toContain(String(port))
      expect(r.code).toBe(2)
    } finally {
      taken.close()
      await db.drop()
    }
  }, 60_000)
})
