/**
 * The read side of the API: the call register (search, one call with its IVR path and
 * events), recordings (Range, download, paths that try to leave the directory), clients,
 * flows (list, validate), exports (results and survey CSV), /metrics with a token, /docs.
 * An operator sees only the calls they answered and their recordings.
 */
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { attempts, calls, campaigns, clients, contacts, recordings, surveyAnswers } from '../../src/db/schema/index.js'
import { as, loginAs, type Inject } from './session.js'
import { startTestApp, type TestApp } from './test-app.js'

let t: TestApp
let admin: Inject
let supervisor: Inject
let ivan: Inject
let manager: Inject
const id: Record<string, number> = {}
const AUDIO = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251))

beforeAll(async () => {
  t = await startTestApp({ METRICS_TOKEN: 'a-metrics-token-of-length' })
  admin = as(t.server, await loginAs(t.server, t.app, 'root', 'admin'))
  supervisor = as(t.server, await loginAs(t.server, t.app, 'super', 'supervisor'))
  manager = as(t.server, await loginAs(t.server, t.app, 'manager', 'campaign-manager'))
  ivan = as(t.server, await loginAs(t.server, t.app, 'ivan', 'operator', 'ivan'))
  const db = t.app.database.db
  const [client] = await db.insert(clients).values({ name: 'Kovač d.o.o.', phone: '+38761200300', type: 'key', managerId: 'ana', overdueDebt: '120.50' }).returning()
  await db.insert(clients).values([
    { name: 'Mali dućan', phone: '+38762111222', type: 'retail' },
    { name: '100% Natural_Foods', phone: '+38763999000', type: 'marketer' },
  ])
  id.client = client!.id
  const at = (m: number) => new Date(Date.parse('2026-11-20T10:00:00Z') + m * 60_000)
  const rows = await db
    .insert(calls)
    .values([
      {
        callUuid: 'call-ivan-1',
        direction: 'inbound',
        callerNumber: '+38761200300',
        destination: '5000',
        startedAt: at(0),
        answeredAt: at(0),
        endedAt: at(5),
        hangupCause: 'NORMAL_CLEARING',
        clientId: client!.id,
        flowId: 'default',
        ivrPath: [
          { node: 'welcome', kind: 'play', at: at(0).toISOString() },
          { node: 'main-menu', kind: 'menu', at: new Date(at(0).getTime() + 5000).toISOString(), digits: '0', result: 'option 0' },
        ],
        queue: 'support',
        queueEnteredAt: new Date(at(0).getTime() + 10_000),
        queueOutcome: 'answered',
        answeredBy: 'ivan',
        queueOffers: [{ agent: 'ana', at: new Date(at(0).getTime() + 11_000).toISOString(), result: 'missed' }, { agent: 'ivan', at: new Date(at(0).getTime() + 30_000).toISOString(), result: 'answered' }],
      },
      { callUuid: 'call-ana-1', direction: 'inbound', callerNumber: '+38762111222', destination: '5000', startedAt: at(60), endedAt: at(62), queueOutcome: 'answered', answeredBy: 'ana' },
      { callUuid: 'call-abandoned', direction: 'inbound', callerNumber: '+38762111222', destination: '5000', startedAt: at(24 * 60), endedAt: at(24 * 60 + 1), queueOutcome: 'abandoned' },
      // Rung directly by the IVR as a key client's manager: Ivan answered it too; Ana's attempt was not answered.
      { callUuid: 'call-direct', direction: 'inbound', callerNumber: '+38761200300', clientId: client!.id, destination: '5000', startedAt: at(-60), endedAt: at(-58), routedTo: 'agent:ivan', routeResult: 'connected' },
      { callUuid: 'call-direct-missed', direction: 'inbound', callerNumber: '+38761200300', destination: '5000', startedAt: at(-120), endedAt: at(-119), routedTo: 'agent:ivan', routeResult: 'no-answer' },
    ])
    .returning()
  id.ivanCall = rows[0]!.id
  id.anaCall = rows[1]!.id
  id.direct = rows[3]!.id
  fs.mkdirSync(path.join(t.recordings, '2026/11/20'), { recursive: true })
  fs.writeFileSync(path.join(t.recordings, '2026/11/20/call-ivan-1.wav'), AUDIO)
  fs.writeFileSync(path.join(t.recordings, '2026/11/20/call-ana-1.wav'), AUDIO)
  const recs = await db
    .insert(recordings)
    .values([
      { callUuid: 'call-ivan-1', kind: 'call', path: '2026/11/20/call-ivan-1.wav', startedAt: at(0), sizeBytes: AUDIO.length },
      { callUuid: 'call-ana-1', kind: 'call', path: '2026/11/20/call-ana-1.wav', startedAt: at(60) },
      // A catalogue row that was tampered with: it must not lead out of the directory.
      { callUuid: 'call-ivan-1', kind: 'message', path: '../../../../etc/passwd', startedAt: at(0) },
      { callUuid: 'call-ivan-1', kind: 'message', path: '2026/11/20/not-there.wav', startedAt: at(0) },
    ])
    .returning()
  id.ivanRec = recs[0]!.id
  id.anaRec = recs[1]!.id
  id.tampered = recs[2]!.id
  id.missing = recs[3]!.id
})

