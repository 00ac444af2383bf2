/**
 * The character encoding of an uploaded file: the one the uploader picked, or found from the
 * bytes. The rule is UTF-8 when the bytes are (well-formed sequences), else the usual legacy
 * encoding of the campaign's country (Excel on a Bosnian Windows saves Windows-1250). A statistical guesser (chardet)
 * was not taken: on a short list with a few č and š it cannot tell Windows-1250 from
 * Windows-1252 or ISO-8859-2 reliably, while the country can; the uploader can always pick.
 *
 * Bytes in another encoding are turned into UTF-8 (iconv-lite) before the CSV scanner, so
 * everything after it reads UTF-8 as before. A file that is not text (NUL bytes, a ZIP or
 * old Excel workbook, a PDF) is refused before anything is loaded.
 */
import { Transform, type TransformCallback } from 'node:stream'
import iconv from 'iconv-lite'
import { CsvFileError } from './csv-scanner.js'

/** The encodings offered, canonical names as stored in contact_lists.encoding. */
export const ENCODINGS = ['utf-8', 'windows-1250', 'windows-1251', 'windows-1252', 'iso-8859-2', 'iso-8859-5', 'iso-8859-1', 'koi8-r'] as const

const ALIASES: Record<string, string> = { utf8: 'utf-8', cp1250: 'windows-1250', cp1251: 'windows-1251', cp1252: 'windows-1252', latin2: 'iso-8859-2', latin1: 'iso-8859-1' }

/** The canonical name of an encoding as the uploader wrote it; a CsvFileError for one not offered. */
export function encodingName(name: string): string {
  const n = name.trim().toLowerCase()
  const canonical = ALIASES[n] ?? n
  if (!(ENCODINGS as readonly string[]).includes(canonical)) throw new CsvFileError(`unknown encoding "${name}"; the encodings read are ${ENCODINGS.join(', ')}`)
  return canonical
}

const CYRILLIC_COUNTRIES = new Set(['RU', 'BY', 'UA', 'BG', 'MK', 'KZ', 'KG'])
const CENTRAL_EUROPE = new Set(['BA', 'HR', 'RS', 'ME', 'SI', 'XK', 'CZ', 'SK', 'PL', 'HU', 'RO', 'AL'])

/** What Windows (and so Excel) saves text in, in the country. */
export function legacyEncoding(country: string): string {
  if (CENTRAL_EUROPE.has(country)) return 'windows-1250'
  if (CYRILLIC_COUNTRIES.has(country)) return 'windows-1251'
  return 'windows-1252'
}

/** Bytes after the first non-ASCII one that decide between UTF-8 and the legacy encoding. */
const SAMPLE_BYTES = 16 * 1024
/**
 * UTF-8 when the sample's bytes above ASCII are well-formed UTF-8 sequences, or mostly so (a
 * UTF-8 file with a damaged byte stays UTF-8: that row alone is refused). Text in a legacy
 * encoding almost never forms UTF-8 sequences by chance. A sequence cut by the end of the
 * sample (not of the file) does not count.
 */
function looksUtf8(sample: Buffer, whole: boolean): boolean {
  let valid = 0
  let invalid = 0
  let i = 0
  while (i < sample.length) {
    const b = sample[i]!
    if (b < 0x80) {
      i++
      continue
    }
    const len = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0
    if (len > 0 && i + len > sample.length && !whole) break
    let ok = len > 0 && i + len <= sample.length
    for (let k = 1; ok && k < len; k++) ok = (sample[i + k]! & 0xc0) === 0x80
    if (ok) {
      valid++
      i += len
    } else {
      invalid++
      i++
    }
  }
  return invalid === 0 || valid > invalid
}

function firstNonAscii(chunk: Buffer): number {
  for (let i = 0; i < chunk.length; i++) if (chunk[i]! >= 0x80) return i
  return -1
}

