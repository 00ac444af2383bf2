/**
 * A FreeSWITCH event received as `text/event-plain`. Headers are looked up lazily in the
 * raw body (a native indexOf per lookup) instead of decoding ~150 lines per event: most
 * events a call sees are read for two or three fields, and parsing cost is what limits how
 * many calls one process holds.
 */
import { fsUrlDecode } from './url-encoding.js'

const NL = 0x0a

/** An event as the call-control layer reads it, whatever its wire format. */
export interface EslEvent {
  readonly name: string
  /** Decoded value of a header, e.g. `Application-UUID`, or undefined. */
  get(name: string): string | undefined
  /** A channel variable (`variable_<name>` header). */
  variable(name: string): string | undefined
  /** Body after the headers (BACKGROUND_JOB results); empty for channel events. */
  readonly content: string
  /** Every header, decoded: for logs and debugging, not hot paths. */
  all(): Map<string, string>
}

/** Search keys as Buffers, made once per header name (lookups run for every event). */
interface PlainKey {
  /** `Name: ` at the very start of the body. */
  first: Buffer
  /** `\nName: ` anywhere after. */
  line: Buffer
}
const plainKeys = new Map<string, PlainKey>()
const jsonKeys = new Map<string, Buffer>()

function plainKey(name: string): PlainKey {
  let k = plainKeys.get(name)
  if (k === undefined) {
    k = { first: Buffer.from(`${name}: `), line: Buffer.from(`\n${name}: `) }
    if (plainKeys.size < 4096) plainKeys.set(name, k)
  }
  return k
}

function jsonKey(name: string): Buffer {
  let k = jsonKeys.get(name)
  if (k === undefined) {
    k = Buffer.from(`${JSON.stringify(name)}:`)
    if (jsonKeys.size < 4096) jsonKeys.set(name, k)
  }
  return k
}

const EVENT_NAME = Buffer.from('Event-Name: ')

/**
 * Headers FreeSWITCH writes after the channel data (and variables, which come after the
 * caller profile): searched from the end of the event, where they are.
 */
const TAIL_HEADERS = new Set([
  'Application',
  'Application-Data',
  'Application-Response',
  'Application-UUID',
  'DTMF-Digit',
  'DTMF-Duration',
  'DTMF-Source',
  'Playback-Status',
  'Playback-File-Path',
  'Playback-File-Type',
  'Record-File-Path',
  'Record-Completion-Cause',
])
const nearEnd = (name: string): boolean => TAIL_HEADERS.has(name) || name.startsWith('variable_')

export class PlainEvent implements EslEvent {
  readonly name: string
  /** Index just past the header block's last line; computed when first needed. */
  private end = -1

  constructor(readonly body: Buffer) {
    // FreeSWITCH puts Event-Name first; read it without scanning the rest.
    if (startsWith(body, EVENT_NAME, 0)) {
      let nl = body.indexOf(NL, EVENT_NAME.length)
      if (nl < 0) nl = body.length
      this.name = fsUrlDecode(body.toString('latin1', EVENT_NAME.length, nl))
    } else {
      this.name = this.get('Event-Name') ?? ''
    }
  }

  get(name: string): string | undefined {
    const body = this.body
    const key = plainKey(name)
    // A header starts a line: the first one, or one after a line feed.
    let start: number
    if (startsWith(body, key.first, 0)) {
      start = key.first.length
    } else {
      const at = nearEnd(name) ? body.lastIndexOf(key.line, this.headerEnd()) : body.indexOf(key.line)
      if (at < 0 || at >= this.headerEnd()) return undefined
      start = at + key.line.length
    }
    let end = body.indexOf(NL, start)
    if (end < 0) end = body.length
    // Plain values are URL-encoded, so ASCII on the wire: latin1 reads them fastest, and
    // fsUrlDecode turns %XX sequences back into UTF-8 text.
    return fsUrlDecode(body.toString('latin1', start, end))
  }

  variable(name: string): string | undefined {
    return this.get(`variable_${name}`)
  }

  get content(): string {
    const start = this.headerEnd() + 1
    return start < this.body.length ? this.body.subarray(start).toString('utf8') : ''
  }

  all(): Map<string, string> {
    const out = new Map<string, string>()
    for (const line of this.body.subarray(0, this.headerEnd()).toString('utf8').split('\n')) {
      const i = line.indexOf(': ')
      if (i > 0) out.set(line.slice(0, i), fsUrlDecode(line.slice(i + 2)))
    }
    return out
  }

