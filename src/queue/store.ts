/**
 * Typed access to the queues' shared state in Redis. Every change is one Lua script
 * (scripts.ts), atomic across app instances; reads are plain commands. Times come from the
 * app's clock, so the same state runs in simulated time.
 */
import type { Redis } from 'ioredis'
import type { Clock } from '../time/clock.js'
import { SCRIPTS, type ScriptName } from './scripts.js'
import type { QueueSettings } from './config.js'

export type AgentState = 'logged-out' | 'available' | 'ringing' | 'in-call' | 'wrap-up' | 'paused'
export const AGENT_STATES: readonly AgentState[] = ['logged-out', 'available', 'ringing', 'in-call', 'wrap-up', 'paused']

/** An offer: a caller (or a callback) and the agent(s) to ring for them. */
export interface Offer {
  entry: string
  queue: string
  /** The caller's channel; empty for a callback. */
  call: string
  kind: 'call' | 'callback'
  number: string
  agents: Array<{ id: string; endpoint: string }>
}

export interface AgentSnapshot {
  id: string
  name: string
  state: AgentState
  /** Since when, ms. */
  since: number
  reason: string
  endpoint: string
  queues: string[]
  languages: string[]
  clientTypes: string[]
  /** A pause or logout waiting for the current call to end. */
  pending: string
  /** Calls since login, and misses in a row. */
  calls: number
  missed: number
  /** In wrap-up: the call whose disposition it waits for ('' for none), and until when at most (ms). */
  awaiting?: string
  wrapUntil?: number
}

export interface QueueDay {
  entered: number
  answered: number
  answeredInSL: number
  answerWaitMs: number
  abandoned: number
  abandonedWaitMs: number
  overflowed: number
  voicemail: number
  callbacks: number
  lost: number
  /** Calls with an agent that have ended, and their talk time. */
  handled: number
  talkMs: number
}

export interface AgentDay {
  calls: number
  talkMs: number
  idleMs: number
  missed: number
}

export interface Caller {
  entry: string
  queue: string
  call: string
  instance: string
  number: string
  language: string
  clientType: string
  vip: boolean
  kind: 'call' | 'callback'
  /** The agent this caller should reach when free (a callback agreed with them); anyone free otherwise. */
  agent?: string
}

export type OfferOutcome = { outcome: 'answered'; agent: string } | { outcome: 'missed' } | { outcome: 'gone' }

type Scripted = Redis & Record<ScriptName, (...args: Array<string | number>) => Promise<unknown>>

/** Heartbeats older than this mark an instance as gone, its callers with it. */
export const INSTANCE_TTL_MS = 30_000

export class QueueStore {
  private readonly redis: Scripted

