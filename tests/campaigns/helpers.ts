/** Starting a campaign on every instance of a call center under test, and running it out in virtual time. */
import { isCampaignError } from '../../src/campaigns/campaigns.js'
import type { CallCenter } from '../queue/harness.js'

export async function start(c: CallCenter, id: number): Promise<void> {
  const r = await c.apps[0]!.dialer!.campaigns.setStatus(id, 'running', new Date(c.clock.now()))
  if (isCampaignError(r)) throw new Error(r.message)
  for (const app of c.apps) app.dialer!.kick(id)
}

/** Runs simulated time until the campaign is done or stopped (or `limitMs` of it passed). */
export async function runCampaign(c: CallCenter, id: number, limitMs = 7 * 24 * 3600_000): Promise<void> {
  let finished = false
  // Watched in real time, outside the simulation: the clock jumps from one timer to the next.
  const watch = setInterval(() => {
    void c.apps[0]!.dialer!.campaigns.get(id).then((camp) => (finished = camp?.status === 'done' || camp?.status === 'stopped'))
  }, 25)
  try {
    await c.runUntil(() => finished, limitMs)
  } finally {
    clearInterval(watch)
  }
}
