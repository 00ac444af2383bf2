/**
 * After an agent changes (phone, skills, groups, active), the queues' copy of a logged-in
 * agent is rewritten in Redis: their login is run again (one Lua script: phone, skills and
 * queues replaced, state kept), or they are logged out when they are inactive or serve no
 * queue any more (a call in progress ends first). Redis is shared, so every instance routes
 * by the change at once; a logged-out agent gets it from the table at their next login.
 */
import type { Logger } from 'pino'
import type { Queues } from '../queue/index.js'
import { isDeskError } from '../queue/agent-desk.js'

export class QueueSync {
  constructor(
    private readonly queues: Queues | undefined,
    private readonly log: Logger,
  ) {}

  /** Answers, per agent, what became of their queue state. */
  async agents(ids: string[]): Promise<Record<string, 'unchanged' | 'updated' | 'logged-out'>> {
    const out: Record<string, 'unchanged' | 'updated' | 'logged-out'> = {}
    for (const id of new Set(ids)) out[id] = await this.agent(id)
    return out
  }

  async agent(id: string): Promise<'unchanged' | 'updated' | 'logged-out'> {
    const q = this.queues
    const now = q ? await q.store.agent(id) : undefined
    if (!q || !now || now.state === 'logged-out') return 'unchanged'
    const r = await q.desk.login(id)
    if (!isDeskError(r)) return 'updated'
    // Inactive, or their groups serve no queue now.
    this.log.info({ agent: id, why: r.error }, 'people: agent logged out of the queues')
    const out = await q.desk.logout(id)
    return isDeskError(out) ? 'unchanged' : 'logged-out'
  }
}
