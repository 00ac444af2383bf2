/**
 * An uploaded CSV file as records, streaming: the bytes decoded to UTF-8 (encoding.ts), the
 * scanner (csv-scanner.ts) finding the delimiter and guarding field sizes and line numbers,
 * csv-parse reading the fields. Shared by the dial-list loader and the client import.
 */
import { finished, type Readable } from 'node:stream'
import { parse, type Parser } from 'csv-parse'
import { CsvFileError, CsvScanner, type RecordMeta } from './csv-scanner.js'
import { Decoder } from './encoding.js'
import { MAX_FIELD_BYTES } from './rows.js'

const YIELD_ROWS = 256

export class CsvRecords {
  private constructor(
    private readonly source: Readable,
    private readonly decoder: Decoder,
    private readonly scanner: CsvScanner,
    private readonly parser: Parser | undefined,
    private readonly records: AsyncIterator<string[]> | undefined,
    private readonly stopWatching: () => void,
    /** `,` or `;`, found in the header line. */
    readonly delimiter: string,
    /** The header's fields as read. */
    readonly header: string[],
  ) {}

  /**
   * Starts reading `source` up to its header. `encoding` as the uploader chose it (found from
   * the bytes when not given: UTF-8, else what Windows writes in `country`). Always closes
   * what it opened when it throws; otherwise the caller calls close().
   */
  static async open(source: Readable, options: { encoding?: string | undefined; country: string }): Promise<CsvRecords> {
    // Bytes in another encoding become UTF-8 before the scanner (a bad encoding name throws here).
    const decoder = new Decoder({ encoding: options.encoding, country: options.country })
    const scanner = new CsvScanner({ maxFieldBytes: MAX_FIELD_BYTES })
    // An upload that ends without its end (the client went away) is an error, not a short file.
    const stopWatching = finished(source, (err) => {
      if (err) scanner.destroy(err)
    })
    let parser: Parser | undefined
    // Errors reach the reader through the delimiter promise (before the header) or csv-parse (after).
    scanner.on('error', (err) => parser?.destroy(err))
    decoder.on('error', (err) => scanner.destroy(err))
    source.pipe(decoder).pipe(scanner)
    let records: AsyncIterator<string[]> | undefined
    const close = (): void => {
      stopWatching()
      source.unpipe(decoder)
      decoder.unpipe(scanner)
      decoder.destroy()
      scanner.destroy()
      parser?.destroy()
    }
    try {
      const delimiter = await scanner.delimiter
      parser = parse({
        delimiter,
        bom: false,
        relax_quotes: true,
        relax_column_count: true,
        skip_empty_lines: true,
        record_delimiter: ['\r\n', '\n', '\r'],
        max_record_size: 0,
      })
      scanner.pipe(parser)
      records = parser[Symbol.asyncIterator]() as AsyncIterator<string[]>
      const header = await records.next()
      const headerMeta = scanner.next()
      if (header.done || !headerMeta) throw new CsvFileError('the file is empty: no header line')
      return new CsvRecords(source, decoder, scanner, parser, records, stopWatching, delimiter, header.value)
    } catch (err) {
      close()
      throw err
    }
  }

  /** The encoding read: known once a byte that is not ASCII went through (until then it makes no difference). */
  get encoding(): string | undefined {
    return this.decoder.encoding
  }

  /** The data rows with what the scanner learned about each (line, oversized fields, an unclosed quote). */
  async *rows(): AsyncGenerator<{ record: string[]; meta: RecordMeta }> {
    let sinceYield = 0
    const records = this.records!
    for (let next = await records.next(); !next.done; next = await records.next()) {
      // Rows buffered in csv-parse come as a chain of microtasks that would keep the
      // database's replies waiting: let I/O in now and then, so the batch being written
      // goes on while this one is read.
      if (++sinceYield >= YIELD_ROWS) {
        sinceYield = 0
        await new Promise(setImmediate)
      }
      const record = next.value
      const meta = this.scanner.next()
      if (!meta || meta.fields !== record.length) throw new Error(`internal: the scanner and csv-parse disagree after line ${meta?.line ?? '?'}`)
      yield { record, meta }
    }
  }

  close(): void {
    this.stopWatching()
    this.source.unpipe(this.decoder)
    this.decoder.unpipe(this.scanner)
    this.decoder.destroy()
    this.scanner.destroy()
    this.parser?.destroy()
  }
}
