/**
 * Conversations that must outlive the process that connected them. When a caller is bridged
 * to a person, the books that close when they hang up (the call register's end, the agent's
 * state, a campaign attempt) are written to Redis. The process that holds the call closes
 * them as usual and forgets the record; if it loses the call's socket (a deploy, a crash),
 * FreeSWITCH keeps the conversation going (Call.bridge), and whichever live process finds the
 * record without a living owner takes it over, watches the channel's CHANNEL_HANGUP_COMPLETE
 * on its control connection, and closes the books then, exactly once.
 *
 * Keys (P = REDIS_PREFIX): P:conv:<call uuid> hash {owner, books}; P:convs set of call uuids;
 * P:owner:<process> a liveness key each process refreshes.
 */
import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { ControlClient, ControlEvent } from '../esl/control-client.js'
import { CommandFailed } from '../esl/results.js'
import type { Clock } from '../time/clock.js'
import { readLua } from '../redis/lua.js'
import type { CallRegister } from './call-register.js'

/** What closes when a conversation ends, beyond the call register's row. */
export interface ConversationBooks {
  /** When the person answered (the app clock's ms). */
  answeredAt: number
  /** The agent talking, if it is one of ours. */
  agent?: string
  /** A queue call: the caller's queue entry and the queue's wrap-up. */
  queue?: { entry: string; wrapUpMs: number }
  /** A person rung directly: the token that holds their state. */
  direct?: { token: string }
  /** A campaign call: its attempt. */
  attempt?: { campaignId: number; attemptId: number }
}

export interface ConversationEnd {
  endedAt: number
  cause: string
  talkMs: number
}

/** Closes one kind of book; every closer is asked, each looks at its own part. */
export type BookCloser = (callUuid: string, books: ConversationBooks, end: ConversationEnd) => Promise<void>

export interface ConversationsOptions {
  redis: Redis
  prefix: string
  clock: Clock
  log: Logger
  register: CallRegister
  controls: () => ControlClient[]
}

const lua = (name: string): string => readLua(import.meta.url, name)
const ADOPT = lua('adopt-conversation.lua')
const NOTE_END = lua('note-conversation-end.lua')
// Real time: liveness is about the process, not the app's clock.
const OWNER_TTL_MS = 15_000
const BEAT_MS = 5_000

type WithAdopt = Redis & {
  ccAdoptConversation(conv: string, ownerPrefix: string, owner: string): Promise<string | null>
  ccNoteConversationEnd(conv: string, end: string): Promise<number>
}

export class Conversations {
  /** This process, as an owner of conversations. */
  readonly owner = randomUUID()
  private readonly redis: WithAdopt
  private readonly closers: BookCloser[] = []
  /** Conversations this process took over (or lost the socket of), by call uuid, until they end. */
  private readonly watching = new Map<string, ConversationBooks>()
  /** Conversations this process holds the call of. */
  private readonly live = new Set<string>()
  private timer: NodeJS.Timeout | undefined
  private scanning: Promise<void> | undefined
  private subscribed = new WeakSet<ControlClient>()

  constructor(private readonly o: ConversationsOptions) {
    if (!('ccAdoptConversation' in o.redis)) o.redis.defineCommand('ccAdoptConversation', { numberOfKeys: 2, lua: ADOPT })
    if (!('ccNoteConversationEnd' in o.redis)) o.redis.defineCommand('ccNoteConversationEnd', { numberOfKeys: 1, lua: NOTE_END })
    this.redis = o.redis as WithAdopt
  }

  private key(...parts: string[]): string {
    return [this.o.prefix, ...parts].join(':')
  }

  onClose(closer: BookCloser): void {
    this.closers.push(closer)
  }

  /** Starts beating and looking for conversations left behind by processes that are gone. */
  async start(): Promise<void> {
    await this.beat()
    this.timer = setInterval(() => void this.beat().then(() => this.scan()).then(() => this.recheck()), BEAT_MS)
    this.timer.unref()
    this.watchControls()
    await this.scan()
  }

  /** A graceful stop: what this process still owns is for the others to take at once. */
  async stop(): Promise<void> {
    clearInterval(this.timer)
    await this.scanning
    await this.redis.del(this.key('owner', this.owner)).catch(() => undefined)
  }

  /** A caller was bridged to someone: their books, should this process not be there at the end. */
  async begin(callUuid: string, books: ConversationBooks): Promise<void> {
    this.live.add(callUuid)
    try {
      await this.o.clock.track(
        this.redis.multi().hset(this.key('conv', callUuid), { owner: this.owner, books: JSON.stringify(books) }).sadd(this.key('convs'), callUuid).exec(),
      )
    } catch (err) {
      this.o.log.warn({ call: callUuid, err: (err as Error).message }, 'conversation not recorded in Redis: it will not be closed if this process goes')
    }
  }

  /**
   * The conversation ended in this process's hands. True: this process closes the books; false:
   * another process took the conversation over (this one looked dead) and closes them.
   */
  private async end(callUuid: string): Promise<boolean> {
    this.live.delete(callUuid)
    const owner = await this.o.clock.track(this.redis.hget(this.key('conv', callUuid), 'owner')).catch(() => this.owner)
    if (owner !== null && owner !== this.owner) return false
    await this.o.clock.track(this.forget(callUuid)).catch(() => undefined)
    return true
  }

