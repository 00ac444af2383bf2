/**
 * Routing groups in one place: each group with its members, the queues that it serves and
 * the flows that route to it. A group is a name in agents.groups; it exists while an agent
 * has it or a queue or flow names it. Setting a group's members and renaming it are one
 * transaction; a rename is refused while a queue or a flow names the group (they would stop
 * finding anyone), and the answer says which.
 */
import { and, asc, inArray, not, sql } from 'drizzle-orm'
import type { Db } from '../db/database.js'
import { agents } from '../db/schema/index.js'
import type { Flow } from '../ivr/flow/schema.js'
import type { QueueSettings } from '../queue/config.js'

export interface GroupMember {
  id: string
  name: string
  active: boolean
}

export interface Group {
  name: string
  members: GroupMember[]
  /** Queues served by the group, and flows (inbound and campaign scripts) that route calls to it. */
  queues: string[]
  flows: string[]
}

export type GroupError = { error: 'bad-request' | 'group-in-use' | 'group-exists'; message: string }
export const isGroupError = (v: unknown): v is GroupError => typeof v === 'object' && v !== null && 'error' in v && 'message' in v

export interface References {
  queues(): QueueSettings[]
  flows(): Flow[]
}

/** Every `{ group: name }` route target in a flow, wherever it sits (route chains, scripts). */
export function flowGroups(flow: Flow): Set<string> {
  const found = new Set<string>()
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk)
    if (v === null || typeof v !== 'object') return
    const o = v as Record<string, unknown>
    const keys = Object.keys(o)
    if (keys.length === 1 && keys[0] === 'group' && typeof o.group === 'string') found.add(o.group)
    else keys.forEach((k) => walk(o[k]))
  }
  walk(flow.nodes)
  return found
}

export class GroupAdmin {
  constructor(
    private readonly db: Db,
    private readonly refs: References,
  ) {}

  /** What names the group outside the agents table. */
  usedBy(name: string): { queues: string[]; flows: string[] } {
    return {
      queues: this.refs.queues().filter((q) => q.members.groups.includes(name)).map((q) => q.name),
      flows: this.refs.flows().filter((f) => flowGroups(f).has(name)).map((f) => f.id),
    }
  }

  async list(): Promise<Group[]> {
    const rows = await this.db.select({ id: agents.id, name: agents.name, active: agents.active, groups: agents.groups }).from(agents).orderBy(asc(agents.name), asc(agents.id))
    const names = new Set<string>(rows.flatMap((r) => r.groups))
    for (const q of this.refs.queues()) q.members.groups.forEach((g) => names.add(g))
    for (const f of this.refs.flows()) flowGroups(f).forEach((g) => names.add(g))
    return [...names].sort().map((name) => ({
      name,
      members: rows.filter((r) => r.groups.includes(name)).map((r) => ({ id: r.id, name: r.name, active: r.active })),
      ...this.usedBy(name),
    }))
  }

  async get(name: string): Promise<Group> {
    return (await this.list()).find((g) => g.name === name) ?? { name, members: [], ...this.usedBy(name) }
  }

  /**
   * The group has exactly `members` (agent ids), under `rename` if given. Answers the group
   * and the agents whose groups changed (for the queues).
   */
  async set(name: string, members: string[], rename?: string): Promise<{ group: Group; changed: string[] } | GroupError> {
    const wanted = [...new Set(members)]
    if (wanted.length > 0) {
      const known = new Set((await this.db.select({ id: agents.id }).from(agents).where(inArray(agents.id, wanted))).map((r) => r.id))
      const i = wanted.findIndex((id) => !known.has(id))
      if (i >= 0) return { error: 'bad-request', message: `body/members/${members.indexOf(wanted[i]!)}: there is no agent '${wanted[i]}'` }
    }
    const target = rename ?? name
    if (rename !== undefined && rename !== name) {
      const used = this.usedBy(name)
      if (used.queues.length + used.flows.length > 0) {
        const what = [...used.queues.map((q) => `queue '${q}'`), ...used.flows.map((f) => `flow '${f}'`)].join(', ')
        return { error: 'group-in-use', message: `group '${name}' cannot be renamed: ${what} route to it by name; change them first, or add members to a new group` }
      }
      const [exists] = await this.db.select({ id: agents.id }).from(agents).where(sql`${rename} = any(${agents.groups})`).limit(1)
      if (exists || this.usedBy(rename).queues.length + this.usedBy(rename).flows.length > 0) return { error: 'group-exists', message: `body/rename: there is already a group '${rename}'` }
    }
    const changed = await this.db.transaction(async (tx) => {
      const ids = new Set<string>()
      if (target !== name) {
        for (const r of await tx.update(agents).set({ groups: sql`array_replace(${agents.groups}, ${name}, ${target})` }).where(sql`${name} = any(${agents.groups})`).returning({ id: agents.id })) ids.add(r.id)
      }
      const out = wanted.length > 0 ? not(inArray(agents.id, wanted)) : undefined
      for (const r of await tx.update(agents).set({ groups: sql`array_remove(${agents.groups}, ${target})` }).where(and(sql`${target} = any(${agents.groups})`, out)).returning({ id: agents.id })) ids.add(r.id)
      if (wanted.length > 0) {
        for (const r of await tx.update(agents).set({ groups: sql`array_append(${agents.groups}, ${target})` }).where(and(inArray(agents.id, wanted), sql`not (${target} = any(${agents.groups}))`)).returning({ id: agents.id })) ids.add(r.id)
      }
      return [...ids]
    })
    return { group: await this.get(target), changed }
  }
}
