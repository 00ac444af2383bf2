/**
 * The queue service of one app instance: takes callers the IVR routes to a queue, keeps
 * them waiting (waiter.ts), and acts on the offers the shared queue makes for them. Offers
 * arrive in this instance's Redis inbox (a blocking pop on a connection of its own); an
 * offer made by this very process is picked up at once. The instance beats a heartbeat, so
 * the others know its callers are still there, and sweeps wrap-ups that are due.
 */
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { CallRegister } from '../calls/call-register.js'
import type { Conversations } from '../calls/conversations.js'
import type { Call } from '../esl/call.js'
import type { PromptLibrary } from '../ivr/prompts.js'
import type { CallRecorder } from '../recording/recorder.js'
import type { QueueGateway } from '../routing/direct-router.js'
import type { CallerContext } from '../routing/router.js'
import type { Clock, TimerHandle } from '../time/clock.js'
import type { QueueSettings } from './config.js'
import { INSTANCE_TTL_MS, type Offer, type QueueStore } from './store.js'
import type { Callbacks } from './callbacks.js'
import { Waiter, type QueueResult, type WaiterContext, type WaitOptions } from './waiter.js'

export interface QueueServiceOptions {
  instance: string
  queues: QueueSettings[]
  store: QueueStore
  /** A connection of its own for the blocking inbox pop. */
  inbox: Redis
  prompts: PromptLibrary
  recorder: CallRecorder
  register: CallRegister
  clock: Clock
  log: Logger
  /** Rings agents for callbacks (see callbacks.ts); without it, this instance leaves callbacks to others. */
  callbacks?: Callbacks
  /** Conversations that must outlive this process (src/calls/conversations.ts). */
  conversations?: Conversations
  /** Operators' open lines and who talks to whom (src/lines). */
  lines?: WaiterContext['lines']
  talks?: WaiterContext['talks']
  /** Operators' transfers of their customer (src/queue/transfer.ts). */
  transfer?: WaiterContext['transfer']
}

/** Services in this process, by inbox: a change that makes an offer wakes its target directly. */
const LOCAL = new Map<string, QueueService>()
const CALLBACKS = 'callbacks'

// Real time, not the app's clock: liveness is about the process, and a simulated day must
// not cost thousands of heartbeats.
const HEARTBEAT_MS = INSTANCE_TTL_MS / 3
const SWEEP_MS = 15_000

export class QueueService implements QueueGateway {
  private readonly waiters = new Map<string, Waiter>()
  private readonly settings: Map<string, QueueSettings>
  private readonly timers = new Set<TimerHandle>()
  private readonly intervals: NodeJS.Timeout[] = []
  private running = false
  private draining: Promise<void> | undefined
  private drainAgain = false
  private inboxLoop: Promise<void> | undefined

  constructor(private readonly options: QueueServiceOptions) {
    this.settings = new Map(options.queues.map((q) => [q.name, q]))
    options.store.onOffers = (inboxes) => {
      for (const i of inboxes) LOCAL.get(i)?.wake()
    }
    if (options.callbacks) options.callbacks.onWrapUp = (agent, at) => this.endWrapUpAt(agent, at)
  }

  get instance(): string {
    return this.options.instance
  }

  private get inboxes(): string[] {
    return this.options.callbacks ? [this.instance, CALLBACKS] : [this.instance]
  }

  /** The queues' settings changed (src/queue/apply-settings.ts): the queues from now on. */
  useSettings(queues: QueueSettings[]): void {
    this.settings.clear()
    for (const q of queues) this.settings.set(q.name, q)
  }

  /** Callers waiting on this instance. */
  get waiting(): number {
    return this.waiters.size
  }

  /** `checkState` runs with every heartbeat: it rebuilds what Redis may have lost. */
  async start(checkState: () => Promise<unknown> = async () => {}): Promise<void> {
    const { store, clock } = this.options
    this.running = true
    for (const inbox of this.inboxes) LOCAL.set(inbox, this)
    await store.configure(this.options.queues)
    await store.heartbeat(this.instance)
    this.every(HEARTBEAT_MS, async () => {
      await checkState()
      await store.heartbeat(this.instance)
    })
    // A Redis that comes back may have come back empty: look at once, not at the next beat.
    this.options.inbox.on('ready', () => void checkState().catch(() => undefined))
    this.every(SWEEP_MS, () => store.sweep())
    this.inboxLoop = this.listen()
    // Offers that waited for this instance while it was away.
    await clock.track(this.drain())
  }

