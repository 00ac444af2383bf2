/**
 * One caller waiting in a queue, on the instance that holds their call: hold music, their
 * place and the expected wait every so often, keys for a message or a callback, and, when
 * the shared queue offers them an agent, ringing that agent and bridging (connect-agent.ts).
 * What the queue decides (who is next, which agent) is in Redis (store.ts); this is what the
 * caller hears.
 */
import { randomUUID } from 'node:crypto'
import type { CallRegister } from '../calls/call-register.js'
import type { ConversationBooks, Conversations } from '../calls/conversations.js'
import type { Call } from '../esl/call.js'
import { CallEnded, isOk } from '../esl/results.js'
import type { PromptLibrary } from '../ivr/prompts.js'
import type { CallRecorder } from '../recording/recorder.js'
import type { OperatorLine } from '../lines/operator-lines.js'
import type { Talks } from '../lines/talks.js'
import type { CallerContext } from '../routing/router.js'
import type { Clock } from '../time/clock.js'
import { announcement } from './announcement.js'
import type { QueueAction, QueueSettings } from './config.js'
import { connectAgent } from './connect-agent.js'
import type { Caller, Offer, QueueStore } from './store.js'
import type { TransferConfig } from './transfer.js'

export type QueueResult = { result: 'answered' | 'abandoned' | 'overflow' | 'callback' | 'voicemail' | 'timeout'; agentId?: string }

/** How a caller waits, when not the queue's usual way. */
export interface WaitOptions {
  /** Give up after this long instead of the queue's longest wait, and return 'timeout' to the caller's code. */
  maxWaitMs?: number
  /** No greeting, no announcements, no keys: someone the dialer called, who must reach a person at once. */
  silent?: boolean
  /** Told the moment an agent answers (the dialer counts the call as connected from then). */
  onAnswered?: (agent: string) => void
  /** More to close when the conversation ends without this process (a campaign attempt). */
  books?: Pick<ConversationBooks, 'attempt'>
}

export interface WaiterContext {
  instance: string
  store: QueueStore
  prompts: PromptLibrary
  recorder: CallRecorder
  register: CallRegister
  clock: Clock
  /** Waits in another queue (an overflow action). */
  enqueue(call: Call, queue: string, caller: CallerContext): Promise<QueueResult>
  /** Called when the agent's wrap-up should end (the service keeps the timer). */
  wrapUpUntil(agent: string, at: number): void
  /** Forget this waiter (its call is settled). */
  done(entry: string): void
  /** Where a conversation's books wait, should this process go before it ends. */
  conversations?: Conversations
  /** Operators' open lines (src/lines): an agent with one is joined, not rung. */
  lines?: { lineOf(agent: string): Promise<OperatorLine | undefined>; close(agent: string): Promise<void> }
  /** Who each agent talks to, for the console's buttons and supervisors (src/lines/talks.ts). */
  talks?: Talks
  /** Operators may transfer their customer on (src/queue/transfer.ts): how a number is dialled. */
  transfer?: TransferConfig
}

/** Every prompt a waiting caller may hear: each must exist in the languages callers wait in. */
export const QUEUE_PROMPTS = [
  'queue-hold',
  'queue-position',
  'queue-wait-minutes',
  'queue-press-voicemail',
  'queue-press-callback',
  'queue-callback-confirmed',
  'queue-no-agents',
  'queue-max-wait',
  'record-after-beep',
  'message-saved',
  'goodbye',
]

export class Waiter {
  readonly entry = randomUUID()
  /** Ringing the agent(s) of an offer, from the moment it arrives. */
  private connecting: Promise<QueueResult | undefined> | undefined
  private nextOffer: Offer | undefined
  private playing: Promise<unknown> | undefined
  private settled = false
  private enteredAt = 0
  /** Arrival number and time in the shared queue, to be put back with them if Redis loses its data. */
  private arrival: { seq: number; enqueuedAt: number } | undefined
  /** Agents being rung for this caller, and who answered. */
  private ringing: { agents: string[]; answeredBy?: string } | undefined

