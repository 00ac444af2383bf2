/**
 * Two FreeSWITCH nodes (two simulators on one virtual clock) behind one app: the dialer
 * spreads its originates over both; when one goes away, its calls end cleanly, the node
 * leaves the rotation, and the other keeps dialing until every contact is done.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { eq } from 'drizzle-orm'
import { Redis } from 'ioredis'
import { afterAll, expect, it } from 'vitest'
import { startApp, type App } from '../../src/app.js'
import { isCampaignError } from '../../src/campaigns/campaigns.js'
import { loadConfig } from '../../src/config.js'
import { attempts, contacts } from '../../src/db/schema/index.js'
import { loadScripts } from '../../src/ivr/flow/load.js'
import { silentLogger } from '../../src/log.js'
import { startSimulator, type Simulator } from '../../src/sim/index.js'
import { VirtualClock } from '../../src/time/virtual-clock.js'
import { createTestDatabase, type TestDatabase } from '../helpers/database.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const prefix = `t${randomUUID().slice(0, 8)}`
let db: TestDatabase | undefined
let clockOf: VirtualClock | undefined
let app: App | undefined
const sims: Simulator[] = []

afterAll(async () => {
  if (app) {
    // Stopping writes the last register rows on the virtual clock: keep it moving meanwhile.
    let stopped = false
    const stopping = app.stop(0).finally(() => (stopped = true))
    while (!stopped) await clockOf!.advance(1000)
    await stopping
  }
  for (const s of sims) await s.close().catch(() => {})
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
  const keys = await redis.keys(`${prefix}:*`)
  if (keys.length > 0) await redis.del(...keys)
  redis.disconnect()
  await db?.drop()
})

it('spreads originates over two nodes and keeps dialing through the one left when the other goes away', async () => {
  db = await createTestDatabase()
  const clock = new VirtualClock({ start: Date.parse('2026-11-23T08:00:00Z'), quietMs: 5 })
  clockOf = clock
  const dialledOn: Array<{ node: number; number: string; at: number }> = []
  for (const node of [0, 1]) {
    sims.push(
      await startSimulator({
        clock,
        hostname: `fs${node + 1}`,
        directory: (endpoint) => {
          if (endpoint.tech === 'sofia') dialledOn.push({ node, number: endpoint.number, at: clock.now() })
          return { outcome: 'answer', ringMs: 3000, answeredBy: 'person' }
        },
      }),
    )
  }
  const config = loadConfig(
    {
      DATABASE_URL: db.url,
      REDIS_PREFIX: prefix,
      ESL_LISTEN_PORT: '0',
      LOG_LEVEL: 'silent',
      RECORDINGS_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'rec-')),
      FREESWITCH_NODES: sims.map((s) => `${s.address.host}:${s.address.port}`).join(','),
    },
    ROOT,
  )
  app = await startApp({ config, log: silentLogger, clock, flow: async () => {}, scripts: await loadScripts(path.join(ROOT, 'campaigns/scripts')) })
  for (let i = 0; i < 200 && !app.controls.every((c) => c.isUp); i++) await new Promise((r) => setTimeout(r, 10))
  const dialer = app.dialer!
  const c = await dialer.campaigns.create({ name: 'news', kind: 'informational', settings: { maxLines: 4, callsPerSecond: 4, retryMinutes: { failed: 1 } } })
  if (isCampaignError(c)) throw new Error(c.message)
  const people = Array.from({ length: 24 }, (_, i) => `+3876100${String(i + 200).padStart(4, '0')}`)
  await db.db.insert(contacts).values(people.map((phone) => ({ campaignId: c.id, phone, timezone: 'Europe/Sarajevo' })))
  await dialer.campaigns.setStatus(c.id, 'running', new Date(clock.now()))
  dialer.kick(c.id)

  const runUntil = async (done: () => boolean, limitMs: number): Promise<void> => {
    const deadline = clock.now() + limitMs
    while (!done() && clock.now() < deadline) {
      await clock.runWhile(() => !done() && clock.now() < deadline, deadline - clock.now())
      await new Promise((r) => setTimeout(r, 20))
      if (!done() && (clock.nextAt() === undefined || clock.nextAt()! > deadline)) await clock.advance(deadline - clock.now())
    }
  }
  await runUntil(() => dialledOn.length >= 8, 3600_000)
  // Both nodes took calls while both were up.
  expect(new Set(dialledOn.map((d) => d.node))).toEqual(new Set([0, 1]))
  const before = dialledOn.filter((d) => d.node === 1).length
  await sims[1]!.close()
  const downAt = clock.now()
  let finished = false
  const watch = setInterval(() => void dialer.campaigns.get(c.id).then((x) => (finished = x?.status === 'done')), 25)
  await runUntil(() => finished, 24 * 3600_000)
  clearInterval(watch)
  expect(finished).toBe(true)
  // Node 2 took nothing after it went away; node 1 did the rest.
  expect(dialledOn.filter((d) => d.node === 1 && d.at > downAt + 1000)).toEqual([])
  expect(dialledOn.filter((d) => d.node === 1).length).toBe(before)
  const rows = await db.db.select().from(contacts).where(eq(contacts.campaignId, c.id))
  expect(rows.every((r) => r.status === 'done')).toBe(true)
  // Every contact's attempts: one per call the switches saw, none left open.
  const all = await db.db.select().from(attempts).where(eq(attempts.campaignId, c.id))
  expect(all.filter((a) => a.outcome === null)).toEqual([])
  expect(all.filter((a) => a.dialedAt).length).toBe(dialledOn.length)
}, 120_000)