afterAll(async () => {
  await t?.close()
})

describe('the call register', () => {
  it('searches by number, dates, agent and outcome, newest first, with paging', async () => {
    const all = (await supervisor({ method: 'GET', url: '/calls' })).json()
    expect(all.total).toBe(5)
    expect(all.calls.map((c: { callUuid: string }) => c.callUuid)).toEqual(['call-abandoned', 'call-ana-1', 'call-ivan-1', 'call-direct', 'call-direct-missed'])
    const byNumber = (await supervisor({ method: 'GET', url: '/calls?number=062%20111' })).json()
    expect(byNumber.calls.map((c: { callUuid: string }) => c.callUuid)).toEqual(['call-abandoned', 'call-ana-1'])
    const byDay = (await supervisor({ method: 'GET', url: '/calls?from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z' })).json()
    expect(byDay.total).toBe(4)
    expect((await supervisor({ method: 'GET', url: '/calls?agent=ana' })).json().calls.map((c: { callUuid: string }) => c.callUuid)).toEqual(['call-ana-1'])
    expect((await supervisor({ method: 'GET', url: '/calls?outcome=abandoned' })).json().total).toBe(1)
    const page = (await supervisor({ method: 'GET', url: '/calls?offset=1&limit=1' })).json()
    expect(page).toMatchObject({ total: 5, offset: 1, limit: 1 })
    expect(page.calls.map((c: { callUuid: string }) => c.callUuid)).toEqual(['call-ana-1'])
    const backwards = await supervisor({ method: 'GET', url: '/calls?from=2026-11-21T00:00:00Z&to=2026-11-20T00:00:00Z' })
    expect(backwards.statusCode).toBe(400)
    expect((await supervisor({ method: 'GET', url: '/calls?from=yesterday' })).statusCode).toBe(400)
    expect((await supervisor({ method: 'GET', url: "/calls?number=1'%20or%201=1" })).statusCode).toBe(400)
  })

  it('shows one call with its IVR path, its events in time order and its recordings', async () => {
    const res = await supervisor({ method: 'GET', url: `/calls/${id.ivanCall}` })
    expect(res.statusCode).toBe(200)
    const call = res.json()
    expect(call.ivrPath.map((s: { node: string }) => s.node)).toEqual(['welcome', 'main-menu'])
    expect(call.events.map((e: { event: string; node?: string; agent?: string }) => [e.event, e.node ?? e.agent ?? ''])).toEqual([
      ['started', ''],
      ['answered', ''],
      ['ivr', 'welcome'],
      ['ivr', 'main-menu'],
      ['queue-joined', ''],
      ['agent-rung', 'ana'],
      ['agent-rung', 'ivan'],
      ['ended', ''],
    ])
    expect(call.events.at(-1)).toMatchObject({ cause: 'NORMAL_CLEARING', queueOutcome: 'answered' })
    expect(call.recordings.map((r: { id: number; url: string }) => r.url)).toContain(`/recordings/${id.ivanRec}`)
    expect((await supervisor({ method: 'GET', url: '/calls/999999' })).json()).toEqual({ error: 'unknown-call', message: 'there is no call 999999' })
  })

  it('shows an operator only the calls they answered', async () => {
    const mine = (await ivan({ method: 'GET', url: '/calls' })).json()
    expect(mine.total).toBe(2)
    expect(mine.calls.map((c: { callUuid: string }) => c.callUuid)).toEqual(['call-ivan-1', 'call-direct'])
    expect((await ivan({ method: 'GET', url: '/calls?number=062111' })).json().total).toBe(0)
    expect((await ivan({ method: 'GET', url: `/calls/${id.ivanCall}` })).statusCode).toBe(200)
    const other = await ivan({ method: 'GET', url: `/calls/${id.anaCall}` })
    expect(other.statusCode).toBe(404)
    expect(other.json().error).toBe('unknown-call')
    const asked = await ivan({ method: 'GET', url: '/calls?agent=ana' })
    expect(asked.statusCode).toBe(403)
    expect(asked.json().error).toBe('not-your-agent')
    // The client card shows only their own calls too.
    const card = (await ivan({ method: 'GET', url: `/clients/${id.client}` })).json()
    expect(card.recentCalls.map((c: { id: number }) => c.id)).toEqual([id.ivanCall, id.direct])
  })
})

