/**
 * People through the API: an admin adds an agent with their login in one transaction (the
 * phone's dial string checked so nothing can be injected into it), changes them while they
 * are logged in (the queues' shared copy follows at once), deactivates them (not routed to,
 * logged out, their login off, the row kept) and back; routing groups with their members,
 * renamed unless a flow or queue names them.
 */
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { agents, calls, users } from '../../src/db/schema/index.js'
import { AgentDirectory } from '../../src/routing/agents.js'
import { as, login, loginAs, type Inject } from './session.js'
import { startTestApp, type TestApp } from './test-app.js'

let t: TestApp
let admin: Inject
let supervisor: Inject

beforeAll(async () => {
  t = await startTestApp()
  admin = as(t.server, await loginAs(t.server, t.app, 'root', 'admin'))
  supervisor = as(t.server, await loginAs(t.server, t.app, 'super', 'supervisor'))
})

afterAll(async () => {
  await t?.close()
})

const NEW = { id: 'lejla', name: 'Lejla Hadžić', endpoint: 'user/1042', groups: ['operators', 'sales'], skills: { languages: ['bs', 'en'], clientTypes: ['retail'] } }

describe('adding an agent', () => {
  it('creates the agent and their operator login together; the login works as that agent', async () => {
    const res = await admin({ method: 'POST', url: '/agents', payload: { ...NEW, user: { username: 'lejla', password: 'lejla-password-1' } } })
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json()).toMatchObject({ id: 'lejla', name: 'Lejla Hadžić', endpoint: 'user/1042', sipUser: null, groups: ['operators', 'sales'], active: true, skills: { languages: ['bs', 'en'], clientTypes: ['retail'], campaigns: [] } })
    expect(res.json().users).toEqual([{ id: expect.any(Number), username: 'lejla', role: 'operator', active: true }])
    const token = await login(t.server, 'lejla', 'lejla-password-1')
    const me = (await as(t.server, token)({ method: 'GET', url: '/auth/me' })).json()
    expect(me.user).toMatchObject({ username: 'lejla', role: 'operator', agentId: 'lejla' })
    // Routing finds her by group, from the table, with no restart.
    expect((await new AgentDirectory(t.app.database.db).group('sales')).map((a) => a.id)).toContain('lejla')
    // Supervisors read the list; only admins write.
    const listed = (await supervisor({ method: 'GET', url: '/people/agents' })).json().agents as Array<{ id: string; users: unknown[] }>
    expect(listed.find((a) => a.id === 'lejla')?.users).toHaveLength(1)
    expect((await supervisor({ method: 'POST', url: '/agents', payload: { ...NEW, id: 'sneaky' } })).statusCode).toBe(403)
  })

  it('refuses a phone that would change the dial string, naming the field', async () => {
    for (const endpoint of ['user/1001,sofia/gateway/carrier/0038761000000', '{origination_caller_id_number=666}user/1001', 'user/1001|loopback/9999', "user/10'01", 'user/$(system rm)', 'justtext']) {
      const res = await admin({ method: 'POST', url: '/agents', payload: { ...NEW, id: 'bad-phone', endpoint } })
      expect(res.statusCode, endpoint).toBe(400)
      expect(res.json().message, endpoint).toContain('body/endpoint')
    }
    const patch = await admin({ method: 'PATCH', url: '/agents/ivan', payload: { endpoint: 'user/ivan,user/ana' } })
    expect(patch.statusCode).toBe(400)
    expect(patch.json().message).toContain('body/endpoint')
    expect((await t.db.db.select().from(agents).where(eq(agents.id, 'bad-phone')))).toEqual([])
    expect((await t.db.db.select({ endpoint: agents.endpoint }).from(agents).where(eq(agents.id, 'ivan')))[0]!.endpoint).toBe('user/ivan')
  })

  it('refuses bad ids, skills and campaigns by field; a SIP user alone is the phone user/<sipUser>', async () => {
    const id = await admin({ method: 'POST', url: '/agents', payload: { ...NEW, id: 'Has Spaces' } })
    expect(id.statusCode).toBe(400)
    expect(id.json().message).toContain('body/id')
    const lang = await admin({ method: 'POST', url: '/agents', payload: { ...NEW, id: 'x1', skills: { languages: ['Bosnian'] } } })
    expect(lang.json().message).toContain('body/skills/languages/0')
    const campaign = await admin({ method: 'POST', url: '/agents', payload: { ...NEW, id: 'x1', skills: { campaigns: ['999999'] } } })
    expect(campaign.statusCode).toBe(400)
    expect(campaign.json().message).toBe('body/skills/campaigns: there is no campaign 999999')
    const noPhone = await admin({ method: 'POST', url: '/agents', payload: { id: 'x1', name: 'X' } })
    expect(noPhone.statusCode).toBe(400)
    expect(noPhone.json().message).toContain('body/endpoint')
    const sip = await admin({ method: 'POST', url: '/agents', payload: { id: 'soft', name: 'Soft Phone', sipUser: '2001' } })
    expect(sip.statusCode, sip.body).toBe(201)
    expect(sip.json()).toMatchObject({ endpoint: 'user/2001', sipUser: '2001' })
  })

  it('a taken id or username is 409, and nothing of the agent is left', async () => {
    const again = await admin({ method: 'POST', url: '/agents', payload: { ...NEW } })
    expect(again.statusCode).toBe(409)
    expect(again.json()).toEqual({ error: 'agent-exists', message: "body/id: there is already an agent 'lejla'" })
    const user = await admin({ method: 'POST', url: '/agents', payload: { ...NEW, id: 'lejla2', user: { username: 'root', password: 'long enough pass' } } })
    expect(user.statusCode).toBe(409)
    expect(user.json().error).toBe('username-taken')
    expect(await t.db.db.select().from(agents).where(eq(agents.id, 'lejla2'))).toEqual([])
  })
})

