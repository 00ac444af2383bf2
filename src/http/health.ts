/**
 * Whether this instance can reach what it needs: FreeSWITCH (each event-socket connection),
 * the database and Redis, each up or down; 503 when the database or Redis is down, or when
 * FreeSWITCH nodes are configured and none is connected. Open to anyone (load balancers,
 * orchestrators); it names no secret.
 */
import type { FastifyInstance } from 'fastify'
import type { App } from '../app.js'
import { looseObject } from './schemas.js'

const part = looseObject({ status: { type: 'string', enum: ['up', 'down'] } })
const answer = looseObject(
  {
    status: { type: 'string', enum: ['ok', 'unavailable'] },
    freeswitch: looseObject({ status: { type: 'string', enum: ['up', 'down', 'not-used'] }, nodes: { type: 'array', items: looseObject({ node: { type: 'string' }, status: { type: 'string' }, reason: { type: 'string' } }) } }),
    database: part,
    redis: part,
  },
  'Each dependency up or down',
)

const word = (up: boolean): 'up' | 'down' => (up ? 'up' : 'down')

export async function healthRoutes(server: FastifyInstance, { app }: { app: App }): Promise<void> {
  server.get('/health', { config: { access: 'public' }, schema: { summary: 'FreeSWITCH, Postgres and Redis: each up or down', response: { 200: answer, 503: answer } } }, async (_req, reply) => {
    const [database, redis] = await Promise.all([app.database.ping(), app.redis.ping()])
    // Why a node is down, when FreeSWITCH told (a refused password); never the password itself.
    const nodes = app.controls.map((c) => ({ node: c.node, status: word(c.isUp), ...(c.isUp || !c.downReason ? {} : { reason: c.downReason }) }))
    const freeswitch = nodes.length === 0 ? 'not-used' : word(nodes.some((n) => n.status === 'up'))
    const ok = database && redis && freeswitch !== 'down'
    return reply.code(ok ? 200 : 503).send({
      status: ok ? 'ok' : 'unavailable',
      freeswitch: { status: freeswitch, nodes },
      database: { status: word(database), ok: database, kind: app.database.kind, where: app.database.where },
      redis: { status: word(redis), ok: redis },
    })
  })
}
