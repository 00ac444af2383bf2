/**
 * Call reasons and the reports on them: the administrator keeps the list (GET for anyone,
 * POST/PATCH for admins), an operator's disposition carries a reason from it (on the call,
 * and on the attempt of a campaign call), and GET /reports/reasons counts calls by local
 * period and by reason, queue, agent, IVR choice, client type or campaign, as JSON and CSV.
 */
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { attempts, calls, campaigns, clients, contacts, type IvrStep } from '../../src/db/schema/index.js'
import { as, loginAs, type Inject } from './session.js'
import { startTestApp, type TestApp } from './test-app.js'

let t: TestApp
let admin: Inject
let supervisor: Inject
let ivan: Inject

const LABELS = (en: string) => ({ en, bs: `${en} (bs)`, ru: `${en} (ru)`, pt: `${en} (pt)` })

beforeAll(async () => {
  t = await startTestApp()
  admin = as(t.server, await loginAs(t.server, t.app, 'root', 'admin'))
  supervisor = as(t.server, await loginAs(t.server, t.app, 'super', 'supervisor'))
  ivan = as(t.server, await loginAs(t.server, t.app, 'ivan', 'operator', 'ivan'))
}, 60_000)

afterAll(async () => {
  await t?.close()
})

interface CallSpec {
  startedAt: string
  queue?: string
  waitS?: number
  outcome?: 'answered' | 'abandoned'
  agent?: string
  talkS?: number
  reason?: string
  disposition?: string
  ivr?: IvrStep[]
  clientId?: number
  campaignId?: number
}

async function call(s: CallSpec): Promise<string> {
  const callUuid = randomUUID()
  const start = Date.parse(s.startedAt)
  const joined = start + 10_000
  const put = joined + (s.waitS ?? 0) * 1000
  await t.db.db.insert(calls).values({
    callUuid,
    direction: s.campaignId ? 'outbound' : 'inbound',
    callerNumber: '+38761000111',
    startedAt: new Date(start),
    answeredAt: new Date(start + 1000),
    endedAt: new Date(s.outcome === 'answered' ? put + (s.talkS ?? 0) * 1000 : put),
    ivrPath: s.ivr ?? [],
    clientId: s.clientId ?? null,
    campaignId: s.campaignId ?? null,
    ...(s.queue ? { queue: s.queue, queueEnteredAt: new Date(joined), queueWaitMs: (s.waitS ?? 0) * 1000, queueOutcome: s.outcome ?? null, routedTo: `queue:${s.queue}`, routeResult: 'queued' } : {}),
    answeredBy: s.outcome === 'answered' ? (s.agent ?? 'ivan') : null,
    details: s.reason || s.disposition ? { disposition: { code: s.disposition ?? 'done', notes: '', reason: s.reason, by: 'ivan', agent: 'ivan', at: s.startedAt } } : {},
  })
  return callUuid
}

const menu = (digits: string): IvrStep[] => [
  { node: 'lookup', kind: 'lookup', at: '2026-03-29T00:00:00Z', result: 'unknown' },
  { node: 'main-menu', kind: 'menu', at: '2026-03-29T00:00:01Z', digits, result: `option ${digits}` },
]

