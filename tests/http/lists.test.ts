/**
 * The dial-list and do-not-call API against a real app (PostgreSQL and Redis of its own): a
 * CSV upload streamed over a real socket while another request follows its progress, the
 * report, and the errors.
 */
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { startHttpServer } from '../../src/http/server.js'
import { silentLogger } from '../../src/log.js'
import { VirtualClock } from '../../src/time/virtual-clock.js'
import { createTestDatabase, type TestDatabase } from '../helpers/database.js'
import { contactsOf, createCampaign } from '../lists/fixtures.js'
import { loginAs } from './session.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

let db: TestDatabase
let app: App
let server: FastifyInstance
let base: string
let recordings: string
/** A campaign manager's session. */
let auth: { authorization: string }

beforeAll(async () => {
  db = await createTestDatabase()
  recordings = fs.mkdtempSync(path.join(os.tmpdir(), 'lists-api-'))
  const config = loadConfig(
    {
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_PREFIX: `t${Date.now().toString(36)}`,
      PROMPTS_DIR: path.join(ROOT, 'prompts'),
      RECORDINGS_DIR: recordings,
      ESL_LISTEN_PORT: '0',
      LOG_LEVEL: 'silent',
    },
    ROOT,
  )
  app = await startApp({ config, log: silentLogger, clock: new VirtualClock({ start: Date.parse('2026-11-23T09:00:00Z') }), flow: async () => {}, control: false })
  server = await startHttpServer(app, { host: '127.0.0.1', port: 0 })
  base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`
  auth = { authorization: `Bearer ${await loginAs(server, app, 'manager', 'campaign-manager')}` }
})

afterAll(async () => {
  await server?.close()
  await app?.stop(0)
  await db?.drop()
  if (recordings) fs.rmSync(recordings, { recursive: true, force: true })
})

/** A JSON answer, read as loosely as light-my-request's json() in the other API tests. */
type Json = ReturnType<typeof JSON.parse>

const MAPPING = encodeURIComponent(JSON.stringify({ phone: 'Telefon', name: 'Ime', fields: { amount_due: 'Iznos' } }))

async function call(method: string, url: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${base}${url}`, {
    method,
    ...(body === undefined ? { headers: auth } : { headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  })
  return { status: res.status, json: await res.json() }
}

/** POSTs the chunks as a chunked CSV upload, writing the next one only when `next()` says so. */
function upload(url: string, chunks: AsyncIterable<string>, contentType = 'text/csv'): Promise<{ status: number; json: Json }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${url}`, { method: 'POST', headers: { ...auth, 'content-type': contentType } }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => (text += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }))
    })
    req.on('error', reject)
    void (async () => {
      for await (const c of chunks) if (!req.write(c)) await new Promise((r) => req.once('drain', r))
      req.end()
    })().catch(reject)
  })
}

async function* once(text: string): AsyncGenerator<string> {
  yield text
}

describe('POST /campaigns/:id/lists', () => {
  it('loads a streamed upload while GET /lists/:id shows its progress, then answers 201 with the totals', { timeout: 60_000 }, async () => {
    const campaignId = await createCampaign(app.database.db)
    const rows = 30_000
    let released = 0
    let release: () => void = () => {}
    async function* slowly(): AsyncGenerator<string> {
      yield 'Telefon;Ime;Iznos\r\n'
      for (let part = 0; part < 3; part++) {
        let chunk = ''
        for (let i = part * 10_000; i < (part + 1) * 10_000; i++) chunk += i % 1000 === 7 ? `x${i};Bad;0\r\n` : `+38762${String(i).padStart(6, '0')};Klijent ${i};${i}\r\n`
        yield chunk
        // The next part goes only once the test has seen this one loaded.
        await new Promise<void>((r) => (release = r))
        released++
      }
    }
    const posted = upload(`/campaigns/${campaignId}/lists?name=${encodeURIComponent('big list.csv')}&mapping=${MAPPING}`, slowly())

    const seen: number[] = []
    let listId: number | undefined
    while (released < 3) {
      const lists = (await call('GET', `/campaigns/${campaignId}/lists`)).json.lists as Array<{ id: number; status: string; rowsRead: number }>
      listId ??= lists[0]?.id
      if (listId !== undefined) {
        const list = (await call('GET', `/lists/${listId}`)).json
        expect(list.status).toBe('loading')
        if (!seen.includes(list.rowsRead) && list.rowsRead > 0) seen.push(list.rowsRead)
        // Each part is 10,000 rows; all but its last are read before the next part comes.
        if (list.rowsRead >= (released + 1) * 10_000 - 1) release()
      }
      await new Promise((r) => setTimeout(r, 25))
    }
    const res = await posted
    expect(res.status).toBe(201)
    // A draft campaign stays a draft (a finished one would be reopened: tests/http/campaign-checks.test.ts).
    expect(res.json).toEqual({ listId, status: 'loaded', rowsRead: rows, accepted: rows - 30, rejected: 30, duplicates: 0, doNotCall: 0, campaignStatus: 'draft' })
    expect(seen.length).toBeGreaterThanOrEqual(3)
    expect(seen.every((n) => n < rows)).toBe(true)

    const list = (await call('GET', `/lists/${listId}`)).json
    expect(list).toMatchObject({ id: listId, campaignId, name: 'big list.csv', status: 'loaded', rowsRead: rows, accepted: rows - 30, rejected: 30, error: null })
    expect(Date.parse(list.finishedAt)).toBeGreaterThan(0)
    expect(await contactsOf(app.database.db, campaignId)).toHaveLength(rows - 30)
  })

  it('marks the list failed, keeping what was read, when the client goes away mid-upload', async () => {
    const campaignId = await createCampaign(app.database.db)
    const req = http.request(`${base}/campaigns/${campaignId}/lists?name=cut.csv&mapping=${MAPPING}`, { method: 'POST', headers: { ...auth, 'content-type': 'text/csv' } })
    req.on('error', () => {})
    req.write('Telefon,Ime,Iznos\n061500001,A,1\n061500002,B,2\n061500003,C,3\n')
    const poll = async (until: (list: { status: string; rowsRead: number }) => boolean): Promise<{ id: number; status: string; rowsRead: number; error: string | null }> => {
      for (let i = 0; i < 200; i++) {
        const [list] = (await call('GET', `/campaigns/${campaignId}/lists`)).json.lists
        if (list && until(list)) return list
        await new Promise((r) => setTimeout(r, 25))
      }
      throw new Error('the list never got there')
    }
    // All but the last row are read (csv-parse waits for the byte after its line break) and committed within a second.
    await poll((l) => l.rowsRead === 2)
    req.destroy()
    const failed = await poll((l) => l.status === 'failed')
    expect(failed).toMatchObject({ status: 'failed', rowsRead: 2, accepted: 2, error: expect.stringMatching(/aborted|premature close|reset/i) })
    expect((await contactsOf(app.database.db, campaignId)).map((c) => c.phone)).toEqual(['+38761500001', '+38761500002'])
  })

  it('reports rejected rows by line, a page at a time', async () => {
    const campaignId = await createCampaign(app.database.db)
    const file = 'Telefon,Ime,Iznos\n061111111,A,1\nbad,B,2\n\n062222222,C\n"063333333","D, E",3\n12,F,4\n061111111,A again,5\n'
    const res = await upload(`/campaigns/${campaignId}/lists?name=small.csv&mapping=${MAPPING}`, once(file), 'text/csv; charset=utf-8')
    expect(res.status).toBe(201)
    expect(res.json).toMatchObject({ rowsRead: 6, accepted: 2, rejected: 3, duplicates: 1 })
    const all = (await call('GET', `/lists/${res.json.listId}/rejections`)).json
    expect(all).toEqual({
      listId: res.json.listId,
      total: 3,
      offset: 0,
      limit: 100,
      rejections: [
        { line: 3, reason: 'invalid phone number "bad" (not a number)', excerpt: 'bad,B,2' },
        { line: 5, reason: 'expected 3 columns, found 2', excerpt: '062222222,C' },
        { line: 7, reason: 'invalid phone number "12" (too short)', excerpt: '12,F,4' },
      ],
    })
    const page = (await call('GET', `/lists/${res.json.listId}/rejections?offset=1&limit=1`)).json
    expect(page).toMatchObject({ total: 3, offset: 1, limit: 1, rejections: [all.rejections[1]] })
    expect((await call('GET', `/lists/${res.json.listId}/rejections?limit=0`)).status).toBe(400)
  })

  it('answers 404 for an unknown campaign or list, 400 for a bad mapping or file, 415 for another content type', async () => {
    const campaignId = await createCampaign(app.database.db)
    const file = 'Telefon;Ime\n061111111;A\n'
    const unknown = await upload(`/campaigns/999999/lists?name=x.csv&mapping=${MAPPING}`, once(file))
    expect(unknown).toEqual({ status: 404, json: { error: 'unknown-campaign', message: 'there is no campaign 999999' } })

    const wrong = await upload(`/campaigns/${campaignId}/lists?name=x.csv&mapping=${MAPPING}`, once(file))
    expect(wrong).toEqual({ status: 400, json: { error: 'bad-mapping', message: 'mapping.fields.amount_due: the file has no column "Iznos"; its columns are "Telefon", "Ime"' } })

    const notJson = await upload(`/campaigns/${campaignId}/lists?name=x.csv&mapping=${encodeURIComponent('{phone:')}`, once(file))
    expect(notJson).toEqual({ status: 400, json: { error: 'bad-mapping', message: 'mapping is not valid JSON' } })

    const empty = await upload(`/campaigns/${campaignId}/lists?name=x.csv&mapping=${MAPPING}`, once(''))
    expect(empty).toEqual({ status: 400, json: { error: 'bad-file', message: 'the file is empty: no header line' } })

    const noName = await upload(`/campaigns/${campaignId}/lists?mapping=${MAPPING}`, once(file))
    expect(noName.status).toBe(400)
    expect(noName.json).toEqual({ error: 'bad-request', message: "querystring must have required property 'name'" })

    const json = await upload(`/campaigns/${campaignId}/lists?name=x.csv&mapping=${MAPPING}`, once('{}'), 'application/xml')
    expect(json.status).toBe(415)
    expect(json.json.error).toBe('unsupported-media-type')

    expect(await call('GET', '/lists/999999')).toEqual({ status: 404, json: { error: 'unknown-list', message: 'there is no list 999999' } })
    expect((await call('GET', '/lists/999999/rejections')).status).toBe(404)
    expect((await call('GET', '/campaigns/999999/lists')).json.error).toBe('unknown-campaign')
    expect((await call('GET', `/campaigns/${campaignId}/lists`)).json).toEqual({ lists: [] })
  })

  it('refuses a payment reminder list with no column for the amount or the due date, before any row and without a list', async () => {
    const campaignId = await createCampaign(app.database.db, { currency: 'BAM' }, 'payment-reminder')
    const file = 'Telefon;Ime;Iznos;Rok\n061111111;A;12,50;15.12.2026.\n'
    const mapping = (fields: Record<string, string>) => encodeURIComponent(JSON.stringify({ phone: 'Telefon', name: 'Ime', fields }))
    const none = await upload(`/campaigns/${campaignId}/lists?name=x.csv&mapping=${mapping({})}`, once(file))
    expect(none).toEqual({
      status: 400,
      json: { error: 'bad-mapping', message: 'mapping.fields.amount_due: a payment reminder says the amount (mapping.fields.amount_due) and the due date (mapping.fields.due_date): map a column of the file to each; the file\'s columns are "Telefon", "Ime", "Iznos", "Rok"' },
    })
    const noDate = await upload(`/campaigns/${campaignId}/lists?name=x.csv&mapping=${mapping({ amount_due: 'Iznos' })}`, once(file))
    expect(noDate.json.message).toMatch(/^mapping\.fields\.due_date: a payment reminder says the due date \(mapping\.fields\.due_date\): map a column of the file to it;/)
    expect((await call('GET', `/campaigns/${campaignId}/lists`)).json).toEqual({ lists: [] })
    // With both, the list loads and its row can be spoken.
    const both = await upload(`/campaigns/${campaignId}/lists?name=x.csv&mapping=${mapping({ amount_due: 'Iznos', due_date: 'Rok' })}`, once(file))
    expect(both.status, JSON.stringify(both.json)).toBe(201)
    expect(both.json).toMatchObject({ accepted: 1, rejected: 0 })
  })

  it('reads the encoding picked with ?encoding=, refuses one it does not know or a binary file, and reports the encoding and the language mapping', async () => {
    const campaignId = await createCampaign(app.database.db)
    // Windows-1250 bytes: "Šaćir" and "Đurđa", spoken in Bosnian though written Hrvatski.
    const bytes = Buffer.from('Telefon;Ime;Jezik\r\n061111111;\x8aa\xe6ir;Hrvatski\r\n062222222;\xd0ur\xf0a;bs\r\n', 'latin1')
    const mapping = encodeURIComponent(JSON.stringify({ phone: 'Telefon', name: 'Ime', language: 'Jezik' }))
    const post = async (query: string, body: Buffer) => {
      const res = await fetch(`${base}/campaigns/${campaignId}/lists?name=x.csv&mapping=${mapping}${query}`, { method: 'POST', headers: { ...auth, 'content-type': 'text/csv' }, body })
      return { status: res.status, json: (await res.json()) as Json }
    }
    const loaded = await post('&encoding=windows-1250', bytes)
    expect(loaded.status).toBe(201)
    const report = (await call('GET', `/lists/${loaded.json.listId}`)).json
    expect(report).toMatchObject({ encoding: 'windows-1250', accepted: 2, notes: { languages: { hr: { to: 'bs', rows: 1 } } } })
    expect((await contactsOf(app.database.db, campaignId)).map((c) => [c.name, c.language])).toEqual([
      ['Šaćir', 'bs'],
      ['Đurđa', 'bs'],
    ])
    expect(await post('&encoding=ebcdic', bytes)).toEqual({ status: 400, json: { error: 'bad-file', message: expect.stringContaining('unknown encoding "ebcdic"') } })
    const xlsx = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 6, 0]), Buffer.alloc(200)])
    expect(await post('', xlsx)).toEqual({ status: 400, json: { error: 'bad-file', message: 'it is a ZIP archive (an Excel .xlsx workbook?), not text: save it as CSV' } })
  })
})

describe('do-not-call API', () => {
  it('adds, checks, lists and removes global entries, numbers in E.164', async () => {
    const added = await call('POST', '/dnc', { phone: '064 500 500', reason: 'asked' })
    expect(added.status).toBe(201)
    expect(added.json).toMatchObject({ phone: '+38764500500', campaignId: 0, reason: 'asked', contactsMarked: 0 })
    const again = await call('POST', '/dnc', { phone: '+38764500500', reason: 'asked again' })
    expect(again.status).toBe(200)
    expect(again.json.reason).toBe('asked again')

    expect((await call('GET', '/dnc?phone=064500500')).json).toMatchObject({ phone: '+38764500500', blocked: true, entries: [{ campaignId: 0, reason: 'asked again' }] })
    const listed = (await call('GET', '/dnc')).json
    expect(listed).toMatchObject({ campaignId: 0, offset: 0, limit: 100, total: 1, entries: [{ phone: '+38764500500' }] })

    expect(await call('POST', '/dnc', { phone: 'nope' })).toEqual({ status: 400, json: { error: 'invalid-number', message: 'invalid phone number "nope" (not a number)' } })
    expect((await call('POST', '/dnc', {})).json).toEqual({ error: 'bad-request', message: "body must have required property 'phone'" })

    expect(await call('DELETE', '/dnc', { phone: '064 500 500' })).toEqual({ status: 200, json: { phone: '064 500 500', campaignId: 0, removed: true, contactsRestored: 0 } })
    expect((await call('DELETE', '/dnc?phone=064500500')).json.error).toBe('not-listed')
    expect((await call('GET', '/dnc?phone=064500500')).json.blocked).toBe(false)
  })

  it("keeps a campaign's own list and marks its contacts", async () => {
    const campaignId = await createCampaign(app.database.db)
    const loaded = await upload(`/campaigns/${campaignId}/lists?name=l.csv&mapping=${encodeURIComponent('{"phone":"phone"}')}`, once('phone\n065700700\n'))
    expect(loaded.json.accepted).toBe(1)
    const added = await call('POST', `/campaigns/${campaignId}/dnc`, { phone: '065 700 700', reason: 'complaint' })
    expect(added).toMatchObject({ status: 201, json: { phone: '+38765700700', campaignId, reason: 'complaint', contactsMarked: 1 } })
    expect((await contactsOf(app.database.db, campaignId))[0]?.status).toBe('do-not-call')
    expect((await call('GET', `/campaigns/${campaignId}/dnc`)).json).toMatchObject({ campaignId, total: 1 })
    expect((await call('GET', '/dnc?phone=065700700')).json.blocked).toBe(false)
    expect((await call('GET', `/campaigns/${campaignId}/dnc?phone=065700700`)).json.blocked).toBe(true)
    expect((await call('DELETE', `/campaigns/${campaignId}/dnc`, { phone: '065700700' })).json).toMatchObject({ removed: true, contactsRestored: 1 })
    expect((await contactsOf(app.database.db, campaignId))[0]?.status).toBe('pending')

    expect((await call('POST', '/campaigns/999999/dnc', { phone: '065700700' })).json).toEqual({ error: 'unknown-campaign', message: 'there is no campaign 999999' })
    expect((await call('GET', '/campaigns/999999/dnc')).status).toBe(404)
  })
})
