/**
 * How the API answers when it cannot do what was asked: a status and { error, message },
 * error a stable slug for programs, message a sentence for people.
 */
import { STATUS_CODES } from 'node:http'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { Access } from '../auth/access.js'
import type { DeskError } from '../queue/agent-desk.js'

export interface ApiError {
  error: string
  message: string
}

export function sendError(reply: FastifyReply, status: number, error: string, message: string): FastifyReply {
  return reply.code(status).send({ error, message } satisfies ApiError)
}

/** unknown-agent, not-logged-in: nothing to act on (404); the others: the agent cannot serve (409). */
const DESK_STATUS: Record<DeskError['error'], number> = {
  'unknown-agent': 404,
  'not-logged-in': 404,
  'inactive-agent': 409,
  'no-queues': 409,
  'line-failed': 409,
}

export function sendDeskError(reply: FastifyReply, e: DeskError): FastifyReply {
  return sendError(reply, DESK_STATUS[e.error], e.error, e.message)
}

/** 'Unsupported Media Type' -> 'unsupported-media-type'. */
export function statusSlug(status: number): string {
  return (STATUS_CODES[status] ?? 'error').toLowerCase().replace(/[^a-z]+/g, '-')
}

/** An app without queues: every route under `prefix` says so, whatever the method, to those `access` admits. */
export function answerNoQueues(server: FastifyInstance, prefix: string, access: Access): void {
  const handler = (_req: unknown, reply: FastifyReply): FastifyReply => sendError(reply, 503, 'no-queues', 'this app serves no queues (it was started without queue settings)')
  const options = { config: { access }, schema: { hide: true } }
  server.all(prefix, options, handler)
  server.all(`${prefix}/*`, options, handler)
}