describe('call reasons: the list the administrator keeps', () => {
  it('admins add and change reasons; anyone logged in reads the active ones in order', async () => {
    expect((await admin({ method: 'POST', url: '/call-reasons', payload: { code: 'order', labels: LABELS('Order'), sortOrder: 20 } })).statusCode).toBe(201)
    expect((await admin({ method: 'POST', url: '/call-reasons', payload: { code: 'invoice', labels: LABELS('Invoice'), sortOrder: 10 } })).statusCode).toBe(201)
    const last = await admin({ method: 'POST', url: '/call-reasons', payload: { code: 'complaint', labels: { en: 'Complaint', bs: 'Žalba', ru: 'Жалоба', pt: 'Reclamação' } } })
    expect(last.json()).toMatchObject({ code: 'complaint', sortOrder: 30, active: true, labels: { bs: 'Žalba' } })
    const twice = await admin({ method: 'POST', url: '/call-reasons', payload: { code: 'order', labels: LABELS('Again') } })
    expect(twice.statusCode).toBe(409)
    expect(twice.json().message).toContain("'order'")
    const noPt = await admin({ method: 'POST', url: '/call-reasons', payload: { code: 'other', labels: { en: 'Other', bs: 'Ostalo', ru: 'Другое' } } })
    expect(noPt.statusCode).toBe(400)
    expect(noPt.json().message).toContain('pt')
    const badCode = await admin({ method: 'POST', url: '/call-reasons', payload: { code: 'Big Order', labels: LABELS('x') } })
    expect(badCode.json().message).toContain('body/code')

    const read = await ivan({ method: 'GET', url: '/call-reasons' })
    expect(read.json().reasons.map((r: { code: string }) => r.code)).toEqual(['invoice', 'order', 'complaint'])
    const retired = await admin({ method: 'PATCH', url: '/call-reasons/complaint', payload: { active: false } })
    expect(retired.json()).toMatchObject({ code: 'complaint', active: false })
    expect((await ivan({ method: 'GET', url: '/call-reasons' })).json().reasons.map((r: { code: string }) => r.code)).toEqual(['invoice', 'order'])
    expect((await admin({ method: 'GET', url: '/call-reasons?all=true' })).json().reasons).toHaveLength(3)
    expect((await admin({ method: 'PATCH', url: '/call-reasons/nothing', payload: { active: true } })).statusCode).toBe(404)
  })

  it("an operator's disposition carries a reason from the list: on the call, and on a campaign call's attempt", async () => {
    const uuid = await call({ startedAt: '2026-11-23T08:00:00Z', queue: 'support', outcome: 'answered', waitS: 3, talkS: 30 })
    const unknown = await ivan({ method: 'POST', url: '/operator/disposition', payload: { callUuid: uuid, disposition: 'done', reason: 'weather' } })
    expect(unknown.statusCode).toBe(400)
    expect(unknown.json().message).toContain('reason')
    const retired = await ivan({ method: 'POST', url: '/operator/disposition', payload: { callUuid: uuid, disposition: 'done', reason: 'complaint' } })
    expect(retired.statusCode).toBe(400)
    const saved = await ivan({ method: 'POST', url: '/operator/disposition', payload: { callUuid: uuid, disposition: 'done', reason: 'order' } })
    expect(saved.statusCode, saved.body).toBe(200)
    const [row] = await t.db.db.select({ reason: calls.reason }).from(calls).where(eq(calls.callUuid, uuid))
    expect(row!.reason).toBe('order')
    // The console's register has it, so a disposition reopened to edit keeps its reason.
    const listed = (await ivan({ method: 'GET', url: '/live/calls' })).json().calls as Array<{ callUuid: string; reason: string | null }>
    expect(listed.find((c) => c.callUuid === uuid)?.reason).toBe('order')

    const db = t.db.db
    const [camp] = await db.insert(campaigns).values({ name: 'Reasons campaign', kind: 'telesales', status: 'running', settings: {} }).returning({ id: campaigns.id })
    const [contact] = await db.insert(contacts).values({ campaignId: camp!.id, phone: '+38761777000', name: 'Hana', timezone: 'Europe/Sarajevo', status: 'done', attempts: 1 }).returning({ id: contacts.id })
    const now = new Date(t.clock.now())
    const campaignUuid = randomUUID()
    const [a] = await db
      .insert(attempts)
      .values({ campaignId: camp!.id, contactId: contact!.id, number: 1, callUuid: campaignUuid, startedAt: now, dialedAt: now, answeredAt: now, endedAt: now, outcome: 'human', agentId: 'ivan' })
      .returning({ id: attempts.id })
    const res = await ivan({ method: 'POST', url: '/operator/disposition', payload: { callUuid: campaignUuid, disposition: 'not-interested', reason: 'invoice' } })
    expect(res.statusCode, res.body).toBe(200)
    expect((await db.select({ reason: attempts.reason }).from(attempts).where(eq(attempts.id, a!.id)))[0]!.reason).toBe('invoice')
  })
})

