/**
 * loadList against a real PostgreSQL: a file full of broken rows gives exactly the expected
 * report and every good row; duplicates merge within a list and across lists; the
 * do-not-call lists and consent are respected; a stream that breaks off keeps what was read.
 */
import { Readable } from 'node:stream'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contactLists } from '../../src/db/schema/index.js'
import { addDoNotCall, CsvFileError, ListLoadError, loadList, MappingError, UnknownCampaignError, type ListTotals } from '../../src/lists/index.js'
import { createTestDatabase, type TestDatabase } from '../helpers/database.js'
import { contactsOf, createCampaign, listRow, reportOf, streamOf } from './fixtures.js'

let db: TestDatabase

beforeAll(async () => {
  db = await createTestDatabase()
})

afterAll(async () => {
  await db?.drop()
})

const TEN_MB = 10 * 1024 * 1024

describe('a file with broken rows', () => {
  it('loads every good row and reports every bad one with its line and reason', async () => {
    const campaignId = await createCampaign(db.db)
    const file = [
      '\uFEFFTelefon;Ime;Jezik;Iznos;Napomena\r\n', // 1
      '061 234 567;"Marić; Ana";;12,50;"first\r\nsecond"\r\n', // 2-3
      '062 345 678;Ivo;hr;5;x\r\n', // 4
      '\r\n', // 5: empty
      '12;Bad;bs;1;x\r\n', // 6
      '063 456 789;Too;few\r\n', // 7
      Buffer.concat([Buffer.from('064 567 890;Jo'), Buffer.from([0xff]), Buffer.from('se;bs;1;x\r\n')]), // 8
      `065 678 901;Big;bs;1;"${'z'.repeat(TEN_MB)}"\r\n`, // 9
      '066 789 012;After big;en;2;"a ""quoted"" note"\r\n', // 10
      '+49 30 12345678;Hans;de;3;"multi\nline; note"\n', // 11-12
      '061 234 567;Dup;en;99;later\r\n', // 13: the number of line 2
      '067 000 111;Extra;bs;1;x;y\r\n', // 14
      ';;;;\r\n', // 15: blank
      '068 111 222;Last;bs;9;no newline at end', // 16
    ]
    const progress: ListTotals[] = []
    const result = await loadList(db, {
      campaignId,
      name: 'broken.csv',
      mapping: { phone: 'Telefon', name: 'Ime', language: 'Jezik', fields: { amount_due: 'Iznos', note: 'Napomena' } },
      source: streamOf(file),
      onProgress: (t) => progress.push(t),
    })
    const totals = { rowsRead: 11, accepted: 5, rejected: 5, duplicates: 1, doNotCall: 0 }
    expect(result).toEqual({ listId: expect.any(Number), status: 'loaded', ...totals })
    expect(progress.at(-1)).toEqual(totals)

    const report = await reportOf(db.db, result.listId)
    expect(report.map((r) => [r.line, r.reason])).toEqual([
      [6, 'invalid phone number "12" (too short)'],
      [7, 'expected 5 columns, found 3'],
      [8, 'field "Ime" is not valid UTF-8'],
      [9, 'field "Napomena" is bigger than 1 MB (10,485,760 bytes)'],
      [14, 'expected 5 columns, found 6'],
    ])
    expect(report.map((r) => r.excerpt)).toEqual([
      '12;Bad;bs;1;x',
      '063 456 789;Too;few',
      '064 567 890;Jo\uFFFDse;bs;1;x',
      `065 678 901;Big;bs;1;${'z'.repeat(176)}...`,
      '067 000 111;Extra;bs;1;x;y',
    ])

    const list = await listRow(db.db, result.listId)
    expect(list).toMatchObject({ status: 'loaded', name: 'broken.csv', campaignId, error: null, ...totals })
    expect(list.finishedAt).toBeInstanceOf(Date)

    const base = { timezone: 'Europe/Sarajevo', clientId: null, consent: null, listId: result.listId, status: 'pending' }
    expect(await contactsOf(db.db, campaignId)).toEqual([
      // Line 13 filled the language line 2 left empty; line 2's other values stay. Amounts as
      // the scripts speak them, in the campaign's currency (BA: BAM); hr is spoken in Bosnian.
      { ...base, phone: '+38761234567', name: 'Marić; Ana', language: 'en', fields: { amount_due: '12.50', currency: 'BAM', note: 'first\r\nsecond' } },
      { ...base, phone: '+38762345678', name: 'Ivo', language: 'bs', fields: { amount_due: '5.00', currency: 'BAM', note: 'x' } },
      { ...base, phone: '+38766789012', name: 'After big', language: 'en', fields: { amount_due: '2.00', currency: 'BAM', note: 'a "quoted" note' } },
      { ...base, phone: '+38768111222', name: 'Last', language: 'bs', fields: { amount_due: '9.00', currency: 'BAM', note: 'no newline at end' } },
      { ...base, phone: '+493012345678', name: 'Hans', language: 'de', timezone: 'Europe/Berlin', fields: { amount_due: '3.00', currency: 'BAM', note: 'multi\nline; note' } },
    ])
  })
})

