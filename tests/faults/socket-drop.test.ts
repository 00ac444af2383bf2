/**
 * The outbound-socket connection of a call drops in the middle of the menu (a network cut,
 * our instance losing it): the call is finished in the register with the cause, and
 * FreeSWITCH carries on with the dialplan behind the `socket` application.
 */
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { calls } from '../../src/db/schema/index.js'
import { CLIENTS, startHarness, type Harness } from '../ivr/harness.js'
import { reportChaos } from './chaos-report.js'

let h: Harness

beforeAll(async () => {
  h = await startHarness({ at: '2026-11-23T09:00:00Z' })
}, 60_000)

afterAll(async () => {
  await h.close()
})

it('finishes the call in the register when its socket drops mid-call', async () => {
  const placed = h.sim.sw.placeSipCall({ from: CLIENTS.retail.phone, to: '5000', script: { steps: [] } })
  // On to the main menu (a few prompts in), then the socket goes.
  await h.clock.runWhile(() => !placed.channel.history.some((x) => x.app === 'play_and_get_digits'), 60_000)
  const dropAt = h.clock.now()
  await h.app.outbound.close(0)
  let finished = false
  void placed.done.then(() => (finished = true))
  await h.clock.runWhile(() => !finished, 10 * 60_000)
  await h.clock.advance(2000)
  await h.app.register.flush()
  const [row] = await h.db.db.select().from(calls).where(eq(calls.callUuid, placed.channel.uuid))
  expect(row).toBeDefined()
  expect(row!.endedAt).not.toBeNull()
  expect(row!.hangupCause).toBe('CONNECTION_LOST')
  expect(row!.endedAt!.getTime() - dropAt).toBeLessThan(1000)
  expect(row!.ivrPath.map((s) => s.node)).toContain('main-menu')
  // FreeSWITCH went on without us (the dialplan behind `socket`) and the caller's channel ended.
  expect(finished).toBe(true)
  reportChaos({
    scenario: 'outbound socket drops mid-call',
    injected: 'the call\'s event socket closed at the main menu',
    before: '1 call in the IVR',
    after: `register row closed with ${row!.hangupCause}, IVR path kept`,
    lost: 0,
    duplicated: 0,
    recoverMs: row!.endedAt!.getTime() - dropAt,
  })
}, 60_000)