/** Why the bytes (the start of the file) are not a text file, or undefined when they may be one. */
export function notText(start: Buffer): string | undefined {
  const starts = (...bytes: number[]): boolean => bytes.every((b, i) => start[i] === b)
  if (starts(0xff, 0xfe) || starts(0xfe, 0xff)) return undefined // UTF-16: the scanner says what to do
  if (starts(0x50, 0x4b, 0x03, 0x04)) return 'it is a ZIP archive (an Excel .xlsx workbook?), not text: save it as CSV'
  if (starts(0xd0, 0xcf, 0x11, 0xe0)) return 'it is an old Excel or Word file (.xls, .doc), not text: save it as CSV'
  if (starts(0x25, 0x50, 0x44, 0x46)) return 'it is a PDF, not text: upload a CSV file'
  if (starts(0x89, 0x50, 0x4e, 0x47) || starts(0xff, 0xd8, 0xff) || starts(0x47, 0x49, 0x46, 0x38) && (start[4] === 0x37 || start[4] === 0x39) && start[5] === 0x61) return 'it is a picture, not text: upload a CSV file'
  // One NUL is a bad row (reported with its line); many at the start are a binary file.
  let nuls = 0
  for (const b of start.subarray(0, 4096)) if (b === 0 && ++nuls >= 4) return 'it is not a text file (it has NUL bytes): upload a CSV file'
  return undefined
}

export interface DecoderOptions {
  /** The encoding the uploader picked; found from the bytes when not given. */
  encoding?: string | undefined
  /** The campaign's country, whose legacy encoding is read when the bytes are not UTF-8. */
  country: string
}

/**
 * Bytes in, UTF-8 out. ASCII is the same in every encoding read, so it goes through at once
 * (a list's first rows show while it uploads); at the first other byte the next 16 KB (or the
 * rest of the file) decide. `encoding` is known from then on, and at the end.
 */
export class Decoder extends Transform {
  private chosenOrFound: string | undefined
  private readonly country: string
  private started = false
  private held: Buffer[] = []
  private heldBytes = 0
  private decoder: ReturnType<typeof iconv.getDecoder> | undefined

  constructor(options: DecoderOptions) {
    super()
    this.chosenOrFound = options.encoding === undefined ? undefined : encodingName(options.encoding)
    this.country = options.country
  }

  /** The encoding read: picked or found; undefined while everything so far was ASCII. */
  get encoding(): string | undefined {
    return this.chosenOrFound
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      if (!this.started) this.start(chunk)
      if (this.chosenOrFound !== undefined) this.convert(chunk)
      else if (this.heldBytes > 0) this.hold(chunk, false)
      else {
        const at = firstNonAscii(chunk)
        if (at < 0) this.push(chunk)
        else {
          if (at > 0) this.push(chunk.subarray(0, at))
          this.hold(chunk.subarray(at), false)
        }
      }
      callback()
    } catch (err) {
      callback(err as Error)
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (this.chosenOrFound === undefined) {
        if (this.heldBytes > 0) this.hold(Buffer.alloc(0), true)
        else this.chosenOrFound = 'utf-8' // all ASCII
      }
      if (this.decoder) {
        const rest = this.decoder.end()
        if (rest) this.push(Buffer.from(rest, 'utf8'))
      }
      callback()
    } catch (err) {
      callback(err as Error)
    }
  }

  /** The file's first bytes: refused when not text; a BOM says the encoding. */
  private start(chunk: Buffer): void {
    this.started = true
    const why = notText(chunk)
    if (why) throw new CsvFileError(why)
    const bom = (...bytes: number[]): boolean => bytes.every((b, i) => chunk[i] === b)
    // UTF-16 goes through for the scanner to refuse; a UTF-8 BOM wins over a pick.
    if (bom(0xff, 0xfe) || bom(0xfe, 0xff)) this.chosenOrFound = 'utf-16'
    else if (bom(0xef, 0xbb, 0xbf)) this.chosenOrFound = 'utf-8'
    if (this.chosenOrFound !== undefined && this.chosenOrFound !== 'utf-8' && this.chosenOrFound !== 'utf-16') this.decoder = iconv.getDecoder(this.chosenOrFound)
  }

  private hold(chunk: Buffer, end: boolean): void {
    if (chunk.length > 0) {
      this.held.push(chunk)
      this.heldBytes += chunk.length
    }
    if (!end && this.heldBytes < SAMPLE_BYTES) return
    const sample = Buffer.concat(this.held)
    this.held = []
    this.heldBytes = 0
    this.chosenOrFound = looksUtf8(sample, end) ? 'utf-8' : legacyEncoding(this.country)
    if (this.chosenOrFound !== 'utf-8') this.decoder = iconv.getDecoder(this.chosenOrFound)
    this.convert(sample)
  }

  private convert(chunk: Buffer): void {
    // UTF-8 goes through as it is (bad bytes are found row by row).
    if (!this.decoder) {
      if (chunk.length > 0) this.push(chunk)
      return
    }
    const text = this.decoder.write(chunk)
    if (text) this.push(Buffer.from(text, 'utf8'))
  }
}
