/**
 * People, for admins (supervisors read): the agents table with phones, routing groups,
 * skills and login users; create (with a login user in the same transaction), change,
 * deactivate and reactivate; and routing groups with their members (groups.ts in
 * src/people). A change reaches the queues of every instance at once (src/people/queue-sync.ts).
 *
 *   GET   /people/agents[?active=true|false]   every agent, with their logins
 *   POST  /agents                               a new agent (and their login)
 *   PATCH /agents/:id                           name, phone, SIP user, line mode, groups, skills
 *   POST  /agents/:id/deactivate|activate       not routed to, logged out, logins off; and back
 *   GET   /groups, PUT /groups/:name            groups with members; set members, rename
 * A SIP user comes with a device secret the app makes (never shown here: POST
 * /agents/:id/sip-secret, softphone.ts); every change reaches the switches (src/sip).
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { App } from '../app.js'
import { ADMIN, SUPERVISORS } from '../auth/access.js'
import { CLIENT_TYPES, LINE_MODES, ROLES, type Role } from '../db/schema/index.js'
import { PASSWORD_MAX, PASSWORD_MIN } from '../auth/password.js'
import { AgentAdmin, isAgentError, type AgentError, type AgentPatch, type AgentRecord, type NewAgent } from '../people/agent-admin.js'
import { GroupAdmin, isGroupError } from '../people/groups.js'
import { QueueSync } from '../people/queue-sync.js'
import { authParts } from './authenticate.js'
import { sendError } from './errors.js'
import { errors, looseObject } from './schemas.js'

/** Ids and group names go into URLs, Redis keys and queue files: plain and short. */
const AGENT_ID = '^[a-z0-9][a-z0-9._-]{0,63}$'
export const GROUP_NAME = '^[a-z0-9][a-z0-9_-]{0,47}$'

const agentId = { type: 'string', pattern: AGENT_ID, description: "lower case letters, digits, '.', '_', '-'; up to 64" } as const
const name = { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' } as const
const endpoint = { type: 'string', minLength: 3, maxLength: 200, description: 'a FreeSWITCH dial string for their phone: user/1001, sofia/gateway/gw/+38761000000' } as const
const sipUser = { type: ['string', 'null'], pattern: '^[A-Za-z0-9._-]{1,64}$', description: 'the SIP account of their softphone, held by the app (a new one gets a new password); the phone is user/<sipUser> when no endpoint is given' } as const
const lineMode = { type: 'string', enum: [...LINE_MODES], description: "'ringing': each call rings their softphone; 'always-connected': one open line all shift" } as const
const groups = { type: 'array', maxItems: 50, items: { type: 'string', pattern: GROUP_NAME } } as const
const skills = {
  type: 'object',
  additionalProperties: false,
  properties: {
    languages: { type: 'array', maxItems: 20, items: { type: 'string', pattern: '^[a-z]{2,3}$' }, description: 'language codes: en, bs, ru, pt ...' },
    clientTypes: { type: 'array', items: { type: 'string', enum: [...CLIENT_TYPES] } },
    campaigns: { type: 'array', maxItems: 200, items: { type: 'string', pattern: '^[0-9]{1,15}$' }, description: 'campaign ids' },
  },
} as const
const user = {
  type: 'object',
  required: ['username', 'password'],
  additionalProperties: false,
  properties: {
    username: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{1,63}$' },
    password: { type: 'string', minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX },
    role: { type: 'string', enum: [...ROLES], default: 'operator' },
    name: { type: 'string', maxLength: 200 },
  },
} as const

const createBody = { type: 'object', required: ['id', 'name'], additionalProperties: false, properties: { id: agentId, name, endpoint, sipUser, lineMode, groups, skills, user } } as const
const patchBody = { type: 'object', minProperties: 1, additionalProperties: false, properties: { name, endpoint, sipUser, lineMode, groups, skills } } as const
const params = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 100 } } } as const
const groupParams = { type: 'object', required: ['name'], properties: { name: { type: 'string', pattern: GROUP_NAME } } } as const
const groupBody = {
  type: 'object',
  required: ['members'],
  additionalProperties: false,
  properties: { members: { type: 'array', maxItems: 1000, items: { type: 'string', minLength: 1, maxLength: 100 }, description: 'agent ids: the group has exactly these' }, rename: { type: 'string', pattern: GROUP_NAME } },
} as const
const listQuery = { type: 'object', additionalProperties: false, properties: { active: { type: 'boolean', description: 'only active (true) or inactive (false) agents; all without it' } } } as const

const agentSchema = looseObject(
  {
    id: { type: 'string' },
    name: { type: 'string' },
    endpoint: { type: 'string' },
    sipUser: { type: ['string', 'null'] },
    hasSipSecret: { type: 'boolean', description: 'whether the SIP account has its password (never shown here)' },
    lineMode: { type: 'string', enum: [...LINE_MODES] },
    groups: { type: 'array', items: { type: 'string' } },
    skills: looseObject({ languages: { type: 'array', items: { type: 'string' } }, clientTypes: { type: 'array', items: { type: 'string' } }, campaigns: { type: 'array', items: { type: 'string' } } }),
    active: { type: 'boolean' },
    createdAt: { type: 'string', format: 'date-time' },
    users: { type: 'array', items: looseObject({ id: { type: 'integer' }, username: { type: 'string' }, role: { type: 'string' }, active: { type: 'boolean' } }) },
    queueState: { type: 'string', enum: ['unchanged', 'updated', 'logged-out'], description: "what the change did to their queues' state (writes only)" },
  },
  'An agent: phone, routing groups, skills, login users',
)
const groupSchema = looseObject({
  name: { type: 'string' },
  members: { type: 'array', items: looseObject({ id: { type: 'string' }, name: { type: 'string' }, active: { type: 'boolean' } }) },
  queues: { type: 'array', items: { type: 'string' }, description: 'queues the group serves' },
  flows: { type: 'array', items: { type: 'string' }, description: 'flows that route calls to it' },
})

