/**
 * What an operator does at their desk: log in to the queues they serve, pause (with a
 * reason), resume, log out. Who they are, their phone and skills come from the `agents`
 * table; their state is in Redis, shared by every instance. A pause or logout asked for
 * during a call takes effect when the call ends.
 */
import { eq } from 'drizzle-orm'
import type { Db } from '../db/database.js'
import { agents } from '../db/schema/index.js'
import { queuesOf, type QueueSettings } from './config.js'
import type { AgentSnapshot, QueueStore } from './store.js'

export type DeskError = { error: 'unknown-agent' | 'inactive-agent' | 'no-queues' | 'not-logged-in'; message: string }

export class AgentDesk {
  constructor(
    private readonly db: Db,
    private readonly store: QueueStore,
    private readonly queues: QueueSettings[],
  ) {}

  async login(id: string): Promise<AgentSnapshot | DeskError> {
    const [row] = await this.db.select().from(agents).where(eq(agents.id, id)).limit(1)
    if (!row) return { error: 'unknown-agent', message: `there is no agent '${id}'` }
    if (!row.active) return { error: 'inactive-agent', message: `agent '${id}' is not active` }
    const queues = queuesOf(row, this.queues)
    if (queues.length === 0) return { error: 'no-queues', message: `agent '${id}' (groups ${row.groups.join(', ') || 'none'}) serves no queue` }
    await this.store.login({
      id,
      name: row.name,
      endpoint: row.endpoint,
      languages: row.skills.languages ?? [],
      clientTypes: row.skills.clientTypes ?? [],
      queues,
    })
    return (await this.store.agent(id))!
  }

  logout(id: string): Promise<AgentSnapshot | DeskError> {
    return this.act(id, 'logout')
  }

  pause(id: string, reason: string): Promise<AgentSnapshot | DeskError> {
    return this.act(id, 'pause', reason)
  }

  resume(id: string): Promise<AgentSnapshot | DeskError> {
    return this.act(id, 'resume')
  }

  private async act(id: string, action: 'logout' | 'pause' | 'resume', reason = ''): Promise<AgentSnapshot | DeskError> {
    const r = await this.store.agentAction(id, action, reason)
    if (r.state === 'unknown') return { error: 'not-logged-in', message: `agent '${id}' has never logged in` }
    return (await this.store.agent(id))!
  }
}

export const isDeskError = (v: unknown): v is DeskError => typeof v === 'object' && v !== null && 'error' in v
