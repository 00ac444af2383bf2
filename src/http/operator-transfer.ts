/**
 * The console's transfer of the customer the user's agent talks to (src/lines/transfer.ts):
 *
 *   POST /operator/transfer           { to: { kind: queue|agent|number, value }, mode: blind|attended }
 *   POST /operator/transfer/complete  {}   the consulted target and the customer talk on
 *   POST /operator/transfer/cancel    {}   the target is hung up, the customer comes back
 *
 * Answers { call, mode, to, state: done|consulting|completed|cancelled, leg? }, or an error
 * naming the field: 400 (to.kind, to.value), 404 no-call / no-transfer, 409 a transfer under
 * way, a busy or absent agent, a target that did not answer; 503 no switch.
 */
import { eq } from 'drizzle-orm'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { CountryCode } from 'libphonenumber-js'
import type { App } from '../app.js'
import { DESK } from '../auth/access.js'
import { agents } from '../db/schema/index.js'
import { Transfers, type TransferDone, type TransferError, type TransferTarget } from '../lines/transfer.js'
import { TRANSFER_KINDS, TRANSFER_MODES, type TransferMode } from '../lines/transfer-order.js'
import { answerNoQueues, sendError } from './errors.js'
import { errors, looseObject } from './schemas.js'

const STATUS: Record<TransferError['error'], number> = {
  'bad-target': 400,
  'unknown-queue': 400,
  'unknown-agent': 400,
  'bad-number': 400,
  'no-call': 404,
  'no-transfer': 404,
  'in-progress': 409,
  'agent-absent': 409,
  'agent-busy': 409,
  'no-answer': 409,
  'switch-refused': 409,
  'switch-unavailable': 503,
}

const done = looseObject({ call: { type: 'string' }, mode: { type: 'string' }, to: { type: 'object', additionalProperties: true }, state: { type: 'string' }, leg: { type: 'string' } })

function answer(reply: FastifyReply, r: TransferDone | TransferError): TransferDone | FastifyReply {
  return 'error' in r ? sendError(reply, STATUS[r.error], r.error, r.message) : r
}

export async function operatorTransferRoutes(server: FastifyInstance, { app }: { app: App }): Promise<void> {
  const queues = app.queues
  if (!queues) {
    answerNoQueues(server, '/operator/transfer', DESK)
    return
  }
  const { db } = app.database
  const transfers = new Transfers({
    redis: app.redis.client,
    prefix: app.config.redisPrefix,
    talks: queues.talks,
    lines: queues.lines,
    store: queues.store,
    queueNames: () => queues.settings.map((q) => q.name),
    agentRow: async (id) => (await db.select({ active: agents.active, endpoint: agents.endpoint }).from(agents).where(eq(agents.id, id)))[0],
    controls: () => app.controls,
    gatewayTemplate: app.config.gatewayTemplate,
    outboundCallerId: app.config.outboundCallerId,
    defaultCountry: app.config.defaultCountry as CountryCode,
    clock: app.clock,
    log: app.log,
  })

  server.addHook('preHandler', async (req, reply) => {
    if (!req.user?.agentId) return sendError(reply, 409, 'no-agent', 'your user is linked to no agent: ask an administrator to link it (People)')
  })

  server.post<{ Body: { to: TransferTarget; mode: TransferMode } }>(
    '/operator/transfer',
    {
      config: { access: DESK },
      schema: {
        summary: 'Transfer the customer your agent talks to: to a queue, an agent or a number; blind, or attended (you talk with the target first)',
        description:
          'Blind: the customer leaves you at once (an always-open line stays open) and waits in the queue as any caller, waits for the agent in their first queue (rung or joined to their line when free), or is called through to the number with the center’s caller ID. Attended (agent or number): the customer hears hold music while the target is called into your conversation; then complete or cancel. Logged in the call register (details.transfers).',
        body: {
          type: 'object',
          required: ['to', 'mode'],
          additionalProperties: false,
          properties: {
            to: {
              type: 'object',
              required: ['kind', 'value'],
              additionalProperties: false,
              properties: { kind: { type: 'string', enum: [...TRANSFER_KINDS] }, value: { type: 'string', minLength: 1, maxLength: 64 } },
            },
            mode: { type: 'string', enum: [...TRANSFER_MODES] },
          },
        },
        response: { 200: done, ...errors(400, 404, 409, 503) },
      },
    },
    async (req, reply) => answer(reply, await transfers.start(req.user!.agentId!, { kind: req.body.to.kind, value: req.body.to.value.trim() }, req.body.mode)),
  )

  server.post(
    '/operator/transfer/complete',
    {
      config: { access: DESK },
      schema: { summary: 'Complete an attended transfer: the customer and the target talk on, you are free (your open line stays)', response: { 200: done, ...errors(404, 409, 503) } },
    },
    async (req, reply) => answer(reply, await transfers.complete(req.user!.agentId!)),
  )

  server.post(
    '/operator/transfer/cancel',
    {
      config: { access: DESK },
      schema: { summary: 'Cancel an attended transfer: the target is hung up and the customer is back with you', response: { 200: done, ...errors(404, 409, 503) } },
    },
    async (req, reply) => answer(reply, await transfers.cancel(req.user!.agentId!)),
  )
}
