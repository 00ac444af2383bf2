/**
 * The dialer's claim and agreed callbacks: a callback due for an operator is dialled when
 * that operator is free, ahead of contacts never called; while they are not, it waits (up to
 * CALLBACK_WAIT_MINUTES past its time), then any operator may take it. The time the contact
 * agreed to is kept whatever the daily attempt limit says.
 */
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { CALLBACK_WAIT_MINUTES } from '../../src/campaigns/dispositions.js'
import { campaignSettings } from '../../src/campaigns/settings.js'
import { attempts, campaigns, contacts } from '../../src/db/schema/index.js'
import { claimDue } from '../../src/dialer/attempts.js'
import { createTestDatabase, type TestDatabase } from '../helpers/database.js'

let db: TestDatabase
let campaignId = 0
const ALWAYS = { start: '00:00', end: '23:59', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] }
const settings = campaignSettings({ operatorsQueue: 'support', mode: 'progressive', maxAttempts: 5, maxAttemptsPerDay: 2, window: ALWAYS })
// Any moment will do: nothing here depends on the date.
const NOW = new Date('2026-11-23T09:00:00Z')
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000)
const claim = (agentsFree: string[], wanted = 1) => claimDue(db.db, campaignId, settings, NOW, { globalMaxLines: 100, wanted, perOperator: false, agentsFree })

let phones = 0
async function contact(values: Partial<typeof contacts.$inferInsert> = {}): Promise<number> {
  const [c] = await db.db.insert(contacts).values({ campaignId, phone: `+3876177${String(++phones).padStart(4, '0')}`, timezone: 'Europe/Sarajevo', ...values }).returning({ id: contacts.id })
  return c!.id
}
const callbackFor = (agent: string, at: Date) => ({ callbackAt: at, callbackAgentId: agent, nextAttemptAt: at, attempts: 1, disposition: 'callback' })

beforeAll(async () => {
  db = await createTestDatabase()
}, 60_000)

beforeEach(async () => {
  const [c] = await db.db.insert(campaigns).values({ name: `c${phones}`, kind: 'telesales', status: 'running', settings: { ...settings } }).returning({ id: campaigns.id })
  campaignId = c!.id
})

afterAll(async () => {
  await db?.drop()
})

describe('an agreed callback', () => {
  it('is dialled when its operator is free, ahead of contacts never called', async () => {
    await contact()
    const callback = await contact(callbackFor('ivan', minutes(-1)))
    const [first] = await claim(['ivan'])
    expect(first?.contactId).toBe(callback)
  })

  it('waits for its operator while they are busy, letting the others be called', async () => {
    const fresh = await contact()
    const callback = await contact(callbackFor('ivan', minutes(-1)))
    const claimed = await claim(['ana'], 5)
    expect(claimed.map((c) => c.contactId)).toEqual([fresh])
    const [row] = await db.db.select().from(contacts).where(eq(contacts.id, callback))
    expect(row).toMatchObject({ status: 'pending', callbackAgentId: 'ivan' })
  })

  it('goes to any operator once it has waited CALLBACK_WAIT_MINUTES for its own', async () => {
    const callback = await contact(callbackFor('ivan', minutes(-CALLBACK_WAIT_MINUTES - 1)))
    const [first] = await claim(['ana'])
    expect(first?.contactId).toBe(callback)
  })

  it('is one call per free operator: a second callback for the same operator waits', async () => {
    const one = await contact(callbackFor('ivan', minutes(-2)))
    await contact(callbackFor('ivan', minutes(-1)))
    const claimed = await claim(['ivan'], 5)
    expect(claimed.map((c) => c.contactId)).toEqual([one])
  })

  it('keeps the agreed time though the daily limit of attempts is used up', async () => {
    const callback = await contact({ ...callbackFor('ivan', minutes(-1)), attempts: 2 })
    for (const n of [1, 2]) await db.db.insert(attempts).values({ campaignId, contactId: callback, number: n, callUuid: `cb-${callback}-${n}`, startedAt: minutes(-60 * n), endedAt: minutes(-60 * n + 1), outcome: 'human' })
    const [first] = await claim(['ivan'])
    expect(first?.contactId).toBe(callback)
  })
})
