/**
 * The agents table as an admin keeps it: everyone calls can be routed to, with their phone,
 * routing groups and skills, their login users, and deactivation that keeps their history
 * (the row stays, so calls, attempts and clients keep pointing at it). Mistakes are answered
 * as values ({ error, message }) naming the field, not thrown.
 *
 * A change reaches routing on every instance at once: direct routes (a manager, a group) read
 * the table when they decide; the queues hold a logged-in agent's phone, skills and queues in
 * Redis, so `QueueSync` rewrites those (one Lua script, shared by every instance).
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import type { Db } from '../db/database.js'
import { pgErrorCode, UNIQUE_VIOLATION } from '../db/errors.js'
import { agents, campaigns, users, type LineMode, type Role } from '../db/schema/index.js'
import { UnsafeCommandError } from '../esl/commands.js'
import { endpoint as checkEndpoint } from '../esl/dial-string.js'
import { hashPassword } from '../auth/password.js'
import { newSipSecret } from '../sip/secret.js'

export interface Skills {
  languages: string[]
  clientTypes: string[]
  campaigns: string[]
}

export interface AgentLogin {
  id: number
  username: string
  role: Role
  active: boolean
}

export interface AgentRecord {
  id: string
  name: string
  endpoint: string
  sipUser: string | null
  /** Whether the SIP account has its device secret (the secret itself is never shown here). */
  hasSipSecret: boolean
  lineMode: LineMode
  groups: string[]
  skills: Skills
  active: boolean
  createdAt: Date
  /** The users who log in as this agent. */
  users: AgentLogin[]
}

export interface NewAgent {
  id: string
  name: string
  endpoint?: string
  sipUser?: string | null
  lineMode?: LineMode
  groups?: string[]
  skills?: Partial<Skills>
  /** Their login, made in the same transaction. */
  user?: { username: string; password: string; role?: Role; name?: string }
}

export interface AgentPatch {
  name?: string
  endpoint?: string
  sipUser?: string | null
  lineMode?: LineMode
  groups?: string[]
  skills?: Partial<Skills>
}

export type AgentError = { error: 'unknown-agent' | 'agent-exists' | 'username-taken' | 'bad-request'; message: string }
export const isAgentError = (v: unknown): v is AgentError => typeof v === 'object' && v !== null && 'error' in v && 'message' in v

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]

class Refused extends Error {
  constructor(readonly answer: AgentError) {
    super(answer.message)
  }
}

const bad = (message: string): AgentError => ({ error: 'bad-request', message })

/** The dial string of their phone: an endpoint, or the SIP account's `user/<sipUser>`. */
export function phoneOf(field: string, endpoint: string | undefined, sipUser: string | null | undefined): string | AgentError {
  const raw = endpoint ?? (sipUser ? `user/${sipUser}` : undefined)
  if (raw === undefined) return bad(`${field}: give the phone's endpoint (e.g. user/1001) or a sipUser`)
  try {
    // The same allow-list the router dials with: no ',', '|', '{', '[', quotes, '$' or spaces.
    return checkEndpoint(field, raw)
  } catch (err) {
    if (err instanceof UnsafeCommandError) return bad(`${field} '${raw}' must look like tech/target (letters, digits, _ . - / @ : +), e.g. user/1001 or sofia/gateway/gw/+38761000000`)
    throw err
  }
}

const unique = (xs: string[]): string[] => [...new Set(xs)]

export class AgentAdmin {
  constructor(private readonly db: Db) {}

  async list(filter: { active?: boolean } = {}): Promise<AgentRecord[]> {
    const rows = await this.db
      .select()
      .from(agents)
      .where(filter.active === undefined ? undefined : eq(agents.active, filter.active))
      .orderBy(asc(agents.name), asc(agents.id))
    return this.withUsers(rows)
  }

  async get(id: string): Promise<AgentRecord | undefined> {
    const rows = await this.db.select().from(agents).where(eq(agents.id, id))
    return (await this.withUsers(rows))[0]
  }

