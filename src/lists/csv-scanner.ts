/**
 * The byte-level pass in front of csv-parse. It strips a UTF-8 BOM, finds the delimiter
 * (`,` or `;`) in the header line, and walks the bytes with the same quoting rules csv-parse
 * applies (relax_quotes, `""` escapes, record delimiters \r\n, \n and \r, empty lines
 * skipped), so that it knows, for each record csv-parse will emit, the line it starts on
 * (a quoted field may span lines; \r\n counts as one line break) and whether a field is over
 * the size limit.
 *
 * The content of an oversized field is dropped here, so csv-parse never holds more than the
 * limit of one field; the quotes, delimiters and line breaks around it pass, so csv-parse sees
 * the same records and fields. Nothing else is changed. csv-parse's own max_record_size is no
 * use for this: with skip_records_with_error it returns in the middle of a chunk and loses
 * every record after the oversized one.
 */
import { Transform, type TransformCallback } from 'node:stream'

export type Delimiter = ',' | ';'

/** What the scanner learned about one record, in the order csv-parse emits them. */
export interface RecordMeta {
  /** The line the record starts on (1 = the first line of the file). */
  line: number
  /** Fields in the record (csv-parse must find as many). */
  fields: number
  /** The first field over the limit: its index and its whole size in bytes. */
  oversized?: { field: number; bytes: number }
  /** The file ended inside a quoted field; the scanner closed the quote for csv-parse. */
  unclosedQuote?: boolean
}

export class CsvFileError extends Error {
  override readonly name = 'CsvFileError'
}

const QUOTE = 0x22
const CR = 0x0d
const LF = 0x0a
const COMMA = 0x2c
const SEMICOLON = 0x3b

/**
 * `;` when the header line has more semicolons than commas outside quotes, else `,` (a file
 * with a single column has neither).
 */
export function sniffDelimiter(headerLine: Uint8Array | string): Delimiter {
  const bytes = typeof headerLine === 'string' ? Buffer.from(headerLine) : headerLine
  let quoted = false
  let commas = 0
  let semicolons = 0
  for (const b of bytes) {
    if (b === QUOTE) quoted = !quoted
    else if (quoted) continue
    else if (b === COMMA) commas++
    else if (b === SEMICOLON) semicolons++
    else if (b === LF || b === CR) break
  }
  return semicolons > commas ? ';' : ','
}

/** Where the header line ends (the index of its line break, or -1 when not within `bytes`); leading empty lines are skipped. */
function headerEnd(bytes: Uint8Array): { start: number; end: number } {
  let start = 0
  while (start < bytes.length && (bytes[start] === CR || bytes[start] === LF)) start++
  let quoted = false
  for (let i = start; i < bytes.length; i++) {
    const b = bytes[i]
    if (b === QUOTE) quoted = !quoted
    else if (!quoted && (b === CR || b === LF)) return { start, end: i }
  }
  return { start, end: -1 }
}

export interface CsvScannerOptions {
  /** Fields bigger than this (bytes) are cut here and reported. */
  maxFieldBytes: number
  /** The header line must end within this many bytes (default 1 MiB). */
  maxHeaderBytes?: number
}

export class CsvScanner extends Transform {
  /** Settles once the header line has been read: the delimiter, or why the file cannot be read. */
  readonly delimiter: Promise<Delimiter>
  private settle!: { resolve: (d: Delimiter) => void; reject: (e: Error) => void; done: boolean }
  private readonly maxFieldBytes: number
  private readonly maxHeaderBytes: number
  private delim = -1
  /** Bytes held until the header line is complete. */
  private head: Buffer[] = []
  private headBytes = 0
  /** An unprocessed byte (a quote or a CR) whose meaning depends on the next chunk. */
  private carry: Buffer | undefined

  private quoting = false
  private fieldHasContent = false
  private fieldBytes = 0
  private field = 0
  private recordBytes = 0
  private line = 1
  private recordLine = 1
  private prevCR = false
  private dropping = false
  private oversized: RecordMeta['oversized']

  private readonly queue: RecordMeta[] = []
  private queueHead = 0

  constructor(options: CsvScannerOptions) {
    super({ readableHighWaterMark: 64 * 1024 })
    this.maxFieldBytes = options.maxFieldBytes
    this.maxHeaderBytes = options.maxHeaderBytes ?? 1024 * 1024
    this.delimiter = new Promise<Delimiter>((resolve, reject) => {
      this.settle = { resolve, reject, done: false }
    })
    // Whoever awaits it sees the rejection; nobody awaiting must not crash the process.
    this.delimiter.catch(() => {})
  }

  /** The meta of the next record csv-parse emits (the header first). */
  next(): RecordMeta | undefined {
    if (this.queueHead >= this.queue.length) return undefined
    const meta = this.queue[this.queueHead]
    this.queue[this.queueHead++] = undefined as never
    if (this.queueHead > 4096 && this.queueHead * 2 > this.queue.length) {
      this.queue.splice(0, this.queueHead)
      this.queueHead = 0
    }
    return meta
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      if (this.delim < 0) this.collectHeader(chunk, false)
      else this.scan(chunk, false)
      callback()
    } catch (err) {
      callback(err as Error)
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (this.delim < 0) this.collectHeader(Buffer.alloc(0), true)
      else this.scan(Buffer.alloc(0), true)
      callback()
    } catch (err) {
      callback(err as Error)
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.fail(error ?? new CsvFileError('the upload ended before the header line'))
    callback(error)
  }

