import { Readable } from 'node:stream'
import { parse } from 'csv-parse'
import { parse as parseSync } from 'csv-parse/sync'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CsvScanner, sniffDelimiter, type RecordMeta } from './csv-scanner.js'

const CSV_OPTIONS = { relax_quotes: true, relax_column_count: true, skip_empty_lines: true, record_delimiter: ['\r\n', '\n', '\r'] }

/** Runs bytes through the scanner and csv-parse as the loader does, in chunks of `chunk` bytes. */
async function scan(input: string | Buffer, options: { max?: number; chunk?: number } = {}): Promise<{ delimiter: string; rows: Array<{ record: string[]; meta: RecordMeta | undefined }> }> {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input
  const size = options.chunk ?? 64 * 1024
  const chunks: Buffer[] = []
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size))
  const scanner = new CsvScanner({ maxFieldBytes: options.max ?? 1024 })
  const downstream: { parser?: ReturnType<typeof parse> } = {}
  scanner.on('error', (err) => downstream.parser?.destroy(err))
  Readable.from(chunks).pipe(scanner)
  const delimiter = await scanner.delimiter
  const parser = parse({ ...CSV_OPTIONS, delimiter })
  downstream.parser = parser
  scanner.pipe(parser)
  const rows: Array<{ record: string[]; meta: RecordMeta | undefined }> = []
  for await (const record of parser) rows.push({ record: record as string[], meta: scanner.next() })
  expect(scanner.next()).toBeUndefined()
  return { delimiter, rows }
}

describe('sniffDelimiter', () => {
  it('picks ; when the header has more semicolons than commas outside quotes, else ,', () => {
    expect(sniffDelimiter('phone;name;amount')).toBe(';')
    expect(sniffDelimiter('phone,name,amount')).toBe(',')
    expect(sniffDelimiter('"a,b,c";d;e')).toBe(';')
    expect(sniffDelimiter('"a;b;c",d')).toBe(',')
    expect(sniffDelimiter('phone')).toBe(',')
    expect(sniffDelimiter('a;b\nc,d,e,f')).toBe(';')
  })
})

describe('CsvScanner', () => {
  it('strips a UTF-8 BOM, finds ; in the header and numbers records by the line they start on', async () => {
    const text = '\uFEFFphone;name;note\r\n1;"Ana; Marić";"two\r\nlines"\r\n\r\n2;Ivo;x\n\n\n3;"a ""quoted"" word";"\n\n"\n4;;\n'
    const { delimiter, rows } = await scan(text, { chunk: 5 })
    expect(delimiter).toBe(';')
    expect(rows.map((r) => [r.meta?.line, r.record])).toEqual([
      [1, ['phone', 'name', 'note']],
      [2, ['1', 'Ana; Marić', 'two\r\nlines']],
      [5, ['2', 'Ivo', 'x']],
      [8, ['3', 'a "quoted" word', '\n\n']],
      [11, ['4', '', '']],
    ])
    expect(rows.every((r) => r.meta?.fields === r.record.length)).toBe(true)
  })

  it('gives the same records and lines whatever the chunk boundaries', async () => {
    const text = 'a,b\r\n"x\r\ny","q""r"\r\n\r\n\r"z",w\r1,2'
    const whole = await scan(text)
    for (let chunk = 1; chunk <= 8; chunk++) expect(await scan(text, { chunk })).toEqual(whole)
    expect(whole.rows.map((r) => r.meta?.line)).toEqual([1, 2, 6, 7])
  })

  it('cuts a field over the limit, reports its size, and keeps every record after it', async () => {
    const big = 'x'.repeat(5000)
    const text = `a,b,c\n1,${big},3\n2,"${big}\n${big}",4\n5,6,7\n`
    const { rows } = await scan(text, { max: 100, chunk: 333 })
    expect(rows.map((r) => r.meta)).toEqual([
      { line: 1, fields: 3 },
      { line: 2, fields: 3, oversized: { field: 1, bytes: 5000 } },
      { line: 3, fields: 3, oversized: { field: 1, bytes: 10_001 } },
      { line: 5, fields: 3 },
    ])
    expect(rows[1]!.record).toEqual(['1', 'x'.repeat(100), '3'])
    expect(rows[2]!.record[1]!.length).toBeLessThanOrEqual(101)
    expect(rows[3]!.record).toEqual(['5', '6', '7'])
  })

  it('closes a quote left open at the end of the file and marks the record', async () => {
    const { rows } = await scan('a,b\n1,2\n3,"open\n4,5\n')
    expect(rows.map((r) => [r.meta?.line, r.meta?.unclosedQuote, r.record])).toEqual([
      [1, undefined, ['a', 'b']],
      [2, undefined, ['1', '2']],
      [3, true, ['3', 'open\n4,5\n']],
    ])
  })

  it('refuses a file without a header line and a UTF-16 file', async () => {
    await expect(scan('')).rejects.toThrow('the file is empty: no header line')
    await expect(scan('\r\n\n')).rejects.toThrow('the file is empty: no header line')
    await expect(scan(Buffer.from('\uFEFFa,b\n', 'utf16le'))).rejects.toThrow('UTF-16')
  })

  it('agrees with csv-parse on random input: the same records, field counts and oversized fields', async () => {
    const alphabet = fc.constantFrom('a', 'b', ',', ';', '"', '"', '\r', '\n', ' ', 'é')
    await fc.assert(
      fc.asyncProperty(fc.array(alphabet, { minLength: 1, maxLength: 80 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 2, max: 12 }), async (chars, chunk, max) => {
        const text = `h1,h2\n${chars.join('')}`
        let expected: string[][]
        let unclosed = false
        try {
          expected = parseSync(Buffer.from(text), { ...CSV_OPTIONS, delimiter: ',' }) as string[][]
        } catch (err) {
          expect((err as { code?: string }).code).toBe('CSV_QUOTE_NOT_CLOSED')
          // The scanner closes the quote: csv-parse then reads what it reads with the quote closed.
          expected = parseSync(Buffer.from(`${text}"`), { ...CSV_OPTIONS, delimiter: ',' }) as string[][]
          unclosed = true
        }
        const { rows } = await scan(text, { max, chunk })
        expect(rows.length).toBe(expected.length)
        rows.forEach(({ record, meta }, i) => {
          const original = expected[i]!
          expect(meta?.fields).toBe(original.length)
          expect(record.length).toBe(original.length)
          expect(meta?.unclosedQuote ?? false).toBe(unclosed && i === expected.length - 1)
          const firstBig = original.findIndex((f) => Buffer.byteLength(f) > max)
          if (firstBig < 0) {
            expect(meta?.oversized).toBeUndefined()
            expect(record).toEqual(original)
          } else {
            expect(meta?.oversized).toEqual({ field: firstBig, bytes: Buffer.byteLength(original[firstBig]!) })
          }
        })
      }),
      { numRuns: 400 },
    )
  })
})