  constructor(
    redis: Redis,
    readonly prefix: string,
    private readonly clock: Clock,
  ) {
    for (const [name, lua] of Object.entries(SCRIPTS)) {
      if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: 0, lua })
    }
    this.redis = redis as Scripted
  }

  key(...parts: string[]): string {
    return [this.prefix, ...parts].join(':')
  }

  /** Whole milliseconds: the scripts count with integers. */
  private now(): number {
    return Math.round(this.clock.now())
  }

  /** The day counters are kept by: the UTC date. */
  day(at = this.now()): string {
    return new Date(at).toISOString().slice(0, 10)
  }

  /**
   * Told which instances a change just made offers for: one living in this process is woken
   * at once rather than through Redis.
   */
  onOffers: (instances: string[]) => void = () => {}

  private async run<T>(name: ScriptName, ...args: Array<string | number>): Promise<T> {
    const [result, offered] = (await this.clock.track(this.redis[name](this.prefix, ...args) as Promise<[T, string]>))
    if (offered) this.onOffers(offered.split(','))
    return result
  }

  /** Writes the queues' settings; every instance does at start (the same file, the same values). */
  async configure(queues: QueueSettings[]): Promise<void> {
    const m = this.redis.multi()
    for (const q of queues) {
      m.sadd(this.key('queues'), q.name)
      m.hset(this.key('q', q.name, 'cfg'), {
        strategy: q.strategy,
        ringTimeoutMs: q.ringTimeoutSeconds * 1000,
        maxMissed: q.maxMissedOffers,
        wrapUpMs: q.wrapUpSeconds * 1000,
        dispMs: q.dispositionMaxSeconds * 1000,
        slMs: q.serviceLevelSeconds * 1000,
      })
    }
    await this.clock.track(m.exec())
  }

  /** One queue's changed settings, applied atomically (see APPLY_QUEUE). */
  applyQueue(q: QueueSettings): Promise<number> {
    return this.run('ccApplyQueue', this.now(), this.day(), INSTANCE_TTL_MS, q.name, q.strategy, q.ringTimeoutSeconds * 1000, q.maxMissedOffers, q.wrapUpSeconds * 1000, q.dispositionMaxSeconds * 1000, q.serviceLevelSeconds * 1000)
  }

  forgetQueue(name: string): Promise<number> {
    return this.run('ccForgetQueue', name)
  }

  /** The queues an agent serves changed; their state stays (see REQUEUE). */
  requeue(agent: string, queues: string[]): Promise<number> {
    return this.run('ccRequeue', this.now(), this.day(), INSTANCE_TTL_MS, agent, queues.join(','))
  }

  heartbeat(instance: string): Promise<unknown> {
    return this.run('ccHeartbeat', instance)
  }

  /** Puts a caller in line; `again` puts back one Redis lost, with their arrival number and time. */
  async enqueue(c: Caller, again?: { seq: number; enqueuedAt: number }): Promise<{ position: number; staffed: number; seq: number }> {
    const [position, staffed, seq] = await this.run<[number, number, number]>(
      'ccEnqueue', this.now(), this.day(), INSTANCE_TTL_MS, c.queue, c.entry, c.call, c.instance, c.number, c.language, c.clientType, c.vip ? 0 : 1, c.kind,
      ...(again ? [again.seq, again.enqueuedAt] : ['', '']), c.agent ?? '',
    )
    return { position, staffed, seq }
  }

  /** After a loss of Redis data: a caller of this instance whose agent(s) are being rung, or talking to them. */
  reassertOffer(c: Caller, again: { seq: number; enqueuedAt: number }, agents: string[], answeredBy: string | undefined): Promise<number> {
    return this.run(
      'ccReassertOffer', this.now(), this.day(), c.entry, c.queue, c.call, c.instance, c.number, c.language, c.clientType, c.vip ? 0 : 1, c.kind,
      again.seq, again.enqueuedAt, agents.join(','), answeredBy ?? '',
    )
  }

  /** Marks Redis as holding the queues' state: false when it already did (nothing was lost). */
  async markEpoch(epoch: string): Promise<boolean> {
    return (await this.run<number>('ccMarkEpoch', epoch)) === 1
  }

  async hasEpoch(): Promise<boolean> {
    return (await this.clock.track(this.redis.exists(this.key('epoch')))) === 1
  }

  /** Place in the queue (1 = next), 0 when not waiting (being offered, answered, gone). */
  async position(entry: string): Promise<{ position: number; state: string }> {
    const [position, state] = await this.run<[number, string]>('ccPosition', entry)
    return { position, state }
  }

  /** The caller left while waiting; `counter` says why (abandoned, overflowed, voicemail ...). */
  leave(entry: string, counter: 'abandoned' | 'overflowed' | 'voicemail' | 'hangup'): Promise<'waiting' | 'offered' | 'bridged' | 'gone'> {
    return this.run('ccLeave', this.now(), this.day(), entry, counter)
  }

  toCallback(entry: string): Promise<string> {
    return this.run('ccToCallback', this.day(), entry)
  }

  offerResult(entry: string, result: OfferOutcome, serviceLevelMs: number): Promise<number> {
    return this.run('ccOfferResult', this.now(), this.day(), INSTANCE_TTL_MS, entry, result.outcome, result.outcome === 'answered' ? result.agent : '', serviceLevelMs)
  }

  /** Returns when the agent's wrap-up ends (ms), or 0 when they are not in wrap-up. */
  callEnded(entry: string, agent: string, talkMs: number, wrapUpMs: number): Promise<number> {
    return this.run('ccCallEnded', this.now(), this.day(), INSTANCE_TTL_MS, entry, agent, Math.max(0, Math.round(talkMs)), wrapUpMs)
  }

  /**
   * The disposition of the agent's call `call` is saved: a wrap-up waiting for it ends (at
   * once, or when wrapUpSeconds is over: returns then, ms; 0 when there is nothing to wait
   * for); saved during the call, the wrap-up will not wait for it.
   */
  dispositionSaved(agent: string, call: string): Promise<number> {
    return this.run('ccDispositionSaved', this.now(), this.day(), INSTANCE_TTL_MS, agent, call)
  }

  wrapDone(agent: string): Promise<number> {
    return this.run('ccWrapDone', this.now(), this.day(), INSTANCE_TTL_MS, agent)
  }

  /** Logs an agent in, available; or paused with `pausedFor` as the reason (a rebuild). */
  login(agent: { id: string; name: string; endpoint: string; languages: string[]; clientTypes: string[]; queues: string[] }, pausedFor = ''): Promise<AgentState> {
    return this.run(
      'ccLogin', this.now(), this.day(), INSTANCE_TTL_MS, agent.id, agent.endpoint, agent.languages.join(','), agent.clientTypes.join(','), agent.queues.join(','), agent.name, pausedFor,
    )
  }

  async agentAction(agent: string, action: 'logout' | 'pause' | 'resume', reason = ''): Promise<{ state: AgentState | 'unknown'; pending: string }> {
    const [state, pending] = await this.run<[AgentState | 'unknown', string]>('ccAgentAction', this.now(), this.day(), INSTANCE_TTL_MS, agent, action, reason)
    return { state, pending }
  }

  /** Reserves an agent for a call routed straight to them (see AgentPresence). */
  reserveDirect(agent: string, token: string): Promise<'free' | 'reserved' | 'busy' | 'paused'> {
    return this.run('ccDirectReserve', this.now(), this.day(), agent, token)
  }

  directResult(agent: string, token: string, outcome: 'answered' | 'released' | 'ended', talkMs = 0): Promise<number> {
    return this.run('ccDirectResult', this.now(), this.day(), INSTANCE_TTL_MS, agent, token, outcome, Math.max(0, Math.round(talkMs)))
  }

  sweep(): Promise<number> {
    return this.run('ccSweep', this.now(), this.day(), INSTANCE_TTL_MS)
  }

  /** Waits up to `timeoutSeconds` for the next offer in these inboxes (needs its own connection). */
  async nextOffer(conn: Redis, inboxes: string[], timeoutSeconds: number): Promise<Offer | undefined> {
    const r = await conn.blpop(...inboxes.map((i) => this.key('inbox', i)), timeoutSeconds)
    return r ? (JSON.parse(r[1]) as Offer) : undefined
  }

  /** Takes every offer waiting in the instance's inbox. */
  async takeOffers(instance: string): Promise<Offer[]> {
    const items = await this.clock.track(this.redis.lpop(this.key('inbox', instance), 1000))
    return (items ?? []).map((x) => JSON.parse(x) as Offer)
  }

  // --- reads ---------------------------------------------------------------------------

  async agent(id: string): Promise<AgentSnapshot | undefined> {
    const h = await this.clock.track(this.redis.hgetall(this.key('a', id)))
    return h.state ? snapshot(h) : undefined
  }

  async agents(): Promise<AgentSnapshot[]> {
    const ids = (await this.clock.track(this.redis.smembers(this.key('agents')))).sort()
    const p = this.redis.pipeline()
    for (const id of ids) p.hgetall(this.key('a', id))
    const rows = ((await this.clock.track(p.exec())) ?? []).map(([, h]) => h as Record<string, string>)
    return rows.filter((h) => h.state).map(snapshot)
  }

  async queueNames(): Promise<string[]> {
    return (await this.clock.track(this.redis.smembers(this.key('queues')))).sort()
  }

  /** Callers waiting, and since when the longest-waiting one has been. */
  async waiting(queue: string): Promise<{ count: number; oldestSince: number | undefined }> {
    const p = this.redis.pipeline()
    p.zcard(this.key('q', queue, 'waiting'))
    p.zrange(this.key('q', queue, 'since'), 0, 0, 'WITHSCORES')
    const [[, count], [, oldest]] = (await this.clock.track(p.exec())) as [[null, number], [null, string[]]]
    return { count, oldestSince: oldest.length === 2 ? Number(oldest[1]) : undefined }
  }

  async members(queue: string): Promise<string[]> {
    return (await this.clock.track(this.redis.smembers(this.key('q', queue, 'members')))).sort()
  }

  async queueDay(queue: string, date = this.day()): Promise<QueueDay> {
    const h = await this.clock.track(this.redis.hgetall(this.key('q', queue, 'day', date)))
    const n = (k: string): number => Number(h[k] ?? 0)
    return {
      entered: n('entered'),
      answered: n('answered'),
      answeredInSL: n('answeredInSL'),
      answerWaitMs: n('answerWaitMs'),
      abandoned: n('abandoned'),
      abandonedWaitMs: n('abandonedWaitMs'),
      overflowed: n('overflowed'),
      voicemail: n('voicemail'),
      callbacks: n('callbacks'),
      lost: n('lost'),
      handled: n('handled'),
      talkMs: n('talkMs'),
    }
  }

  async agentDay(agent: string, date = this.day()): Promise<AgentDay> {
    const h = await this.clock.track(this.redis.hgetall(this.key('a', agent, 'day', date)))
    return { calls: Number(h.calls ?? 0), talkMs: Number(h.talkMs ?? 0), idleMs: Number(h.idleMs ?? 0), missed: Number(h.missed ?? 0) }
  }

  async entry(entry: string): Promise<Record<string, string>> {
    return this.clock.track(this.redis.hgetall(this.key('e', entry)))
  }
}

function snapshot(h: Record<string, string>): AgentSnapshot {
  const list = (s: string | undefined): string[] => (s ? s.split(',').filter(Boolean) : [])
  return {
    id: h.id ?? '',
    name: h.name ?? '',
    state: h.state as AgentState,
    since: Number(h.since ?? 0),
    reason: h.reason ?? '',
    endpoint: h.endpoint ?? '',
    queues: list(h.queues),
    languages: list(h.languages),
    clientTypes: list(h.clientTypes),
    pending: h.pending ?? '',
    calls: Number(h.calls ?? 0),
    missed: Number(h.missed ?? 0),
    awaiting: h.awaiting ?? '',
    wrapUntil: Number(h.wrapUntil ?? 0),
  }
}