  async create(input: NewAgent): Promise<AgentRecord | AgentError> {
    const endpoint = phoneOf('body/endpoint', input.endpoint, input.sipUser)
    if (typeof endpoint !== 'string') return endpoint
    const skills = await this.checkSkills(input.skills ?? {})
    if (isAgentError(skills)) return skills
    const passwordHash = input.user ? await hashPassword(input.user.password) : undefined
    try {
      await this.db.transaction(async (tx) => {
        const [taken] = await tx.select({ id: agents.id }).from(agents).where(eq(agents.id, input.id))
        if (taken) throw new Refused({ error: 'agent-exists', message: `body/id: there is already an agent '${input.id}'` })
        // A SIP account comes with its device secret: the app's, never typed by anyone.
        const sip = input.sipUser ? { sipUser: input.sipUser, sipSecret: newSipSecret() } : { sipUser: null, sipSecret: null }
        await tx.insert(agents).values({ id: input.id, name: input.name.trim(), endpoint, ...sip, lineMode: input.lineMode ?? 'ringing', groups: unique(input.groups ?? []), skills })
        if (input.user && passwordHash) {
          const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.username, input.user.username))
          if (user) throw new Refused({ error: 'username-taken', message: `body/user/username: there is already a user '${input.user.username}'` })
          await tx.insert(users).values({ username: input.user.username, name: input.user.name ?? input.name.trim(), role: input.user.role ?? 'operator', passwordHash, agentId: input.id })
        }
      })
    } catch (err) {
      if (err instanceof Refused) return err.answer
      // Two admins at once with the same id or username: the constraint says which.
      if (pgErrorCode(err) === UNIQUE_VIOLATION) return { error: 'agent-exists', message: `agent '${input.id}' or user '${input.user?.username ?? ''}' was just created by someone else` }
      throw err
    }
    return (await this.get(input.id))!
  }

  /** Applies the patch; answers the record before and after (the caller resyncs the queues). */
  async update(id: string, patch: AgentPatch): Promise<{ before: AgentRecord; after: AgentRecord } | AgentError> {
    const before = await this.get(id)
    if (!before) return { error: 'unknown-agent', message: `there is no agent '${id}'` }
    const set: Partial<typeof agents.$inferInsert> = {}
    if (patch.name !== undefined) set.name = patch.name.trim()
    if (patch.endpoint !== undefined || patch.sipUser !== undefined) {
      // A new SIP account without an endpoint keeps the endpoint that is there.
      const endpoint = phoneOf('body/endpoint', patch.endpoint ?? before.endpoint, patch.sipUser)
      if (typeof endpoint !== 'string') return endpoint
      set.endpoint = endpoint
      if (patch.sipUser !== undefined && patch.sipUser !== before.sipUser) {
        // Another SIP user is another account: a new secret (the route withdraws the old account).
        set.sipUser = patch.sipUser
        set.sipSecret = patch.sipUser ? newSipSecret() : null
      }
    }
    if (patch.lineMode !== undefined) set.lineMode = patch.lineMode
    if (patch.groups !== undefined) set.groups = unique(patch.groups)
    if (patch.skills !== undefined) {
      const skills = await this.checkSkills({ ...before.skills, ...patch.skills })
      if (isAgentError(skills)) return skills
      set.skills = skills
    }
    if (Object.keys(set).length > 0) await this.db.update(agents).set(set).where(eq(agents.id, id))
    return { before, after: (await this.get(id))! }
  }

  /**
   * Active or not, with the operators who log in as them (an operator without an active agent
   * has nothing to do). Answers the users whose sessions must end.
   */
  async setActive(id: string, active: boolean): Promise<{ agent: AgentRecord; usersChanged: number[] } | AgentError> {
    const changed = await this.db.transaction(async (tx: Tx) => {
      const [row] = await tx.update(agents).set({ active }).where(eq(agents.id, id)).returning({ id: agents.id })
      if (!row) return undefined
      const logins = await tx
        .update(users)
        .set({ active, updatedAt: sql`now()` })
        .where(and(eq(users.agentId, id), eq(users.role, 'operator'), eq(users.active, !active)))
        .returning({ id: users.id })
      return logins.map((u) => u.id)
    })
    if (!changed) return { error: 'unknown-agent', message: `there is no agent '${id}'` }
    return { agent: (await this.get(id))!, usersChanged: changed }
  }

  private async checkSkills(skills: Partial<Skills>): Promise<Skills | AgentError> {
    const out: Skills = { languages: unique(skills.languages ?? []), clientTypes: unique(skills.clientTypes ?? []), campaigns: unique(skills.campaigns ?? []) }
    if (out.campaigns.length > 0) {
      const found = await this.db.select({ id: campaigns.id }).from(campaigns).where(inArray(campaigns.id, out.campaigns.map(Number)))
      const known = new Set(found.map((c) => String(c.id)))
      const missing = out.campaigns.find((c) => !known.has(c))
      if (missing !== undefined) return bad(`body/skills/campaigns: there is no campaign ${missing}`)
    }
    return out
  }

  private async withUsers(rows: Array<typeof agents.$inferSelect>): Promise<AgentRecord[]> {
    if (rows.length === 0) return []
    const logins = await this.db
      .select({ id: users.id, username: users.username, role: users.role, active: users.active, agentId: users.agentId })
      .from(users)
      .where(inArray(users.agentId, rows.map((r) => r.id)))
      .orderBy(asc(users.username))
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      endpoint: r.endpoint,
      sipUser: r.sipUser,
      hasSipSecret: r.sipSecret !== null,
      lineMode: r.lineMode,
      groups: r.groups,
      skills: { languages: r.skills.languages ?? [], clientTypes: r.skills.clientTypes ?? [], campaigns: r.skills.campaigns ?? [] },
      active: r.active,
      createdAt: r.createdAt,
      users: logins.filter((u) => u.agentId === r.id).map(({ agentId: _a, ...u }) => u),
    }))
  }
}