  constructor(
    private readonly call: Call,
    private readonly queue: QueueSettings,
    private readonly caller: CallerContext,
    private readonly ctx: WaiterContext,
    private readonly options: WaitOptions = {},
  ) {}

  /**
   * The shared queue chose an agent for this caller: ring them at once. Whatever plays is
   * cut short and the bridge queued right behind it, so the caller hears no gap.
   */
  offered(offer: Offer): void {
    if (this.settled) {
      void this.ctx.clock.track(this.ctx.store.offerResult(offer.entry, { outcome: 'gone' }, this.slMs))
      return
    }
    // A missed offer puts the caller back in line, and the next offer may come before the
    // last ring has been wound up: it waits its turn.
    if (this.connecting) this.nextOffer = offer
    else this.connecting = this.connect(offer)
  }

  /**
   * Redis lost its data (restarted empty): put this caller back as they were, in line with
   * their arrival number, or with the agents their call holds.
   */
  async reassert(): Promise<void> {
    if (this.settled || !this.arrival) return
    const { store } = this.ctx
    if (this.ringing) await store.reassertOffer(this.asCaller(), this.arrival, this.ringing.agents, this.ringing.answeredBy)
    else if (!this.connecting) await store.enqueue(this.asCaller(), this.arrival)
  }

  private asCaller(): Caller {
    return {
      entry: this.entry,
      queue: this.queue.name,
      call: this.call.uuid,
      instance: this.ctx.instance,
      number: this.caller.number,
      language: this.caller.language,
      clientType: this.caller.clientType ?? '',
      vip: this.caller.vip,
      kind: 'call',
      agent: this.caller.agent,
    }
  }

  private waitedMs(): number {
    return Math.round(this.ctx.clock.now() - this.enteredAt)
  }

  private get slMs(): number {
    return this.queue.serviceLevelSeconds * 1000
  }

  private get log() {
    return this.call.log
  }

  async run(): Promise<QueueResult> {
    try {
      return await this.wait()
    } finally {
      // An offer that races with the end is answered 'gone' by offered() from now on.
      this.settled = true
      this.ctx.done(this.entry)
    }
  }

  private async wait(): Promise<QueueResult> {
    const { call, queue, ctx } = this
    const { store, clock, register } = ctx
    this.enteredAt = clock.now()
    register.facts(call.uuid, { queue: queue.name, queueEnteredAt: new Date(this.enteredAt), queueOutcome: null, answeredBy: null, queueWaitMs: null })
    const { position, staffed, seq } = await store.enqueue(this.asCaller())
    this.arrival = { seq, enqueuedAt: Math.round(this.enteredAt) }
    this.log.info({ queue: queue.name, entry: this.entry, position, staffed, vip: this.caller.vip }, 'queue: caller waiting')
    const giveUp = this.options.maxWaitMs !== undefined
    if (position > 0 && staffed === 0) {
      const left = await store.leave(this.entry, 'overflowed')
      if (left === 'waiting') return giveUp ? this.timedOut('no-agents') : this.act(queue.onNoAgents, 'no-agents')
    }
    // The queue's keys end any prompt or music; set once, so each playback is one command
    // and nothing can slip in between a break and the bridge queued behind it.
    await call.set('playback_terminators', this.keys === '' ? 'none' : this.keys)
    // While an agent's phone rings, the caller goes on hearing the music.
    await call.setRingback(queue.music)
    const deadline = this.enteredAt + (this.options.maxWaitMs ?? queue.maxWaitSeconds * 1000)
    const every = this.options.silent ? 0 : queue.announceEverySeconds * 1000
    let nextAnnouncement = 0
    let greeted = this.options.silent === true
    for (;;) {
      if (this.connecting) {
        const r = await this.connecting
        const next = this.nextOffer
        this.nextOffer = undefined
        this.connecting = next && !r ? this.connect(next) : undefined
        if (next && r) void ctx.clock.track(store.offerResult(next.entry, { outcome: 'gone' }, this.slMs))
        if (r) return r
        continue
      }
      if (call.ended) return this.leave('abandoned')
      if (!greeted) {
        greeted = true
        const r = await this.onKey(await this.play(['queue-hold']))
        if (r) return r
        continue
      }
      const now = clock.now()
      if (now >= deadline) {
        if (giveUp) {
          if ((await store.leave(this.entry, 'overflowed')) !== 'waiting') continue
          return this.timedOut('max-wait')
        }
        if (queue.onMaxWait === 'callback') {
          if ((await store.toCallback(this.entry)) === 'waiting') return this.confirmCallback()
          continue
        }
        const left = await store.leave(this.entry, 'overflowed')
        if (left !== 'waiting') continue // an agent is being rung for this caller right now
        return this.act(queue.onMaxWait, 'max-wait')
      }
      if (every > 0 && now >= nextAnnouncement) {
        nextAnnouncement = now + every
        const r = await this.onKey(await this.announce())
        if (r) return r
        continue
      }
      const until = Math.min(deadline, every > 0 ? nextAnnouncement : deadline)
      const r = await this.onKey(await this.music(until - now))
      if (r) return r
    }
  }

