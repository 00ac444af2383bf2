/**
 * The queues of one app instance, built from the settings: shared state in Redis, the
 * service that keeps callers waiting and bridges them, and the agents' desk.
 */
import type { Logger } from 'pino'
import type { CallRegister } from '../calls/call-register.js'
import type { Database } from '../db/database.js'
import type { PromptLibrary } from '../ivr/prompts.js'
import type { CallRecorder } from '../recording/recorder.js'
import type { RedisHandle } from '../redis/connection.js'
import type { Clock } from '../time/clock.js'
import type { ControlClient } from '../esl/control-client.js'
import { AgentDesk } from './agent-desk.js'
import { Callbacks } from './callbacks.js'
import type { QueueSettings } from './config.js'
import { QueueService } from './service.js'
import { QueueStore } from './store.js'

export interface Queues {
  settings: QueueSettings[]
  store: QueueStore
  service: QueueService
  desk: AgentDesk
  callbacks: Callbacks
  stop(): Promise<void>
}

export interface QueueParts {
  instance: string
  redisPrefix: string
  gatewayTemplate: string
  /** The FreeSWITCH control connections (for callbacks), once they exist. */
  controls: () => ControlClient[]
  /** host:port of our outbound socket, as FreeSWITCH reaches it. */
  appAddress: () => string
  log: Logger
  clock: Clock
  database: Database
  redis: RedisHandle
  register: CallRegister
  prompts: PromptLibrary
  recorder: CallRecorder
}

export async function startQueues(parts: QueueParts, settings: QueueSettings[]): Promise<Queues> {
  const store = new QueueStore(parts.redis.client, parts.redisPrefix, parts.clock)
  const callbacks = new Callbacks({
    store,
    queues: settings,
    redis: parts.redis,
    prefix: parts.redisPrefix,
    controls: parts.controls,
    appAddress: parts.appAddress,
    gatewayTemplate: parts.gatewayTemplate,
    prompts: parts.prompts,
    register: parts.register,
    clock: parts.clock,
    log: parts.log,
  })
  const service = new QueueService({
    instance: parts.instance,
    queues: settings,
    store,
    inbox: parts.redis.duplicate(),
    prompts: parts.prompts,
    recorder: parts.recorder,
    register: parts.register,
    clock: parts.clock,
    log: parts.log,
    callbacks,
  })
  await service.start()
  return { settings, store, service, callbacks, desk: new AgentDesk(parts.database.db, store, settings), stop: () => service.stop() }
}
