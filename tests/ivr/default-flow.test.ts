/**
 * Every branch of the default flow (flows/default.yaml), as complete calls through the
 * simulator over TCP: what the caller heard, where the call was routed, and what the call
 * register and the recordings catalogue say afterwards.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { Redis } from 'ioredis'
import { CLIENTS, startHarness, type Harness } from './harness.js'

let h: Harness

beforeAll(async () => {
  // Monday 23 November 2026, 10:00 in Sarajevo: open.
  h = await startHarness({ at: '2026-11-23T09:00:00Z' })
}, 60_000)

afterAll(async () => {
  await h.close()
})

beforeEach(() => {
  h.phones.clear()
})

const pressAt = (n: number, digits: string) => [{ app: 'play_and_get_digits' }, { wait: 400 }, { dtmf: digits }] as const
/** The nodes a call went through. A node that waits (lookup, route) logs both its entry and its result; count it once. */
const nodes = (path: Array<{ node: string }>): string[] => path.map((s) => s.node).filter((n, i, all) => n !== all[i - 1])

describe('the default flow', () => {
  it('a key client goes straight to their own manager, in their language', async () => {
    const r = await h.call(CLIENTS.key.phone, { steps: [] })
    expect(r.heard).toEqual(['en/welcome', 'ru/connecting-manager'])
    expect(r.bridges).toHaveLength(1)
    expect(r.bridges[0]).toContain('user/ana')
    expect(r.row).toMatchObject({ flowId: 'default', language: 'ru', routedTo: 'agent:ana', routeResult: 'connected', hangupCause: 'NORMAL_CLEARING' })
    expect(r.row.clientId).not.toBeNull()
    expect(nodes(r.row.ivrPath)).toEqual(['welcome', 'lookup', 'language', 'hours', 'by-client', 'key-client'])
    expect(r.row.ivrPath.at(-1)!.result).toBe('connected:agent:ana')
    expect(r.recordings).toHaveLength(1)
    expect(r.recordings[0]!.kind).toBe('call')
    expect(r.recordings[0]!.durationMs).toBeGreaterThan(30_000)
  })

  it('a key client whose manager is busy gets another key-account manager', async () => {
    h.phones.set('ana', 'busy')
    const r = await h.call(CLIENTS.key.phone, { steps: [] })
    expect(r.bridges).toHaveLength(2)
    expect(r.bridges[1]).toContain('user/boris')
    expect(r.bridges[1]).not.toContain('user/ana')
    expect(r.row.routedTo).toBe('agent:boris')
  })

  it('… and when every key-account manager is busy or away, the head of wholesale', async () => {
    h.phones.set('ana', 'no-answer')
    h.phones.set('boris', 'absent')
    const r = await h.call(CLIENTS.key.phone, { steps: [] })
    expect(r.bridges.map((b) => b.match(/user\/[a-z]+/g))).toEqual([['user/ana'], ['user/boris'], ['user/carla']])
    expect(r.row.routedTo).toBe('agent:carla')
  })

  it('when nobody at all can take a key client, they hear so and may leave a message', async () => {
    for (const a of ['ana', 'boris', 'carla']) h.phones.set(a, 'busy')
    const r = await h.call(CLIENTS.key.phone, { steps: [] })
    expect(r.row.routeResult).toBe('unavailable')
    expect(r.heard.slice(-3)).toEqual(['ru/all-busy', 'ru/offer-message', 'ru/goodbye'])
  })

  it('a new caller chooses a language and goes to the department heads', async () => {
    const r = await h.call('+38762555000', { steps: [...pressAt(1, '4')] })
    expect(r.heard.slice(0, 2)).toEqual(['en/welcome', 'en/choose-language'])
    expect(r.heard).toContain('bs/connecting')
    // Every department head rings at once.
    expect(r.bridges[0]).toContain('user/carla')
    expect(r.bridges[0]).toContain('user/dina')
    expect(r.row).toMatchObject({ language: 'bs', clientId: null, routeResult: 'connected' })
    expect(r.row.routedTo).toMatch(/^agent:(carla|dina)$/)
  })

  it('a client without an assigned manager is a new caller too', async () => {
    const r = await h.call(CLIENTS.noManager.phone, { steps: [] })
    expect(r.row.language).toBe('pt')
    expect(nodes(r.row.ivrPath)).toContain('new-caller')
    expect(r.bridges[0]).toContain('user/dina')
  })

  it('a debtor hears the overdue amount, then reaches their manager', async () => {
    const r = await h.call(CLIENTS.debtor.phone, { steps: [] })
    const said = r.heard.slice(r.heard.indexOf('bs/debt-intro'), r.heard.indexOf('bs/debt-transfer') + 1)
    // "dvjesto pedeset maraka i sedamdeset pet feninga", from the spoken fragments.
    expect(said).toEqual(['bs/debt-intro', ...['200', '50', 'bam-many', 'and', '70', '5', 'bam-cent-many'].map((f) => `bs/say-${f}`), 'bs/debt-transfer'])
    expect(r.row.routedTo).toBe('agent:olga')
  })

  it('a debtor whose manager is away goes to finance', async () => {
    h.phones.set('olga', 'absent')
    const r = await h.call(CLIENTS.debtor.phone, { steps: [] })
    expect(r.bridges[1]).toContain('user/emil')
    expect(r.row.routedTo).toBe('agent:emil')
  })

  it('a manager paused in the queues is not rung directly: the debtor goes on to finance', async () => {
    const desk = h.app.queues!.desk
    await desk.login('olga')
    await desk.pause('olga', 'meeting')
    const r = await h.call(CLIENTS.debtor.phone, { steps: [] })
    await desk.logout('olga')
    expect(r.bridges).toHaveLength(1)
    expect(r.bridges[0]).toContain('user/emil')
    expect(r.row.routedTo).toBe('agent:emil')
  })

  it('a direct call to a manager logged in to the queues holds them, and counts as their call', async () => {
    const desk = h.app.queues!.desk
    const store = h.app.queues!.store
    await desk.login('olga')
    const before = (await store.agentDay('olga')).calls
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
    const seen: Array<Promise<string | null>> = []
    h.onRing = (user) => {
      if (user === 'olga') seen.push(redis.hget(`${store.prefix}:a:olga`, 'state'))
    }
    const r = await h.call(CLIENTS.debtor.phone, { steps: [] })
    h.onRing = undefined
    expect(r.row.routedTo).toBe('agent:olga')
    // Held from the moment her phone rang (no queue may offer her a caller), free again after.
    expect(['ringing', 'in-call']).toContain(await seen[0])
    expect((await store.agent('olga'))!.state).toBe('available')
    expect((await store.agentDay('olga')).calls).toBe(before + 1)
    await desk.logout('olga')
    redis.disconnect()
  })

  it('menu 1 places an order: the orders queue, where sales answers in the caller’s language', async () => {
    const desk = h.app.queues!.desk
    await desk.login('olga')
    const r = await h.call(CLIENTS.retail.phone, { steps: [...pressAt(1, '1')] })
    await desk.logout('olga')
    expect(r.heard).toContain('en/main-menu')
    expect(r.bridges.at(-1)).toContain('user/olga')
    expect(r.row).toMatchObject({ routedTo: 'queue:orders', routeResult: 'answered', queue: 'orders', answeredBy: 'olga', queueOutcome: 'answered' })
    expect(r.row.ivrPath.find((s) => s.node === 'main-menu' && s.digits === '1')).toBeDefined()
  })

  it('menu 2 tells prices and delivery terms, then back to the menu; 0 is an operator', async () => {
    const r = await h.call(CLIENTS.retail.phone, { steps: [...pressAt(1, '2'), ...pressAt(2, '0')] })
    expect(r.heard).toContain('en/prices-info')
    expect(r.heard.filter((p) => p === 'en/main-menu')).toHaveLength(2)
    expect(r.row.routedTo).toBe('queue:operators')
  })

  it('menu 3 says the account balance, then the caller hangs up in the menu', async () => {
    const r = await h.call(CLIENTS.retail.phone, { steps: [...pressAt(1, '3'), { app: 'play_and_get_digits' }, { wait: 1000 }, { hangup: true }] })
    const at = r.heard.indexOf('en/balance-is')
    expect(at).toBeGreaterThan(0)
    // 1234.50 EUR: "one thousand two hundred thirty four euros and fifty cents"
    expect(r.heard.slice(at + 1, at + 11)).toEqual(['1', 'thousand', '2', 'hundred', '30', '4', 'eur-many', 'and', '50', 'eur-cent-many'].map((f) => `en/say-${f}`))
    expect(r.row.routedTo).toBeNull()
    expect(r.row.hangupCause).toBe('NORMAL_CLEARING')
    expect(nodes(r.row.ivrPath).at(-1)).toBe('main-menu')
    expect(r.recordings.map((x) => x.kind)).toEqual(['call'])
  })

  it('invalid digits until the retries run out end with an operator', async () => {
    const r = await h.call(CLIENTS.retail.phone, { steps: [...pressAt(1, '9'), ...pressAt(2, '7'), ...pressAt(3, '8')] })
    expect(r.heard.filter((p) => p === 'en/invalid-option')).toHaveLength(2)
    const menu = r.row.ivrPath.filter((s) => s.node === 'main-menu').map((s) => s.result)
    expect(menu).toEqual([undefined, 'invalid', 'invalid', 'invalid', 'retries-exhausted'])
    expect(r.row.routedTo).toBe('queue:operators')
  })

  it('silence in the menu: told twice, then an operator', async () => {
    const r = await h.call(CLIENTS.retail.phone, { steps: [] })
    expect(r.heard.filter((p) => p === 'en/no-input')).toHaveLength(2)
    expect(r.row.routedTo).toBe('queue:operators')
  })

  it('a client with no language on file chooses one, then hangs up while the menu plays', async () => {
    const r = await h.call(CLIENTS.marketer.phone, { steps: [...pressAt(1, '3'), { app: 'play_and_get_digits' }, { wait: 2000 }, { hangup: true }] })
    expect(r.heard.slice(0, 2)).toEqual(['en/welcome', 'en/choose-language'])
    expect(r.heard).toContain('pt/main-menu')
    expect(r.row.language).toBe('pt')
    expect(r.row.ivrPath.find((s) => s.node === 'language' && s.digits === '3')?.result).toBe('language:pt')
    expect(r.row.endedAt).not.toBeNull()
    expect(r.row.routeResult).toBeNull()
    expect(nodes(r.row.ivrPath).at(-1)).toBe('main-menu')
    expect(r.recordings).toHaveLength(1)
  })

  it('after hours: the closed message, and a message left after the tone', async () => {
    // On to 22:00 in Sarajevo.
    await h.clock.advance(12 * 3600_000)
    const r = await h.call(CLIENTS.retail.phone, { steps: [...pressAt(1, '1'), { speak: 4000 }] })
    expect(r.heard).toEqual(expect.arrayContaining(['en/closed', 'en/offer-message', 'en/record-after-beep', 'en/message-saved']))
    expect(nodes(r.row.ivrPath)).toEqual(expect.arrayContaining(['hours', 'closed', 'offer-message', 'leave-message', 'message-saved']))
    const message = r.recordings.find((x) => x.kind === 'message')
    expect(message?.path).toMatch(/^2026\/11\/23\/.+-message-1\.wav$/)
    expect(message!.durationMs).toBeGreaterThan(0)
    expect(r.row.routedTo).toBeNull()
  })

  it('after hours, a caller who leaves no message hears goodbye', async () => {
    const r = await h.call(CLIENTS.retail.phone, { steps: [] })
    expect(r.heard.slice(-3)).toEqual(['en/closed', 'en/offer-message', 'en/goodbye'])
  })
})
