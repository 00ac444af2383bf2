/** The demo's users per role: created once with the known password, kept as they are afterwards. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyPassword } from '../../src/auth/password.js'
import { UserStore } from '../../src/auth/users.js'
import { SAMPLE_AGENTS } from '../../src/demo/sample-data.js'
import { agents } from '../../src/db/schema/index.js'
import { realClock } from '../../src/time/clock.js'
import { DEMO_PASSWORD, DEMO_USERS, seedDemoUsers } from '../../src/web/demo-support.js'
import { createTestDatabase, type TestDatabase } from '../helpers/database.js'

let db: TestDatabase

beforeAll(async () => {
  db = await createTestDatabase()
  await db.db.insert(agents).values(SAMPLE_AGENTS)
})

afterAll(async () => {
  await db?.drop()
})

describe('seedDemoUsers', () => {
  it('creates a user for every role with the demo password, and leaves existing ones alone', async () => {
    const first = await seedDemoUsers(db.db, realClock)
    expect(first.map((l) => [l.username, l.role, l.password])).toEqual(DEMO_USERS.map((u) => [u.username, u.role, DEMO_PASSWORD]))
    expect(new Set(first.map((l) => l.role))).toEqual(new Set(['campaign-manager', 'supervisor', 'operator']))
    const store = new UserStore(db.db, realClock)
    const ivan = await store.forLogin('ivan')
    expect(ivan?.user).toMatchObject({ role: 'operator', agentId: 'ivan' })
    expect(await verifyPassword(DEMO_PASSWORD, ivan!.passwordHash)).toBe(true)

    const again = await seedDemoUsers(db.db, realClock, 'another password')
    expect(again.every((l) => l.password === '(unchanged)')).toBe(true)
    expect(await store.count()).toBe(DEMO_USERS.length)
    expect(await verifyPassword(DEMO_PASSWORD, (await store.forLogin('ivan'))!.passwordHash)).toBe(true)
  })
})
