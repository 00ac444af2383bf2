/**
 * Composition root: builds the app's parts from the configuration and wires them
 * together. Edges (HTTP, CLI) get an App; domain code gets only the parts it needs.
 */
import type { Logger } from 'pino'
import { CallRegister } from './calls/call-register.js'
import { Conversations } from './calls/conversations.js'
import { trackCall } from './calls/track-call.js'
import type { Config } from './config.js'
import { openDatabase, type Database } from './db/database.js'
import type { Call } from './esl/call.js'
import { ControlClient } from './esl/control-client.js'
import { OutboundServer } from './esl/outbound-server.js'
import { PromptLibrary } from './ivr/prompts.js'
import type { QueueSettings } from './queue/config.js'
import { CampaignCalls, isCampaignCall } from './campaigns/call-handler.js'
import { Dialer } from './dialer/dialer.js'
import { PreviewDesk } from './dialer/preview.js'
import type { Flow } from './ivr/flow/schema.js'
import { ivrServices } from './ivr/service.js'
import { isCallbackLeg } from './queue/callbacks.js'
import { startQueues, type Queues } from './queue/index.js'
import { CallRecorder } from './recording/recorder.js'
import { SipAccounts } from './sip/accounts.js'
import { openRedis, type RedisHandle } from './redis/connection.js'
import type { Clock } from './time/clock.js'

/** What a call flow may be built from. */
export interface AppParts {
  config: Config
  log: Logger
  clock: Clock
  database: Database
  redis: RedisHandle
  register: CallRegister
  prompts: PromptLibrary
  recorder: CallRecorder
  /** The queues, when the app was given queue settings. */
  queues: Queues | undefined
  /** Conversations that must outlive this process: closed by whichever process is there at their end. */
  conversations: Conversations
}

export interface App extends AppParts {
  controls: ControlClient[]
  outbound: OutboundServer
  /** The outbound dialer, when the app was given campaign scripts, and its preview desk. */
  dialer: Dialer | undefined
  preview: PreviewDesk | undefined
  /** The inbound flows and campaign scripts the app was given (for the API: GET /flows). */
  flows: Flow[]
  scripts: Flow[]
  /** The operators' SIP accounts, published to every connected switch (src/sip). */
  sipAccounts: SipAccounts
  /** Stops taking calls, lets calls in progress finish up to `graceMs`, flushes records, closes. */
  stop(graceMs?: number): Promise<void>
}

export type CallFlow = (call: Call) => Promise<void>

export interface AppOptions {
  config: Config
  log: Logger
  clock: Clock
  /** What happens to a call FreeSWITCH hands us, or how to build that from the app's parts. */
  flow: CallFlow | { build(parts: AppParts): CallFlow | Promise<CallFlow> }
  /** Connect to the FreeSWITCH nodes' inbound event socket (default true). */
  control?: boolean
  /** The queues to serve (queues/queues.yaml). */
  queues?: QueueSettings[]
  /** Campaign scripts (campaigns/scripts): with them, the app runs the outbound dialer. */
  scripts?: Flow[]
  /** The inbound flows behind `flow`, when it runs flows: only shown by the API. */
  flows?: Flow[]
}

export async function startApp(options: AppOptions): Promise<App> {
  const { config, log, clock } = options
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, log })
  const redis = await openRedis({ url: config.redisUrl, dataDir: config.dataDir, log })
  const register = new CallRegister(database.db, log, clock, config.instanceId)
  const prompts = new PromptLibrary(config.promptsDir)
  const recorder = new CallRecorder({ db: database.db, directory: config.recordingsDir, log, clock })
  let controls: ControlClient[] = []
  // Known once the outbound server listens (port 0 picks one).
  let outboundPort = config.eslListen.port
  const conversations = new Conversations({ redis: redis.client, prefix: config.redisPrefix, clock, log, register, controls: () => controls })
  const queues = options.queues
    ? await startQueues(
        {
          instance: config.instanceId,
          redisPrefix: config.redisPrefix,
          gatewayTemplate: config.gatewayTemplate,
          outboundCallerId: config.outboundCallerId,
          controls: () => controls,
          appAddress: () => `${config.eslAdvertiseHost}:${outboundPort}`,
          log,
          clock,
          database,
          redis,
          register,
          prompts,
          recorder,
          conversations,
        },
        options.queues,
      )
    : undefined
  const parts: AppParts = { config, log, clock, database, redis, register, prompts, recorder, queues, conversations }
  const flow = typeof options.flow === 'function' ? options.flow : await options.flow.build(parts)
  const dialer = options.scripts
    ? new Dialer({
        db: database.db,
        redis,
        prefix: config.redisPrefix,
        clock,
        log,
        controls: () => controls,
        appAddress: () => `${config.eslAdvertiseHost}:${outboundPort}`,
        queues,
        globalMaxLines: config.dialerMaxLines,
        outboundCallerId: config.outboundCallerId,
        scripts: options.scripts!.map((f) => f.id),
      })
    : undefined
  const preview = dialer
    ? new PreviewDesk({ db: database.db, dialer, queues, clock, appAddress: () => `${config.eslAdvertiseHost}:${outboundPort}`, globalMaxLines: config.dialerMaxLines })
    : undefined
  const campaignCalls = dialer ? new CampaignCalls({ db: database.db, dialer, scripts: options.scripts!, ivr: ivrServices(parts), queues, conversations, outboundCallerId: config.outboundCallerId }) : undefined
  if (dialer) {
    // A campaign call an operator was talking on when its process went: the attempt reached a person.
    conversations.onClose(async (_call, books) => {
      const campaign = books.attempt ? await dialer.campaigns.get(books.attempt.campaignId) : undefined
      if (campaign && books.attempt) await dialer.finished(campaign, books.attempt.attemptId, { outcome: 'human', agentId: books.agent })
    })
  }
  controls = options.control === false ? [] : config.freeswitch.map((n) => new ControlClient({ host: n.host, port: n.port, password: n.password, log }))
  // Operators' open lines that drop pause their operator, whichever instance sees it.
  queues?.lines.watch()
  const sipAccounts = new SipAccounts({ db: database.db, controls: () => controls, log, configuredDomain: config.sipDomain })
  // Before the first connection comes up: every switch gets the accounts when it does.
  sipAccounts.watch()
  await conversations.start()
  const outbound = await OutboundServer.listen({
    host: config.eslListen.host,
    port: config.eslListen.port,
    log,
    clock,
    handler: async (call) => {
      trackCall(call, register, clock)
      // An agent answering a callback comes back to us on the socket, not through the IVR.
      if (queues && isCallbackLeg(call)) await queues.callbacks.answerLeg(call)
      else if (campaignCalls && isCampaignCall(call)) await campaignCalls.answer(call)
      else await flow(call)
    },
  })

  outboundPort = outbound.port
  if (dialer) await dialer.start()
  return {
    ...parts,
    controls,
    outbound,
    dialer,
    preview,
    flows: options.flows ?? [],
    scripts: options.scripts ?? [],
    sipAccounts,
    async stop(graceMs = 0) {
      await dialer?.stop()
      await outbound.close(graceMs)
      // What the handlers still write (register, queues) lands before those close.
      await outbound.handlersDone()
      await queues?.stop()
      await conversations.stop()
      for (const c of controls) c.end()
      await register.flush()
      register.close()
      await redis.close()
      await database.close()
    },
  }
}
