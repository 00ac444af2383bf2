/**
 * A whole app for API tests: a fresh Postgres database and a Redis prefix of its own,
 * virtual time, queues, the campaign scripts (so the dialer's routes are there), the
 * repository's flows, and a recordings directory of its own. No FreeSWITCH connection.
 */
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { Redis } from 'ioredis'
import { startApp, type App } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { agents } from '../../src/db/schema/index.js'
import { buildHttpServer } from '../../src/http/server.js'
import { loadFlows, loadScripts } from '../../src/ivr/flow/load.js'
import { silentLogger } from '../../src/log.js'
import { parseQueues } from '../../src/queue/config.js'
import { VirtualClock } from '../../src/time/virtual-clock.js'
import { createTestDatabase, type TestDatabase } from '../helpers/database.js'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

const QUEUES = `
queues:
  support:
    members: { agents: [ivan, ana] }
`

export interface TestApp {
  app: App
  server: FastifyInstance
  db: TestDatabase
  clock: VirtualClock
  recordings: string
  prefix: string
  redis: Redis
  close(): Promise<void>
}

export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const db = await createTestDatabase()
  await db.db.insert(agents).values([
    { id: 'ivan', name: 'Ivan', endpoint: 'user/ivan', groups: ['operators'] },
    { id: 'ana', name: 'Ana', endpoint: 'user/ana', groups: ['operators'] },
  ])
  const prefix = `t${randomUUID().slice(0, 8)}`
  const recordings = fs.mkdtempSync(path.join(os.tmpdir(), 'api-rec-'))
  const clock = new VirtualClock({ start: Date.parse('2026-11-23T09:00:00Z'), quietMs: 5 })
  const config = loadConfig(
    { DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: prefix, PROMPTS_DIR: path.join(ROOT, 'prompts'), RECORDINGS_DIR: recordings, ESL_LISTEN_PORT: '0', LOG_LEVEL: 'silent', ...env },
    ROOT,
  )
  const app = await startApp({
    config,
    log: silentLogger,
    clock,
    flow: async () => {},
    control: false,
    queues: parseQueues(QUEUES, 'test-queues.yaml'),
    scripts: await loadScripts(path.join(ROOT, 'campaigns/scripts')),
    flows: await loadFlows(path.join(ROOT, 'flows')),
  })
  const server = buildHttpServer(app)
  await server.ready()
  const redis = new Redis(REDIS_URL)
  return {
    app,
    server,
    db,
    clock,
    recordings,
    prefix,
    redis,
    async close() {
      await server.close()
      await app.stop(0).catch(() => {})
      const keys = await redis.keys(`${prefix}:*`)
      if (keys.length > 0) await redis.del(...keys)
      redis.disconnect()
      await db.drop()
      fs.rmSync(recordings, { recursive: true, force: true })
    },
  }
}
