/**
 * What an operator does at their desk: log in to the queues they serve, pause (with a
 * reason), resume, log out. Who they are, their phone and skills come from the `agents`
 * table; their state is in Redis, shared by every instance. A pause or logout asked for
 * during a call takes effect when the call ends. An always-connected operator becomes
 * available only once their line is open (src/lines): logging in or resuming calls it.
 */
import { eq } from 'drizzle-orm'
import type { Db } from '../db/database.js'
import { agents, agentSessions } from '../db/schema/index.js'
import { queuesOf, type QueueSettings } from './config.js'
import type { AgentSnapshot, QueueStore } from './store.js'

export type DeskError = { error: 'unknown-agent' | 'inactive-agent' | 'no-queues' | 'not-logged-in' | 'line-failed'; message: string }

/** Operators' open lines (src/lines/operator-lines.ts), as the desk uses them. */
export interface DeskLines {
  open(agent: { id: string; name: string; endpoint: string }): Promise<unknown>
  close(agent: string): Promise<void>
}

export class AgentDesk {
  constructor(
    private readonly db: Db,
    private readonly store: QueueStore,
    private readonly queues: QueueSettings[],
    private readonly lines?: DeskLines,
  ) {}

  /** Logs in, available; `pausedFor` logs in paused with that reason (a rebuild). */
  async login(id: string, pausedFor = ''): Promise<AgentSnapshot | DeskError> {
    const [row] = await this.db.select().from(agents).where(eq(agents.id, id)).limit(1)
    if (!row) return { error: 'unknown-agent', message: `there is no agent '${id}'` }
    if (!row.active) return { error: 'inactive-agent', message: `agent '${id}' is not active` }
    const queues = queuesOf(row, this.queues)
    if (queues.length === 0) return { error: 'no-queues', message: `agent '${id}' (groups ${row.groups.join(', ') || 'none'}) serves no queue` }
    if (!pausedFor) {
      const refused = await this.openLine(row)
      if (refused) return refused
    }
    await this.store.login({
      id,
      name: row.name,
      endpoint: row.endpoint,
      languages: row.skills.languages ?? [],
      clientTypes: row.skills.clientTypes ?? [],
      queues,
    }, pausedFor)
    // Deactivated meanwhile (POST /agents/:id/deactivate logs out after its write): out again.
    const [still] = await this.db.select({ active: agents.active }).from(agents).where(eq(agents.id, id)).limit(1)
    if (!still?.active) {
      await this.store.agentAction(id, 'logout')
      await this.lines?.close(id)
      return { error: 'inactive-agent', message: `agent '${id}' is not active` }
    }
    return this.keep((await this.store.agent(id))!)
  }

  /**
   * Redis lost its data: everyone logged in logs in again, paused as they were. Who is on a
   * call is marked so by the instance holding it (QueueService.reassertCalls).
   */
  async restoreSessions(): Promise<number> {
    const sessions = await this.db.select().from(agentSessions)
    for (const s of sessions) await this.login(s.agentId, s.paused ? s.reason || 'paused' : '')
    return sessions.length
  }

  async logout(id: string): Promise<AgentSnapshot | DeskError> {
    const r = await this.act(id, 'logout')
    // On a call, the logout waits for its end, and so does the line (the queue closes it then).
    if (!isDeskError(r) && r.state === 'logged-out') await this.lines?.close(id)
    return r
  }

  pause(id: string, reason: string): Promise<AgentSnapshot | DeskError> {
    return this.act(id, 'pause', reason)
  }

  async resume(id: string): Promise<AgentSnapshot | DeskError> {
    const known = await this.store.agent(id)
    const [row] = known && known.state !== 'logged-out' ? await this.db.select().from(agents).where(eq(agents.id, id)).limit(1) : []
    const refused = row ? await this.openLine(row) : undefined
    if (refused) return refused
    return this.act(id, 'resume')
  }

  /** An always-connected operator's line, called unless it is open: a DeskError when it did not answer. */
  private async openLine(row: typeof agents.$inferSelect): Promise<DeskError | undefined> {
    if (row.lineMode !== 'always-connected' || !this.lines) return undefined
    const line = await this.lines.open({ id: row.id, name: row.name, endpoint: row.endpoint })
    return isDeskError(line) ? line : undefined
  }

  private async act(id: string, action: 'logout' | 'pause' | 'resume', reason = ''): Promise<AgentSnapshot | DeskError> {
    const r = await this.store.agentAction(id, action, reason)
    if (r.state === 'unknown') return { error: 'not-logged-in', message: `agent '${id}' has never logged in` }
    return this.keep((await this.store.agent(id))!, action)
  }

  /** Writes the desk's last word where it outlives Redis: logged in or not, paused or not. */
  private async keep(agent: AgentSnapshot, action?: 'logout' | 'pause' | 'resume'): Promise<AgentSnapshot> {
    if (action === 'logout' || agent.state === 'logged-out') {
      await this.db.delete(agentSessions).where(eq(agentSessions.agentId, agent.id))
      return agent
    }
    const paused = agent.state === 'paused' || agent.pending === 'pause'
    const reason = paused ? agent.reason || (action === 'pause' ? 'paused' : '') : ''
    await this.db
      .insert(agentSessions)
      .values({ agentId: agent.id, paused, reason, updatedAt: new Date() })
      .onConflictDoUpdate({ target: agentSessions.agentId, set: { paused, reason, updatedAt: new Date() } })
    return agent
  }
}

export const isDeskError = (v: unknown): v is DeskError => typeof v === 'object' && v !== null && 'error' in v