  async stop(): Promise<void> {
    this.running = false
    for (const inbox of this.inboxes) if (LOCAL.get(inbox) === this) LOCAL.delete(inbox)
    for (const t of this.timers) this.options.clock.clearTimeout(t)
    this.timers.clear()
    for (const i of this.intervals) clearInterval(i)
    this.options.inbox.disconnect()
    await this.inboxLoop
    await this.options.callbacks?.close()
  }

  async enqueue(request: { call: Call; queue: string; caller: CallerContext; options?: WaitOptions }): Promise<QueueResult> {
    const settings = this.settings.get(request.queue)
    if (!settings) {
      request.call.log.error({ queue: request.queue }, 'queue: no such queue configured')
      return { result: 'timeout' }
    }
    const waiter = new Waiter(request.call, settings, request.caller, {
      instance: this.instance,
      store: this.options.store,
      prompts: this.options.prompts,
      recorder: this.options.recorder,
      register: this.options.register,
      clock: this.options.clock,
      enqueue: (call, queue, caller) => this.enqueue({ call, queue, caller }),
      wrapUpUntil: (agent, at) => this.endWrapUpAt(agent, at),
      done: (entry) => this.waiters.delete(entry),
      conversations: this.options.conversations,
      lines: this.options.lines,
      talks: this.options.talks,
      transfer: this.options.transfer,
    }, request.options)
    this.waiters.set(waiter.entry, waiter)
    return waiter.run()
  }

  /** Redis lost its data: puts this instance's callers back, in their order, with the agents their calls hold. */
  async reassertCalls(): Promise<number> {
    const waiters = [...this.waiters.values()]
    for (const w of waiters) await w.reassert()
    return waiters.length
  }

  /** Offers are waiting in this instance's inbox: take them now. */
  wake(): void {
    void this.options.clock.track(this.drain())
  }

  private handle(offer: Offer): void {
    if (offer.kind === 'callback') {
      if (this.options.callbacks) this.options.callbacks.take(offer)
      else this.options.log.error({ offer }, 'queue: a callback offer reached an instance that does not dial callbacks')
      return
    }
    const waiter = this.waiters.get(offer.entry)
    if (waiter) return waiter.offered(offer)
    // The caller is gone from here (hung up a moment ago, or this instance restarted).
    this.options.log.info({ entry: offer.entry, queue: offer.queue }, 'queue: offer for a caller no longer here')
    void this.options.clock.track(this.options.store.offerResult(offer.entry, { outcome: 'gone' }, 0))
  }

  private async drain(): Promise<void> {
    if (this.draining) {
      this.drainAgain = true
      return this.draining
    }
    this.draining = (async () => {
      do {
        this.drainAgain = false
        for (const inbox of this.inboxes) for (const offer of await this.options.store.takeOffers(inbox)) this.handle(offer)
      } while (this.drainAgain)
    })().finally(() => (this.draining = undefined))
    return this.draining
  }

  private async listen(): Promise<void> {
    const { store, inbox, log } = this.options
    while (this.running) {
      try {
        const offer = await store.nextOffer(inbox, this.inboxes, 1)
        if (offer) this.handle(offer)
      } catch (err) {
        if (!this.running) return
        log.warn({ err: (err as Error).message }, 'queue: inbox read failed; retrying')
        await new Promise((r) => setTimeout(r, 500))
      }
    }
  }

  /** A call's disposition is saved: the agent's wrap-up, if it waited for it, ends (now or at its usual end). */
  async dispositionSaved(agent: string, call: string): Promise<void> {
    const at = await this.options.store.dispositionSaved(agent, call)
    if (at > 0) this.endWrapUpAt(agent, at)
  }

  private endWrapUpAt(agent: string, at: number): void {
    const { clock, store } = this.options
    const t = clock.setTimeout(() => {
      this.timers.delete(t)
      void clock.track(store.wrapDone(agent))
    }, at - clock.now())
    this.timers.add(t)
  }

  private every(ms: number, work: () => Promise<unknown>): void {
    const { log } = this.options
    const i = setInterval(() => {
      if (this.running) work().catch((err: unknown) => log.warn({ err: (err as Error).message }, 'queue: periodic work failed'))
    }, ms)
    i.unref()
    this.intervals.push(i)
  }
}