const STATUS: Record<AgentError['error'], number> = { 'unknown-agent': 404, 'agent-exists': 409, 'username-taken': 409, 'bad-request': 400 }

type ById = { Params: { id: string } }

export async function agentAdminRoutes(server: FastifyInstance, { app }: { app: App }): Promise<void> {
  const people = new AgentAdmin(app.database.db)
  const sync = new QueueSync(app.queues, app.log)
  // Read when asked: queues changed in the pages are seen at once.
  const groupAdmin = new GroupAdmin(app.database.db, { queues: () => app.queues?.settings ?? [], flows: () => [...app.flows, ...app.scripts] })
  const { sessions } = authParts(app)
  const fail = (reply: FastifyReply, e: AgentError): FastifyReply => sendError(reply, STATUS[e.error], e.error, e.message)
  const shown = (a: AgentRecord, queueState?: string) => ({ ...a, createdAt: a.createdAt.toISOString(), ...(queueState ? { queueState } : {}) })

  server.get<{ Querystring: { active?: boolean } }>(
    '/people/agents',
    { config: { access: SUPERVISORS }, schema: { summary: 'Every agent with phone, groups, skills and login users (also inactive ones)', querystring: listQuery, response: { 200: looseObject({ agents: { type: 'array', items: agentSchema } }) } } },
    async (req) => ({ agents: (await people.list({ active: req.query.active })).map((a) => shown(a)) }),
  )

  server.get('/groups', { config: { access: SUPERVISORS }, schema: { summary: 'Routing groups: members, the queues they serve, the flows that route to them', response: { 200: looseObject({ groups: { type: 'array', items: groupSchema } }) } } }, async () => ({
    groups: await groupAdmin.list(),
  }))

  server.put<{ Params: { name: string }; Body: { members: string[]; rename?: string } }>(
    '/groups/:name',
    {
      config: { access: ADMIN },
      schema: { summary: "Set a group's members (a new name makes a new group); rename it unless a queue or flow names it", params: groupParams, body: groupBody, response: { 200: groupSchema, ...errors(400, 409) } },
    },
    async (req, reply) => {
      const r = await groupAdmin.set(req.params.name, req.body.members, req.body.rename)
      if (isGroupError(r)) return sendError(reply, r.error === 'bad-request' ? 400 : 409, r.error, r.message)
      const states = await sync.agents(r.changed)
      req.log.info({ by: req.user!.username, group: req.params.name, rename: req.body.rename, changed: r.changed, queues: states }, 'people: group set')
      return r.group
    },
  )

  // Without queues, /agents/* answers "no queues" (agents.ts): the agent routes are not ours to add then.
  if (!app.queues) return

  server.post<{ Body: NewAgent & { user?: { role?: Role } } }>(
    '/agents',
    { config: { access: ADMIN }, schema: { summary: 'A new agent, and their login user in the same transaction', body: createBody, response: { 201: agentSchema, ...errors(400, 409) } } },
    async (req, reply) => {
      const r = await people.create(req.body)
      if (isAgentError(r)) return fail(reply, r)
      await app.sipAccounts.publish(r.id)
      req.log.info({ by: req.user!.username, agent: r.id, user: req.body.user?.username }, 'people: agent created')
      return reply.code(201).send(shown(r))
    },
  )

  server.patch<ById & { Body: AgentPatch }>(
    '/agents/:id',
    { config: { access: ADMIN }, schema: { summary: "Change an agent's name, phone, SIP user, groups or skills (a logged-in agent's queues follow at once)", params, body: patchBody, response: { 200: agentSchema, ...errors(400, 404) } } },
    async (req, reply) => {
      const r = await people.update(req.params.id, req.body)
      if (isAgentError(r)) return fail(reply, r)
      // Another SIP user: the old account leaves the switches; the name is published too.
      if (r.before.sipUser && r.before.sipUser !== r.after.sipUser) await app.sipAccounts.withdraw(r.before.sipUser)
      if (r.before.sipUser !== r.after.sipUser || r.before.name !== r.after.name) await app.sipAccounts.publish(r.after.id)
      const state = await sync.agent(r.after.id)
      req.log.info({ by: req.user!.username, agent: r.after.id, changed: Object.keys(req.body), queues: state }, 'people: agent changed')
      return shown(r.after, state)
    },
  )

  const activation = (verb: 'activate' | 'deactivate', summary: string): void => {
    server.post<ById>(`/agents/:id/${verb}`, { config: { access: ADMIN }, schema: { summary, params, response: { 200: agentSchema, ...errors(404) } } }, async (req, reply) => {
      const r = await people.setActive(req.params.id, verb === 'activate')
      if (isAgentError(r)) return fail(reply, r)
      // Their logins are off: sessions end now, not at expiry.
      if (verb === 'deactivate') for (const id of r.usersChanged) await sessions.revokeUser(id)
      await app.sipAccounts.publish(r.agent.id)
      const state = await sync.agent(r.agent.id)
      req.log.info({ by: req.user!.username, agent: r.agent.id, users: r.usersChanged, queues: state }, `people: agent ${verb}d`)
      return shown(r.agent, state)
    })
  }
  activation('deactivate', 'Deactivate an agent: no longer routed to, logged out of the queues (after a call in progress), their operator logins off; calls keep their id')
  activation('activate', 'Reactivate an agent and their operator logins')

}
