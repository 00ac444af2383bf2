/**
 * An agreed callback end to end: the dialer, FreeSWITCH's originate (the simulator), our
 * outbound socket and the operators' queue, in virtual time. The contact is called at the
 * agreed time and their answered call goes to the operator who agreed it, though another
 * has been free longer; when that operator is not free, the callback waits for them
 * CALLBACK_WAIT_MINUTES, then any operator takes it.
 */
import { eq } from 'drizzle-orm'
import { afterEach, describe, expect, it } from 'vitest'
import { isCampaignError } from '../../src/campaigns/campaigns.js'
import { CALLBACK_WAIT_MINUTES } from '../../src/campaigns/dispositions.js'
import { attempts, contacts } from '../../src/db/schema/index.js'
import { startCallCenter, type CallCenter } from '../queue/harness.js'
import { runCampaign, start } from './helpers.js'

// Monday 23 November 2026, 09:00 in Sarajevo.
const AT = '2026-11-23T08:00:00Z'
const QUEUES = 'queues:\n  operators:\n    members: { groups: [operators] }\n    wrapUpSeconds: 5\n'
const PHONE = '+38761000001'
let cc: CallCenter | undefined

afterEach(async () => {
  await cc?.close()
  cc = undefined
})

/** A campaign whose one contact agreed, on an earlier call with ivan, to be called back in half an hour. */
async function callbackCampaign(c: CallCenter): Promise<{ campaignId: number; contactId: number; callbackAt: Date }> {
  const created = await c.apps[0]!.dialer!.campaigns.create({ name: 'callbacks', kind: 'telesales', settings: { mode: 'progressive', operatorsQueue: 'operators', window: { start: '08:00', end: '20:00' } } })
  if (isCampaignError(created)) throw new Error(created.message)
  const callbackAt = new Date(c.clock.now() + 30 * 60_000)
  const [row] = await c.db.db
    .insert(contacts)
    .values({ campaignId: created.id, phone: PHONE, timezone: 'Europe/Sarajevo', attempts: 1, disposition: 'callback', callbackAt, callbackAgentId: 'ivan', nextAttemptAt: callbackAt })
    .returning({ id: contacts.id })
  return { campaignId: created.id, contactId: row!.id, callbackAt }
}

async function setUp(): Promise<CallCenter> {
  const c = await startCallCenter({ at: AT, queuesYaml: QUEUES, agents: [{ id: 'ana' }, { id: 'ivan' }], dialer: true })
  for (const a of ['ana', 'ivan']) c.phones.set(a, { ringMs: 1000, talkMs: 60_000 })
  c.numbers.set(PHONE, { outcome: 'answer', ringMs: 3000, answeredBy: 'person' })
  // Ana first: free the longest, she would take the next call.
  await c.apps[0]!.queues!.desk.login('ana')
  await c.clock.advance(1000)
  await c.apps[0]!.queues!.desk.login('ivan')
  return c
}

describe('an agreed callback', () => {
  it('is made at its time, and the answered call goes to the operator who agreed it', async () => {
    cc = await setUp()
    const { campaignId, contactId, callbackAt } = await callbackCampaign(cc)
    await start(cc, campaignId)
    await runCampaign(cc, campaignId, 3 * 3600_000)
    const [a] = await cc.db.db.select().from(attempts).where(eq(attempts.contactId, contactId))
    expect(a).toMatchObject({ outcome: 'human', agentId: 'ivan', number: 2 })
    expect(a!.startedAt.getTime()).toBeGreaterThanOrEqual(callbackAt.getTime())
    expect(a!.startedAt.getTime()).toBeLessThan(callbackAt.getTime() + 60_000)
    // Made: nothing more to call back.
    const [row] = await cc.db.db.select().from(contacts).where(eq(contacts.id, contactId))
    expect(row).toMatchObject({ status: 'done', callbackAt: null, callbackAgentId: null })
  })

  it('waits for its operator while they are paused, then another operator takes it', async () => {
    cc = await setUp()
    await cc.apps[0]!.queues!.desk.pause('ivan', 'lunch')
    const { campaignId, contactId, callbackAt } = await callbackCampaign(cc)
    await start(cc, campaignId)
    await runCampaign(cc, campaignId, 3 * 3600_000)
    const [a] = await cc.db.db.select().from(attempts).where(eq(attempts.contactId, contactId))
    expect(a).toMatchObject({ outcome: 'human', agentId: 'ana' })
    expect(a!.startedAt.getTime()).toBeGreaterThanOrEqual(callbackAt.getTime() + CALLBACK_WAIT_MINUTES * 60_000)
  })
})
