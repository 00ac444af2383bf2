/**
 * Loading a dial list: a generated CSV file (national and international numbers in the forms
 * people write them, names with commas and quotes, custom fields; ~2% bad rows, ~3% repeated
 * numbers, ~1% of the numbers on the do-not-call lists) goes through loadList into a scratch
 * database, against a bare COPY of the same file into a plain table.
 *
 * The bare COPY takes the file's lines into a one-column text table, the file declared LATIN1
 * (PostgreSQL's COPY reading and storing every byte, but neither splitting columns nor checking
 * anything): a COPY into the file's columns refuses the whole file at its first row with a
 * wrong number of columns, and a COPY in UTF-8 at its first byte that is not UTF-8; a real file
 * has both. It is the ceiling for getting these bytes into PostgreSQL.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { from as copyFrom } from 'pg-copy-streams'
import { createScratchDatabase, type ScratchDatabase } from '../src/db/scratch-database.js'
import { campaigns } from '../src/db/schema/index.js'
import { loadList, type ListTotals } from '../src/lists/index.js'
import { generator } from '../src/dialer/simulation/random.js'

export interface ListLoadBenchResult {
  rows: number
  megabytes: number
  /** Rows the generator made bad, repeated, and put on the do-not-call lists. */
  planted: { bad: number; duplicates: number; doNotCall: number }
  copySeconds: number
  copyRowsPerSecond: number
  loadSeconds: number
  loadRowsPerSecond: number
  /** loadList's rows/s over the bare COPY's. */
  ratio: number
  totals: ListTotals
  contacts: number
  /** This process's CPU while loadList ran (100 = one core), and PostgreSQL's (its backends). */
  nodeCpuPercent: number
  postgresCpuPercent: number
  /** Where the loader's time went: its stages measured alone on the same file, seconds. */
  stages: { parseSeconds: number; parseValidateSeconds: number }
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0')

/** Kinds of numbers (1 in 20 each): 13 BA mobiles, 2 BA landlines, 5 abroad; each kind counts its own numbers. */
const KINDS = 20

/**
 * A number as people write it, and its E.164. `code` = kind + KINDS * (the kind's counter),
 * so different codes are different numbers; `style` picks the way it is written.
 */
function phoneNumber(code: number, style: number): { text: string; e164: string } {
  const kind = code % KINDS
  const c = Math.floor(code / KINDS)
  if (kind < 15) {
    // Bosnia and Herzegovina (the campaign's country): mobiles, Sarajevo and Tuzla landlines.
    const [area, sub] = kind < 13 ? [`6${c % 8}`, pad(Math.floor(c / 8), 6)] : [kind === 13 ? '33' : '35', pad(c, 6)]
    const e164 = `+387${area}${sub}`
    const [a, b] = [sub.slice(0, 3), sub.slice(3)]
    const forms = [`0${area} ${a} ${b}`, `0${area}${sub}`, `+387 ${area} ${a} ${b}`, `00387 ${area} ${a}-${b}`, `0${area}/${a}-${b}`]
    return { text: forms[style % forms.length]!, e164 }
  }
  const intl = [
    { cc: '49', area: '30', digits: 8 },
    { cc: '385', area: '1', digits: 7 },
    { cc: '381', area: '11', digits: 7 },
    { cc: '43', area: '1', digits: 7 },
    { cc: '39', area: '06', digits: 8 },
  ][kind - 15]!
  const sub = pad(c, intl.digits)
  const e164 = `+${intl.cc}${intl.area}${sub}`
  return { text: style % 2 === 0 ? `+${intl.cc} ${intl.area} ${sub}` : `00${intl.cc}${intl.area}${sub}`, e164 }
}

const FIRST = ['Ana', 'Amra', 'Emir', 'Ivan', 'Jelena', 'Marko', 'Selma', 'Hans', 'Đorđe', 'Šefik', 'Željka', 'Lucia']
const LAST = ['Marić', 'Hodžić', 'Kovačević', 'Petrović', 'Müller', 'Rossi', 'Begić', 'Novak', 'Jukić', "O'Neil"]
const LANGUAGES = ['bs', 'hr', 'sr', 'en', 'de', 'it']
const CONSENT = ['yes', 'no', '1', '0', '', 'true']

export interface GeneratedList {
  file: string
  bytes: number
  planted: { bad: number; duplicates: number; doNotCall: number }
  /** E.164 numbers to put on the do-not-call lists. */
  doNotCall: string[]
}