  /** A queue key pressed during music or a prompt: a message, or a callback that keeps the place. */
  private async onKey(key: string | undefined): Promise<QueueResult | undefined> {
    const action = key ? this.queue.keys[key] : undefined
    if (action === 'voicemail') {
      if ((await this.ctx.store.leave(this.entry, 'voicemail')) === 'waiting') return this.voicemail()
    } else if (action === 'callback') {
      if ((await this.ctx.store.toCallback(this.entry)) === 'waiting') return this.confirmCallback()
    }
    return undefined
  }

  /** Rings the offered agent(s) (connect-agent.ts); the result when the call is settled, or undefined to wait on. */
  private connect(offer: Offer): Promise<QueueResult | undefined> {
    return connectAgent(offer, {
      entry: this.entry,
      call: this.call,
      queue: this.queue,
      caller: this.caller,
      ctx: this.ctx,
      options: this.options,
      enteredAt: () => this.enteredAt,
      waitedMs: () => this.waitedMs(),
      playing: () => this.playing,
      stopPlaying: (p, alreadyBroken) => this.stopPlaying(p, alreadyBroken),
      setRinging: (ringing) => (this.ringing = ringing),
      settle: () => (this.settled = true),
      abandoned: () => this.abandoned(),
      timedOut: (why) => this.timedOut(why),
    })
  }

  private async leave(counter: 'abandoned'): Promise<QueueResult> {
    // If an offer is on its way ('offered'), offered() answers it 'gone' once this waiter is settled.
    await this.ctx.store.leave(this.entry, counter)
    return this.abandoned()
  }

  private abandoned(): QueueResult {
    this.ctx.register.facts(this.call.uuid, { queueOutcome: 'abandoned', queueWaitMs: this.waitedMs() })
    return { result: 'abandoned' }
  }

  /** The wait ran out for a caller whose own code decides what follows. */
  private timedOut(why: 'no-agents' | 'max-wait'): QueueResult {
    this.ctx.register.facts(this.call.uuid, { queueOutcome: why, queueWaitMs: this.waitedMs() })
    return { result: 'timeout' }
  }

