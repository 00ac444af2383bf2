/** Whether this instance can reach what it needs: the database and Redis. 503 when not. */
import type { FastifyInstance } from 'fastify'
import type { App } from '../app.js'

export async function healthRoutes(server: FastifyInstance, { app }: { app: App }): Promise<void> {
  server.get('/health', async (_req, reply) => {
    const [database, redis] = await Promise.all([app.database.ping(), app.redis.ping()])
    const ok = database && redis
    return reply.code(ok ? 200 : 503).send({
      status: ok ? 'ok' : 'unavailable',
      database: { ok: database, kind: app.database.kind, where: app.database.where },
      redis: { ok: redis },
    })
  })
}
