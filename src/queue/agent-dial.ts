/**
 * The dial string that rings an offer's agent(s) from a waiting caller's channel: their
 * phones together, each leg named (origination_uuid) so the one that answers is known.
 */
import { randomUUID } from 'node:crypto'
import { dialString, endpoint, leg } from '../esl/dial-string.js'
import type { QueueSettings } from './config.js'
import type { Offer } from './store.js'

/** Throws UnsafeCommandError, naming the agent, for an endpoint that cannot be dialled. */
export function agentsDialString(offer: Offer, queue: QueueSettings, callerNumber: string, byLeg: Map<string, string>): string {
  const legs = offer.agents.map((a) => {
    const uuid = randomUUID()
    byLeg.set(uuid, a.id)
    return leg(endpoint(`endpoint of agent ${a.id}`, a.endpoint), { origination_uuid: uuid, cc_agent: a.id, cc_queue: queue.name })
  })
  return dialString(legs, {
    vars: {
      originate_timeout: queue.ringTimeoutSeconds,
      instant_ringback: true,
      origination_caller_id_number: safeNumber(callerNumber),
    },
  })
}

/** The caller's number as caller ID on the agent's phone, when it is safe to show. */
function safeNumber(n: string): string {
  return /^\+?[0-9]{1,20}$/.test(n) ? n : '0000000000'
}
