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

export class PlainEvent implements EslEvent {
  readonly name: string
  private readonly headerEnd: number
  private cache: Map<string, string | undefined> | undefined

  constructor(readonly body: Buffer) {
    // Plain bodies start with "Event-Name: X\n" (FreeSWITCH puts it first).
    const headerEnd = body.indexOf('\n\n')
    this.headerEnd = headerEnd < 0 ? body.length : headerEnd + 1
    this.name = this.lookup('Event-Name') ?? ''
  }

  get(name: string): string | undefined {
    let cache = this.cache
    if (cache === undefined) cache = this.cache = new Map()
    else if (cache.has(name)) return cache.get(name)
    const value = this.lookup(name)
    cache.set(name, value)
    return value
  }

  variable(name: string): string | undefined {
    return this.get(`variable_${name}`)
  }

  get content(): string {
    const start = this.headerEnd + 1
    return start < this.body.length ? this.body.subarray(start).toString('utf8') : ''
  }

  all(): Map<string, string> {
    const out = new Map<string, string>()
    for (const line of this.body.subarray(0, this.headerEnd).toString('utf8').split('\n')) {
      const i = line.indexOf(': ')
      if (i > 0) out.set(line.slice(0, i), fsUrlDecode(line.slice(i + 2)))
    }
    return out
  }

  private lookup(name: string): string | undefined {
    const body = this.body
    const key = `${name}: `
    let at = body.indexOf(key)
    // Must start a line and lie within the header block.
    while (at > 0 && body[at - 1] !== NL) at = body.indexOf(key, at + 1)
    if (at < 0 || at >= this.headerEnd) return undefined
    const start = at + key.length
    let end = body.indexOf(NL, start)
    if (end < 0) end = body.length
    return fsUrlDecode(body.toString('utf8', start, end))
  }
}

/**
 * A `text/event-json` event: one JSON object whose values are not URL-encoded; array
 * variables arrive as JSON arrays and read back in FreeSWITCH's `ARRAY::a|:b` form.
 */
export class JsonEvent implements EslEvent {
  readonly name: string
  private readonly data: Record<string, unknown>

  constructor(body: Buffer) {
    const parsed: unknown = JSON.parse(body.toString('utf8'))
    this.data = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {}
    this.name = typeof this.data['Event-Name'] === 'string' ? (this.data['Event-Name'] as string) : ''
  }

  get(name: string): string | undefined {
    const v = this.data[name]
    if (v === undefined || v === null) return undefined
    if (Array.isArray(v)) return `ARRAY::${v.join('|:')}`
    return String(v)
  }

  variable(name: string): string | undefined {
    return this.get(`variable_${name}`)
  }

  get content(): string {
    const b = this.data['_body']
    return typeof b === 'string' ? b : ''
  }

  all(): Map<string, string> {
    const out = new Map<string, string>()
    for (const k of Object.keys(this.data)) if (k !== '_body') out.set(k, this.get(k) ?? '')
    return out
  }
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
