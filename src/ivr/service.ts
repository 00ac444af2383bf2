/**
 * The IVR as the app's call flow: picks the flow a call dialled (by destination number),
 * and builds what flows need from the app's parts: the client directory, routing to people
 * and queues, prompts, recordings.
 */
import type { CountryCode } from 'libphonenumber-js'
import type { AppParts, CallFlow } from '../app.js'
import { ClientDirectory } from '../clients/directory.js'
import type { Call } from '../esl/call.js'
import { AgentDirectory } from '../routing/agents.js'
import { DirectRouter, type QueueGateway } from '../routing/direct-router.js'
import type { AgentPresence } from '../routing/router.js'
import type { Flow } from './flow/schema.js'
import { runFlow, type IvrServices } from './runner.js'

export interface IvrOptions {
  flows: Flow[]
}

/** Without queue settings, a route to a queue finds nobody. */
const NO_QUEUES: QueueGateway = {
  enqueue: async ({ call, queue }) => {
    call.log.error({ queue }, 'a flow routes to a queue, but the app has no queues configured')
    return { result: 'timeout' }
  },
}

export function ivrServices(parts: AppParts): IvrServices {
  const { config, log, clock, database, register, prompts, recorder } = parts
  const agents = new AgentDirectory(database.db)
  return {
    clients: new ClientDirectory(database.db, config.defaultCountry as CountryCode),
    router: new DirectRouter({ agents, queues: parts.queues?.service ?? NO_QUEUES, presence: presenceOf(parts), conversations: parts.conversations, gatewayTemplate: config.gatewayTemplate, outboundCallerId: config.outboundCallerId, log, clock }),
    prompts,
    recorder,
    register,
    clock,
    log,
  }
}

/** The queues' agent states, for routes that ring people directly. */
function presenceOf(parts: AppParts): AgentPresence | undefined {
  const store = parts.queues?.store
  if (!store) return undefined
  return { reserve: (agent, token) => store.reserveDirect(agent, token), result: (agent, token, outcome, talkMs) => store.directResult(agent, token, outcome, talkMs) }
}

/** The app's call flow: the IVR flow for the number dialled, or the first flow. */
export function ivrCallFlow(options: IvrOptions): { build(parts: AppParts): CallFlow } {
  return {
    build(parts) {
      const services = ivrServices(parts)
      // The switch may hand us a number with or without its '+'.
      const key = (n: string): string => n.replace(/^\+/, '')
      const byNumber = new Map<string, Flow>()
      for (const flow of options.flows) for (const n of flow.numbers) byNumber.set(key(n), flow)
      return async (call: Call) => {
        const flow = byNumber.get(key(call.destination)) ?? options.flows[0]
        if (!flow) {
          call.log.error({ destination: call.destination }, 'no IVR flow loaded; hanging up')
          await call.hangup('SERVICE_UNAVAILABLE')
          return
        }
        await runFlow(call, flow, services)
      }
    },
  }
}