describe('duplicates', () => {
  it('merge within a list (in one batch and across batches) and with the campaign’s earlier lists', async () => {
    const campaignId = await createCampaign(db.db)
    const other = await createCampaign(db.db)
    const a = await loadList(db, {
      campaignId,
      name: 'a.csv',
      mapping: { phone: 'phone', name: 'name', language: 'language', fields: { amount: 'amount', due: 'due' } },
      source: streamOf(
        [
          'phone,name,language,amount,due',
          '061111111,,bs,10,', // p1, no name
          '062222222,Bo,,20,2026-12-01', // p2, no language
          '+387 61 111 111,Ana,en,99,2026-12-24', // p1 again, same batch: fills name and due
          '063333333,Cy,hr,30,', // p3
          '062 222 222,Bob,hr,21,', // p2 again, next batch (ON CONFLICT): fills language
        ].join('\n'),
        7,
      ),
      batchRows: 3,
    })
    expect(a).toMatchObject({ rowsRead: 5, accepted: 3, rejected: 0, duplicates: 2, doNotCall: 0 })

    const b = await loadList(db, {
      campaignId,
      name: 'b.csv',
      mapping: { phone: 'phone', name: 'name', language: 'language' },
      source: streamOf(['name;phone;language', 'Bojan;062222222;sr', 'Dino;064444444;', 'Dino again;064444444;bs'].join('\r\n')),
    })
    expect(b).toMatchObject({ rowsRead: 3, accepted: 1, rejected: 0, duplicates: 2, doNotCall: 0 })

    const c = await loadList(db, { campaignId: other, name: 'b.csv', mapping: { phone: 'phone' }, source: streamOf('phone\n061111111\n062222222\n') })
    expect(c).toMatchObject({ rowsRead: 2, accepted: 2, duplicates: 0 })

    const rows = await contactsOf(db.db, campaignId)
    expect(rows.map((r) => [r.phone, r.name, r.language, r.fields, r.listId])).toEqual([
      ['+38761111111', 'Ana', 'bs', { amount: '10.00', currency: 'BAM', due: '2026-12-24' }, a.listId],
      ['+38762222222', 'Bo', 'bs', { amount: '20.00', currency: 'BAM', due: '2026-12-01' }, a.listId],
      ['+38763333333', 'Cy', 'bs', { amount: '30.00', currency: 'BAM' }, a.listId],
      ['+38764444444', 'Dino', 'bs', {}, b.listId],
    ])
    expect((await contactsOf(db.db, other)).map((r) => r.phone)).toEqual(['+38761111111', '+38762222222'])
  })
})

