/**
 * The operators' SIP accounts through the API (no switch here: SIP_DOMAIN names the domain).
 * The device secret is the app's: made when an agent gets a SIP user, never shown by the
 * agents' routes, shown once to the admin who rotates it; the operator console gets only its
 * own user's digest (a1-hash), nobody else's, and a rotation invalidates the old one.
 */
import { createHash } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { agents } from '../../src/db/schema/index.js'
import { as, login, loginAs, type Inject } from './session.js'
import { startTestApp, type TestApp } from './test-app.js'

const DOMAIN = 'sip.example.test'
const md5 = (s: string) => createHash('md5').update(s).digest('hex')

let t: TestApp
let admin: Inject
let supervisor: Inject
let ivan: Inject
let lejla: Inject

const secretOf = async (id: string) => (await t.db.db.select({ s: agents.sipSecret }).from(agents).where(eq(agents.id, id)))[0]!.s

beforeAll(async () => {
  t = await startTestApp({ SIP_DOMAIN: DOMAIN })
  admin = as(t.server, await loginAs(t.server, t.app, 'root', 'admin'))
  supervisor = as(t.server, await loginAs(t.server, t.app, 'super', 'supervisor'))
  ivan = as(t.server, await loginAs(t.server, t.app, 'ivan', 'operator', 'ivan'))
  const res = await admin({
    method: 'POST',
    url: '/agents',
    payload: { id: 'lejla', name: 'Lejla Hadžić', sipUser: 'lejla.sip', lineMode: 'always-connected', user: { username: 'lejla', password: 'lejla-password-1' } },
  })
  expect(res.statusCode, res.body).toBe(201)
  lejla = as(t.server, await login(t.server, 'lejla', 'lejla-password-1'))
})

afterAll(async () => {
  await t?.close()
})

