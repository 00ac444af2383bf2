/** The configured queues with their live figures: for supervisors and admins. */
import type { FastifyInstance } from 'fastify'
import type { App } from '../app.js'
import { SUPERVISORS } from '../auth/access.js'
import { FigureReader } from '../queue/figures.js'
import { answerNoQueues, sendError } from './errors.js'
import { errors, looseObject } from './schemas.js'

const params = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 100 } },
} as const

const queueFigures = looseObject(
  {
    name: { type: 'string' },
    description: { type: 'string' },
    serviceLevelSeconds: { type: 'number' },
    waiting: { type: 'integer' },
    longestWaitMs: { type: 'number' },
    agents: looseObject({}, 'logged-in members by state'),
    today: looseObject(
      {
        entered: { type: 'integer' },
        answered: { type: 'integer' },
        abandoned: { type: 'integer' },
        serviceLevel: { type: ['number', 'null'] },
        averageAnswerMs: { type: ['number', 'null'] },
        abandonRate: { type: ['number', 'null'] },
      },
      "the day's (UTC) counters and ratios",
    ),
  },
  'A queue with its live figures',
)

export async function queueRoutes(server: FastifyInstance, { app }: { app: App }): Promise<void> {
  const queues = app.queues
  if (!queues) return answerNoQueues(server, '/queues', SUPERVISORS)
  const figures = new FigureReader(queues.store, queues.settings, app.clock)
  const config = { access: SUPERVISORS }

  server.get('/queues', { config, schema: { summary: 'Every queue with live figures', response: { 200: looseObject({ queues: { type: 'array', items: queueFigures } }) } } }, async () => ({
    queues: await figures.queues(),
  }))

  server.get<{ Params: { name: string } }>('/queues/:name', { config, schema: { summary: 'One queue with live figures', params, response: { 200: queueFigures, ...errors(404) } } }, async (req, reply) => {
    const queue = await figures.queue(req.params.name)
    return queue ?? sendError(reply, 404, 'unknown-queue', `there is no queue '${req.params.name}'`)
  })
}