  /**
   * Where the headers end. A channel event is headers and a blank line, nothing more: its
   * body ends with the only "\n\n" (URL-encoded values hold no line feed). Other events
   * (a BACKGROUND_JOB's result follows its headers) end their headers at the first "\n\n".
   */
  private headerEnd(): number {
    if (this.end >= 0) return this.end
    const b = this.body
    const n = b.length
    if (n >= 2 && b[n - 1] === NL && b[n - 2] === NL && WITHOUT_BODY.test(this.name)) this.end = n - 1
    else {
      const i = b.indexOf('\n\n')
      this.end = i < 0 ? n : i + 1
    }
    return this.end
  }
}

/** Byte comparison of a short prefix (cheaper than Buffer.compare's argument checks). */
function startsWith(body: Buffer, prefix: Buffer, at: number): boolean {
  if (body.length < at + prefix.length) return false
  for (let i = 0; i < prefix.length; i++) if (body[at + i] !== prefix[i]) return false
  return true
}

/** Events FreeSWITCH never gives a body. */
const WITHOUT_BODY = /^(?:CHANNEL_|PLAYBACK_|RECORD_|DTMF$|CALL_UPDATE$|PRESENCE_)/

const QUOTE = 0x22
const BACKSLASH = 0x5c

/**
 * A `text/event-json` event: one JSON object whose values are not URL-encoded; array
 * variables arrive as JSON arrays and read back in FreeSWITCH's `ARRAY::a|:b` form. Like
 * PlainEvent, values are found in the raw bytes when asked for instead of parsing the whole
 * object: a key is `"Name":` right after `{` or `,` (inside a string every quote is
 * escaped, so that sequence cannot occur in a value).
 */
export class JsonEvent implements EslEvent {
  readonly name: string

  constructor(readonly body: Buffer) {
    if (body[0] !== 0x7b) throw new SyntaxError('a JSON event must be an object')
    this.name = this.get('Event-Name') ?? ''
  }

  variable(name: string): string | undefined {
    return this.get(`variable_${name}`)
  }

  get content(): string {
    return this.get('_body') ?? ''
  }

  all(): Map<string, string> {
    const out = new Map<string, string>()
    const parsed = JSON.parse(this.body.toString('utf8')) as Record<string, unknown>
    for (const [k, v] of Object.entries(parsed)) if (k !== '_body') out.set(k, render(v))
    return out
  }

  get(name: string): string | undefined {
    const body = this.body
    const key = jsonKey(name)
    let at: number
    if (nearEnd(name)) {
      at = body.lastIndexOf(key)
      while (at > 0 && body[at - 1] !== 0x7b && body[at - 1] !== 0x2c) at = body.lastIndexOf(key, at - 1)
    } else {
      at = body.indexOf(key)
      while (at > 0 && body[at - 1] !== 0x7b && body[at - 1] !== 0x2c) at = body.indexOf(key, at + 1)
    }
    if (at < 0) return undefined
    const start = at + key.length
    const first = body[start]
    if (first === QUOTE) {
      let escaped = false
      let j = start + 1
      for (; j < body.length; j++) {
        const b = body[j]
        if (b === BACKSLASH) {
          escaped = true
          j++
        } else if (b === QUOTE) break
      }
      return escaped ? (JSON.parse(body.toString('utf8', start, j + 1)) as string) : body.toString('utf8', start + 1, j)
    }
    // An array, a number, true/false/null: up to the comma or brace that ends it.
    let depth = 0
    let inString = false
    let j = start
    for (; j < body.length; j++) {
      const b = body[j]
      if (inString) {
        if (b === BACKSLASH) j++
        else if (b === QUOTE) inString = false
      } else if (b === QUOTE) inString = true
      else if (b === 0x5b || b === 0x7b) depth++
      else if (b === 0x5d || b === 0x7d) {
        if (depth === 0) break
        depth--
      } else if (b === 0x2c && depth === 0) break
    }
    const value = JSON.parse(body.toString('utf8', start, j)) as unknown
    return value === null ? undefined : render(value)
  }
}

function render(v: unknown): string {
  if (v === null || v === undefined) return ''
  if (Array.isArray(v)) return `ARRAY::${v.join('|:')}`
  return String(v)
}

/**
 * Headers of a command/reply or of the `connect` reply (which carries the whole channel
 * dump as headers, URL-encoded). Wraps esl-lite's parsed Headers and decodes values.
 */
export interface HeaderSource {
  get(name: string): string | undefined
}

export class ReplyHeaders {
  constructor(private readonly headers: HeaderSource) {}
  get(name: string): string | undefined {
    const v = this.headers.get(name)
    return v === undefined ? undefined : fsUrlDecode(v)
  }
  variable(name: string): string | undefined {
    return this.get(`variable_${name}`)
  }
}
