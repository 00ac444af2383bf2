/**
 * Login attempts per username and client address, counted in Redis (shared by every app
 * instance): after `max` attempts in a window, logins from there for that name are refused
 * until the window ends, without even checking the password. A successful login clears the
 * count, so only failures pile up.
 */
import { createHash } from 'node:crypto'
import type { Redis } from 'ioredis'
import { readLua } from '../redis/lua.js'

export const LOGIN_MAX_ATTEMPTS = 10
export const LOGIN_WINDOW_MS = 15 * 60_000

// Counts the attempt; the window starts with the first one.
const HIT = readLua(import.meta.url, 'count-login-attempt.lua')

export type LimitResult = { allowed: true } | { allowed: false; retryAfterMs: number }

export class LoginLimiter {
  private readonly max: number
  private readonly windowMs: number

  constructor(private readonly o: { redis: Redis; prefix: string; max?: number; windowMs?: number }) {
    this.max = o.max ?? LOGIN_MAX_ATTEMPTS
    this.windowMs = o.windowMs ?? LOGIN_WINDOW_MS
  }

  // Hashed: the name and address are the client's words, not to be spelled into key names.
  private key(username: string, ip: string): string {
    return `${this.o.prefix}:login-attempts:${createHash('sha256').update(`${username}\n${ip}`).digest('hex')}`
  }

  /** Counts an attempt; refused when it is over the limit. */
  async hit(username: string, ip: string): Promise<LimitResult> {
    const [count, ttl] = (await this.o.redis.eval(HIT, 1, this.key(username, ip), String(this.windowMs))) as [number, number]
    return count <= this.max ? { allowed: true } : { allowed: false, retryAfterMs: ttl > 0 ? ttl : this.windowMs }
  }

  async clear(username: string, ip: string): Promise<void> {
    await this.o.redis.del(this.key(username, ip))
  }
}
