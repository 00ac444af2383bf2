/**
 * End-to-end IVR calls: the app (outbound socket server, IVR, routing, register, recorder)
 * against the FreeSWITCH simulator over real TCP, a real Postgres seeded with agents and
 * clients, in virtual time (a day of calls in seconds), with the project's own prompts and
 * flows. A test places a SIP call with a caller script and reads back what the caller
 * heard (the channel's applications), where the call went, and the database rows.
 */
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { eq } from 'drizzle-orm'
import { Redis } from 'ioredis'
import { startApp, type App } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { calls, recordings } from '../../src/db/schema/index.js'
import { seedSampleData } from '../../src/demo/sample-data.js'
import type { Endpoint } from '../../src/sim/dial-string.js'
import { loadFlows } from '../../src/ivr/flow/load.js'
import { ivrCallFlow } from '../../src/ivr/service.js'
import { loadQueues } from '../../src/queue/config.js'
import { silentLogger } from '../../src/log.js'
import { startSimulator, type CallerScript, type PartyPlan, type Simulator, type SimChannel } from '../../src/sim/index.js'
import { VirtualClock } from '../../src/time/virtual-clock.js'
import { createTestDatabase, type TestDatabase } from '../helpers/database.js'
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const PROMPTS = path.join(ROOT, 'prompts')

/** How each agent's phone behaves in a test: answers, is busy, rings out, or is not there. */
export type Phone = 'answer' | 'busy' | 'no-answer' | 'absent'

export interface Harness {
  app: App
  sim: Simulator
  clock: VirtualClock
  db: TestDatabase
  phones: Map<string, Phone>
  /** Told of every agent phone that rings (the user part), as it starts ringing. */
  onRing?: (user: string) => void
  recordingsDir: string
  /** Between the app and Postgres, when asked for. */
  dbProxy: TcpProxy | undefined
  call(from: string, script: CallerScript): Promise<CallResult>
  close(): Promise<void>
}

export interface CallResult {
  channel: SimChannel
  /** What the caller heard, as prompt ids `<lang>/<id>` (file_string playlists expanded). */
  heard: string[]
  /** Bridge attempts (dial strings). */
  bridges: string[]
  row: typeof calls.$inferSelect
  recordings: Array<typeof recordings.$inferSelect>
}

export { SAMPLE_AGENTS as AGENTS, SAMPLE_CLIENTS as CLIENTS } from '../../src/demo/sample-data.js'

export async function startHarness(options: { at: string; proxyDatabase?: boolean }): Promise<Harness> {
  const db = await createTestDatabase()
  // The app reaches Postgres through a proxy the test can cut; the test reads it directly.
  const dbProxy = options.proxyDatabase ? await startTcpProxy({ host: new URL(db.url).hostname, port: Number(new URL(db.url).port || 5432) }) : undefined
  await seedSampleData(db.db)
  const clock = new VirtualClock({ start: Date.parse(options.at), quietMs: 5 })
  const recordingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'recordings-'))
  const phones = new Map<string, Phone>()
  const plan = (endpoint: Endpoint): PartyPlan => {
    if (endpoint.tech !== 'user') return { outcome: 'answer', ringMs: 1000 }
    h.onRing?.(endpoint.user)
    switch (phones.get(endpoint.user) ?? 'answer') {
      case 'answer':
        return { outcome: 'answer', ringMs: 2000, answeredBy: 'person', talkMs: 30_000 }
      case 'busy':
        return { outcome: 'busy', ringMs: 500 }
      case 'no-answer':
        return { outcome: 'no-answer', ringMs: 0 }
      case 'absent':
        return { outcome: 'not-registered', ringMs: 0 }
    }
  }
  const sim = await startSimulator({
    clock,
    directory: plan,
    media: { localStreams: { moh: path.join(PROMPTS, 'music/hold.wav') } },
  })
  const flows = await loadFlows(path.join(ROOT, 'flows'))
  // Simulated operators have no console to save a disposition in.
  const queues = (await loadQueues(path.join(ROOT, 'queues/queues.yaml'))).map((q) => ({ ...q, dispositionMaxSeconds: 0 }))
  const prefix = `t${randomUUID().slice(0, 8)}`
  const config = loadConfig(
    {
      DATABASE_URL: dbProxy ? db.url.replace(/@[^/]+\//, `@${dbProxy.address}/`) : db.url,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      PROMPTS_DIR: PROMPTS,
      RECORDINGS_DIR: recordingsDir,
      ESL_LISTEN_PORT: '0',
      LOG_LEVEL: 'silent',
      REDIS_PREFIX: prefix,
    },
    ROOT,
  )
  const app = await startApp({ config, log: silentLogger, clock, flow: ivrCallFlow({ flows }), control: false, queues })
  sim.sw.appAddress = `127.0.0.1:${app.outbound.port}`

  const h: Harness = {
    app,
    sim,
    clock,
    db,
    phones,
    recordingsDir,
    dbProxy,
    async call(from, script) {
      const placed = sim.sw.placeSipCall({ from, to: '5000', script })
      let finished = false
      void placed.done.then(() => (finished = true))
      // With no timer left the clock stops; the call may still be between two commands.
      const deadline = Date.now() + 10_000
      while (!finished && Date.now() < deadline) {
        await clock.runWhile(() => !finished, 30 * 60_000)
        if (!finished) await new Promise((r) => setTimeout(r, 5))
      }
      // Let the app finish its side (register, recordings) in virtual time.
      await clock.advance(2000)
      await app.register.flush()
      const [row] = await db.db.select().from(calls).where(eq(calls.callUuid, placed.channel.uuid))
      if (!row) throw new Error(`no call row for ${placed.channel.uuid}`)
      const recs = await db.db.select().from(recordings).where(eq(recordings.callUuid, placed.channel.uuid))
      return {
        channel: placed.channel,
        heard: heard(placed.channel),
        bridges: placed.channel.history.filter((h) => h.app === 'bridge').map((h) => h.arg),
        row,
        recordings: recs,
      }
    },
    async close() {
      await app.stop(0)
      await sim.close()
      await dbProxy?.close()
      const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
      const keys = await redis.keys(`${prefix}:*`)
      if (keys.length > 0) await redis.del(...keys)
      redis.disconnect()
      await db.drop()
      fs.rmSync(recordingsDir, { recursive: true, force: true })
    },
  }
  return h
}

/** Prompts the caller heard, as `<lang>/<id>`, from playback and play_and_get_digits. */
function heard(channel: SimChannel): string[] {
  const out: string[] = []
  const prompt = (file: string): void => {
    const m = /\/prompts\/([a-z]{2})\/([A-Za-z0-9_-]+)\.wav$/.exec(file)
    if (m) out.push(`${m[1]}/${m[2]}`)
    else if (file.startsWith('local_stream://')) out.push(file)
  }
  for (const h of channel.history) {
    if (h.app === 'playback') {
      if (h.arg.startsWith('file_string://')) for (const f of h.arg.slice(14).split('!')) prompt(f)
      else prompt(h.arg)
    } else if (h.app === 'play_and_get_digits') prompt(h.arg.split(' ')[5] ?? '')
  }
  return out
}
