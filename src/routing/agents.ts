/**
 * The people calls are routed to, from the `agents` table: by id, and by routing group
 * (key-account-managers, wholesale-heads, department-heads, finance ...).
 */
import { and, arrayContains, asc, eq } from 'drizzle-orm'
import type { Db } from '../db/database.js'
import { agents } from '../db/schema/index.js'

export interface Agent {
  id: string
  name: string
  /** A FreeSWITCH dial string for their phone: user/1001, sofia/gateway/gw/+387... */
  endpoint: string
  groups: string[]
}

export class AgentDirectory {
  constructor(private readonly db: Db) {}

  async byId(id: string): Promise<Agent | undefined> {
    const [row] = await this.db.select().from(agents).where(and(eq(agents.id, id), eq(agents.active, true))).limit(1)
    return row ? { id: row.id, name: row.name, endpoint: row.endpoint, groups: row.groups } : undefined
  }

  /** Active members of a routing group, in a stable order. */
  async group(name: string): Promise<Agent[]> {
    const rows = await this.db
      .select()
      .from(agents)
      .where(and(arrayContains(agents.groups, [name]), eq(agents.active, true)))
      .orderBy(asc(agents.id))
    return rows.map((row) => ({ id: row.id, name: row.name, endpoint: row.endpoint, groups: row.groups }))
  }
}