describe('do-not-call and consent', () => {
  it('leaves out numbers on the global list and on this campaign’s, not another campaign’s, and reports them', async () => {
    const campaignId = await createCampaign(db.db)
    const other = await createCampaign(db.db)
    await addDoNotCall(db.db, { phone: '061 111 111', reason: 'asked' }, { defaultCountry: 'BA' })
    await addDoNotCall(db.db, { phone: '+387 62 222 222' }, { campaignId, defaultCountry: 'BA' })
    await addDoNotCall(db.db, { phone: '063333333' }, { campaignId: other, defaultCountry: 'BA' })
    const result = await loadList(db, {
      campaignId,
      name: 'dnc.csv',
      mapping: { phone: 'phone', name: 'name' },
      source: streamOf('phone,name\n+38761111111,Global\n062 222 222,Campaign\n063333333,Other campaign\n064444444,Free\n0038761111111,Global again\nbad,Bad\n'),
    })
    expect(result).toMatchObject({ rowsRead: 6, accepted: 2, rejected: 1, duplicates: 0, doNotCall: 3 })
    expect((await contactsOf(db.db, campaignId)).map((r) => r.phone)).toEqual(['+38763333333', '+38764444444'])
    expect(await reportOf(db.db, result.listId)).toEqual([
      { line: 2, reason: 'do not call', excerpt: '+38761111111,Global' },
      { line: 3, reason: 'do not call', excerpt: '062 222 222,Campaign' },
      { line: 6, reason: 'do not call', excerpt: '0038761111111,Global again' },
      { line: 7, reason: 'invalid phone number "bad" (not a number)', excerpt: 'bad,Bad' },
    ])
  })

  it('with requireConsent rejects rows without a yes, and reads consent into contacts', async () => {
    const strict = await createCampaign(db.db, { requireConsent: true })
    const lax = await createCampaign(db.db)
    const file = 'phone;consent\n066111001;yes\n066111002;no\n066111003;\n066111004;maybe\n066111005;1\n'
    const mapping = { phone: 'phone', consent: 'consent' }
    const s = await loadList(db, { campaignId: strict, name: 'consent.csv', mapping, source: streamOf(file) })
    expect(s).toMatchObject({ rowsRead: 5, accepted: 2, rejected: 3 })
    expect((await reportOf(db.db, s.listId)).map((r) => [r.line, r.reason])).toEqual([
      [3, 'no consent'],
      [4, 'no consent'],
      [5, 'consent "maybe" is not yes/no/true/false/1/0'],
    ])
    expect((await contactsOf(db.db, strict)).map((r) => [r.phone, r.consent])).toEqual([
      ['+38766111001', true],
      ['+38766111005', true],
    ])
    const l = await loadList(db, { campaignId: lax, name: 'consent.csv', mapping, source: streamOf(file) })
    expect(l).toMatchObject({ rowsRead: 5, accepted: 4, rejected: 1 })
    expect((await contactsOf(db.db, lax)).map((r) => r.consent)).toEqual([true, false, null, true])
  })
})

describe('what stops a load', () => {
  it('refuses a mapping that names a column the file lacks, before reading any row and without a list', async () => {
    const campaignId = await createCampaign(db.db)
    const attempt = loadList(db, { campaignId, name: 'x.csv', mapping: { phone: 'Phone', name: 'Name' }, source: streamOf('tel;Name\n061111111;A\n') })
    await expect(attempt).rejects.toThrow(MappingError)
    await expect(attempt).rejects.toThrow('mapping.phone: the file has no column "Phone"; its columns are "tel", "Name"')
    await expect(loadList(db, { campaignId, name: 'x.csv', mapping: '{"phone":', source: streamOf('tel\n') })).rejects.toThrow('mapping is not valid JSON')
    await expect(loadList(db, { campaignId, name: 'x.csv', mapping: { phone: 'tel' }, source: streamOf('') })).rejects.toThrow(CsvFileError)
    await expect(loadList(db, { campaignId: 999_999, name: 'x.csv', mapping: { phone: 'tel' }, source: streamOf('tel\n') })).rejects.toThrow(UnknownCampaignError)
    expect(await db.db.select().from(contactLists).where(eq(contactLists.campaignId, campaignId))).toEqual([])
  })

  it('keeps what was read when the upload breaks off, and marks the list failed with the error', async () => {
    const campaignId = await createCampaign(db.db)
    const rows = Array.from({ length: 25 }, (_, i) => `0611${String(i).padStart(5, '0')},n${i}\n`)
    const source = Readable.from(
      (async function* () {
        yield 'phone,name\n'
        for (const r of rows) yield r
        yield '0629999' // half a row: never a contact
        await new Promise((r) => setTimeout(r, 300))
        throw new Error('connection reset by peer')
      })(),
    )
    const error = await loadList(db, { campaignId, name: 'cut.csv', mapping: { phone: 'phone', name: 'name' }, source, batchRows: 10 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ListLoadError)
    const e = error as ListLoadError
    expect(e.cause.message).toBe('connection reset by peer')
    expect(e.totals).toEqual({ rowsRead: 25, accepted: 25, rejected: 0, duplicates: 0, doNotCall: 0 })
    const list = await listRow(db.db, e.listId)
    expect(list).toMatchObject({ status: 'failed', error: 'connection reset by peer', rowsRead: 25, accepted: 25 })
    expect(list.finishedAt).toBeInstanceOf(Date)
    expect(await contactsOf(db.db, campaignId)).toHaveLength(25)
  })
})