describe('recordings', () => {
  it('streams the whole file, and the bytes a Range asks for with 206', async () => {
    const whole = await supervisor({ method: 'GET', url: `/recordings/${id.ivanRec}` })
    expect(whole.statusCode).toBe(200)
    expect(whole.headers).toMatchObject({ 'content-type': 'audio/wav', 'accept-ranges': 'bytes', 'content-length': '1000' })
    expect(String(whole.headers['content-disposition'])).toMatch(/^inline; /)
    expect(whole.rawPayload.equals(AUDIO)).toBe(true)

    const part = await supervisor({ method: 'GET', url: `/recordings/${id.ivanRec}`, headers: { range: 'bytes=100-199' } })
    expect(part.statusCode).toBe(206)
    expect(part.headers).toMatchObject({ 'content-range': 'bytes 100-199/1000', 'content-length': '100' })
    expect(part.rawPayload.equals(AUDIO.subarray(100, 200))).toBe(true)

    const open = await supervisor({ method: 'GET', url: `/recordings/${id.ivanRec}`, headers: { range: 'bytes=990-' } })
    expect(open.statusCode).toBe(206)
    expect(open.rawPayload.equals(AUDIO.subarray(990))).toBe(true)
    const suffix = await supervisor({ method: 'GET', url: `/recordings/${id.ivanRec}`, headers: { range: 'bytes=-5' } })
    expect(suffix.headers['content-range']).toBe('bytes 995-999/1000')
    expect(suffix.rawPayload.equals(AUDIO.subarray(995))).toBe(true)
    const past = await supervisor({ method: 'GET', url: `/recordings/${id.ivanRec}`, headers: { range: 'bytes=5000-' } })
    expect(past.statusCode).toBe(416)
    expect(past.headers['content-range']).toBe('bytes */1000')
    expect(past.json().error).toBe('range-not-satisfiable')

    const head = await supervisor({ method: 'HEAD', url: `/recordings/${id.ivanRec}` })
    expect(head.statusCode).toBe(200)
    expect(head.headers['content-length']).toBe('1000')
    expect(head.body).toBe('')

    const download = await supervisor({ method: 'GET', url: `/recordings/${id.ivanRec}/download` })
    expect(String(download.headers['content-disposition'])).toBe(`attachment; filename="call-call-ivan-1-${id.ivanRec}.wav"`)
    const byPath = await supervisor({ method: 'GET', url: '/recordings/file/2026/11/20/call-ivan-1.wav', headers: { range: 'bytes=0-9' } })
    expect(byPath.statusCode).toBe(206)
    expect(byPath.rawPayload.equals(AUDIO.subarray(0, 10))).toBe(true)
  })

  it('gives an operator only the recordings of calls they answered', async () => {
    expect((await ivan({ method: 'GET', url: `/recordings/${id.ivanRec}` })).statusCode).toBe(200)
    const other = await ivan({ method: 'GET', url: `/recordings/${id.anaRec}` })
    expect(other.statusCode).toBe(404)
    expect(other.json().error).toBe('unknown-recording')
    expect((await ivan({ method: 'GET', url: '/recordings/file/2026/11/20/call-ana-1.wav' })).statusCode).toBe(404)
    // Nor to anybody not logged in.
    expect((await t.server.inject({ method: 'GET', url: `/recordings/${id.ivanRec}` })).statusCode).toBe(401)
  })

  it('never serves a file outside the recordings directory, whatever the path', async () => {
    const outside = path.join(path.dirname(t.recordings), `secret-${randomUUID()}.txt`)
    fs.writeFileSync(outside, 'secret')
    // A symbolic link inside the directory that points out of it.
    fs.symlinkSync(outside, path.join(t.recordings, '2026/11/20/link.wav'))
    await t.app.database.db.insert(recordings).values({ callUuid: 'call-ivan-1', kind: 'message', path: '2026/11/20/link.wav', startedAt: new Date() })
    try {
      const name = path.basename(outside)
      for (const url of [
        '/recordings/file/../../etc/passwd',
        '/recordings/file/..%2F..%2Fetc%2Fpasswd',
        '/recordings/file/%2E%2E/%2E%2E/etc/passwd',
        '/recordings/file/2026/..%2F..%2F..%2F' + name,
        '/recordings/file/%252E%252E%252Fetc%252Fpasswd',
        '/recordings/file//etc/passwd',
        '/recordings/file/%2Fetc%2Fpasswd',
        '/recordings/file/2026/11/20/call-ivan-1.wav%00.txt',
        '/recordings/file/..%5C..%5Cetc%5Cpasswd',
        '/recordings/file/2026/11/20/link.wav',
        `/recordings/${id.tampered}`,
        `/recordings/file/${encodeURIComponent(outside)}`,
      ]) {
        const res = await admin({ method: 'GET', url })
        expect(res.statusCode, url).toBeGreaterThanOrEqual(400)
        expect(res.statusCode, url).toBeLessThan(500)
        expect(res.body, url).not.toContain('root:')
        expect(res.body, url).not.toContain('secret')
        expect(res.json(), url).toEqual({ error: expect.any(String), message: expect.any(String) })
      }
      expect((await admin({ method: 'GET', url: `/recordings/${id.missing}` })).json().error).toBe('recording-missing')
    } finally {
      fs.rmSync(outside, { force: true })
    }
  })
})