describe('changing an agent who is logged in', () => {
  it("rewrites the queues' copy of their phone and skills at once, keeping their state", async () => {
    expect((await admin({ method: 'POST', url: '/agents/ivan/login' })).statusCode).toBe(200)
    expect((await admin({ method: 'POST', url: '/agents/ivan/pause', payload: { reason: 'coffee' } })).statusCode).toBe(200)
    const res = await admin({ method: 'PATCH', url: '/agents/ivan', payload: { endpoint: 'sofia/gateway/gw/+38761555000', skills: { languages: ['ru'] } } })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ endpoint: 'sofia/gateway/gw/+38761555000', skills: { languages: ['ru'] }, queueState: 'updated' })
    const shared = await t.app.queues!.store.agent('ivan')
    expect(shared).toMatchObject({ state: 'paused', reason: 'coffee', endpoint: 'sofia/gateway/gw/+38761555000', languages: ['ru'], queues: ['support'] })
    expect((await admin({ method: 'PATCH', url: '/agents/nobody', payload: { name: 'X' } })).statusCode).toBe(404)
  })
})

describe('deactivating', () => {
  it('logs the agent out, stops routing to them, ends their login, keeps the row and their calls; reactivation brings them back', async () => {
    const token = await loginAs(t.server, t.app, 'ana-login', 'operator', 'ana')
    const ana = as(t.server, token)
    expect((await ana({ method: 'POST', url: '/agents/ana/login' })).statusCode).toBe(200)
    await t.db.db.insert(calls).values({ callUuid: 'people-test-call', direction: 'inbound', callerNumber: '+38761000001', startedAt: new Date(), answeredBy: 'ana' })

    const res = await admin({ method: 'POST', url: '/agents/ana/deactivate' })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ id: 'ana', active: false, queueState: 'logged-out', users: [{ username: 'ana-login', active: false }] })
    expect((await t.app.queues!.store.agent('ana'))!.state).toBe('logged-out')
    expect(await new AgentDirectory(t.app.database.db).byId('ana')).toBeUndefined()
    // Their session ended; they cannot log in or be logged in to the queues.
    expect((await ana({ method: 'GET', url: '/auth/me' })).statusCode).toBe(401)
    expect((await admin({ method: 'POST', url: '/agents/ana/login' })).json().error).toBe('inactive-agent')
    // Hidden from pickers (the active list), kept in the whole list with the call's agent id.
    expect(((await admin({ method: 'GET', url: '/people/agents?active=true' })).json().agents as Array<{ id: string }>).map((a) => a.id)).not.toContain('ana')
    expect(((await admin({ method: 'GET', url: '/people/agents?active=false' })).json().agents as Array<{ id: string }>).map((a) => a.id)).toEqual(['ana'])
    expect((await t.db.db.select({ answeredBy: calls.answeredBy }).from(calls).where(eq(calls.callUuid, 'people-test-call')))[0]!.answeredBy).toBe('ana')

    const back = await admin({ method: 'POST', url: '/agents/ana/activate' })
    expect(back.json()).toMatchObject({ active: true, users: [{ username: 'ana-login', active: true }] })
    const again = as(t.server, await login(t.server, 'ana-login'))
    expect((await again({ method: 'POST', url: '/agents/ana/login' })).statusCode).toBe(200)
    expect((await t.db.db.select({ active: users.active }).from(users).where(eq(users.username, 'ana-login')))[0]!.active).toBe(true)
  })
})