describe('GET /reports/reasons', () => {
  let clientId: number
  let campaignId: number
  beforeAll(async () => {
    const db = t.db.db
    ;[{ id: clientId }] = (await db.insert(clients).values({ name: 'Kiosk Ana', phone: '+38761222333', type: 'retail' }).returning({ id: clients.id })) as [{ id: number }]
    ;[{ id: campaignId }] = (await db.insert(campaigns).values({ name: 'Spring offer', kind: 'telesales', status: 'running', settings: {} }).returning({ id: campaigns.id })) as [{ id: number }]
    // Around the spring clock change in Sarajevo: 23:30 UTC on the 28th is 00:30 local on the 29th.
    await call({ startedAt: '2026-03-28T22:30:00Z', queue: 'support', outcome: 'abandoned', waitS: 40, ivr: menu('1') }) // 23:30 local, the 28th
    await call({ startedAt: '2026-03-28T23:30:00Z', queue: 'support', outcome: 'answered', waitS: 5, talkS: 60, reason: 'order', ivr: menu('1'), clientId })
    await call({ startedAt: '2026-03-29T08:00:00Z', queue: 'support', outcome: 'answered', waitS: 30, talkS: 180, reason: 'order', agent: 'ana', ivr: menu('2') })
    await call({ startedAt: '2026-03-29T09:00:00Z', queue: 'support', outcome: 'answered', waitS: 10, talkS: 120, reason: 'invoice', ivr: menu('2'), clientId })
    await call({ startedAt: '2026-03-30T10:00:00Z', campaignId, outcome: 'answered', reason: 'invoice', disposition: 'sale' })
  })

  const report = async (query: string, who: Inject = supervisor) => {
    const res = await who({ method: 'GET', url: `/reports/reasons?${query}` })
    expect(res.statusCode, res.body).toBe(200)
    return res.json()
  }

  it('by local day and reason, with the figures: service level, waits, handling, talk share', async () => {
    const r = await report('from=2026-03-28&to=2026-03-29&by=day&group=reason&tz=Europe/Sarajevo')
    expect(r.periods).toEqual(['2026-03-28', '2026-03-29'])
    expect(r.rows).toEqual([
      { period: '2026-03-28', group: '', offered: 1, answered: 0, abandoned: 1, serviceLevel: 0, averageWaitMs: null, averageHandlingMs: null, talkMs: 0, talkShare: null },
      { period: '2026-03-29', group: 'invoice', offered: 1, answered: 1, abandoned: 0, serviceLevel: 1, averageWaitMs: 10_000, averageHandlingMs: 120_000, talkMs: 120_000, talkShare: 120 / 360 },
      // Threshold 20 s: 5 s in, 30 s not.
      { period: '2026-03-29', group: 'order', offered: 2, answered: 2, abandoned: 0, serviceLevel: 0.5, averageWaitMs: 17_500, averageHandlingMs: 120_000, talkMs: 240_000, talkShare: 240 / 360 },
    ])
    // In UTC the 00:30-local call is on the 28th.
    const utc = await report('from=2026-03-28&to=2026-03-29&by=day&group=reason&tz=UTC')
    expect(utc.rows.find((x: { period: string; group: string }) => x.period === '2026-03-28' && x.group === 'order')?.offered).toBe(1)
  })

  it('by IVR choice, client type, agent, campaign; weeks from Monday; outcomes and dispositions beside', async () => {
    const ivr = await report('from=2026-03-28&to=2026-03-29&by=week&group=ivr&tz=Europe/Sarajevo')
    expect(ivr.periods).toEqual(['2026-03-23'])
    expect(ivr.rows.map((x: { group: string; offered: number }) => [x.group, x.offered])).toEqual([['main-menu 1', 2], ['main-menu 2', 2]])
    const outcomes = ivr.breakdown.filter((b: { group: string; kind: string }) => b.group === 'main-menu 1' && b.kind === 'outcome')
    expect(outcomes).toEqual([{ group: 'main-menu 1', kind: 'outcome', value: 'abandoned', calls: 1 }, { group: 'main-menu 1', kind: 'outcome', value: 'answered', calls: 1 }])
    const types = await report('from=2026-03-28&to=2026-03-30&by=month&group=clientType&tz=Europe/Sarajevo')
    expect(types.rows.map((x: { group: string; offered: number }) => [x.group, x.offered])).toEqual([['', 3], ['retail', 2]])
    const agents = await report('from=2026-03-29&to=2026-03-29&by=day&group=agent&tz=Europe/Sarajevo')
    expect(agents.rows.map((x: { group: string; talkMs: number }) => [x.group, x.talkMs])).toEqual([['ana', 180_000], ['ivan', 180_000]])
    const byCampaign = await report('from=2026-03-30&to=2026-03-30&by=hour&group=campaign&tz=Europe/Sarajevo')
    expect(byCampaign.periods).toHaveLength(24)
    expect(byCampaign.rows).toMatchObject([{ period: '2026-03-30T12:00', group: 'Spring offer', offered: 1, answered: 1 }])
    expect(byCampaign.breakdown).toContainEqual({ group: 'Spring offer', kind: 'disposition', value: 'sale', calls: 1 })
    expect(byCampaign.breakdown).toContainEqual({ group: 'Spring offer', kind: 'reason', value: 'invoice', calls: 1 })
  })

  it('as CSV: BOM, header, semicolons and decimal commas for a decimal-comma locale', async () => {
    const res = await supervisor({ method: 'GET', url: '/reports/reasons?from=2026-03-29&to=2026-03-29&by=day&group=reason&tz=Europe/Sarajevo&format=csv&locale=bs' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('text/csv')
    expect(res.headers['content-disposition']).toContain('reasons-reason-day-2026-03-29-2026-03-29.csv')
    const lines = res.body.split('\r\n')
    expect(lines[0]).toBe('\uFEFFperiod;group;offered;answered;abandoned;service_level;average_wait_s;average_handling_s;talk_s;talk_share')
    expect(lines).toContain('2026-03-29;order;2;2;0;0,500;17,5;120,0;240,0;0,667')
    const en = await supervisor({ method: 'GET', url: '/reports/reasons?from=2026-03-29&to=2026-03-29&group=reason&tz=Europe/Sarajevo&format=csv&locale=en' })
    expect(en.body.split('\r\n')).toContain('2026-03-29,order,2,2,0,0.500,17.5,120.0,240.0,0.667')
  })

  it('as XLSX: the rows as numbers (ratios formatted as percents), the breakdown on its own sheet', async () => {
    const res = await supervisor({ method: 'GET', url: '/reports/reasons?from=2026-03-29&to=2026-03-29&by=day&group=reason&tz=Europe/Sarajevo&format=xlsx' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('spreadsheetml')
    const book = new ExcelJS.Workbook()
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer)
    const sheet = book.getWorksheet('Report')!
    expect(sheet.getRow(1).values).toEqual([undefined, 'period', 'reason', 'offered', 'answered', 'abandoned', 'service_level', 'average_wait_s', 'average_handling_s', 'talk_s', 'talk_share'])
    const order = sheet.getRow(3)
    expect(order.values).toEqual([undefined, '2026-03-29', 'order', 2, 2, 0, 0.5, 17.5, 120, 240, 240 / 360])
    expect(order.getCell(6).numFmt).toBe('0.0%')
    const parts = book.getWorksheet('Breakdown')!
    expect(parts.getRow(2).values).toEqual([undefined, 'invoice', 'disposition', 'done', 1])
  })

  it('bad input is refused naming the field; operators may not read reports', async () => {
    const bad = async (query: string, field: string) => {
      const res = await supervisor({ method: 'GET', url: `/reports/reasons?${query}` })
      expect(res.statusCode, query).toBe(400)
      expect(res.json().message, query).toContain(field)
    }
    await bad('from=2026-02-30&to=2026-03-01', 'from')
    await bad('from=2026-03-05&to=2026-03-01', 'from')
    await bad('from=2026-03-01&to=2026-03-01&tz=Mars/Olympus', 'tz')
    await bad('from=2026-03-01&to=2026-03-01&by=year', 'querystring/by')
    await bad('from=2026-03-01&to=2026-03-01&group=weather', 'querystring/group')
    await bad('from=2020-01-01&to=2026-03-01&by=hour', 'to')
    expect((await ivan({ method: 'GET', url: '/reports/reasons' })).statusCode).toBe(403)
    // Without a range: the last 7 local days up to today.
    const recent = await report('by=day')
    expect(recent.periods).toHaveLength(7)
  })
})