describe('clients', () => {
  it('searches by name or digits of the number, by type, with paging; % and _ are letters', async () => {
    const byName = (await ivan({ method: 'GET', url: '/clients?q=kova' })).json()
    expect(byName.clients.map((c: { name: string }) => c.name)).toEqual(['Kovač d.o.o.'])
    expect((await ivan({ method: 'GET', url: '/clients?q=062%20111' })).json().clients.map((c: { name: string }) => c.name)).toEqual(['Mali dućan'])
    expect((await ivan({ method: 'GET', url: '/clients?type=marketer' })).json().total).toBe(1)
    expect((await ivan({ method: 'GET', url: '/clients?q=%25' })).json().clients.map((c: { name: string }) => c.name)).toEqual(['100% Natural_Foods'])
    expect((await ivan({ method: 'GET', url: '/clients?limit=1' })).json()).toMatchObject({ total: 3, limit: 1 })
    const one = (await ivan({ method: 'GET', url: `/clients/${id.client}` })).json()
    expect(one).toMatchObject({ name: 'Kovač d.o.o.', type: 'key', managerId: 'ana', overdueDebt: '120.50' })
    expect((await ivan({ method: 'GET', url: '/clients/999999' })).json().error).toBe('unknown-client')
    expect((await ivan({ method: 'GET', url: '/clients?type=vip' })).statusCode).toBe(400)
  })
})

