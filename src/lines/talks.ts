/**
 * Who each operator is talking to just now, for whatever acts on that conversation from any
 * instance (the console's hold, hang-up and transfer buttons; a supervisor listening in):
 * the customer's channel, the operator's own leg, and whether it runs in their open line.
 *
 * Keys (P = REDIS_PREFIX): P:talk:<agent> hash {call, leg, room, music, since}; room is the
 * line's conference (room@profile) when the customer was joined to an open line, else ''.
 */
import type { Redis } from 'ioredis'
import { readLua } from '../redis/lua.js'

type WithForget = Redis & { ccForgetTalk(key: string, call: string): Promise<number> }

export interface Talk {
  agent: string
  /** The customer's channel. */
  call: string
  /** The operator's channel: their line, or the leg that rang them. */
  leg: string
  /** The open line's conference, when the customer is in it. */
  room: string
  /** What the customer hears on hold. */
  music: string
  since: number
}

export class Talks {
  private readonly redis: WithForget

  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    if (!('ccForgetTalk' in redis)) redis.defineCommand('ccForgetTalk', { numberOfKeys: 1, lua: readLua(import.meta.url, 'forget-talk.lua') })
    this.redis = redis as WithForget
  }

  private key(agent: string): string {
    return `${this.prefix}:talk:${agent}`
  }

  async began(t: Talk): Promise<void> {
    const { agent, ...fields } = t
    await this.redis.multi().del(this.key(agent)).hset(this.key(agent), { ...fields, since: String(fields.since) }).exec()
  }

  /** The conversation with `call` ended (a later one of the agent's stays). */
  async ended(agent: string, call: string): Promise<void> {
    await this.redis.ccForgetTalk(this.key(agent), call)
  }

  async of(agent: string): Promise<Talk | undefined> {
    const h = await this.redis.hgetall(this.key(agent))
    if (!h.call || !h.leg) return undefined
    return { agent, call: h.call, leg: h.leg, room: h.room ?? '', music: h.music ?? '', since: Number(h.since ?? 0) }
  }
}