  /**
   * After a bridge with a person, who closes the books: `watched`, our socket went while the
   * conversation goes on, so this process watches it and closes them at its end; `taken`,
   * another process took it over (this one looked gone) and closes them; `ours`, the caller.
   */
  async settle(call: { uuid: string; isDetached: boolean }, books: ConversationBooks): Promise<'watched' | 'taken' | 'ours'> {
    if (call.isDetached) {
      this.detached(call.uuid, books)
      return 'watched'
    }
    return (await this.end(call.uuid)) ? 'ours' : 'taken'
  }

  /** This process lost the call's socket while the conversation goes on: it watches it itself. */
  private detached(callUuid: string, books: ConversationBooks): void {
    this.live.delete(callUuid)
    void this.adopt(callUuid, books)
  }

  /** Conversations this process watches without holding their call. */
  get adopted(): number {
    return this.watching.size
  }

  private async beat(): Promise<void> {
    await this.redis.set(this.key('owner', this.owner), '1', 'PX', OWNER_TTL_MS).catch(() => undefined)
  }

  private watchControls(): void {
    for (const c of this.o.controls()) {
      if (this.subscribed.has(c)) continue
      this.subscribed.add(c)
      c.onEvent('CHANNEL_HANGUP_COMPLETE', (e) => this.hungUp(e))
      // What ended while the connection was away is found by asking again.
      c.on('reconnected', () => void this.recheck())
      c.on('up', () => void this.recheck())
    }
  }

  /** Takes over what nobody living owns. */
  private scan(): Promise<void> {
    this.scanning ??= (async () => {
      try {
        const uuids = await this.redis.smembers(this.key('convs'))
        for (const uuid of uuids) {
          if (this.live.has(uuid) || this.watching.has(uuid)) continue
          const books = await this.redis.ccAdoptConversation(this.key('conv', uuid), this.key('owner', ''), this.owner)
          if (books) await this.adopt(uuid, JSON.parse(books) as ConversationBooks, await this.redis.hget(this.key('conv', uuid), 'ended'))
          else if (!(await this.redis.exists(this.key('conv', uuid)))) await this.redis.srem(this.key('convs'), uuid)
        }
      } catch (err) {
        this.o.log.warn({ err: (err as Error).message }, 'conversations: scan failed; trying again at the next beat')
      } finally {
        this.scanning = undefined
      }
    })()
    return this.scanning
  }

  private async adopt(callUuid: string, books: ConversationBooks, ended?: string | null): Promise<void> {
    this.watching.set(callUuid, books)
    // Someone saw it end while its owner was already gone: that is when it ended.
    if (ended) return this.finish(callUuid, JSON.parse(ended) as { endedAt: number; cause: string })
    this.o.log.info({ call: callUuid, agent: books.agent }, 'conversation going on without its process: watching it to close its books')
    await this.checkGone(callUuid)
  }

  private async recheck(): Promise<void> {
    for (const uuid of [...this.watching.keys()]) await this.checkGone(uuid)
  }

  /** The channel may have ended while nobody listened: if no node knows it, it is over. */
  private async checkGone(callUuid: string): Promise<void> {
    const controls = this.o.controls().filter((c) => c.isUp)
    if (controls.length === 0 || controls.length < this.o.controls().length) return
    const answers = await Promise.all(controls.map((c) => c.uuidExists(callUuid)))
    if (answers.some((a) => a === true || a instanceof CommandFailed)) return
    await this.finish(callUuid, { endedAt: this.o.clock.now(), cause: 'UNKNOWN' })
  }

  private hungUp(e: ControlEvent): void {
    const uuid = e.uuid
    if (!uuid || this.live.has(uuid)) return
    const micros = Number(e.get('Event-Date-Timestamp'))
    const end = { endedAt: Number.isFinite(micros) && micros > 0 ? micros / 1000 : this.o.clock.now(), cause: e.get('Hangup-Cause') ?? 'NORMAL_CLEARING' }
    if (this.watching.has(uuid)) return void this.o.clock.track(this.finish(uuid, end))
    // Another process's conversation, perhaps of one that died a moment ago and is not taken
    // over yet: keep when it ended for whoever takes it over (nothing, if it is not one).
    void this.o.clock.track(this.noteEnd(uuid, end))
  }

  private async noteEnd(callUuid: string, end: { endedAt: number; cause: string }): Promise<void> {
    try {
      await this.redis.ccNoteConversationEnd(this.key('conv', callUuid), JSON.stringify(end))
    } catch {
      // Redis away: the taker-over will find the channel gone and close it then.
    }
  }

  private async finish(callUuid: string, end: { endedAt: number; cause: string }): Promise<void> {
    const books = this.watching.get(callUuid)
    if (!books) return
    this.watching.delete(callUuid)
    // Exactly once: whoever deletes the record closes the books.
    if (!(await this.forget(callUuid))) return
    const closed: ConversationEnd = { ...end, talkMs: Math.max(0, Math.round(end.endedAt - books.answeredAt)) }
    this.o.log.info({ call: callUuid, agent: books.agent, cause: end.cause, talkMs: closed.talkMs }, 'conversation ended without its process: books closed')
    this.o.register.endedLater(callUuid, new Date(end.endedAt), end.cause, books.agent)
    for (const close of this.closers) {
      await close(callUuid, books, closed).catch((err: unknown) => this.o.log.error({ call: callUuid, err: (err as Error).message }, 'conversations: closing books failed'))
    }
  }

  private async forget(callUuid: string): Promise<boolean> {
    const [[, deleted]] = (await this.redis.multi().del(this.key('conv', callUuid)).srem(this.key('convs'), callUuid).exec()) as [[Error | null, number], unknown]
    return deleted === 1
  }
}
