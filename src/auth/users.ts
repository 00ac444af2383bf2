/**
 * The users table: create, read, change, delete, and find by name for a login. Mistakes are
 * answered as values ({ error, message }), not thrown. Two rules hold whatever is asked: an
 * operator works as an existing agent, and there is always an active admin left (nobody can
 * lock everyone out by demoting, deactivating or deleting the last one).
 */
import { and, asc, count, eq, isNull, sql } from 'drizzle-orm'
import type { Db } from '../db/database.js'
import { pgErrorCode, UNIQUE_VIOLATION } from '../db/errors.js'
import { agents, users, type Role } from '../db/schema/index.js'
import type { Clock } from '../time/clock.js'
import type { Language } from '../web/i18n.js'
import { hashPassword } from './password.js'

export interface User {
  id: number
  username: string
  name: string
  role: Role
  agentId: string | null
  /** The pages' language; null until chosen (the first login sets the browser's). */
  language: Language | null
  active: boolean
  createdAt: Date
  updatedAt: Date
  lastLoginAt: Date | null
}

export type UserError = {
  error: 'unknown-user' | 'username-taken' | 'unknown-agent' | 'operator-needs-agent' | 'last-admin'
  message: string
}

export const isUserError = (v: unknown): v is UserError => typeof v === 'object' && v !== null && 'error' in v && 'message' in v

export interface NewUser {
  username: string
  name?: string
  role: Role
  password: string
  agentId?: string | null
  language?: Language | null
  active?: boolean
}

export interface UserPatch {
  name?: string
  role?: Role
  password?: string
  agentId?: string | null
  language?: Language | null
  active?: boolean
}

const columns = {
  id: users.id,
  username: users.username,
  name: users.name,
  role: users.role,
  agentId: users.agentId,
  language: users.language,
  active: users.active,
  createdAt: users.createdAt,
  updatedAt: users.updatedAt,
  lastLoginAt: users.lastLoginAt,
}

/** Thrown inside a transaction to roll it back with an answer. */
class Refused extends Error {
  constructor(readonly answer: UserError) {
    super(answer.message)
  }
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]

export class UserStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async count(): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(users)
    return row?.n ?? 0
  }

  list(): Promise<User[]> {
    return this.db.select(columns).from(users).orderBy(asc(users.id))
  }

  async get(id: number): Promise<User | undefined> {
    const [row] = await this.db.select(columns).from(users).where(eq(users.id, id))
    return row
  }

  /** The user and their stored hash, for a login. */
  async forLogin(username: string): Promise<{ user: User; passwordHash: string } | undefined> {
    const [row] = await this.db
      .select({ ...columns, passwordHash: users.passwordHash })
      .from(users)
      .where(eq(users.username, username))
    if (!row) return undefined
    const { passwordHash, ...user } = row
    return { user, passwordHash }
  }

  async create(input: NewUser): Promise<User | UserError> {
    const agentId = input.agentId ?? null
    const bad = await this.checkAgent(this.db, input.role, agentId)
    if (bad) return bad
    const passwordHash = await hashPassword(input.password)
    try {
      const [row] = await this.db
        .insert(users)
        .values({ username: input.username, name: input.name ?? '', role: input.role, passwordHash, agentId, language: input.language ?? null, active: input.active ?? true })
        .returning(columns)
      return row!
    } catch (err) {
      if (pgErrorCode(err) === UNIQUE_VIOLATION) return { error: 'username-taken', message: `there is already a user '${input.username}'` }
      throw err
    }
  }

  /** Applies the patch in one transaction; `revokeSessions` says whether the user's sessions must end. */
  async update(id: number, patch: UserPatch): Promise<{ user: User; revokeSessions: boolean } | UserError> {
    const passwordHash = patch.password === undefined ? undefined : await hashPassword(patch.password)
    try {
      return await this.db.transaction(async (tx) => {
        await lockAdmins(tx)
        const [before] = await tx.select(columns).from(users).where(eq(users.id, id)).for('update')
        if (!before) throw new Refused({ error: 'unknown-user', message: `there is no user ${id}` })
        const role = patch.role ?? before.role
        const agentId = patch.agentId === undefined ? before.agentId : patch.agentId
        const bad = await this.checkAgent(tx, role, agentId)
        if (bad) throw new Refused(bad)
        const [user] = await tx
          .update(users)
          .set({
            ...(patch.name !== undefined ? { name: patch.name } : {}),
            ...(patch.role !== undefined ? { role: patch.role } : {}),
            ...(patch.agentId !== undefined ? { agentId: patch.agentId } : {}),
            ...(patch.language !== undefined ? { language: patch.language } : {}),
            ...(patch.active !== undefined ? { active: patch.active } : {}),
            ...(passwordHash !== undefined ? { passwordHash } : {}),
            updatedAt: new Date(this.clock.now()),
          })
          .where(eq(users.id, id))
          .returning(columns)
        await keepAnAdmin(tx)
        return { user: user!, revokeSessions: passwordHash !== undefined || (before.active && patch.active === false) }
      })
    } catch (err) {
      if (err instanceof Refused) return err.answer
      throw err
    }
  }

  async remove(id: number): Promise<User | UserError> {
    try {
      return await this.db.transaction(async (tx) => {
        await lockAdmins(tx)
        const [user] = await tx.delete(users).where(eq(users.id, id)).returning(columns)
        if (!user) throw new Refused({ error: 'unknown-user', message: `there is no user ${id}` })
        await keepAnAdmin(tx)
        return user
      })
    } catch (err) {
      if (err instanceof Refused) return err.answer
      throw err
    }
  }

  /** Notes a successful login; a hash made with weaker parameters is replaced by `rehash`. */
  async loggedIn(id: number, rehash?: string): Promise<void> {
    await this.db
      .update(users)
      .set({ lastLoginAt: new Date(this.clock.now()), ...(rehash ? { passwordHash: rehash } : {}) })
      .where(eq(users.id, id))
  }

  /** Sets the user's language; answers the user, or undefined when there is none. */
  async setLanguage(id: number, language: Language): Promise<User | undefined> {
    const [row] = await this.db.update(users).set({ language, updatedAt: new Date(this.clock.now()) }).where(eq(users.id, id)).returning(columns)
    return row
  }

  /** The first login's language (the browser's), only when the user has none yet: one statement, so a choice made meanwhile stays. */
  async languageIfUnset(id: number, language: Language): Promise<void> {
    await this.db
      .update(users)
      .set({ language })
      .where(and(eq(users.id, id), isNull(users.language)))
  }

  private async checkAgent(db: Db | Tx, role: Role, agentId: string | null): Promise<UserError | undefined> {
    if (role === 'operator' && agentId === null) return { error: 'operator-needs-agent', message: 'an operator works as an agent: give agentId' }
    if (agentId === null) return undefined
    const [agent] = await db.select({ id: agents.id }).from(agents).where(eq(agents.id, agentId))
    return agent ? undefined : { error: 'unknown-agent', message: `there is no agent '${agentId}'` }
  }
}

/** Serialises changes that could remove the last admin: two at once cannot each leave "the other one". */
async function lockAdmins(tx: Tx): Promise<void> {
  await tx.execute(sql`select id from ${users} where ${users.role} = 'admin' and ${users.active} for update`)
}

async function keepAnAdmin(tx: Tx): Promise<void> {
  const [left] = await tx.select({ n: count() }).from(users).where(and(eq(users.role, 'admin'), eq(users.active, true)))
  if ((left?.n ?? 0) === 0) throw new Refused({ error: 'last-admin', message: 'this would leave no active admin; make another user admin first' })
}
