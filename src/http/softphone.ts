/**
 * The operators' SIP accounts over HTTP (src/sip/accounts.ts holds them):
 *
 *   POST /agents/:id/sip-secret            admin: a new device password, shown this once
 *   GET  /people/agents/:id/sip-registration  supervisors: is a phone registered as them
 *   GET  /operator/softphone               the caller's OWN softphone credentials (a1-hash)
 *
 * The password and the a1-hash are secrets: answered with Cache-Control: no-store, never
 * logged, and the console's credentials only ever to the user who works as that agent.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { App } from '../app.js'
import { ADMIN, SUPERVISORS } from '../auth/access.js'
import { agents } from '../db/schema/index.js'
import { eq } from 'drizzle-orm'
import { sendError } from './errors.js'
import { errors, looseObject } from './schemas.js'

const params = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 100 } } } as const

const rotated = looseObject(
  {
    sipUser: { type: 'string' },
    domain: { type: ['string', 'null'], description: 'the SIP domain (null while no switch is connected and SIP_DOMAIN is unset)' },
    password: { type: 'string', description: 'the new device password: shown this once, the app keeps no way to show it again' },
  },
  "The SIP account's new password",
)
const registration = looseObject({ sipUser: { type: ['string', 'null'] }, registered: { type: ['boolean', 'null'], description: 'null when no switch answers' } })
const softphone = looseObject(
  {
    sipUser: { type: 'string' },
    domain: { type: 'string' },
    realm: { type: 'string', description: 'the digest realm (the domain)' },
    ha1: { type: 'string', description: 'md5 of sipUser:realm:password, for the digest; the password itself is not given' },
    displayName: { type: 'string' },
    lineMode: { type: 'string', enum: ['ringing', 'always-connected'] },
    wsUrl: { type: 'string', description: "the switch's SIP-over-WebSocket address (SOFTPHONE_WS_URL, else wss://<this host>:7443)" },
  },
  "The caller's own softphone account",
)

type ById = { Params: { id: string } }

/** SOFTPHONE_WS_URL, else the host the page was loaded from, on FreeSWITCH's wss port. */
function wsUrl(configured: string | undefined, req: FastifyRequest): string {
  if (configured) return configured
  const host = /^[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:.]+\]$/.test(req.hostname) ? req.hostname : '127.0.0.1'
  return `wss://${host}:7443`
}

export async function softphoneRoutes(server: FastifyInstance, { app }: { app: App }): Promise<void> {
  const sip = app.sipAccounts

  server.post<ById>(
    '/agents/:id/sip-secret',
    { config: { access: ADMIN }, schema: { summary: "A new password for the agent's SIP account, shown once; the old one stops working at once", params, response: { 200: rotated, ...errors(404, 409) } } },
    async (req, reply) => {
      const r = await sip.rotate(req.params.id)
      if (r === 'unknown-agent') return sendError(reply, 404, r, `there is no agent '${req.params.id}'`)
      if (r === 'no-sip-account') return sendError(reply, 409, r, `agent '${req.params.id}' has no SIP user: set one first (PATCH /agents/${req.params.id} with sipUser)`)
      req.log.info({ by: req.user!.username, agent: req.params.id, sipUser: r.sipUser }, 'people: SIP password rotated')
      return reply.header('cache-control', 'no-store').send({ sipUser: r.sipUser, domain: r.domain ?? null, password: r.password })
    },
  )

  server.get<ById>(
    '/people/agents/:id/sip-registration',
    { config: { access: SUPERVISORS }, schema: { summary: "Whether a phone is registered with the agent's SIP account now", params, response: { 200: registration, ...errors(404) } } },
    async (req, reply) => {
      const [agent] = await app.database.db.select({ sipUser: agents.sipUser }).from(agents).where(eq(agents.id, req.params.id))
      if (!agent) return sendError(reply, 404, 'unknown-agent', `there is no agent '${req.params.id}'`)
      if (!agent.sipUser) return { sipUser: null, registered: false }
      return { sipUser: agent.sipUser, registered: (await sip.registration(agent.sipUser)) ?? null }
    },
  )

  server.get(
    '/operator/softphone',
    {
      config: { access: 'authenticated' },
      schema: { summary: "The caller's own softphone account: SIP user, domain, digest a1-hash, line mode, WebSocket address", response: { 200: softphone, ...errors(403, 404, 503) } },
    },
    async (req, reply) => {
      const agentId = req.user!.agentId
      if (!agentId) return sendError(reply, 403, 'no-agent', `user '${req.user!.username}' works as no agent: only an agent has a softphone`)
      const credentials = await sip.credentials(agentId)
      if (!credentials) {
        const [agent] = await app.database.db.select({ sipUser: agents.sipUser, sipSecret: agents.sipSecret, active: agents.active }).from(agents).where(eq(agents.id, agentId))
        if (!agent?.active || !agent.sipUser || !agent.sipSecret) return sendError(reply, 404, 'no-sip-account', `agent '${agentId}' has no SIP account: an admin gives them a SIP user on the people page`)
        return sendError(reply, 503, 'no-sip-domain', 'the SIP domain is not known yet: no FreeSWITCH is connected and SIP_DOMAIN is unset')
      }
      return reply.header('cache-control', 'no-store').send({ ...credentials, wsUrl: wsUrl(app.config.softphoneWsUrl, req) })
    },
  )
}
