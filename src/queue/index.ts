/**
 * The queues of one app instance, built from the settings: shared state in Redis, the
 * service that keeps callers waiting and bridges them, and the agents' desk.
 */
import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import type { CallRegister } from '../calls/call-register.js'
import type { Conversations } from '../calls/conversations.js'
import type { Database } from '../db/database.js'
import type { PromptLibrary } from '../ivr/prompts.js'
import type { CallRecorder } from '../recording/recorder.js'
import type { RedisHandle } from '../redis/connection.js'
import type { Clock } from '../time/clock.js'
import type { ControlClient } from '../esl/control-client.js'
import { CallControl } from '../lines/call-control.js'
import { LINE_DROPPED, OperatorLines } from '../lines/operator-lines.js'
import { Talks } from '../lines/talks.js'
import { AgentDesk } from './agent-desk.js'
import { Callbacks } from './callbacks.js'
import type { QueueSettings } from './config.js'
import { QueueSettingsSync } from './live-settings.js'
import { QueueService } from './service.js'
import { readQueueSettings, seedQueueSettings, settingsSignature } from './settings-store.js'
import { INSTANCE_TTL_MS, QueueStore } from './store.js'

export interface Queues {
  settings: QueueSettings[]
  store: QueueStore
  service: QueueService
  desk: AgentDesk
  callbacks: Callbacks
  /** Operators' open lines (always-connected mode). */
  lines: OperatorLines
  /** Who each agent talks to, and what the console and supervisors do to it. */
  talks: Talks
  control: CallControl
  /** Follows the table queue_settings: `refresh()` applies a change now (the API does after writing). */
  sync: QueueSettingsSync
  /**
   * Whether Redis lost the queues' state (it restarted empty); if so, rebuilds it: the
   * settings, this instance's callers in their order with the agents their calls hold, and
   * (by whichever instance notices first) everyone logged in, from Postgres.
   */
  recoverIfLost(options?: { restoreDelayMs?: number }): Promise<boolean>
  stop(): Promise<void>
}

export interface QueueParts {
  instance: string
  redisPrefix: string
  gatewayTemplate: string
  /** The number people outside see when we call them. */
  outboundCallerId: string
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
  /** Conversations that must outlive this process: the queues close the agents' side of them. */
  conversations?: Conversations
}

/**
 * `seed`: the queues of queues/queues.yaml, imported on the first start (an empty table
 * queue_settings); the table is the source from then on, changed through the API.
 */
export async function startQueues(parts: QueueParts, seed: QueueSettings[]): Promise<Queues> {
  if (await seedQueueSettings(parts.database.db, seed)) parts.log.info({ queues: seed.map((q) => q.name) }, 'queues: the first start; settings imported from the queues file')
  const signature = await settingsSignature(parts.database.db)
  const settings = await readQueueSettings(parts.database.db)
  const store = new QueueStore(parts.redis.client, parts.redisPrefix, parts.clock)
  const talks = new Talks(parts.redis.client, parts.redisPrefix)
  const lines = new OperatorLines({
    redis: parts.redis.client,
    prefix: parts.redisPrefix,
    log: parts.log,
    controls: parts.controls,
    // The desk, made below, pauses an operator whose line dropped (only ever after start).
    onDropped: async (agent) => void (await desk.pause(agent, LINE_DROPPED)),
  })
  const control = new CallControl({ redis: parts.redis.client, prefix: parts.redisPrefix, talks, controls: parts.controls, db: parts.database.db, clock: parts.clock, log: parts.log })
  const callbacks = new Callbacks({
    store,
    queues: settings,
    redis: parts.redis,
    prefix: parts.redisPrefix,
    controls: parts.controls,
    appAddress: parts.appAddress,
    gatewayTemplate: parts.gatewayTemplate,
    outboundCallerId: parts.outboundCallerId,
    prompts: parts.prompts,
    register: parts.register,
    clock: parts.clock,
    log: parts.log,
    conversations: parts.conversations,
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
    conversations: parts.conversations,
    lines,
    talks,
    transfer: { gatewayTemplate: parts.gatewayTemplate, outboundCallerId: parts.outboundCallerId },
  })
  // The agent's side of a conversation that ended after its process went.
  parts.conversations?.onClose(async (_call, books, end) => {
    if (!books.agent) return
    if (books.queue) await store.callEnded(books.queue.entry, books.agent, end.talkMs, books.queue.wrapUpMs)
    if (books.direct) await store.directResult(books.agent, books.direct.token, 'ended', end.talkMs)
  })
  const desk = new AgentDesk(parts.database.db, store, settings, lines)
  const recoverIfLost = async (options: { restoreDelayMs?: number } = {}): Promise<boolean> => {
    if (await store.hasEpoch()) return false
    const first = await store.markEpoch(randomUUID())
    parts.log.warn({ first }, 'queues: Redis lost its state (restarted empty?); rebuilding it')
    await store.configure(settings)
    // Alive first: a caller of an instance without a heartbeat would be dropped as lost.
    await store.heartbeat(parts.instance)
    const callers = await service.reassertCalls()
    let agents = 0
    if (first) {
      // The other instances put back what their calls hold before anyone may be offered a
      // call; they notice on reconnecting, or at their next heartbeat at the latest.
      await new Promise((r) => setTimeout(r, options.restoreDelayMs ?? INSTANCE_TTL_MS / 3 + 1000))
      agents = await desk.restoreSessions()
    }
    parts.log.info({ callers, agents }, 'queues: state rebuilt')
    return true
  }
  await store.markEpoch(randomUUID())
  await service.start(() => recoverIfLost())
  const sync = new QueueSettingsSync({ db: parts.database.db, redis: parts.redis, prefix: parts.redisPrefix, queues: { settings, store, service, callbacks, desk }, log: parts.log })
  await sync.start(signature)
  const stop = async (): Promise<void> => {
    await sync.stop()
    await service.stop()
  }
  return { settings, store, service, callbacks, desk, lines, talks, control, recoverIfLost, sync, stop }
}
