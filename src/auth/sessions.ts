/**
 * Login sessions, in Redis so every app instance knows them. The token the client holds is
 * 32 random bytes (base64url); Redis keeps only its SHA-256, so a dump of Redis holds no
 * usable session. A session ends at its expiry (read on the app's clock, and a Redis TTL
 * so nothing is left behind), at logout, or when its user's sessions are revoked (password
 * changed, user deactivated or deleted).
 *
 *   <prefix>:session:<sha256 hex>        JSON { userId, createdAt, expiresAt }, PX ttl
 *   <prefix>:user-sessions:<user id>     set of that user's session hashes
 */
import { createHash, randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { Clock } from '../time/clock.js'
import { readLua } from '../redis/lua.js'

export interface Session {
  /** The SHA-256 of the token: names the session without being it. */
  id: string
  userId: number
  createdAt: number
  expiresAt: number
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex')

// Deletes every session of a user and the index, in one step: a session made meanwhile cannot survive.
const REVOKE_USER = readLua(import.meta.url, 'revoke-user-sessions.lua')

export class SessionStore {
  constructor(
    private readonly o: { redis: Redis; prefix: string; clock: Clock; ttlMs: number },
  ) {}

  private key(id: string): string {
    return `${this.o.prefix}:session:${id}`
  }

  private userKey(userId: number): string {
    return `${this.o.prefix}:user-sessions:${userId}`
  }

  get ttlMs(): number {
    return this.o.ttlMs
  }

  async create(userId: number): Promise<{ token: string; session: Session }> {
    const token = randomBytes(32).toString('base64url')
    const now = this.o.clock.now()
    const session: Session = { id: hashToken(token), userId, createdAt: now, expiresAt: now + this.o.ttlMs }
    const { id, ...stored } = session
    await this.o.redis
      .multi()
      .set(this.key(id), JSON.stringify(stored), 'PX', this.o.ttlMs)
      .sadd(this.userKey(userId), id)
      .pexpire(this.userKey(userId), this.o.ttlMs)
      .exec()
    return { token, session }
  }

  /** The live session `token` opens, or undefined (unknown, malformed, expired). */
  async get(token: string): Promise<Session | undefined> {
    if (!TOKEN.test(token)) return undefined
    const id = hashToken(token)
    const raw = await this.o.redis.get(this.key(id))
    if (!raw) return undefined
    const stored = JSON.parse(raw) as Omit<Session, 'id'>
    if (this.o.clock.now() >= stored.expiresAt) {
      await this.revoke(id, stored.userId)
      return undefined
    }
    return { id, ...stored }
  }

  async revoke(id: string, userId: number): Promise<void> {
    await this.o.redis.multi().del(this.key(id)).srem(this.userKey(userId), id).exec()
  }

  /** Ends every session of the user; how many there were. */
  async revokeUser(userId: number): Promise<number> {
    return (await this.o.redis.eval(REVOKE_USER, 1, this.userKey(userId), `${this.o.prefix}:session:`)) as number
  }
}
