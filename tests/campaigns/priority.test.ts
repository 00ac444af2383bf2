/**
 * An answered campaign call waiting for an operator, with an inbound caller already waiting:
 * it takes its place in line (real Redis queue, simulator, virtual time) unless its campaign
 * puts campaign calls first.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { attempts, contacts } from '../../src/db/schema/index.js'
import { isCampaignError } from '../../src/campaigns/campaigns.js'
import { startCallCenter, type CallCenter } from '../queue/harness.js'
import { runCampaign, start } from './helpers.js'

// Monday 23 November 2026, 09:00 in Sarajevo.
const AT = '2026-11-23T08:00:00Z'
const QUEUES = 'queues:\n  operators:\n    members: { groups: [operators] }\n    wrapUpSeconds: 0\n'
let cc: CallCenter | undefined

afterEach(async () => {
  await cc?.close()
  cc = undefined
})

/** An inbound caller waits for Ivan (paused); then a campaign contact answers and waits too; then Ivan is back. */
async function race(priority: 'vip' | 'normal' | undefined, queuesYaml = QUEUES) {
  cc = await startCallCenter({ at: AT, queuesYaml, agents: [{ id: 'ivan' }], dialer: true })
  cc.phones.set('ivan', { ringMs: 500, talkMs: 30_000 })
  cc.numbers.set('+38761000001', { outcome: 'answer', ringMs: 1000, answeredBy: 'person', talkMs: 60_000 })
  const desk = cc.apps[0]!.queues!.desk
  await desk.login('ivan')
  await desk.pause('ivan', 'meeting')
  const inbound = cc.call('+38761000050', 'operators')
  // Through the language menu (about 10 s) into the queue.
  await cc.clock.advance(15_000)
  // Agentless pacing dials whatever operators are doing; a telesales call has no script: to the operators.
  const settings = { mode: 'agentless', operatorsQueue: 'operators', connectWithinSeconds: 10, maxAttempts: 1, ...(priority ? { priority } : {}) }
  const created = await cc.apps[0]!.dialer!.campaigns.create({ name: 'sales', kind: 'telesales', settings })
  if (isCampaignError(created)) throw new Error(created.message)
  const [contact] = await cc.db.db.insert(contacts).values({ campaignId: created.id, phone: '+38761000001', timezone: 'Europe/Sarajevo' }).returning()
  await start(cc, created.id)
  await cc.runUntil(() => cc!.dialled.length === 1)
  await cc.clock.advance(3000)
  await desk.resume('ivan')
  await runCampaign(cc, created.id, 3600_000)
  await cc.finish()
  const [attempt] = await cc.db.db.select().from(attempts).where(eq(attempts.contactId, contact!.id))
  return { attempt: attempt!, inbound: await cc.row(inbound.uuid) }
}

describe('a campaign call waiting for an operator', () => {
  it('does not jump ahead of an inbound caller who waited longer', async () => {
    const { attempt, inbound } = await race(undefined)
    expect(inbound.queueEnteredAt!.getTime()).toBeLessThan(attempt.answeredAt!.getTime())
    expect(inbound.answeredBy).toBe('ivan')
    // Ivan took the inbound caller first; the contact's 10 s ran out meanwhile.
    expect(attempt).toMatchObject({ outcome: 'abandoned', agentId: null })
  })

  it('goes first when its campaign says so', async () => {
    const { attempt, inbound } = await race('vip')
    expect(attempt).toMatchObject({ outcome: 'human', agentId: 'ivan' })
    expect(inbound.answeredBy).toBe('ivan')
    // The inbound caller waited out Ivan's 30 s with the contact.
    expect(inbound.queueEnteredAt!.getTime() + inbound.queueWaitMs!).toBeGreaterThan(attempt.answeredAt!.getTime() + 25_000)
  })

  it('goes first when its queue says so and its campaign says nothing; a campaign saying normal waits', async () => {
    const vipQueue = `${QUEUES}    campaignPriority: vip\n`
    expect((await race(undefined, vipQueue)).attempt).toMatchObject({ outcome: 'human', agentId: 'ivan' })
    await cc!.close()
    expect((await race('normal', vipQueue)).attempt).toMatchObject({ outcome: 'abandoned', agentId: null })
  })
})