describe('flows', () => {
  const valid = { id: 'tiny', numbers: ['7000'], languages: ['en'], defaultLanguage: 'en', start: 'hello', nodes: { hello: { type: 'play', prompts: ['welcome'], next: 'bye' }, bye: { type: 'hangup' } } }

  it('lists the inbound flows and the campaign scripts, and shows one whole', async () => {
    const flows = (await manager({ method: 'GET', url: '/flows' })).json().flows as Array<{ id: string; kind: string }>
    expect(flows.find((f) => f.id === 'default')).toMatchObject({ kind: 'inbound', numbers: ['5000', '+38733200200'] })
    expect(flows.filter((f) => f.kind === 'script').length).toBe(3)
    expect((await manager({ method: 'GET', url: '/flows/default' })).json()).toMatchObject({ kind: 'inbound', flow: { id: 'default', start: 'welcome' } })
    expect((await manager({ method: 'GET', url: '/flows/nope' })).statusCode).toBe(404)
  })

  it('validates a flow document: valid, or every problem naming its node', async () => {
    const ok = (await manager({ method: 'POST', url: '/flows/validate', payload: valid })).json()
    expect(ok).toMatchObject({ valid: true, problems: [], flow: { id: 'tiny', nodes: 2 } })
    const broken = { ...valid, nodes: { hello: { type: 'play', prompts: ['welcome'], next: 'nowhere' }, bye: { type: 'hangup', cause: 'bad cause' }, lost: { type: 'hangup' } } }
    const res = await manager({ method: 'POST', url: '/flows/validate', payload: broken })
    expect(res.statusCode).toBe(200)
    const problems = res.json().problems as Array<{ node?: string; message: string }>
    expect(res.json().valid).toBe(false)
    expect(problems.some((p) => p.node === 'hello' && p.message.includes('nowhere'))).toBe(true)
    expect(problems.some((p) => p.node === 'bye')).toBe(true)
    expect(problems.every((p) => typeof p.message === 'string' && !('file' in p))).toBe(true)
    // A missing prompt is named too.
    const prompt = (await manager({ method: 'POST', url: '/flows/validate', payload: { ...valid, nodes: { ...valid.nodes, hello: { type: 'play', prompts: ['no-such-prompt'], next: 'bye' } } } })).json()
    expect(prompt.valid).toBe(false)
    expect(prompt.problems[0]).toMatchObject({ node: 'hello', prompt: 'no-such-prompt' })
    // As a campaign script, a flow answering numbers is wrong.
    expect((await manager({ method: 'POST', url: '/flows/validate?kind=script', payload: valid })).json().problems[0]).toMatchObject({ field: 'numbers' })
  })

  it('takes YAML too, and names a syntax error', async () => {
    const yaml = 'id: tiny\nnumbers: ["7000"]\nlanguages: [en]\ndefaultLanguage: en\nstart: bye\nnodes:\n  bye: { type: hangup }\n'
    const ok = await manager({ method: 'POST', url: '/flows/validate', headers: { 'content-type': 'application/yaml' }, payload: yaml })
    expect(ok.json()).toMatchObject({ valid: true })
    const bad = await manager({ method: 'POST', url: '/flows/validate', headers: { 'content-type': 'application/yaml' }, payload: 'id: [unclosed\n' })
    expect(bad.json().valid).toBe(false)
    expect(bad.json().problems.length).toBeGreaterThan(0)
    expect((await manager({ method: 'POST', url: '/flows/validate', payload: [1, 2] })).statusCode).toBe(400)
  })
})

