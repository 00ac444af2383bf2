/**
 * What a real-switch benchmark sets up around its switch and app, and takes down however it
 * ends (done, failed, Ctrl-C): a scratch folder, a Redis prefix of its own, the default flow
 * open around the clock, and the app's environment.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import YAML from 'yaml'
import type { TestSwitch } from '../../src/bundle/freeswitch.js'
import { dropRedisPrefix } from './app.js'

export interface BenchWorkspace {
  /** The scratch folder, removed at the end. */
  work: string
  /** Sub-folders of it, by name (made at once). */
  dirs: Record<string, string>
  queuesFile: string
  redisPrefix: string
  /** Something to undo at the end, before what was registered earlier (a stack). */
  onCleanUp(step: () => unknown): void
  /** Runs the steps once (later calls do nothing), then drops the Redis prefix and the folder. */
  cleanUp(): Promise<void>
}

export function benchWorkspace(name: string, subdirs: string[], log: (line: string) => void): BenchWorkspace {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${name}-`))
  const dirs = Object.fromEntries(subdirs.map((d) => [d, path.join(work, d)]))
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true })
  const redisPrefix = `b${name.slice(0, 2)}${randomUUID().slice(0, 8)}`
  const steps: Array<() => unknown> = []
  let cleaned = false
  const ws: BenchWorkspace = {
    work,
    dirs,
    queuesFile: path.join(work, 'queues.yaml'),
    redisPrefix,
    onCleanUp: (step) => void steps.push(step),
    async cleanUp() {
      if (cleaned) return
      cleaned = true
      for (const step of steps.reverse()) await Promise.resolve().then(step).catch(() => {})
      await dropRedisPrefix(redisPrefix)
      fs.rmSync(work, { recursive: true, force: true })
    },
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`\n${signal}: stopping the switch and the app, dropping the database`)
      void ws.cleanUp().finally(() => process.exit(130))
    })
  }
  return ws
}

/** flows/default.yaml open every hour of every day (as the real-switch tests run it), into `flowsDir`. */
export function writeAllDayFlow(root: string, flowsDir: string): void {
  const flow = YAML.parse(fs.readFileSync(path.join(root, 'flows/default.yaml'), 'utf8')) as Record<string, unknown>
  const allDay = ['00:00-24:00']
  flow.hours = { timezone: 'Europe/Sarajevo', weekly: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay }, holidays: [] }
  fs.writeFileSync(path.join(flowsDir, 'default.yaml'), YAML.stringify(flow))
}

/** The app's environment for a benchmark: its database, Redis prefix, switch and ports. */
export function benchAppEnv(o: { root: string; databaseUrl: string; ws: BenchWorkspace; sw: TestSwitch; appPort: number; httpPort: number; recordings: string; instance: string; adminPassword: string }): Record<string, string> {
  return {
    DATABASE_URL: o.databaseUrl,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: o.ws.redisPrefix,
    FREESWITCH_NODES: o.sw.eslAddress,
    FREESWITCH_PASSWORD: o.sw.password,
    ESL_LISTEN_PORT: String(o.appPort),
    HTTP_PORT: String(o.httpPort),
    FLOWS_DIR: o.ws.dirs.flows!,
    QUEUES_FILE: o.ws.queuesFile,
    PROMPTS_DIR: path.join(o.root, 'prompts'),
    RECORDINGS_DIR: o.recordings,
    DATA_DIR: o.ws.dirs.data!,
    GATEWAY_TEMPLATE: 'loopback/{number}/default',
    INSTANCE_ID: o.instance,
    ADMIN_PASSWORD: o.adminPassword,
    LOG_LEVEL: 'info',
  }
}
