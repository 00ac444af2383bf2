/**
 * The operator's side of campaigns: in a preview campaign take the next contact's card, then
 * call it or pass; after a call, record its disposition. An operator acts as their own agent
 * and only on attempts they hold (others are 403); supervisors and admins may act for any
 * agent, naming it.
 */
import { eq } from 'drizzle-orm'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { App } from '../app.js'
import { DESK, type Principal } from '../auth/access.js'
import { attempts } from '../db/schema/index.js'
import { applyDisposition, DNC_SCOPES, isRefusal, type DncScope } from '../campaigns/dispositions.js'
import { isPreviewError, type PreviewError } from '../dialer/preview.js'
import { sendError } from './errors.js'
import { errors, idParams, looseObject } from './schemas.js'

const agent = { type: 'string', minLength: 1, maxLength: 100, description: "the agent acting: an operator's own (may be left out); supervisors and admins name one" } as const
/** What a disposition may carry beyond its code: a callback's time, a do-not-call's reach (src/campaigns/dispositions.ts). */
export const dispositionEffects = {
  callbackAt: { type: 'string', maxLength: 40, description: "callback: when to call back, in the contact's own time zone, 2026-11-24T14:30" },
  dncScope: { type: 'string', enum: [...DNC_SCOPES], description: "do-not-call: this campaign's list (default) or every campaign's" },
} as const
const agentBody = { type: 'object', additionalProperties: false, properties: { agent } } as const
const dispositionBody = {
  type: 'object',
  required: ['disposition'],
  additionalProperties: false,
  properties: { disposition: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,39}$' }, agent, ...dispositionEffects },
} as const

const PREVIEW_STATUS: Record<PreviewError['error'], number> = {
  'unknown-campaign': 404,
  'unknown-agent': 404,
  'unknown-attempt': 404,
  'nothing-due': 409,
  'agent-busy': 409,
  'not-preview': 409,
  'not-running': 409,
  'agent-unreachable': 502,
}

type Refusal = { status: number; error: string; message: string }
const refuse = (reply: FastifyReply, r: Refusal): FastifyReply => sendError(reply, r.status, r.error, r.message)

/** The agent `who` acts as: an operator's own; for supervisors and admins the one they name (`required`: they must). */
export function agentFor(who: Principal, asked: string | undefined, required: boolean): { agent: string | undefined } | Refusal {
  if (who.role === 'operator') {
    if (!who.agentId) return { status: 403, error: 'no-agent', message: 'your user is linked to no agent' }
    if (asked !== undefined && asked !== who.agentId) return { status: 403, error: 'not-your-agent', message: `you act only as agent '${who.agentId}'` }
    return { agent: who.agentId }
  }
  if (required && asked === undefined) return { status: 400, error: 'bad-request', message: "body must have required property 'agent' (the agent you act for)" }
  return { agent: asked }
}

type AgentRequest = { Params: { id: number }; Body: { agent?: string } | undefined }

export async function attemptRoutes(server: FastifyInstance, { app }: { app: App }): Promise<void> {
  const { db } = app.database
  const config = { access: DESK }

  /** An operator may touch only an attempt held by their agent. */
  const holder = async (who: Principal, attemptId: number): Promise<Refusal | undefined> => {
    const [a] = await db.select({ agentId: attempts.agentId }).from(attempts).where(eq(attempts.id, attemptId))
    if (!a) return { status: 404, error: 'unknown-attempt', message: `there is no attempt ${attemptId}` }
    if (who.role === 'operator' && a.agentId !== who.agentId) return { status: 403, error: 'not-your-attempt', message: `attempt ${attemptId} is not held by your agent` }
    return undefined
  }
  // An operator with no body at all acts as themselves.
  const noBody = async (req: { body: unknown }): Promise<void> => {
    if (req.body === undefined) req.body = {}
  }

  const preview = app.preview
  if (preview) {
    const answer = <T extends object>(reply: FastifyReply, r: T | PreviewError): T | FastifyReply => (isPreviewError(r) ? sendError(reply, PREVIEW_STATUS[r.error] ?? 400, r.error, r.message) : r)
    const card = looseObject({ attemptId: { type: 'integer' }, campaignId: { type: 'integer' }, contact: looseObject() }, "The contact's card, held for the agent")

    server.post<AgentRequest>(
      '/campaigns/:id/preview',
      { config, preValidation: noBody, schema: { summary: 'Preview: hold the next due contact for the agent', params: idParams, body: agentBody, response: { 200: card, ...errors(400, 404, 409) } } },
      async (req, reply) => {
        const who = agentFor(req.user!, req.body?.agent, true)
        return 'status' in who ? refuse(reply, who) : answer(reply, await preview.next(req.params.id, who.agent!))
      },
    )

    const act = (verb: 'dial' | 'skip', summary: string): void => {
      server.post<AgentRequest>(
        `/attempts/:id/${verb}`,
        { config, preValidation: noBody, schema: { summary, params: idParams, body: agentBody, response: { 200: looseObject(), ...errors(400, 404, 409, 502) } } },
        async (req, reply) => {
          const who = agentFor(req.user!, req.body?.agent, true)
          if ('status' in who) return refuse(reply, who)
          const refused = await holder(req.user!, req.params.id)
          if (refused) return refuse(reply, refused)
          return answer(reply, await preview[verb](req.params.id, who.agent!))
        },
      )
    }
    act('dial', "Preview: ring the agent, then the held contact")
    act('skip', 'Preview: give the held contact back')
  }

  // The operator's word on a call they took: kept on the attempt and the contact, with what it
  // means (do-not-call, a callback), all or nothing.
  server.post<{ Params: { id: number }; Body: { disposition: string; agent?: string; callbackAt?: string; dncScope?: DncScope } }>(
    '/attempts/:id/disposition',
    {
      config,
      schema: {
        summary: "Record the call's disposition (sale, promise-to-pay ...); do-not-call and callback take effect",
        description: "`do-not-call` puts the number on the do-not-call list (`dncScope`: campaign, the default, or global). `callback` needs `callbackAt`, a date and time in the contact's time zone inside the calling window: the contact is called again then, by the same operator when free.",
        params: idParams,
        body: dispositionBody,
        response: { 200: looseObject({ attempt: { type: 'integer' }, disposition: { type: 'string' } }), ...errors(400, 404, 409) },
      },
    },
    async (req, reply) => {
      const who = agentFor(req.user!, req.body.agent, false)
      if ('status' in who) return refuse(reply, who)
      const refused = await holder(req.user!, req.params.id)
      if (refused) return refuse(reply, refused)
      const id = req.params.id
      const [a] = await db.select({ agentId: attempts.agentId, callUuid: attempts.callUuid }).from(attempts).where(eq(attempts.id, id))
      if (!a || (who.agent !== undefined && a.agentId !== who.agent)) return sendError(reply, 404, 'unknown-attempt', who.agent ? `attempt ${id} was not taken by agent '${who.agent}'` : `there is no attempt ${id}`)
      const { disposition, callbackAt, dncScope } = req.body
      const done = await applyDisposition(db, { attemptId: id, disposition, callbackAt, dncScope, by: req.user!.username, now: new Date(app.clock.now()) })
      if (isRefusal(done)) return refuse(reply, done)
      // The operator's wrap-up waited for this.
      if (a.agentId) await app.queues?.service.dispositionSaved(a.agentId, a.callUuid)
      return done
    },
  )
}