describe('routing groups', () => {
  it('lists each group with members, the queues it serves and the flows routing to it', async () => {
    const res = await supervisor({ method: 'GET', url: '/groups' })
    expect(res.statusCode).toBe(200)
    const groups = res.json().groups as Array<{ name: string; members: Array<{ id: string }>; flows: string[]; queues: string[] }>
    const operators = groups.find((g) => g.name === 'operators')!
    expect(operators.members.map((m) => m.id).sort()).toEqual(['ana', 'ivan', 'lejla'])
    // Named by the default flow, even with nobody in it.
    expect(groups.find((g) => g.name === 'finance')).toEqual({ name: 'finance', members: [], queues: [], flows: ['default'] })
  })

  it('sets the members exactly, renames a group nothing names, refuses to rename one a flow names', async () => {
    const set = await admin({ method: 'PUT', url: '/groups/sales', payload: { members: ['ivan', 'ana'] } })
    expect(set.statusCode, set.body).toBe(200)
    expect(set.json().members.map((m: { id: string }) => m.id).sort()).toEqual(['ana', 'ivan'])
    expect((await t.db.db.select({ groups: agents.groups }).from(agents).where(eq(agents.id, 'lejla')))[0]!.groups).toEqual(['operators'])

    const renamed = await admin({ method: 'PUT', url: '/groups/sales', payload: { members: ['ivan'], rename: 'wholesale' } })
    expect(renamed.statusCode, renamed.body).toBe(200)
    expect(renamed.json()).toMatchObject({ name: 'wholesale', members: [{ id: 'ivan' }] })
    const rows = await t.db.db.select({ id: agents.id, groups: agents.groups }).from(agents)
    expect(rows.filter((r) => r.groups.includes('sales'))).toEqual([])
    expect(rows.find((r) => r.id === 'ivan')!.groups).toContain('wholesale')

    const refused = await admin({ method: 'PUT', url: '/groups/finance', payload: { members: [], rename: 'money' } })
    expect(refused.statusCode).toBe(409)
    expect(refused.json()).toMatchObject({ error: 'group-in-use', message: expect.stringContaining("flow 'default'") })
    const taken = await admin({ method: 'PUT', url: '/groups/wholesale', payload: { members: ['ivan'], rename: 'operators' } })
    expect(taken.statusCode).toBe(409)
    expect(taken.json().error).toBe('group-exists')
    const unknown = await admin({ method: 'PUT', url: '/groups/wholesale', payload: { members: ['ivan', 'nobody'] } })
    expect(unknown.statusCode).toBe(400)
    expect(unknown.json().message).toBe("body/members/1: there is no agent 'nobody'")
    const badName = await admin({ method: 'PUT', url: '/groups/Bad%20Name', payload: { members: [] } })
    expect(badName.statusCode).toBe(400)
    expect(badName.json().message).toContain('params/name')
  })
})
