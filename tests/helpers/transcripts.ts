/**
 * The golden ESL transcripts of a real FreeSWITCH 1.11.1 (tests/fixtures/esl-transcripts:
 * a copy of ../shared/esl-transcripts, and those scripts/record-transcript.ts made): their
 * chunks exactly as read or written, and a message-level view (each direction of each
 * connection framed into messages).
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const FIXTURE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/esl-transcripts')
/** The shared originals, when this checkout sits next to them. */
export const SHARED_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/esl-transcripts')

export type Direction = 'FS->APP' | 'APP->FS'

export interface Chunk {
  seq: number
  tMs: number
  conn: string
  dir: Direction
  bytes: Buffer
}

export interface Note {
  tMs: number
  conn: string | null
  text: string
}

export interface WireMessage {
  conn: string
  dir: Direction
  /** Time of the chunk that completed the message. */
  tMs: number
  /** Header lines in order; for APP->FS the first line is the command. */
  headers: Array<[string, string]>
  /** The command line (APP->FS only), e.g. `sendmsg`, `api uuid_kill x`. */
  command: string
  body: Buffer
  /** The message's exact bytes. */
  raw: Buffer
  /** Index of the chunk that completed it. */
  chunkIndex: number
}

export interface Transcript {
  name: string
  meta: Record<string, unknown>
  chunks: Chunk[]
  notes: Note[]
}

export function transcriptNames(dir = FIXTURE_DIR): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => f.slice(0, -6))
    .sort()
}

export function loadTranscript(name: string, dir = FIXTURE_DIR): Transcript {
  const lines = fs.readFileSync(path.join(dir, `${name}.jsonl`), 'utf8').split('\n').filter(Boolean)
  const meta = (JSON.parse(lines[0]!) as { meta: Record<string, unknown> }).meta
  const chunks: Chunk[] = []
  const notes: Note[] = []
  for (const line of lines.slice(1)) {
    const o = JSON.parse(line) as { seq?: number; t_ms: number; conn: string | null; dir?: Direction; b64?: string; note?: string }
    if (o.b64 !== undefined && o.dir) chunks.push({ seq: o.seq ?? 0, tMs: o.t_ms, conn: o.conn ?? '', dir: o.dir, bytes: Buffer.from(o.b64, 'base64') })
    else if (o.note !== undefined) notes.push({ tMs: o.t_ms, conn: o.conn, text: o.note })
  }
  return { name, meta, chunks, notes }
}

export function connections(t: Transcript): string[] {
  return Array.from(new Set(t.chunks.map((c) => c.conn)))
}

/** Frames one connection's bytes (both directions) into messages, in wire order. */
export function messages(t: Transcript, conn: string): WireMessage[] {
  const out: WireMessage[] = []
  const pending: Record<Direction, Buffer> = { 'FS->APP': Buffer.alloc(0), 'APP->FS': Buffer.alloc(0) }
  t.chunks.forEach((chunk, index) => {
    if (chunk.conn !== conn) return
    let buf = Buffer.concat([pending[chunk.dir], chunk.bytes])
    for (;;) {
      const end = buf.indexOf('\n\n')
      if (end < 0) break
      const headText = buf.subarray(0, end).toString('utf8')
      const lines = headText.split('\n')
      const headers: Array<[string, string]> = []
      for (const l of lines) {
        const i = l.indexOf(': ')
        if (i > 0) headers.push([l.slice(0, i), l.slice(i + 2)])
      }
      const length = Number(headers.find(([k]) => k.toLowerCase() === 'content-length')?.[1] ?? 0)
      if (buf.length < end + 2 + length) break
      const raw = buf.subarray(0, end + 2 + length)
      out.push({
        conn,
        dir: chunk.dir,
        tMs: chunk.tMs,
        headers,
        command: chunk.dir === 'APP->FS' ? (lines[0] ?? '') : '',
        body: buf.subarray(end + 2, end + 2 + length),
        raw,
        chunkIndex: index,
      })
      buf = buf.subarray(end + 2 + length)
    }
    pending[chunk.dir] = buf
  })
  return out
}

export function header(m: WireMessage, name: string): string | undefined {
  return m.headers.find(([k]) => k === name)?.[1]
}

/** An event message's headers (plain: URL-decoded lines; json: the object), in order. */
export function eventHeaders(m: WireMessage): Array<[string, string]> | undefined {
  const type = header(m, 'Content-Type')
  if (type === 'text/event-plain') {
    const text = m.body.toString('utf8')
    const end = text.indexOf('\n\n')
    const out: Array<[string, string]> = []
    for (const l of (end < 0 ? text : text.slice(0, end)).split('\n')) {
      const i = l.indexOf(': ')
      if (i > 0) out.push([l.slice(0, i), decode(l.slice(i + 2))])
    }
    return out
  }
  if (type === 'text/event-json') {
    const o = JSON.parse(m.body.toString('utf8')) as Record<string, unknown>
    return Object.entries(o).map(([k, v]) => [k, Array.isArray(v) ? `ARRAY::${v.join('|:')}` : String(v)])
  }
  if (type === 'command/reply' && header(m, 'Event-Name') !== undefined) {
    return m.headers.map(([k, v]) => [k, decode(v)])
  }
  return undefined
}

function decode(v: string): string {
  try {
    return decodeURIComponent(v)
  } catch {
    return v
  }
}
