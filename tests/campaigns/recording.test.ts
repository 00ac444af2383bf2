/**
 * Campaign calls an operator handles are recorded like inbound queue calls: the file under the
 * recordings directory, catalogued against the call's UUID (what the wallboard's call
 * register lists). Simulator, real Postgres and Redis, virtual time.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { attempts, calls, contacts, recordings } from '../../src/db/schema/index.js'
import { isCampaignError } from '../../src/campaigns/campaigns.js'
import { startCallCenter, type CallCenter } from '../queue/harness.js'
import { runCampaign, start } from './helpers.js'

// Monday 23 November 2026, 09:00 in Sarajevo.
const AT = '2026-11-23T08:00:00Z'
const QUEUES = 'queues:\n  operators:\n    members: { groups: [operators] }\n    wrapUpSeconds: 5\n'
let cc: CallCenter | undefined

afterEach(async () => {
  await cc?.close()
  cc = undefined
})

async function telesales(c: CallCenter, settings: Record<string, unknown>, phone: string): Promise<{ id: number; contactId: number }> {
  const created = await c.apps[0]!.dialer!.campaigns.create({ name: 'sales', kind: 'telesales', settings: { operatorsQueue: 'operators', ...settings } })
  if (isCampaignError(created)) throw new Error(created.message)
  const [ct] = await c.db.db.insert(contacts).values({ campaignId: created.id, phone, timezone: 'Europe/Sarajevo' }).returning()
  return { id: created.id, contactId: ct!.id }
}

/** The catalogued recordings of a call, each with whether its file is on disk. */
async function recordingsOf(c: CallCenter, callUuid: string) {
  const dir = c.apps[0]!.config.recordingsDir
  const rows = await c.db.db.select().from(recordings).where(eq(recordings.callUuid, callUuid))
  return rows.map((r) => ({ kind: r.kind, durationMs: r.durationMs ?? 0, onDisk: fs.existsSync(path.join(dir, r.path)) }))
}

describe('an operator-handled campaign call', () => {
  it('progressive: the contact’s call is recorded from the moment it is answered, and catalogued', async () => {
    cc = await startCallCenter({ at: AT, queuesYaml: QUEUES, agents: [{ id: 'ivan' }], dialer: true })
    cc.phones.set('ivan', { ringMs: 1000, talkMs: 90_000 })
    cc.numbers.set('+38761000001', { outcome: 'answer', ringMs: 3000, answeredBy: 'person', talkMs: 600_000 })
    const c = await telesales(cc, { mode: 'progressive' }, '+38761000001')
    await cc.apps[0]!.queues!.desk.login('ivan')
    await start(cc, c.id)
    await runCampaign(cc, c.id)
    const [a] = await cc.db.db.select().from(attempts).where(eq(attempts.contactId, c.contactId))
    expect(a).toMatchObject({ outcome: 'human', agentId: 'ivan' })
    const recs = await recordingsOf(cc, a!.callUuid)
    expect(recs).toHaveLength(1)
    expect(recs[0]).toMatchObject({ kind: 'call', onDisk: true })
    // The whole conversation with Ivan (90 s) is in it.
    expect(recs[0]!.durationMs).toBeGreaterThanOrEqual(90_000)
    // The register row the wallboard lists, by the same UUID.
    const [row] = await cc.db.db.select().from(calls).where(eq(calls.callUuid, a!.callUuid))
    expect(row).toMatchObject({ campaignId: c.id, answeredBy: 'ivan' })
  })

  it('preview: the operator’s call to the contact is recorded too', async () => {
    cc = await startCallCenter({ at: AT, queuesYaml: QUEUES, agents: [{ id: 'ivan' }], dialer: true })
    cc.phones.set('ivan', { ringMs: 1500, talkMs: 3600_000 })
    cc.numbers.set('+38761000001', { outcome: 'answer', ringMs: 3000, answeredBy: 'person', talkMs: 45_000 })
    const c = await telesales(cc, { mode: 'preview' }, '+38761000001')
    const preview = cc.apps[0]!.preview!
    await cc.apps[0]!.queues!.desk.login('ivan')
    await start(cc, c.id)
    const card = await preview.next(c.id, 'ivan')
    if ('error' in card) throw new Error(card.message)
    let dialled: unknown
    void preview.dial(card.attemptId, 'ivan').then((r) => (dialled = r))
    await cc.runUntil(() => dialled !== undefined)
    await cc.runUntil(() => cc!.dialled.length === 1)
    await cc.runUntil(() => false, 5 * 60_000)
    const [a] = await cc.db.db.select().from(attempts).where(eq(attempts.contactId, c.contactId))
    expect(a).toMatchObject({ outcome: 'human', agentId: 'ivan' })
    // The operator's leg carries the register row and the recording.
    const [row] = await cc.db.db.select().from(calls).where(eq(calls.attemptId, a!.id))
    expect(row).toBeDefined()
    const recs = await recordingsOf(cc, row!.callUuid)
    expect(recs).toHaveLength(1)
    expect(recs[0]).toMatchObject({ kind: 'call', onDisk: true })
    expect(recs[0]!.durationMs).toBeGreaterThanOrEqual(45_000)
  })
})
