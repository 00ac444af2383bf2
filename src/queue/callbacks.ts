/**
 * Callbacks: a caller who pressed the callback key hung up but kept their place. When their
 * turn comes, the shared queue offers the callback to an agent like any caller; the offer
 * becomes a BullMQ job (it survives a crash of the instance that took it, and is retried
 * when FreeSWITCH cannot be reached). The job rings the agent first; once they answer, their
 * leg comes to our outbound socket, hears who they are about to call, and is bridged to the
 * customer's number.
 */
import { Queue, Worker, type Job } from 'bullmq'
import type { Logger } from 'pino'
import type { CallRegister } from '../calls/call-register.js'
import type { ConversationBooks, Conversations } from '../calls/conversations.js'
import { UnsafeCommandError } from '../esl/commands.js'
import { RINGING_TONE, type Call } from '../esl/call.js'
import type { ControlClient } from '../esl/control-client.js'
import { dialString, endpoint, endpointFromTemplate, leg } from '../esl/dial-string.js'
import { CallEnded, CommandFailed, isOk } from '../esl/results.js'
import type { PromptLibrary } from '../ivr/prompts.js'
import type { RedisHandle } from '../redis/connection.js'
import type { Clock } from '../time/clock.js'
import type { QueueSettings } from './config.js'
import type { Offer, QueueStore } from './store.js'

export interface CallbackOptions {
  store: QueueStore
  queues: QueueSettings[]
  redis: RedisHandle
  prefix: string
  controls: () => ControlClient[]
  /** host:port where FreeSWITCH reaches our outbound socket. */
  appAddress: () => string
  gatewayTemplate: string
  /** The number the customer sees when we call them back: the center's. */
  outboundCallerId: string
  prompts: PromptLibrary
  register: CallRegister
  clock: Clock
  log: Logger
  /** Conversations that must outlive this process (src/calls/conversations.ts). */
  conversations?: Conversations
}

/** Channel variables that mark an agent leg as a callback, and carry what it needs. */
const VAR = { entry: 'cc_callback_entry', number: 'cc_callback_number', agent: 'cc_agent', queue: 'cc_queue' } as const

export function isCallbackLeg(call: Call): boolean {
  return Boolean(call.variable(VAR.entry))
}

export class Callbacks {
  private readonly queue: Queue<Offer>
  private readonly worker: Worker<Offer>
  private readonly settings: Map<string, QueueSettings>

  constructor(private readonly o: CallbackOptions) {
    this.settings = new Map(o.queues.map((q) => [q.name, q]))
    const bull = { prefix: `${o.prefix}:bull` }
    this.queue = new Queue<Offer>('callbacks', { ...bull, connection: o.redis.duplicate() })
    this.worker = new Worker<Offer>('callbacks', (job) => this.ringAgent(job), { ...bull, connection: o.redis.duplicate(), concurrency: 20 })
    this.worker.on('failed', (job, err) => o.log.warn({ entry: job?.data.entry, err: err.message, attempts: job?.attemptsMade }, 'callback: ringing the agent failed'))
  }

  /** The queues' settings changed (src/queue/apply-settings.ts): the queues from now on. */
  useSettings(queues: QueueSettings[]): void {
    this.settings.clear()
    for (const q of queues) this.settings.set(q.name, q)
  }

  /** A callback's turn came: ring its agent (as a job, so a crash or an outage does not lose it). */
  take(offer: Offer): void {
    void this.queue
      .add('ring-agent', offer, { jobId: `${offer.entry}-${offer.agents.map((a) => a.id).join('+')}-${this.o.clock.now()}`, attempts: 5, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: 1000, removeOnFail: 1000 })
      .catch((err: unknown) => this.o.log.error({ entry: offer.entry, err: (err as Error).message }, 'callback: could not queue the job'))
  }

  async close(): Promise<void> {
    await this.worker.close()
    await this.queue.close()
  }

