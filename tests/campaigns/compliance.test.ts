/**
 * Compliance defaults through the dialer, the simulator and Postgres, in virtual time: an
 * abandoned contact waits 72 hours; a number that does not exist is not dialled again.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { attempts, contacts } from '../../src/db/schema/index.js'
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

async function campaign(c: CallCenter, kind: string, settings: Record<string, unknown>, phones: string[]): Promise<number> {
  const created = await c.apps[0]!.dialer!.campaigns.create({ name: kind, kind, settings })
  if (isCampaignError(created)) throw new Error(created.message)
  await c.db.db.insert(contacts).values(phones.map((phone) => ({ campaignId: created.id, phone, timezone: 'Europe/Sarajevo' })))
  return created.id
}

async function contact(c: CallCenter, phone: string) {
  const [row] = await c.db.db.select().from(contacts).where(eq(contacts.phone, phone))
  const made = (await c.db.db.select().from(attempts).where(eq(attempts.contactId, row!.id))).sort((a, b) => a.number - b.number)
  return { row: row!, attempts: made }
}

describe('compliance defaults', () => {
  it('a number that does not exist is dialled once and fails, saying why; a network failure is tried again', async () => {
    cc = await startCallCenter({ at: AT, queuesYaml: QUEUES, agents: [{ id: 'ivan' }], dialer: true })
    cc.numbers.set('+38761000001', { outcome: 'fail', ringMs: 500, failCause: 'UNALLOCATED_NUMBER' })
    cc.numbers.set('+38761000002', { outcome: 'fail', ringMs: 500, failCause: 'NETWORK_OUT_OF_ORDER' })
    const id = await campaign(cc, 'informational', { maxAttempts: 3, retryMinutes: { failed: 5 } }, ['+38761000001', '+38761000002'])
    await start(cc, id)
    await runCampaign(cc, id)
    const gone = await contact(cc, '+38761000001')
    expect(gone.row).toMatchObject({ status: 'failed', attempts: 1, lastOutcome: 'invalid-number' })
    expect(gone.attempts.map((a) => a.cause)).toEqual(['UNALLOCATED_NUMBER'])
    expect((await contact(cc, '+38761000002')).row).toMatchObject({ status: 'failed', attempts: 3, lastOutcome: 'failed' })
    expect(cc.dialled.filter((d) => d.number === '+38761000001')).toHaveLength(1)
  })

  it('an abandoned contact is not called again for 72 hours', async () => {
    cc = await startCallCenter({ at: AT, queuesYaml: QUEUES, agents: [{ id: 'ivan' }], dialer: true })
    // Ivan looks free but never answers: the person answering is abandoned each time.
    cc.phones.set('ivan', 'no-answer')
    cc.numbers.set('+38761000001', { outcome: 'answer', ringMs: 3000, answeredBy: 'person' })
    const id = await campaign(cc, 'telesales', { mode: 'progressive', operatorsQueue: 'operators', maxAttempts: 2 }, ['+38761000001'])
    await cc.apps[0]!.queues!.desk.login('ivan')
    await start(cc, id)
    await runCampaign(cc, id)
    const { attempts: made } = await contact(cc, '+38761000001')
    expect(made.map((a) => a.outcome)).toEqual(['abandoned', 'abandoned'])
    expect(made[1]!.startedAt.getTime() - made[0]!.endedAt!.getTime()).toBeGreaterThanOrEqual(72 * 3600_000)
  })
})
