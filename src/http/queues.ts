/** The configured queues with their live figures. */
import type { FastifyInstance } from 'fastify'
import type { App } from '../app.js'
import { FigureReader } from '../queue/figures.js'
import { answerNoQueues, sendError } from './errors.js'

const params = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 100 } },
} as const

export async function queueRoutes(server: FastifyInstance, { app }: { app: App }): Promise<void> {
  const queues = app.queues
  if (!queues) return answerNoQueues(server, '/queues')
  const figures = new FigureReader(queues.store, queues.settings, app.clock)

  server.get('/queues', async () => ({ queues: await figures.queues() }))

  server.get<{ Params: { name: string } }>('/queues/:name', { schema: { params } }, async (req, reply) => {
    const queue = await figures.queue(req.params.name)
    return queue ?? sendError(reply, 404, 'unknown-queue', `there is no queue '${req.params.name}'`)
  })
}
