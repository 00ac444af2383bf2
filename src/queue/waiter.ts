/**
 * One caller waiting in a queue, on the instance that holds their call: hold music, their
 * place and the expected wait every so often, keys for a message or a callback, and, when
 * the shared queue offers them an agent, ringing that agent and bridging. What the queue
 * decides (who is next, which agent) is in Redis (store.ts); this is what the caller hears.
 */
import { randomUUID } from 'node:crypto'
import type { CallRegister } from '../calls/call-register.js'
import type { ConversationBooks, Conversations } from '../calls/conversations.js'
import { UnsafeCommandError } from '../esl/commands.js'
import type { Call } from '../esl/call.js'
import { CallEnded, isOk } from '../esl/results.js'
import type { PromptLibrary } from '../ivr/prompts.js'
import type { CallRecorder } from '../recording/recorder.js'
import type { OperatorLine } from '../lines/operator-lines.js'
import type { Talks } from '../lines/talks.js'
import type { CallerContext } from '../routing/router.js'
import type { Clock } from '../time/clock.js'
import { agentsDialString } from './agent-dial.js'
import { announcement } from './announcement.js'
import type { QueueAction, QueueSettings } from './config.js'
import type { Caller, Offer, QueueStore } from './store.js'
import { carryOut, followTransfer, type TransferConfig } from './transfer.js'

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

  /** Rings the offered agent(s); returns the result when the call is settled, or undefined to wait on. */
  private async connect(offer: Offer): Promise<QueueResult | undefined> {
    const { call, queue, ctx } = this
    const { store, clock, register } = ctx
    // An operator whose line is open takes the caller into it: no ring, no dial string.
    const line = offer.agents.length === 1 ? await ctx.lines?.lineOf(offer.agents[0]!.id) : undefined
    const playing = this.playing
    // Not `uuid_break ... all`: that would also drop the bridge queued behind the music.
    if (playing) void call.api(`uuid_break ${call.uuid}`)
    const ringAt = new Date(clock.now()).toISOString()
    if (call.ended) {
      await store.offerResult(this.entry, { outcome: 'gone' }, this.slMs)
      return this.abandoned()
    }
    const byLeg = new Map<string, string>()
    if (line) byLeg.set(line.uuid, line.agent)
    const dial = line ? '' : this.dialFor(offer, byLeg)
    if (dial === undefined) {
      await store.offerResult(this.entry, { outcome: 'missed' }, this.slMs)
      return undefined
    }
    for (const a of offer.agents) register.offer(call.uuid, { agent: a.id, at: ringAt, result: 'ringing' })
    this.ringing = { agents: offer.agents.map((a) => a.id) }
    this.log.info({ queue: queue.name, agents: offer.agents.map((a) => a.id), line: line?.uuid }, line ? 'queue: joining the agent’s open line' : 'queue: ringing agent')
    // A caller who must reach a person by a deadline (a campaign contact, the 2-second rule)
    // does not wait out an agent's ringing phone: at the deadline the ring is cancelled.
    let cutShort = false
    const giveUpAt = this.options.maxWaitMs === undefined ? undefined : this.enteredAt + this.options.maxWaitMs
    const cancel =
      giveUpAt === undefined
        ? undefined
        : clock.setTimeout(() => {
            if (answered) return
            cutShort = true
            this.log.info({ queue: queue.name, agents: offer.agents.map((a) => a.id), waitedMs: this.waitedMs() }, 'queue: deadline reached while the agent’s phone rang; cancelling the ring')
            for (const uuid of byLeg.keys()) void call.api(`uuid_kill ${uuid} ORIGINATOR_CANCEL`)
          }, Math.max(0, giveUpAt - clock.now()))

    let answered: { agent: string; at: number; books: ConversationBooks; recorded: Promise<unknown> } | undefined
    const onBridge = (other: string | undefined): void => {
      if (answered) return
      const agent = (other && byLeg.get(other)) ?? (offer.agents.length === 1 ? offer.agents[0]!.id : undefined)
      if (!agent) return
      const at = clock.now()
      const books: ConversationBooks = { answeredAt: at, agent, queue: { entry: this.entry, wrapUpMs: queue.wrapUpSeconds * 1000 }, ...this.options.books }
      answered = {
        agent,
        at,
        books,
        recorded: clock.track(
          Promise.all([
            store.offerResult(this.entry, { outcome: 'answered', agent }, this.slMs),
            ctx.conversations?.begin(call.uuid, books),
            ctx.talks?.began({ agent, call: call.uuid, leg: other ?? '', room: line?.room ?? '', music: queue.music, since: at }),
          ]),
        ),
      }
      this.ringing = { agents: [agent], answeredBy: agent }
      const waited = Math.round(answered.at - this.enteredAt)
      register.facts(call.uuid, { answeredBy: agent, queueWaitMs: waited, queueOutcome: 'answered' })
      for (const a of offer.agents) register.offer(call.uuid, { agent: a.id, at: ringAt, result: a.id === agent ? 'answered' : 'lost' })
      this.log.info({ queue: queue.name, agent, waitedMs: waited }, 'queue: agent answered')
      this.options.onAnswered?.(agent)
    }
    call.on('bridge', onBridge)
    const bridging = line ? call.joinLine(line.room, line.uuid) : call.bridge(dial, { ringback: queue.music })
    if (playing) void this.stopPlaying(playing, true)
    const r = await bridging
    if (cancel !== undefined) clock.clearTimeout(cancel)
    call.off('bridge', onBridge)
    this.ringing = undefined
    if (!answered && isOk(r) && r.ok) onBridge(r.completion.event.variable('bridge_uuid') ?? r.completion.event.variable('last_bridge_to'))
    if (answered) {
      // The operator may hand the customer on (src/queue/transfer.ts): a consult happens here,
      // the customer still theirs; where the customer goes next, once their books are closed.
      const onward = ctx.transfer && !(r instanceof CallEnded) ? await followTransfer(call, { music: queue.music, queue: queue.name, agent: answered.agent, clock }) : undefined
      await answered.recorded
      if (!call.isDetached) await ctx.talks?.ended(answered.agent, call.uuid)
      if (call.isDetached && ctx.conversations) {
        // The conversation goes on without our socket: its end closes the books, not us.
        ctx.conversations.detached(call.uuid, answered.books)
        return { result: 'answered', agentId: answered.agent }
      }
      // Taken over by another process (this one looked gone): it closes the books.
      if (ctx.conversations && !(await ctx.conversations.end(call.uuid))) return { result: 'answered', agentId: answered.agent }
      const talkMs = clock.now() - answered.at
      const wrapUntil = await store.callEnded(this.entry, answered.agent, talkMs, queue.wrapUpSeconds * 1000)
      if (wrapUntil > 0) ctx.wrapUpUntil(answered.agent, wrapUntil)
      this.log.info({ queue: queue.name, agent: answered.agent, talkMs }, 'queue: call with agent ended')
      // A logout asked for during the call took effect at its end: the open line goes with it.
      if (line && (await store.agent(answered.agent))?.state === 'logged-out') await ctx.lines?.close(answered.agent)
      if (onward && ctx.transfer) {
        this.settled = true
        return carryOut(onward, { call, caller: this.caller, queue, ctx, config: ctx.transfer })
      }
      return { result: 'answered', agentId: answered.agent }
    }
    if (r instanceof CallEnded || call.ended) {
      for (const a of offer.agents) register.offer(call.uuid, { agent: a.id, at: ringAt, result: 'caller-hangup' })
      await store.offerResult(this.entry, { outcome: 'gone' }, this.slMs)
      return this.abandoned()
    }
    if (cutShort) {
      // Not the agent's miss: the caller's time ran out.
      for (const a of offer.agents) register.offer(call.uuid, { agent: a.id, at: ringAt, result: 'cancelled:deadline' })
      await store.offerResult(this.entry, { outcome: 'gone' }, this.slMs)
      return this.timedOut('max-wait')
    }
    const cause = isOk(r) ? r.cause : 'FAILED'
    for (const a of offer.agents) register.offer(call.uuid, { agent: a.id, at: ringAt, result: `missed:${cause}` })
    this.log.info({ queue: queue.name, agents: offer.agents.map((a) => a.id), cause }, 'queue: agent did not take the call')
    await store.offerResult(this.entry, { outcome: 'missed' }, this.slMs)
    return undefined
  }

  /** The agents' phones rung together, each leg named so the one that answers is known. */
  private dialFor(offer: Offer, byLeg: Map<string, string>): string | undefined {
    try {
      return agentsDialString(offer, this.queue, this.caller.number, byLeg)
    } catch (err) {
      if (!(err instanceof UnsafeCommandError)) throw err
      this.log.error({ err: err.message, agents: offer.agents.map((a) => a.id) }, 'queue: an agent endpoint cannot be dialled')
      return undefined
    }
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
