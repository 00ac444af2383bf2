/**
 * The app as a real process, killed and stopped: SIGKILL in the middle of a campaign and a
 * restart (nobody dialled twice by mistake or skipped, outcomes kept, the campaign resumes),
 * and SIGTERM (no new calls, the call in progress finishes, its record written, exit 0).
 * Real time: the FreeSWITCH simulator runs in this process on the real clock, the app in its
 * own, talking ESL over TCP both ways, with Postgres and Redis as in production.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterEach, describe, expect, it } from 'vitest'
import { Campaigns, isCampaignError } from '../../src/campaigns/campaigns.js'
import { attempts, calls, campaigns, contacts } from '../../src/db/schema/index.js'
import type { Endpoint } from '../../src/sim/dial-string.js'
import { startSimulator, type PartyPlan, type Simulator } from '../../src/sim/index.js'
import { realClock } from '../../src/time/clock.js'
import { freePort, startAppProcess, type AppProcess } from '../helpers/app-process.js'
import { middayZone, OPEN_WINDOW } from '../helpers/calling-window.js'
import { createTestDatabase, type TestDatabase } from '../helpers/database.js'
import { reportChaos } from './chaos-report.js'

let db: TestDatabase | undefined
let sim: Simulator | undefined
const procs: AppProcess[] = []

afterEach(async () => {
  for (const p of procs.splice(0)) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL')
  await sim?.close()
  await db?.drop()
  sim = undefined
  db = undefined
})

async function world(plan: (endpoint: Endpoint) => PartyPlan): Promise<{ sim: Simulator; dialled: Array<{ number: string; at: number }> }> {
  const dialled: Array<{ number: string; at: number }> = []
  const s = await startSimulator({
    clock: realClock,
    directory: (endpoint) => {
      if (endpoint.tech === 'sofia') dialled.push({ number: endpoint.number, at: Date.now() })
      return plan(endpoint)
    },
  })
  return { sim: s, dialled }
}

function appEnv(d: TestDatabase, s: Simulator, eslPort: number, httpPort: number, prefix: string): Record<string, string> {
  return {
    DATABASE_URL: d.url,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: prefix,
    ESL_LISTEN_PORT: String(eslPort),
    HTTP_PORT: String(httpPort),
    FREESWITCH_NODES: `${s.address.host}:${s.address.port}`,
    RECORDINGS_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'recordings-')),
    INSTANCE_ID: 'app-1',
    ADMIN_PASSWORD: 'a-long-test-password',
  }
}

const ready = (l: Record<string, unknown>): boolean => typeof l.msg === 'string' && /Server listening/.test(l.msg)

describe('the app process', () => {
  it('killed (SIGKILL) mid-campaign and started again: nobody is dialled twice by mistake or left out, outcomes are kept, the campaign finishes', async () => {
    db = await createTestDatabase()
    const w = await world((endpoint) => (endpoint.tech === 'sofia' ? { outcome: 'answer', ringMs: 400, answeredBy: 'person', talkMs: 2500 } : { outcome: 'not-registered', ringMs: 0 }))
    sim = w.sim
    const store = new Campaigns(db.db)
    const created = await store.create({ name: 'kill test', kind: 'informational', settings: { maxLines: 6, callsPerSecond: 4, maxAttemptsPerDay: 3, window: OPEN_WINDOW } })
    if (isCampaignError(created)) throw new Error(created.message)
    const zone = middayZone()
    const people = Array.from({ length: 36 }, (_, i) => `+3876120${String(i).padStart(4, '0')}`)
    await db.db.insert(contacts).values(people.map((phone) => ({ campaignId: created.id, phone, timezone: zone })))
    await store.setStatus(created.id, 'running', new Date())

    const env = appEnv(db, sim, await freePort(), await freePort(), `k${randomUUID().slice(0, 8)}`)
    sim.sw.appAddress = `127.0.0.1:${env.ESL_LISTEN_PORT}`
    const first = startAppProcess(env)
    procs.push(first)
    await first.waitForLine(ready)
    // Kill it with calls out: some ringing, some talking, some finished.
    for (let i = 0; i < 600 && w.dialled.length < 14; i++) await new Promise((r) => setTimeout(r, 50))
    expect(w.dialled.length).toBeGreaterThanOrEqual(14)
    const outcomesBefore = (await db.db.select().from(attempts).where(eq(attempts.campaignId, created.id))).filter((a) => a.outcome !== null)
    const dialledBefore = w.dialled.length
    first.child.kill('SIGKILL')
    expect(await first.exited).toBe('SIGKILL')
    const killedAt = Date.now()

    const second = startAppProcess(env)
    procs.push(second)
    await second.waitForLine(ready)
    let finished = false
    let resumedAt: number | undefined
    for (let i = 0; i < 1200 && !finished; i++) {
      await new Promise((r) => setTimeout(r, 50))
      if (resumedAt === undefined && w.dialled.length > dialledBefore) resumedAt = Date.now()
      const [c] = await db.db.select({ status: campaigns.status }).from(campaigns).where(eq(campaigns.id, created.id))
      finished = c?.status === 'done'
    }
    expect(finished).toBe(true)

    const all = await db.db.select().from(attempts).where(eq(attempts.campaignId, created.id))
    const people2 = await db.db.select().from(contacts).where(eq(contacts.campaignId, created.id))
    let duplicated = 0
    let lost = 0
    for (const contact of people2) {
      const made = all.filter((a) => a.contactId === contact.id).sort((a, b) => a.number - b.number)
      const dialled = w.dialled.filter((d) => d.number === contact.phone).length
      // Every call the switch saw is one attempt on record, numbered without gaps, each closed.
      // An attempt is marked dialled before its command goes out (never a call without a
      // record): a kill between the two leaves one more marked than the switch saw, closed as
      // lost by us, never as a call.
      const marked = made.filter((a) => a.dialedAt).length
      const lostByUs = made.filter((a) => a.outcome === 'failed' && ['RECONCILED', 'LOST_ON_RESTART'].includes(a.cause ?? '')).length
      expect(marked, contact.phone).toBeGreaterThanOrEqual(dialled)
      expect(marked - dialled, contact.phone).toBeLessThanOrEqual(lostByUs)
      expect(made.map((a) => a.number)).toEqual(made.map((_, i) => i + 1))
      expect(made.every((a) => a.outcome !== null), contact.phone).toBe(true)
      // A second call only after one the crash cut before anyone was reached.
      for (const earlier of made.slice(0, -1)) {
        if (earlier.outcome !== 'failed' || !['RECONCILED', 'LOST_ON_RESTART'].includes(earlier.cause ?? '')) duplicated++
      }
      if (contact.status !== 'done') lost++
    }
    expect(duplicated).toBe(0)
    expect(lost).toBe(0)
    // What was reached before the kill is still there, unchanged.
    for (const a of outcomesBefore) {
      const now = all.find((x) => x.id === a.id)
      expect(now?.outcome).toBe(a.outcome)
    }
    reportChaos({
      scenario: 'app killed (SIGKILL) mid-campaign, restarted',
      injected: `SIGKILL after ${dialledBefore} of 36 contacts dialled, ${outcomesBefore.length} finished`,
      before: `${dialledBefore} calls`,
      after: `${w.dialled.length} calls, 36 contacts done`,
      lost,
      duplicated,
      recoverMs: (resumedAt ?? Date.now()) - killedAt,
    })
  }, 120_000)

  it('stopped (SIGTERM): takes no new calls, lets the call in progress finish and registers it, exits 0', async () => {
    db = await createTestDatabase()
    const w = await world(() => ({ outcome: 'not-registered', ringMs: 0 }))
    sim = w.sim
    const env = appEnv(db, sim, await freePort(), await freePort(), `s${randomUUID().slice(0, 8)}`)
    sim.sw.appAddress = `127.0.0.1:${env.ESL_LISTEN_PORT}`
    const app = startAppProcess(env)
    procs.push(app)
    await app.waitForLine(ready)
    // A caller in the default flow: English, then listens for a while and hangs up.
    const inCall = sim.sw.placeCall({ from: '+38761777001', to: '5000', script: { steps: [{ wait: 1500 }, { dtmf: '1' }, { wait: 6000 }, { hangup: true }] } })
    await app.waitForLine((l) => l.call === inCall.ivr.uuid, 10_000)
    await new Promise((r) => setTimeout(r, 1000))
    const termAt = Date.now()
    app.child.kill('SIGTERM')
    await app.waitForLine((l) => typeof l.msg === 'string' && l.msg.startsWith('shutting down'))
    // A call that comes now does not reach the app.
    const late = sim.sw.placeCall({ from: '+38761777002', to: '5000', script: { steps: [{ wait: 3000 }, { hangup: true }] } })
    const code = await app.exited
    const stoppedMs = Date.now() - termAt
    expect(code).toBe(0)
    await inCall.done
    await late.done
    const rows = await db.db.select().from(calls)
    expect(rows.map((r) => r.callerNumber)).toEqual(['+38761777001'])
    const [row] = rows
    // Finished by the caller, not cut by the stop: after the caller's ~8.5 s, and written.
    expect(row!.endedAt).not.toBeNull()
    expect(row!.hangupCause).toBe('NORMAL_CLEARING')
    expect(row!.endedAt!.getTime() - row!.startedAt.getTime()).toBeGreaterThan(6000)
    reportChaos({
      scenario: 'graceful stop (SIGTERM) with a call in progress',
      injected: 'SIGTERM 1 s into a call; a second call placed after it',
      before: '1 call in progress',
      after: `1 call registered, finished by its caller; the late call not taken; exit ${code}`,
      lost: 0,
      duplicated: 0,
      recoverMs: stoppedMs,
    })
  }, 60_000)
})