  /** What the queue does when nobody is logged in or the wait ran out. */
  private async act(action: QueueAction, why: 'no-agents' | 'max-wait'): Promise<QueueResult> {
    const { call, ctx } = this
    const waited = this.waitedMs()
    this.log.info({ queue: this.queue.name, action, why, waitedMs: waited }, 'queue: leaving the queue')
    ctx.register.facts(call.uuid, { queueOutcome: why === 'no-agents' ? 'no-agents' : 'max-wait', queueWaitMs: waited })
    if (typeof action === 'object') {
      this.settled = true
      return ctx.enqueue(call, action.queue, this.caller)
    }
    await this.play([why === 'no-agents' ? 'queue-no-agents' : 'queue-max-wait'], false)
    if (action === 'voicemail') return this.voicemail()
    if (action === 'callback') {
      // Nobody to keep a place for: the callback joins the queue now, at its end.
      const { position } = await ctx.store.enqueue({
        entry: randomUUID(),
        queue: this.queue.name,
        call: '',
        instance: 'callbacks',
        number: this.caller.number,
        language: this.caller.language,
        clientType: this.caller.clientType ?? '',
        vip: this.caller.vip,
        kind: 'callback',
      })
      this.log.info({ position }, 'queue: callback requested')
      return this.confirmCallback()
    }
    await this.play(['goodbye'], false)
    return { result: 'timeout' }
  }

  private async voicemail(): Promise<QueueResult> {
    const { call, ctx } = this
    const greeting = ctx.prompts.file(this.caller.language, 'record-after-beep')
    const r = await ctx.recorder.takeMessage(call, { greeting, beep: true, maxSeconds: 120, silenceSeconds: 5 })
    ctx.register.facts(call.uuid, { queueOutcome: 'voicemail', queueWaitMs: this.waitedMs() })
    if (!(r instanceof CallEnded) && !r.hungUp) await this.play(['message-saved'], false)
    return { result: 'voicemail' }
  }

  private async confirmCallback(): Promise<QueueResult> {
    this.ctx.register.facts(this.call.uuid, { queueOutcome: 'callback', queueWaitMs: this.waitedMs() })
    await this.play(['queue-callback-confirmed'], false)
    return { result: 'callback' }
  }

  /** Place in the queue, the expected wait, and the keys the caller may press. */
  private async announce(): Promise<string | undefined> {
    const ids = await announcement(this.ctx.store, this.ctx.prompts, this.queue, this.entry, this.caller.language)
    return ids ? this.play(ids) : undefined
  }

  /**
   * Plays prompts; an offer cuts them short unless `breakable` is false, and so does one of
   * the queue's keys (returned).
   */
  private async play(ids: string[], breakable = true): Promise<string | undefined> {
    // Once an agent is being rung, nothing new may be queued behind the bridge.
    if (breakable && this.connecting) return undefined
    const file = this.ctx.prompts.playlist(this.caller.language, ids)
    const p = breakable ? this.call.playback(file) : this.call.playback(file, { terminators: 'none' })
    if (breakable) this.playing = p
    const r = await p
    if (this.playing === p) this.playing = undefined
    return isOk(r) ? r.terminator : undefined
  }

  private get keys(): string {
    return this.options.silent ? '' : Object.keys(this.queue.keys).join('')
  }

  /** Hold music for up to `ms`; returns the key pressed, if one of the queue's keys stopped it. */
  private async music(ms: number): Promise<string | undefined> {
    if (this.connecting) return undefined
    const { clock } = this.ctx
    const p = this.call.playback(this.queue.music)
    const timer = clock.setTimeout(() => void this.stopPlaying(p), Math.max(0, ms))
    this.playing = p
    const r = await p
    clock.clearTimeout(timer)
    if (this.playing === p) this.playing = undefined
    return isOk(r) ? r.terminator : undefined
  }

  /**
   * Stops what plays. FreeSWITCH may not have started the playback the break is meant for,
   * so it is repeated until the playback has ended.
   */
  private async stopPlaying(p: Promise<unknown>, alreadyBroken = false): Promise<void> {
    let stopped = false
    void p.then(() => (stopped = true))
    for (let i = 0; i < 20 && !stopped && !this.call.ended; i++) {
      if (i > 0 || !alreadyBroken) await this.call.api(`uuid_break ${this.call.uuid}`)
      await Promise.race([p, this.ctx.clock.sleep(250)])
    }
  }
}
