/**
 * The inbound event socket to FreeSWITCH (our control connection) drops for 3 s while a
 * campaign has calls out, in real time: the app reconnects with back-off (not a storm of
 * attempts), its event subscriptions work again (a busy signal after the drop arrives with
 * its cause), and its view of the calls is reconciled with FreeSWITCH's within 5 s: the
 * call that ended while nobody listened is closed, the others are untouched, nobody is
 * dialled twice.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { eq } from 'drizzle-orm'
import { afterEach, expect, it } from 'vitest'
import { startApp, type App } from '../../src/app.js'
import { isCampaignError } from '../../src/campaigns/campaigns.js'
import { loadConfig } from '../../src/config.js'
import { attempts, contacts } from '../../src/db/schema/index.js'
import { loadScripts } from '../../src/ivr/flow/load.js'
import { ivrCallFlow } from '../../src/ivr/service.js'
import { silentLogger } from '../../src/log.js'
import { parseQueues } from '../../src/queue/config.js'
import { startSimulator, type PartyPlan, type Simulator } from '../../src/sim/index.js'
import { realClock } from '../../src/time/clock.js'
import { createTestDatabase, type TestDatabase } from '../helpers/database.js'
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js'
import { reportChaos } from './chaos-report.js'
import { middayZone, OPEN_WINDOW } from '../helpers/calling-window.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
let db: TestDatabase | undefined
let sim: Simulator | undefined
let proxy: TcpProxy | undefined
let app: App | undefined

afterEach(async () => {
  await app?.stop(0)
  await proxy?.close()
  await sim?.close()
  await db?.drop()
})

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

async function waitFor(what: string, check: () => Promise<boolean> | boolean, limitMs: number): Promise<number> {
  const from = Date.now()
  while (!(await check())) {
    if (Date.now() - from > limitMs) throw new Error(`${what}: not within ${limitMs} ms`)
    await sleep(20)
  }
  return Date.now() - from
}

it('reconnects with back-off, re-subscribes and reconciles the calls out within 5 s', async () => {
  db = await createTestDatabase()
  const plans: Record<string, PartyPlan> = {
    // Busy while the connection is down: its end is an event nobody hears.
    '+38761300001': { outcome: 'busy', ringMs: 1500 },
    // Busy after it is back: heard on the new connection, with its cause.
    '+38761300002': { outcome: 'busy', ringMs: 7000 },
    // Answered after it is back: the call comes to our outbound socket as always.
    '+38761300003': { outcome: 'answer', ringMs: 5000, answeredBy: 'person', talkMs: 1500 },
  }
  const dialled: string[] = []
  sim = await startSimulator({
    clock: realClock,
    directory: (endpoint) => {
      if (endpoint.tech !== 'sofia') return { outcome: 'not-registered', ringMs: 0 }
      dialled.push(endpoint.number)
      return plans[endpoint.number] ?? { outcome: 'fail', ringMs: 0 }
    },
  })
  proxy = await startTcpProxy(sim.address)
  const config = loadConfig(
    {
      DATABASE_URL: db.url,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: `c${randomUUID().slice(0, 8)}`,
      PROMPTS_DIR: path.join(ROOT, 'prompts'),
      RECORDINGS_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'recordings-')),
      ESL_LISTEN_PORT: '0',
      FREESWITCH_NODES: proxy.address,
      LOG_LEVEL: 'silent',
    },
    ROOT,
  )
  const queues = parseQueues('queues:\n  operators:\n    members: { groups: [operators] }\n', 'queues.yaml')
  const scripts = await loadScripts(path.join(ROOT, 'campaigns/scripts'))
  app = await startApp({ config, log: silentLogger, clock: realClock, flow: ivrCallFlow({ flows: [] }), control: true, queues, scripts })
  sim.sw.appAddress = `127.0.0.1:${app.outbound.port}`
  const control = app.controls[0]!
  await waitFor('control connection up', () => control.isUp, 5000)

  const store = app.dialer!.campaigns
  const created = await store.create({ name: 'control drop', kind: 'informational', settings: { maxAttempts: 1, callsPerSecond: 20, window: OPEN_WINDOW } })
  if (isCampaignError(created)) throw new Error(created.message)
  await db.db.insert(contacts).values(Object.keys(plans).map((phone) => ({ campaignId: created.id, phone, timezone: middayZone() })))
  await store.setStatus(created.id, 'running', new Date())
  app.dialer!.kick(created.id)
  await waitFor('three calls out', () => dialled.length === 3, 5000)

  let reconnectedAt: number | undefined
  control.once('reconnected', () => (reconnectedAt = Date.now()))
  const before = proxy.connections
  proxy.cut()
  await sleep(3000)
  const retriesWhileDown = proxy.connections - before
  proxy.restore()
  const restoredAt = Date.now()
  await waitFor('reconnected', () => reconnectedAt !== undefined, 10_000)

  const attemptOf = async (phone: string) => {
    const [c] = await db!.db.select().from(contacts).where(eq(contacts.phone, phone))
    const [a] = await db!.db.select().from(attempts).where(eq(attempts.contactId, c!.id))
    return a!
  }
  // The call that ended unheard is closed by reconciliation, within 5 s of the connection's return.
  const reconciledMs = await waitFor('the unheard call closed', async () => (await attemptOf('+38761300001')).outcome !== null, 5000)
  expect(await attemptOf('+38761300001')).toMatchObject({ outcome: 'failed', cause: 'RECONCILED' })
  await waitFor('the other calls ended', async () => (await attemptOf('+38761300002')).outcome !== null && (await attemptOf('+38761300003')).outcome !== null, 20_000)
  expect(await attemptOf('+38761300002')).toMatchObject({ outcome: 'busy', cause: 'USER_BUSY' })
  // Reached (they hung up during the message): written by the call's own handler, as always.
  expect((await attemptOf('+38761300003')).outcome).toBe('human')
  // Back-off: a handful of tries in 3 s, not a storm; and nobody dialled twice.
  expect(retriesWhileDown).toBeGreaterThanOrEqual(1)
  expect(retriesWhileDown).toBeLessThanOrEqual(15)
  expect(dialled.sort()).toEqual(Object.keys(plans).sort())
  reportChaos({
    scenario: 'control connection (inbound ESL) drops for 3 s',
    injected: `connection to FreeSWITCH cut and refused for 3 s with 3 calls out; ${retriesWhileDown} reconnect tries meanwhile`,
    before: '3 calls out',
    after: '1 closed by reconciliation, 1 busy heard after, 1 reached',
    lost: 0,
    duplicated: dialled.length - new Set(dialled).size,
    recoverMs: reconnectedAt! - restoredAt + reconciledMs,
  })
}, 60_000)