describe('exports', () => {
  it('streams the results as CSV: a row per contact with the last attempt and the fields; formulas stay text', async () => {
    const db = t.app.database.db
    const [c] = await db.insert(campaigns).values({ name: 'Reminders', kind: 'payment-reminder' }).returning()
    const made = await db
      .insert(contacts)
      .values([
        { campaignId: c!.id, phone: '+38761000001', name: 'Ana, "the first"', timezone: 'Europe/Sarajevo', status: 'done', attempts: 2, lastOutcome: 'human', disposition: 'promise-to-pay', fields: { amount_due: '12.50' } },
        { campaignId: c!.id, phone: '+38761000002', name: '=HYPERLINK("x")', timezone: 'Europe/Sarajevo', fields: { due_date: '2026-12-01' } },
      ])
      .returning()
    const at = new Date('2026-11-23T09:10:00Z')
    await db.insert(attempts).values([
      { campaignId: c!.id, contactId: made[0]!.id, number: 1, callUuid: randomUUID(), startedAt: new Date('2026-11-22T09:00:00Z'), outcome: 'no-answer', agentId: null },
      { campaignId: c!.id, contactId: made[0]!.id, number: 2, callUuid: randomUUID(), startedAt: at, outcome: 'human', agentId: 'ivan', cause: 'NORMAL_CLEARING' },
    ])
    const res = await supervisor({ method: 'GET', url: `/campaigns/${c!.id}/results.csv` })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(res.headers['content-disposition']).toBe(`attachment; filename="campaign-${c!.id}-results.csv"`)
    expect(res.body.split('\r\n')).toEqual([
      // A UTF-8 BOM first: without it Excel reads the file in the user's ANSI code page.
      '\uFEFFcontact_id,phone,name,language,timezone,status,attempts,last_outcome,disposition,last_attempt_at,agent,cause,field:amount_due,field:due_date',
      `${made[0]!.id},+38761000001,"Ana, ""the first""",,Europe/Sarajevo,done,2,human,promise-to-pay,2026-11-23T09:10:00.000Z,ivan,NORMAL_CLEARING,12.50,`,
      `${made[1]!.id},+38761000002,"'=HYPERLINK(""x"")",,Europe/Sarajevo,pending,0,,,,,,,2026-12-01`,
      '',
    ])
    await db.insert(surveyAnswers).values([
      { campaignId: c!.id, contactId: made[1]!.id, question: 'q1', answer: '5', answeredAt: at },
      { campaignId: c!.id, contactId: made[1]!.id, question: 'q2', answer: '1', answeredAt: new Date(at.getTime() + 1000) },
    ])
    const survey = await manager({ method: 'GET', url: `/campaigns/${c!.id}/survey.csv` })
    expect(survey.body).toBe(`\uFEFFcontact_id,phone,name,q1,q2,answered_at\r\n${made[1]!.id},+38761000002,"'=HYPERLINK(""x"")",5,1,2026-11-23T09:10:01.000Z\r\n`)
    expect((await manager({ method: 'GET', url: '/campaigns/999999/results.csv' })).json().error).toBe('unknown-campaign')
    // Excel set to Bosnian, Russian or Portuguese splits on ; and reads 12,50 as a number.
    const bs = (await manager({ method: 'GET', url: `/campaigns/${c!.id}/results.csv?locale=bs-BA` })).body.split('\r\n')
    expect(bs[0]).toMatch(/^\uFEFFcontact_id;phone;name;language;/)
    expect(bs[1]).toBe(`${made[0]!.id};+38761000001;"Ana, ""the first""";;Europe/Sarajevo;done;2;human;promise-to-pay;2026-11-23T09:10:00.000Z;ivan;NORMAL_CLEARING;12,50;`)
    const ru = await manager({ method: 'GET', url: `/campaigns/${c!.id}/survey.csv`, headers: { 'accept-language': 'ru-RU,ru;q=0.9,en;q=0.5' } })
    expect(ru.body).toBe(`\uFEFFcontact_id;phone;name;q1;q2;answered_at\r\n${made[1]!.id};+38761000002;"'=HYPERLINK(""x"")";5;1;2026-11-23T09:10:01.000Z\r\n`)
    expect((await manager({ method: 'GET', url: `/campaigns/${c!.id}/results.csv?locale=pt-BR&sep=,` })).body.split('\r\n')[1]).toContain(',NORMAL_CLEARING,12.50,')
    const bad = await manager({ method: 'GET', url: `/campaigns/${c!.id}/results.csv?sep=tab` })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().message).toContain('sep')
  })

  it('pages through a campaign bigger than one page', async () => {
    const db = t.app.database.db
    const [c] = await db.insert(campaigns).values({ name: 'Big', kind: 'informational' }).returning()
    await db.insert(contacts).values(Array.from({ length: 2503 }, (_, i) => ({ campaignId: c!.id, phone: `+3876150${String(i).padStart(4, '0')}`, timezone: 'Europe/Sarajevo' })))
    const lines = (await manager({ method: 'GET', url: `/campaigns/${c!.id}/results.csv` })).body.trimEnd().split('\r\n')
    expect(lines.length).toBe(2504)
    expect(new Set(lines.slice(1).map((l) => l.split(',')[1])).size).toBe(2503)
  })
})

describe('metrics and docs', () => {
  it('/metrics wants the token when METRICS_TOKEN is set', async () => {
    const none = await t.server.inject({ method: 'GET', url: '/metrics' })
    expect(none.statusCode).toBe(401)
    expect(none.json().error).toBe('unauthenticated')
    expect((await t.server.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer wrong' } })).statusCode).toBe(401)
    const ok = await t.server.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer a-metrics-token-of-length' } })
    expect(ok.statusCode).toBe(200)
    expect(ok.body).toContain('cc_queue_waiting')
  })

  it('/docs serves the OpenAPI document, with the roles of each route and the error shape', async () => {
    const doc = (await t.server.inject({ method: 'GET', url: '/docs/json' })).json()
    expect(doc.openapi).toBe('3.0.3')
    expect(doc.paths['/calls'].get.description).toContain('Roles: admin, supervisor, operator.')
    expect(doc.paths['/calls'].get.security).toEqual([{ bearer: [] }, { session: [] }])
    expect(doc.paths['/health'].get.security).toBeUndefined()
    expect(doc.components.schemas.ApiError).toMatchObject({ required: ['error', 'message'] })
    expect((await t.server.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400)
  })
})
