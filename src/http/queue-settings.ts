/**
 * The queues' settings, edited in the pages (/queues): read, create or replace, remove.
 * Written to the table queue_settings and announced to every app instance, which applies
 * them to its running queues without a restart (src/queue/live-settings.ts). The heads of
 * the center (supervisors) read them; admins write, as they manage the people (agents, groups).
 */
import { and, eq, inArray, sql } from 'drizzle-orm'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { App } from '../app.js'
import { ADMIN, SUPERVISORS } from '../auth/access.js'
import { agents, campaigns } from '../db/schema/index.js'
import type { Flow } from '../ivr/flow/schema.js'
import { QueueConfigError, queueSpec, STRATEGIES } from '../queue/config.js'
import { announceQueueChange } from '../queue/live-settings.js'
import { deleteQueue, putQueue, readQueue, readStoredQueues, type StoredQueue } from '../queue/settings-store.js'
import { answerNoQueues, sendError } from './errors.js'
import { errors, looseObject } from './schemas.js'

const NAME = /^[a-z0-9][a-z0-9_-]{0,47}$/

const params = { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 100 } } } as const

const storedQueue = looseObject(
  {
    name: { type: 'string' },
    settings: looseObject({}, 'the queue as queues/queues.yaml writes one, every field explicit'),
    version: { type: 'integer', description: '1 when created, +1 with every change' },
    updatedAt: { type: 'string', format: 'date-time' },
    updatedBy: { type: 'string', description: "who changed it last ('' for the import of queues.yaml)" },
  },
  "A queue's settings",
)

const refused = looseObject({ error: { type: 'string' }, message: { type: 'string' }, problems: { type: 'array', items: { type: 'string' } } }, 'the settings refused, each problem naming the queue and the field')

/** Where the flows and campaign scripts route to `queue`: "flow 'default', node 'operator'". */
export function flowsUsing(flows: Flow[], queue: string): string[] {
  const found: string[] = []
  for (const f of flows) {
    for (const [id, node] of Object.entries(f.nodes)) {
      if (node.type === 'route' && node.chain.some((t) => 'queue' in t && t.queue === queue)) found.push(`flow '${f.id}' (${f.source}), node '${id}'`)
    }
  }
  return found
}

const shown = (q: StoredQueue) => ({ name: q.settings.name, settings: queueSpec(q.settings), version: q.version, updatedAt: q.updatedAt.toISOString(), updatedBy: q.updatedBy })

function refuse(reply: FastifyReply, err: unknown): FastifyReply {
  if (!(err instanceof QueueConfigError)) throw err
  return reply.code(400).send({ error: 'invalid-queue', message: err.problems.join('; '), problems: err.problems })
}

export async function queueSettingsRoutes(server: FastifyInstance, { app }: { app: App }): Promise<void> {
  const queues = app.queues
  if (!queues) {
    answerNoQueues(server, '/queue-settings', SUPERVISORS)
    return
  }
  const { db } = app.database
  const config = { access: SUPERVISORS }
  const writers = { access: ADMIN }
  const changed = async (): Promise<void> => {
    await announceQueueChange(app.redis.client, app.config.redisPrefix)
    // This instance answers with the change applied; the others follow the announcement.
    await queues.sync.refresh()
  }

  server.get('/queue-settings', {
    config,
    schema: {
      summary: "Every queue's settings, with what the page's pickers offer (strategies, routing groups, agents)",
      response: { 200: looseObject({ queues: { type: 'array', items: storedQueue }, strategies: { type: 'array', items: { type: 'string' } }, groups: { type: 'array', items: { type: 'string' } }, agents: { type: 'array', items: looseObject({ id: { type: 'string' }, name: { type: 'string' } }) } }) },
    },
  }, async () => {
    const people = await db.select({ id: agents.id, name: agents.name, groups: agents.groups, active: agents.active }).from(agents).orderBy(agents.name)
    return {
      queues: (await readStoredQueues(db)).map(shown),
      strategies: [...STRATEGIES],
      groups: [...new Set(people.flatMap((p) => p.groups))].sort(),
      agents: people,
    }
  })

  server.get<{ Params: { name: string } }>('/queues/:name/settings', { config, schema: { summary: "A queue's settings", params, response: { 200: storedQueue, ...errors(404) } } }, async (req, reply) => {
    const q = await readQueue(db, req.params.name)
    return q ? shown(q) : sendError(reply, 404, 'unknown-queue', `there is no queue '${req.params.name}'`)
  })

  server.put<{ Params: { name: string }; Body: Record<string, unknown> }>('/queues/:name/settings', {
    config: writers,
    schema: {
      summary: 'Creates or replaces a queue; every app instance applies it without a restart',
      description: 'The body is a queue as queues/queues.yaml writes one (members, strategy, ringTimeoutSeconds, wrapUpSeconds, onMaxWait ...). A problem names the queue and the field.',
      params,
      body: looseObject({}, 'the queue as queues/queues.yaml writes one'),
      response: { 200: storedQueue, 201: storedQueue, 400: refused },
    },
  }, async (req, reply) => {
    const { name } = req.params
    if (!NAME.test(name)) return reply.code(400).send({ error: 'invalid-queue', message: `name: '${name}' is not a queue name (lower-case letters, digits, '-' and '_', at most 48)`, problems: [`name: '${name}' is not a queue name`] })
    try {
      const r = await putQueue(db, name, req.body, req.user?.username ?? '')
      await changed()
      req.log.info({ by: req.user?.username, queue: name, created: r.created }, 'queues: settings written')
      return reply.code(r.created ? 201 : 200).send(shown(r.queue))
    } catch (err) {
      return refuse(reply, err)
    }
  })

  server.delete<{ Params: { name: string } }>('/queues/:name', {
    config: writers,
    schema: {
      summary: 'Removes a queue: refused while callers wait in it, or while a flow, a campaign script, a campaign or another queue routes to it',
      params,
      response: { 204: { type: 'null' }, 400: refused, ...errors(404, 409) },
    },
  }, async (req, reply) => {
    const { name } = req.params
    const used = flowsUsing([...app.flows, ...app.scripts], name)
    if (used.length > 0) return sendError(reply, 409, 'queue-in-use', `queue '${name}' is routed to by ${used.join('; ')}: change the flow first`)
    const running = await db
      .select({ id: campaigns.id, name: campaigns.name })
      .from(campaigns)
      .where(and(eq(sql`${campaigns.settings}->>'operatorsQueue'`, name), inArray(campaigns.status, ['running', 'paused'])))
    if (running.length > 0) return sendError(reply, 409, 'queue-in-use', `queue '${name}' takes the calls of campaign ${running.map((c) => `'${c.name}' (${c.id})`).join(', ')}`)
    try {
      const gone = await deleteQueue(db, name, async () => {
        // Checked under the table's lock: the instances learn of the removal only after it.
        const { count } = await queues.store.waiting(name)
        if (count > 0) throw new InUse(`queue '${name}' has ${count} caller(s) waiting; remove it when nobody waits (or send its callers elsewhere with onNoAgents first)`)
      })
      if (!gone) return sendError(reply, 404, 'unknown-queue', `there is no queue '${name}'`)
    } catch (err) {
      if (err instanceof InUse) return sendError(reply, 409, 'queue-in-use', err.message)
      return refuse(reply, err)
    }
    await changed()
    req.log.info({ by: req.user?.username, queue: name }, 'queues: removed')
    return reply.code(204).send()
  })
}

class InUse extends Error {}
