/**
 * Where the app keeps its data: Postgres when one is given or answers locally, else an
 * embedded PGlite under the data directory (the demo on a bare machine). Both are migrated
 * the same way and hold the call register.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { CallRegister } from '../../src/calls/call-register.js'
import { openDatabase } from '../../src/db/database.js'
import { calls } from '../../src/db/schema/index.js'
import { silentLogger } from '../../src/log.js'
import { realClock } from '../../src/time/clock.js'
import { createTestDatabase } from '../helpers/database.js'

describe('openDatabase', () => {
  it('uses the Postgres it is given, migrated', async () => {
    const test = await createTestDatabase()
    const db = await openDatabase({ url: test.url, dataDir: os.tmpdir(), log: silentLogger })
    expect(db.kind).toBe('postgres')
    expect(await db.ping()).toBe(true)
    expect(await db.db.select().from(calls)).toEqual([])
    await db.close()
    await test.drop()
  })

  it('falls back to an embedded PGlite when no Postgres answers, and the register works on it', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglite-'))
    // Nothing listens on port 1: as on a machine without Postgres.
    const db = await openDatabase({ url: undefined, dataDir, log: silentLogger, localPort: 1 })
    expect(db.kind).toBe('pglite')
    expect(db.where).toContain(dataDir)
    const register = new CallRegister(db.db, silentLogger, realClock, 'demo', 5)
    register.started({ callUuid: 'p-1', direction: 'inbound', callerNumber: '1001', callerName: '', destination: '5000', startedAt: new Date() })
    register.ended('p-1', new Date(), 'NORMAL_CLEARING')
    await register.flush()
    const rows = await db.db.select().from(calls)
    expect(rows.map((r) => [r.callUuid, r.hangupCause])).toEqual([['p-1', 'NORMAL_CLEARING']])
    register.close()
    await db.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }, 60_000)
})
