/**
 * The operators' SIP accounts, held by the app, on the real switch: the bundle's test
 * configuration with our directory handler (freeswitch/conf/scripts/sip-directory.lua, via
 * startSwitch's appDirectory). What the app publishes is what FreeSWITCH authenticates with:
 * user_exists, user_data's a1-hash and a phone's REGISTER follow create, rotate, deactivate
 * and a change of SIP user; the bundle's static users still resolve; a restarted switch gets
 * everything again. (The REGISTER is our own small SIP client, conf-sip.ts: sipp is not
 * installed on these machines.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSwitch, type TestSwitch } from '../../src/bundle/freeswitch.js'
import { ControlClient } from '../../src/esl/control-client.js'
import { CommandFailed } from '../../src/esl/results.js'
import { silentLogger } from '../../src/log.js'
import { AgentAdmin, isAgentError } from '../../src/people/agent-admin.js'
import { SipAccounts } from '../../src/sip/accounts.js'
import { ha1 } from '../../src/sip/secret.js'
import { createTestDatabase, type TestDatabase } from '../helpers/database.js'
import { register } from './conf-sip.js'
import { eventually } from './harness/world.js'

const DOMAIN = '127.0.0.1'

let sw: TestSwitch
let db: TestDatabase
let control: ControlClient
let sip: SipAccounts
let people: AgentAdmin
let sipHost: string

async function api(command: string): Promise<string> {
  const r = await control.api(command)
  if (r instanceof CommandFailed) throw new Error(`${command}: ${r.reply}\n${sw.logTail()}`)
  return r.text.trim()
}

const exists = (user: string) => api(`user_exists id ${user} ${DOMAIN}`)
const a1Of = (user: string) => api(`user_data ${user}@${DOMAIN} param a1-hash`)
const phoneRegisters = (user: string, password: string) => register({ host: sipHost, port: sw.ports.sip, user, domain: DOMAIN, password })

/** The account's ha1 as the app computes it from the secret it holds. */
async function appHa1(agentId: string): Promise<string> {
  const c = await sip.credentials(agentId)
  if (!c) throw new Error(`no credentials for ${agentId}`)
  return c.ha1
}

beforeAll(async () => {
  db = await createTestDatabase()
  sw = await startSwitch({ name: 'sip-accounts', appDirectory: true })
  control = new ControlClient({ host: '127.0.0.1', port: sw.ports.esl, password: sw.password, log: silentLogger })
  sip = new SipAccounts({ db: db.db, controls: () => [control], log: silentLogger })
  sip.watch()
  people = new AgentAdmin(db.db)
  await eventually('the control connection', () => control.isUp)
  sipHost = await api('global_getvar local_ip_v4')
}, 90_000)

afterAll(async () => {
  control?.end()
  await sw?.stop()
  await db?.drop()
}, 60_000)

describe("the app's SIP accounts on the real switch", () => {
  it("asks the switch for its domain, and the bundle's static users still resolve", async () => {
    expect(await sip.domain()).toBe(DOMAIN)
    expect(await exists('1000')).toBe('true')
    expect(await api(`user_data 1000@${DOMAIN} param password`)).toBeTruthy()
    expect(await exists('nobody-here')).toBe('false')
  })

  it('an agent created with a SIP user: FreeSWITCH knows the account by the a1-hash the app holds, and a phone registers only with its password', async () => {
    const created = await people.create({ id: 'ivan', name: 'Ivan Marić <&"\'>', sipUser: 'ivan.sip' })
    if (isAgentError(created)) throw new Error(created.message)
    expect(created.hasSipSecret).toBe(true)
    expect(await exists('ivan.sip')).toBe('false')
    await sip.publish('ivan')
    expect(await exists('ivan.sip')).toBe('true')
    const a1 = await appHa1('ivan')
    expect(a1).toMatch(/^[0-9a-f]{32}$/)
    expect(await a1Of('ivan.sip')).toBe(a1)
    // The display name reaches the directory intact, through URL-encoding and XML escaping.
    expect(await api(`user_data ivan.sip@${DOMAIN} var effective_caller_id_name`)).toBe('Ivan Marić <&"\'>')
    // Dialling user/<sipUser> finds the account: not registered yet.
    const dialled = await api(`originate user/ivan.sip@${DOMAIN} &park()`)
    expect(dialled).toMatch(/USER_NOT_REGISTERED/)

    const { password } = (await sip.rotate('ivan')) as { password: string }
    expect(ha1('ivan.sip', DOMAIN, password)).toBe(await appHa1('ivan'))
    expect(await phoneRegisters('ivan.sip', password)).toBe(200)
    expect(await sip.registration('ivan.sip')).toBe(true)
    expect(await phoneRegisters('ivan.sip', `${password}x`)).toBe(403)
    expect(await phoneRegisters('ivan.sip', '')).toBe(403)
  })

  it('rotating: the old password stops working at once, the new one works', async () => {
    const before = await a1Of('ivan.sip')
    const rotated = await sip.rotate('ivan')
    if (typeof rotated === 'string') throw new Error(rotated)
    expect(rotated).toMatchObject({ sipUser: 'ivan.sip', domain: DOMAIN })
    const after = await a1Of('ivan.sip')
    expect(after).not.toBe(before)
    expect(after).toBe(await appHa1('ivan'))
    expect(await phoneRegisters('ivan.sip', rotated.password)).toBe(200)
    expect(await sip.rotate('nobody')).toBe('unknown-agent')
  })

  it('a changed SIP user: the old account is gone, the new one has a new secret', async () => {
    const before = await appHa1('ivan')
    const r = await people.update('ivan', { sipUser: 'ivan2' })
    if (isAgentError(r)) throw new Error(r.message)
    await sip.withdraw(r.before.sipUser!)
    await sip.publish('ivan')
    expect(await exists('ivan.sip')).toBe('false')
    expect(await exists('ivan2')).toBe('true')
    const after = await appHa1('ivan')
    expect(after).not.toBe(ha1('ivan2', DOMAIN, '')) // a real secret, not an empty one
    expect(await a1Of('ivan2')).toBe(after)
    expect(after).not.toBe(before)
  })

  it('deactivating withdraws the account; reactivating brings it back', async () => {
    await people.setActive('ivan', false)
    await sip.publish('ivan')
    expect(await exists('ivan2')).toBe('false')
    expect(await sip.credentials('ivan')).toBeUndefined()
    await people.setActive('ivan', true)
    await sip.publish('ivan')
    expect(await exists('ivan2')).toBe('true')
  })

  it('a restarted switch (an empty hash) gets every account again when the control connection comes back', async () => {
    const created = await people.create({ id: 'ana', name: 'Ana', sipUser: 'ana' })
    if (isAgentError(created)) throw new Error(created.message)
    await sip.publish('ana')
    const expected = { ivan2: await appHa1('ivan'), ana: await appHa1('ana') }
    const ports = sw.ports
    await sw.stop()
    await eventually('the control connection down', () => !control.isUp, 20_000)
    sw = await startSwitch({ name: 'sip-accounts-again', appDirectory: true, ports })
    await eventually('the accounts published again', async () => (await control.api(`user_exists id ana ${DOMAIN}`).then((r) => !(r instanceof CommandFailed) && r.text.trim() === 'true')), 30_000)
    expect(await a1Of('ana')).toBe(expected.ana)
    expect(await a1Of('ivan2')).toBe(expected.ivan2)
    expect(await exists('1000')).toBe('true')
  }, 90_000)
})