export async function generateList(file: string, rows: number, seed = 7): Promise<GeneratedList> {
  const random = generator(seed)
  const out = fs.createWriteStream(file)
  const write = (chunk: string | Buffer): Promise<void> | undefined => (out.write(chunk) ? undefined : new Promise((r) => out.once('drain', r)))
  const earlier: Array<number> = []
  const doNotCall: string[] = []
  const planted = { bad: 0, duplicates: 0, doNotCall: 0 }
  let chunk = 'phone,name,language,consent,amount_due,due_date,contract\n'
  // Mobiles are written kinds 0-12 alike: they share one counter.
  const counters = new Array<number>(KINDS).fill(0)
  for (let i = 0; i < rows; i++) {
    const r = random()
    const style = Math.floor(random() * 10)
    let n: number
    if (r < 0.03 && earlier.length > 0) {
      n = earlier[Math.floor(random() * earlier.length)]!
      planted.duplicates++
    } else {
      const kind = Math.floor(random() * KINDS)
      const counter = kind < 13 ? 0 : kind
      n = kind + KINDS * counters[counter]!++
      if (earlier.length < 50_000) earlier.push(n)
      else earlier[Math.floor(random() * earlier.length)] = n
    }
    const phone = phoneNumber(n, style)
    if (r >= 0.03 && r < 0.04) {
      doNotCall.push(phone.e164)
      planted.doNotCall++
    }
    const first = FIRST[Math.floor(random() * FIRST.length)]!
    const last = LAST[Math.floor(random() * LAST.length)]!
    const name = style < 3 ? `"${last}, ${first}"` : last.includes("'") ? `"${first} ${last} ""Jr"""` : `${first} ${last}`
    let language = LANGUAGES[Math.floor(random() * LANGUAGES.length)]!
    let phoneText = phone.text
    const amount = `${Math.floor(random() * 5000)}.${pad(Math.floor(random() * 100), 2)}`
    const due = `2026-${pad(1 + Math.floor(random() * 12), 2)}-${pad(1 + Math.floor(random() * 28), 2)}`
    const contract = `C-${pad(i, 8)}`
    const consent = CONSENT[Math.floor(random() * CONSENT.length)]!
    let line = ''
    const bad = r >= 0.95 && r < 0.97 ? Math.floor(random() * 4) : -1
    if (bad === 0) phoneText = ['12345', '061 23', 'n/a', '+387 61 234 567 890'][style % 4]!
    if (bad === 2) language = ['EN', 'bos', 'b'][style % 3]!
    line = `${phoneText},${name},${language},${consent},${amount},${due}${bad === 1 ? '' : `,${contract}`}\n`
    if (bad >= 0 && bad !== 3) planted.bad++
    if (bad === 3) {
      // A byte that is not UTF-8 in the name.
      planted.bad++
      const w1 = write(chunk)
      if (w1) await w1
      chunk = ''
      const w2 = write(Buffer.concat([Buffer.from(`${phoneText},${first} `), Buffer.from([0xe9]), Buffer.from(`${last},${language},${consent},${amount},${due},${contract}\n`)]))
      if (w2) await w2
      continue
    }
    chunk += line
    if (chunk.length > 256 * 1024) {
      const w = write(chunk)
      chunk = ''
      if (w) await w
    }
  }
  out.end(chunk)
  await new Promise<void>((resolve, reject) => out.on('finish', resolve).on('error', reject))
  return { file, bytes: fs.statSync(file).size, planted, doNotCall }
}

/** CPU seconds PostgreSQL's processes have used (user + system), from /proc. */
function postgresCpuSeconds(): number {
  let ticks = 0
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
      const close = stat.lastIndexOf(')')
      const name = stat.slice(stat.indexOf('(') + 1, close)
      if (!name.startsWith('postgres')) continue
      const fields = stat.slice(close + 2).split(' ')
      ticks += Number(fields[11]) + Number(fields[12])
    } catch {
      // gone meanwhile
    }
  }
  return ticks / 100
}

async function copyBare(database: ScratchDatabase, file: string): Promise<number> {
  const client = await database.pool!.connect()
  try {
    await client.query('CREATE TABLE bare_copy (record text)')
    const started = performance.now()
    await pipeline(fs.createReadStream(file, { highWaterMark: 64 * 1024 }), client.query(copyFrom("COPY bare_copy FROM STDIN (FORMAT csv, HEADER true, DELIMITER E'\\x1f', QUOTE E'\\x1e', ENCODING 'LATIN1')")))
    return (performance.now() - started) / 1000
  } finally {
    client.release()
  }
}

