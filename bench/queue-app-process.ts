/**
 * One app instance in a process of its own, for the queue benchmark: started with the
 * environment it is given (INSTANCE_ID, REDIS_PREFIX ...), queues and a call flow, on the
 * wall clock; then logs agents in and out of pause when told (over IPC) and reports its CPU.
 *
 * Each instance runs in its own process, as in production: two instances in one process
 * would wake each other directly (service.ts keeps the services of a process in one map),
 * and an offer for a caller held by the other instance would skip the Redis inbox it goes
 * through in a real deployment.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { startApp, type App } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { parseFlow } from '../src/ivr/flow/load.js'
import { ivrCallFlow } from '../src/ivr/service.js'
import { createLogger, silentLogger } from '../src/log.js'
import { isDeskError } from '../src/queue/agent-desk.js'
import { parseQueues } from '../src/queue/config.js'
import { realClock } from '../src/time/clock.js'

export type AppCommand =
  | { type: 'start'; env: Record<string, string>; queuesYaml: string; flowYaml: string }
  /** Log these agents in and pause them at once, so no caller reaches them yet. */
  | { type: 'login-paused'; agents: string[] }
  /** Resume these agents, all at the same time. */
  | { type: 'resume'; agents: string[] }
  | { type: 'stats' }
  | { type: 'stop' }

export interface AppStats {
  cpuMs: number
  rssMb: number
  /** Calls whose handler threw (a failure of ours, not of a caller). */
  handlerErrors: number
}

export type AppReply = { id: number; ok: true; value?: unknown } | { id: number; ok: false; message: string }

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

let app: App | undefined
let recordingsDir: string | undefined

process.on('message', (m: { id: number; command: AppCommand }) => {
  void handle(m.command).then(
    (value) => process.send?.({ id: m.id, ok: true, value } satisfies AppReply),
    (err: unknown) => process.send?.({ id: m.id, ok: false, message: err instanceof Error ? err.message : String(err) } satisfies AppReply),
  )
})

async function handle(c: AppCommand): Promise<unknown> {
  switch (c.type) {
    case 'start': {
      // Nothing is recorded (the flow says `recording: none`), but the directory must exist.
      recordingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-recordings-'))
      const config = loadConfig({ ...c.env, RECORDINGS_DIR: recordingsDir, PROMPTS_DIR: path.join(ROOT, 'prompts') }, ROOT)
      // Silent, unless BENCH_APP_LOG names a pino level (e.g. debug) to see what the instance does.
      const level = process.env.BENCH_APP_LOG
      const log = level ? createLogger(level, { instance: config.instanceId }) : silentLogger
      app = await startApp({
        config,
        log,
        clock: realClock,
        flow: ivrCallFlow({ flows: [parseFlow(c.flowYaml, 'bench-flow.yaml')] }),
        control: false,
        queues: parseQueues(c.queuesYaml, 'bench-queues.yaml'),
      })
      return app.outbound.port
    }
    case 'login-paused': {
      const desk = queues().desk
      for (const id of c.agents) {
        const r = await desk.login(id)
        if (isDeskError(r)) throw new Error(r.message)
        const p = await desk.pause(id, 'benchmark')
        if (isDeskError(p)) throw new Error(p.message)
      }
      return undefined
    }
    case 'resume': {
      const desk = queues().desk
      const rs = await Promise.all(c.agents.map((id) => desk.resume(id)))
      const bad = rs.find(isDeskError)
      if (bad) throw new Error(bad.message)
      return undefined
    }
    case 'stats': {
      const cpu = process.cpuUsage()
      return { cpuMs: (cpu.user + cpu.system) / 1000, rssMb: process.memoryUsage().rss / 1e6, handlerErrors: app?.outbound.stats.handlerErrors ?? 0 } satisfies AppStats
    }
    case 'stop':
      await app?.stop(0)
      if (recordingsDir) fs.rmSync(recordingsDir, { recursive: true, force: true })
      // Replied to first, then gone.
      setImmediate(() => process.exit(0))
      return undefined
  }
}

function queues(): NonNullable<App['queues']> {
  if (!app?.queues) throw new Error('the app is not started')
  return app.queues
}
