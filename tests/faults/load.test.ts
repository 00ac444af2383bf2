/**
 * A small load run (bench/load.ts; `npm run load` and `npm run chaos` run 1,000 calls for
 * 10 minutes): 150 concurrent calls through the IVR and a queue for 4 virtual minutes, each
 * ended call replaced at once. Nothing may pile up: the heap after warm-up stays within
 * 10 %, sockets and timers do not grow under steady load and fall back once the calls have
 * drained, and every call placed is in the register.
 */
import { expect, it } from 'vitest'
import { runLoad } from '../../bench/load.js'

it('holds 150 concurrent calls for 4 minutes without leaking, and registers every call', async () => {
  const r = await runLoad({ calls: 150, minutes: 4, agents: 40, warmupMinutes: 2, seed: 3 })
  expect(r.samples.every((s) => s.live === 150)).toBe(true)
  expect(r.placed).toBeGreaterThan(150)
  expect(r.registered).toBe(r.placed)
  expect(r.heapRatio).toBeLessThan(1.1)
  // Two sockets a call (the switch's and ours): no more under load than when warm, none left after.
  expect(r.sockets.end).toBeLessThanOrEqual(r.sockets.warm)
  expect(r.sockets.drained).toBeLessThanOrEqual(r.sockets.before + 12)
  expect(r.timers.end).toBeLessThanOrEqual(r.timers.warm + 2)
}, 180_000)
