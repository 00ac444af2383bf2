import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CallRegister } from '../../src/calls/call-register.js'
import { calls } from '../../src/db/schema/index.js'
import { silentLogger } from '../../src/log.js'
import { realClock } from '../../src/time/clock.js'
import { createTestDatabase, type TestDatabase } from '../helpers/database.js'

let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(async () => {
  await database.drop()
})

describe('CallRegister', () => {
  it('writes a call from start to end as one row', async () => {
    const register = new CallRegister(database.db, silentLogger, realClock, 'test-1', 5)
    const start = new Date('2026-11-22T10:00:00Z')
    register.started({ callUuid: 'c-1', direction: 'inbound', callerNumber: '+38761000001', callerName: 'Ana', destination: '5000', startedAt: start })
    register.answered('c-1', new Date(start.getTime() + 1000))
    register.append('c-1', 'path', { node: 'welcome' })
    register.append('c-1', 'path', { node: 'menu', digits: '1' })
    register.ended('c-1', new Date(start.getTime() + 60_000), 'NORMAL_CLEARING')
    await register.flush()
    const [row] = await database.db.select().from(calls).where(eq(calls.callUuid, 'c-1'))
    expect(row).toMatchObject({ direction: 'inbound', callerNumber: '+38761000001', hangupCause: 'NORMAL_CLEARING', instanceId: 'test-1' })
    expect(row!.answeredAt!.getTime() - row!.startedAt.getTime()).toBe(1000)
    expect(row!.details).toEqual({ path: [{ node: 'welcome' }, { node: 'menu', digits: '1' }] })
    expect(register.backlog).toBe(0)
  })

  it('keeps rows while Postgres refuses writes and writes them once it is back', async () => {
    const broken = await createTestDatabase()
    const register = new CallRegister(broken.db, silentLogger, realClock, 'test-2', 5)
    // Take the table away: every write fails until it is back.
    await broken.pool!.query('ALTER TABLE calls RENAME TO calls_away')
    register.started({ callUuid: 'c-2', direction: 'inbound', callerNumber: '1', callerName: '', destination: '5000', startedAt: new Date() })
    register.ended('c-2', new Date(), 'NORMAL_CLEARING')
    await new Promise((r) => setTimeout(r, 400))
    expect(register.backlog).toBe(1)
    await broken.pool!.query('ALTER TABLE calls_away RENAME TO calls')
    await register.flush()
    const rows = await broken.db.select().from(calls)
    expect(rows.map((r) => r.callUuid)).toEqual(['c-2'])
    await broken.drop()
  })
})