describe('the SIP account held by the app', () => {
  it('an agent given a SIP user gets a secret the agents routes never show', async () => {
    const secret = await secretOf('lejla')
    expect(secret).toMatch(/^[A-Za-z0-9_-]{24}$/)
    const listed = await supervisor({ method: 'GET', url: '/people/agents' })
    const row = (listed.json().agents as Array<Record<string, unknown>>).find((a) => a.id === 'lejla')
    expect(row).toMatchObject({ sipUser: 'lejla.sip', lineMode: 'always-connected', hasSipSecret: true, endpoint: 'user/lejla.sip' })
    expect(row).not.toHaveProperty('sipSecret')
    expect(listed.body).not.toContain(secret)
    expect((listed.json().agents as Array<Record<string, unknown>>).find((a) => a.id === 'ivan')).toMatchObject({ sipUser: null, hasSipSecret: false, lineMode: 'ringing' })
  })

  it("the operator console gets its own user's digest, not the password, and not cached", async () => {
    const res = await lejla({ method: 'GET', url: '/operator/softphone', headers: { host: 'cc.example.test:3000' } })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.headers['cache-control']).toBe('no-store')
    const secret = (await secretOf('lejla'))!
    expect(res.json()).toEqual({
      sipUser: 'lejla.sip',
      domain: DOMAIN,
      realm: DOMAIN,
      ha1: md5(`lejla.sip:${DOMAIN}:${secret}`),
      displayName: 'Lejla Hadžić',
      lineMode: 'always-connected',
      wsUrl: 'wss://cc.example.test:7443',
    })
    expect(res.body).not.toContain(secret)
  })

  it('nobody reads another agent\'s credentials: an operator without an account, a user without an agent, nobody logged in', async () => {
    const own = await ivan({ method: 'GET', url: '/operator/softphone' })
    expect(own.statusCode).toBe(404)
    expect(own.json()).toMatchObject({ error: 'no-sip-account' })
    for (const who of [admin, supervisor]) {
      const res = await who({ method: 'GET', url: '/operator/softphone' })
      expect(res.statusCode).toBe(403)
      expect(res.json()).toMatchObject({ error: 'no-agent' })
    }
    const anonymous = await t.server.inject({ method: 'GET', url: '/operator/softphone' })
    expect(anonymous.statusCode).toBe(401)
    // The route has no agent to name: a query asking for another is ignored.
    const sneaky = await ivan({ method: 'GET', url: '/operator/softphone?agent=lejla' })
    expect(sneaky.statusCode).not.toBe(200)
    expect(sneaky.body).not.toContain((await secretOf('lejla'))!)
  })

  it('an admin rotating: the new password once, no-store; the old ha1 is no longer the one given', async () => {
    const before = (await lejla({ method: 'GET', url: '/operator/softphone' })).json().ha1 as string
    for (const who of [lejla, supervisor]) expect((await who({ method: 'POST', url: '/agents/lejla/sip-secret' })).statusCode).toBe(403)
    expect((await lejla({ method: 'GET', url: '/operator/softphone' })).json().ha1).toBe(before)

    const res = await admin({ method: 'POST', url: '/agents/lejla/sip-secret' })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.headers['cache-control']).toBe('no-store')
    const { sipUser, domain, password } = res.json() as { sipUser: string; domain: string; password: string }
    expect({ sipUser, domain }).toEqual({ sipUser: 'lejla.sip', domain: DOMAIN })
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/)
    const after = (await lejla({ method: 'GET', url: '/operator/softphone' })).json().ha1 as string
    expect(after).not.toBe(before)
    expect(after).toBe(md5(`lejla.sip:${DOMAIN}:${password}`))
    // Shown once: nothing the agents' routes answer holds it.
    expect((await admin({ method: 'GET', url: '/people/agents' })).body).not.toContain(password)

    expect((await admin({ method: 'POST', url: '/agents/ivan/sip-secret' })).json()).toMatchObject({ error: 'no-sip-account' })
    expect((await admin({ method: 'POST', url: '/agents/ivan/sip-secret' })).statusCode).toBe(409)
    expect((await admin({ method: 'POST', url: '/agents/nobody-here/sip-secret' })).statusCode).toBe(404)
  })

  it('line mode: one of ringing or always-connected; the console sees the change', async () => {
    const bad = await admin({ method: 'PATCH', url: '/agents/lejla', payload: { lineMode: 'sometimes' } })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().message).toContain('lineMode')
    const ok = await admin({ method: 'PATCH', url: '/agents/lejla', payload: { lineMode: 'ringing' } })
    expect(ok.statusCode, ok.body).toBe(200)
    expect(ok.json()).toMatchObject({ lineMode: 'ringing', hasSipSecret: true })
    expect((await lejla({ method: 'GET', url: '/operator/softphone' })).json().lineMode).toBe('ringing')
  })

  it('another SIP user is another account: a new secret; no SIP user, no secret', async () => {
    const before = await secretOf('lejla')
    const same = await admin({ method: 'PATCH', url: '/agents/lejla', payload: { sipUser: 'lejla.sip' } })
    expect(same.statusCode).toBe(200)
    expect(await secretOf('lejla')).toBe(before)
    const moved = await admin({ method: 'PATCH', url: '/agents/lejla', payload: { sipUser: 'lejla2' } })
    expect(moved.statusCode, moved.body).toBe(200)
    const after = await secretOf('lejla')
    expect(after).toMatch(/^[A-Za-z0-9_-]{24}$/)
    expect(after).not.toBe(before)
    expect((await lejla({ method: 'GET', url: '/operator/softphone' })).json()).toMatchObject({ sipUser: 'lejla2', ha1: md5(`lejla2:${DOMAIN}:${after}`) })
    const bad = await admin({ method: 'PATCH', url: '/agents/lejla', payload: { sipUser: 'lejla/../x' } })
    expect(bad.statusCode).toBe(400)
    const none = await admin({ method: 'PATCH', url: '/agents/lejla', payload: { sipUser: null } })
    expect(none.json()).toMatchObject({ sipUser: null, hasSipSecret: false })
    expect(await secretOf('lejla')).toBeNull()
    expect((await lejla({ method: 'GET', url: '/operator/softphone' })).statusCode).toBe(404)
  })

  it("supervisors see whether the agent's phone is registered (unknown without a switch)", async () => {
    const give = await admin({ method: 'PATCH', url: '/agents/lejla', payload: { sipUser: 'lejla' } })
    expect(give.statusCode).toBe(200)
    const res = await supervisor({ method: 'GET', url: '/people/agents/lejla/sip-registration' })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toEqual({ sipUser: 'lejla', registered: null })
    expect((await supervisor({ method: 'GET', url: '/people/agents/ivan/sip-registration' })).json()).toEqual({ sipUser: null, registered: false })
    expect((await ivan({ method: 'GET', url: '/people/agents/lejla/sip-registration' })).statusCode).toBe(403)
  })
})