/** The loader's own stages without the database: csv-parse alone, then with the row checks. */
async function measureStages(file: string): Promise<ListLoadBenchResult['stages']> {
  const { parse } = await import('csv-parse')
  const { CsvScanner } = await import('../src/lists/csv-scanner.js')
  const { resolveMapping } = await import('../src/lists/mapping.js')
  const { validateRow, MAX_FIELD_BYTES } = await import('../src/lists/rows.js')
  const run = async (validate: boolean): Promise<number> => {
    const started = performance.now()
    const scanner = new CsvScanner({ maxFieldBytes: MAX_FIELD_BYTES })
    fs.createReadStream(file, { highWaterMark: 64 * 1024 }).pipe(scanner)
    const delimiter = await scanner.delimiter
    const parser = parse({ delimiter, relax_quotes: true, relax_column_count: true, skip_empty_lines: true, record_delimiter: ['\r\n', '\n', '\r'] })
    scanner.pipe(parser)
    let mapping: ReturnType<typeof resolveMapping> | undefined
    for await (const record of parser) {
      const meta = scanner.next()
      if (!mapping) mapping = resolveMapping(record as string[], MAPPING)
      else if (validate) validateRow(record as string[], mapping, { defaultCountry: 'BA', requireConsent: false }, meta)
    }
    return (performance.now() - started) / 1000
  }
  return { parseSeconds: await run(false), parseValidateSeconds: await run(true) }
}

const MAPPING = { phone: 'phone', name: 'name', language: 'language', consent: 'consent', fields: { amount_due: 'amount_due', due_date: 'due_date', contract: 'contract' } }

export async function listLoadBenchmark(rows: number, options: { stages?: boolean } = {}): Promise<ListLoadBenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-lists-'))
  const database = await createScratchDatabase('bench')
  try {
    const generated = await generateList(path.join(dir, 'list.csv'), rows)
    const [campaign] = await database.db.insert(campaigns).values({ name: 'bench', kind: 'payment-reminder', settings: { defaultCountry: 'BA' } }).returning({ id: campaigns.id })
    const campaignId = campaign!.id
    // The do-not-call lists: the planted numbers (half global, half the campaign's) among a
    // national registry of 200,000 other numbers.
    const dnc = [
      ...generated.doNotCall.map((phone, i) => `${phone}\t${i % 2 === 0 ? 0 : campaignId}\n`),
      ...Array.from({ length: 200_000 }, (_, i) => `+38769${pad(i, 6)}\t0\n`),
    ]
    const client = await database.pool!.connect()
    try {
      await pipeline(Readable.from([dnc.join('')]), client.query(copyFrom('COPY do_not_call (phone, campaign_id) FROM STDIN')))
      await client.query('ANALYZE do_not_call')
    } finally {
      client.release()
    }

    const copySeconds = await copyBare(database, generated.file)
    await database.pool!.query('CHECKPOINT')

    const cpu0 = process.cpuUsage()
    const pg0 = postgresCpuSeconds()
    const started = performance.now()
    const result = await loadList(database, { campaignId, name: 'bench.csv', mapping: MAPPING, source: fs.createReadStream(generated.file, { highWaterMark: 64 * 1024 }) })
    const loadSeconds = (performance.now() - started) / 1000
    const cpu = process.cpuUsage(cpu0)
    const pgSeconds = postgresCpuSeconds() - pg0
    const { rows: counted } = await database.pool!.query<{ n: number }>('SELECT count(*)::int AS n FROM contacts WHERE campaign_id = $1', [campaignId])
    const stages = options.stages === false ? { parseSeconds: NaN, parseValidateSeconds: NaN } : await measureStages(generated.file)
    const { listId: _listId, status: _status, ...totals } = result
    return {
      rows,
      megabytes: generated.bytes / 1e6,
      planted: generated.planted,
      copySeconds,
      copyRowsPerSecond: rows / copySeconds,
      loadSeconds,
      loadRowsPerSecond: rows / loadSeconds,
      ratio: copySeconds / loadSeconds,
      totals,
      contacts: counted[0]!.n,
      nodeCpuPercent: ((cpu.user + cpu.system) / 1e6 / loadSeconds) * 100,
      postgresCpuPercent: (pgSeconds / loadSeconds) * 100,
      stages,
    }
  } finally {
    await database.drop()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