  private fail(err: Error): void {
    if (this.settle.done) return
    this.settle.done = true
    this.settle.reject(err)
  }

  private collectHeader(chunk: Buffer, end: boolean): void {
    if (chunk.length > 0) {
      this.head.push(chunk)
      this.headBytes += chunk.length
    }
    let bytes = this.head.length === 1 ? this.head[0]! : Buffer.concat(this.head)
    this.head = [bytes]
    if (bytes.length < 3 && !end) return
    if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
      throw this.headerError('the file is UTF-16; save it as UTF-8')
    }
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
      bytes = bytes.subarray(3)
      this.head = [bytes]
    }
    const { start, end: lineEnd } = headerEnd(bytes)
    if (lineEnd < 0 && !end) {
      if (bytes.length > this.maxHeaderBytes) throw this.headerError(`the header line is longer than ${this.maxHeaderBytes} bytes`)
      return
    }
    if (start >= bytes.length) throw this.headerError('the file is empty: no header line')
    const delimiter = sniffDelimiter(bytes.subarray(start, lineEnd < 0 ? bytes.length : lineEnd))
    this.delim = delimiter.charCodeAt(0)
    this.head = []
    this.settle.done = true
    this.settle.resolve(delimiter)
    this.scan(bytes, end)
  }

  private headerError(message: string): CsvFileError {
    const err = new CsvFileError(message)
    this.fail(err)
    return err
  }

  /** Ends the current field: the oversized one keeps its full size. */
  private endField(): void {
    if (this.dropping && this.oversized?.field === this.field) this.oversized.bytes = this.fieldBytes
    this.dropping = false
    this.fieldBytes = 0
    this.fieldHasContent = false
  }

  private endRecord(): void {
    if (this.recordBytes > 0) {
      this.endField()
      const meta: RecordMeta = { line: this.recordLine, fields: this.field + 1 }
      if (this.oversized) meta.oversized = this.oversized
      this.queue.push(meta)
    }
    this.field = 0
    this.recordBytes = 0
    this.fieldBytes = 0
    this.fieldHasContent = false
    this.oversized = undefined
    this.dropping = false
  }

  /** Content bytes of the current field; true when they are to be dropped. */
  private content(n: number): boolean {
    this.fieldBytes += n
    if (!this.dropping && this.fieldBytes > this.maxFieldBytes) {
      this.dropping = true
      this.oversized ??= { field: this.field, bytes: this.fieldBytes }
    }
    return this.dropping
  }

  private scan(input: Buffer, end: boolean): void {
    let buf = input
    if (this.carry) {
      buf = Buffer.concat([this.carry, input])
      this.carry = undefined
    }
    const n = buf.length
    const delim = this.delim
    let runStart = 0
    const out: Buffer[] = []
    const drop = (from: number, to: number): void => {
      if (from > runStart) out.push(buf.subarray(runStart, from))
      runStart = to
    }
    let i = 0
    let stop = n
    while (i < n) {
      const b = buf[i]!
      this.recordBytes++
      if (this.quoting) {
        if (b === QUOTE) {
          if (i + 1 >= n && !end) {
            this.recordBytes--
            stop = i
            break
          }
          const next = i + 1 < n ? buf[i + 1]! : -1
          this.prevCR = false
          if (next === QUOTE) {
            // An escaped quote: one byte of content.
            this.recordBytes++
            if (this.content(1)) drop(i, i + 2)
            i += 2
            continue
          }
          this.quoting = false
          if (next !== -1 && next !== delim && next !== CR && next !== LF) {
            // relax_quotes: a quote inside a quoted field not followed by a delimiter is text
            // and ends the quoting; it is kept even in a dropped field (it changes the state).
            this.fieldHasContent = true
            this.content(2)
          }
          i++
          continue
        }
        if (b === CR) {
          this.line++
          this.prevCR = true
        } else {
          if (b === LF && !this.prevCR) this.line++
          this.prevCR = false
        }
        if (this.content(1)) drop(i, i + 1)
        i++
        continue
      }
      if (b === delim) {
        this.endField()
        this.field++
        i++
        continue
      }
      if (b === CR || b === LF) {
        let len = 1
        if (b === CR) {
          if (i + 1 >= n && !end) {
            this.recordBytes--
            stop = i
            break
          }
          if (buf[i + 1] === LF) len = 2
        }
        this.recordBytes--
        this.endRecord()
        this.line++
        this.recordLine = this.line
        i += len
        continue
      }
      if (b === QUOTE && !this.fieldHasContent) {
        this.quoting = true
        i++
        continue
      }
      this.fieldHasContent = true
      if (this.content(1)) drop(i, i + 1)
      i++
    }
    if (stop > runStart) out.push(buf.subarray(runStart, stop))
    if (stop < n) this.carry = Buffer.from(buf.subarray(stop))
    if (end) {
      if (this.quoting) {
        // Close the quote so csv-parse emits the record (rejected by the loader) instead of failing the file.
        out.push(Buffer.from('"'))
        this.quoting = false
        const before = this.queue.length
        this.endRecord()
        const meta = this.queue[before]
        if (meta) meta.unclosedQuote = true
      } else {
        this.endRecord()
      }
    }
    for (const o of out) this.push(o)
  }
}