  private async ringAgent(job: Job<Offer>): Promise<string> {
    const offer = job.data
    const { store, log } = this.o
    const settings = this.settings.get(offer.queue)
    const agent = offer.agents[0]
    if (!settings || !agent) return 'nothing to do'
    const control = this.o.controls().find((c) => c.isUp)
    // No FreeSWITCH to ask: let BullMQ try again later (the agent stays reserved meanwhile).
    if (!control) throw new Error('no FreeSWITCH control connection is up')
    let dial: string
    try {
      dial = dialString([leg(endpoint(`endpoint of agent ${agent.id}`, agent.endpoint))], {
        vars: {
          originate_timeout: settings.ringTimeoutSeconds,
          origination_caller_id_number: /^\+?[0-9]{1,20}$/.test(offer.number) ? offer.number : undefined,
          [VAR.entry]: offer.entry,
          [VAR.number]: offer.number,
          [VAR.agent]: agent.id,
          [VAR.queue]: offer.queue,
        },
      })
    } catch (err) {
      if (!(err instanceof UnsafeCommandError)) throw err
      log.error({ entry: offer.entry, err: err.message }, 'callback: cannot dial')
      await store.offerResult(offer.entry, { outcome: 'missed' }, settings.serviceLevelSeconds * 1000)
      return 'undialable'
    }
    const r = await control.originate(dial, { socket: this.o.appAddress() }, (settings.ringTimeoutSeconds + 30) * 1000)
    if (r instanceof CommandFailed) throw new Error(`originate failed: ${r.reply}`)
    if (r.ok) return 'agent answered' // the leg continues in answerLeg()
    log.info({ entry: offer.entry, agent: agent.id, cause: r.cause }, 'callback: the agent did not answer')
    await store.offerResult(offer.entry, { outcome: 'missed' }, settings.serviceLevelSeconds * 1000)
    return `agent missed: ${r.cause}`
  }

  /** The agent answered a callback: tell them, call the customer, and keep the books. */
  async answerLeg(call: Call): Promise<void> {
    const { store, register, clock, prompts } = this.o
    const entry = call.variable(VAR.entry)!
    const agent = call.variable(VAR.agent) ?? ''
    const number = call.variable(VAR.number) ?? ''
    const settings = this.settings.get(call.variable(VAR.queue) ?? '')
    if (!settings || !agent) {
      call.log.error({ entry }, 'callback leg without its queue or agent')
      await call.hangup('NORMAL_TEMPORARY_FAILURE')
      return
    }
    const sl = settings.serviceLevelSeconds * 1000
    const waiting = await store.entry(entry)
    await store.offerResult(entry, { outcome: 'answered', agent }, sl)
    const enteredAt = Number(waiting.enqueuedAt ?? clock.now())
    register.facts(call.uuid, { queue: settings.name, queueEnteredAt: new Date(enteredAt), queueWaitMs: Math.round(clock.now() - enteredAt), answeredBy: agent, queueOutcome: 'callback' })
    await call.answer()
    await call.playback(prompts.file('en', 'callback-whisper'), { terminators: 'none' })
    let customer: string
    try {
      customer = endpointFromTemplate(this.o.gatewayTemplate, number)
    } catch (err) {
      call.log.error({ err: (err as Error).message }, 'callback: the number cannot be dialled')
      customer = ''
    }
    let talkMs = 0
    if (customer && !call.ended) {
      let books: ConversationBooks | undefined
      const onBridge = (): void => {
        books = { answeredAt: clock.now(), agent, queue: { entry, wrapUpMs: settings.wrapUpSeconds * 1000 } }
        void clock.track(this.o.conversations?.begin(call.uuid, books) ?? Promise.resolve())
      }
      call.once('bridge', onBridge)
      const r = await call.bridge(dialString([customer], { vars: { originate_timeout: 45, instant_ringback: true, origination_caller_id_number: this.o.outboundCallerId } }), { ringback: RINGING_TONE })
      call.off('bridge', onBridge)
      register.facts(call.uuid, { routedTo: `external:${number}`, routeResult: books || (isOk(r) && r.ok) ? 'connected' : isOk(r) ? r.cause : r instanceof CallEnded ? 'agent-hangup' : 'failed' })
      if (books) {
        // The agent and the customer talk on without our socket, or another process took them over.
        if (this.o.conversations && (await this.o.conversations.settle(call, books)) !== 'ours') return
        talkMs = clock.now() - books.answeredAt
      }
    }
    const wrapUntil = await store.callEnded(entry, agent, talkMs, settings.wrapUpSeconds * 1000)
    if (wrapUntil > 0) this.onWrapUp(agent, wrapUntil)
    if (!call.ended) await call.hangup()
  }

  /** Set by the queue service: ends the agent's wrap-up at `at`. */
  onWrapUp: (agent: string, at: number) => void = () => {}
}
