/**
 * The app as its own process (`src/main.ts`, as `npm start` runs it, through tsx), for tests
 * that kill or stop it: SIGKILL, SIGTERM. Its pino lines are kept for the test to read.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

export interface AppProcess {
  child: ChildProcess
  /** Every log line the process wrote (JSON parsed where it parses). */
  lines: Array<Record<string, unknown>>
  /** Resolves with the exit code (or the signal's name) once the process is gone. */
  exited: Promise<number | string>
  /** Waits for a log line that `match` accepts, or fails after `timeoutMs`. */
  waitForLine(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>
}

export { freePort } from '../../src/bundle/freeswitch.js'

/**
 * The test's clock and zone for the app too: under libfaketime (tests/time/any-date.test.ts)
 * an app process on the real clock would dial by another day and hour than the test expects.
 */
function clockEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => /^(TZ|LD_PRELOAD|FAKETIME.*|DONT_FAKE_MONOTONIC)$/.test(e[0]) && e[1] !== undefined))
}

export function startAppProcess(env: Record<string, string>): AppProcess {
  // node --import tsx, not the tsx CLI: the CLI runs the app in a child of its own, which a
  // SIGKILL of the CLI would leave running.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'info', ...clockEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: AppProcess['lines'] = []
  const waiters = new Set<() => void>()
  let rest = ''
  const take = (chunk: Buffer): void => {
    rest += chunk.toString('utf8')
    let nl: number
    while ((nl = rest.indexOf('\n')) >= 0) {
      const text = rest.slice(0, nl)
      rest = rest.slice(nl + 1)
      try {
        lines.push(JSON.parse(text) as Record<string, unknown>)
      } catch {
        lines.push({ text })
      }
    }
    for (const w of waiters) w()
  }
  child.stdout!.on('data', take)
  child.stderr!.on('data', take)
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)))
  return {
    child,
    lines,
    exited,
    waitForLine(match, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const found = lines.find(match)
          if (!found) return
          waiters.delete(check)
          clearTimeout(timer)
          resolve(found)
        }
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(new Error(`no such log line within ${timeoutMs} ms; last lines:\n${lines.slice(-15).map((l) => JSON.stringify(l)).join('\n')}`))
        }, timeoutMs)
        waiters.add(check)
        void exited.then(() => {
          if (!waiters.has(check)) return
          waiters.delete(check)
          clearTimeout(timer)
          reject(new Error(`the app exited before the line; last lines:\n${lines.slice(-15).map((l) => JSON.stringify(l)).join('\n')}`))
        })
        check()
      })
    },
  }
}
