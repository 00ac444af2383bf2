/**
 * What a recording collects while it runs: every TCP chunk of every connection, as read,
 * with its direction and time, and the NOTE lines (actions the scenario took, checks,
 * connections opening and closing). Written out as `<name>.jsonl` and `<name>.txt` in the
 * format of the golden transcripts (tests/fixtures/esl-transcripts/README.md).
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Direction } from '../../helpers/transcripts.js'

interface LoggedChunk {
  kind: 'chunk'
  at: number
  conn: string
  dir: Direction
  bytes: Buffer
}

interface LoggedNote {
  kind: 'note'
  at: number
  conn: string
  text: string
}

type Entry = LoggedChunk | LoggedNote

/**
 * Rewrites applied to the data before it is written: host paths and ports to the ones the
 * README names. Every rewrite keeps the length, so each Content-Length stays exact.
 */
export type Rewrite = [from: string, to: string]

export class WireLog {
  /** Wall-clock start (ms since epoch) and the monotonic clock at that moment. */
  startedAt = Date.now()
  private startedPerf = performance.now()
  private readonly entries: Entry[] = []

  /** Times count from now (the switch is up, the scenario starts); nothing may be logged yet. */
  begin(): void {
    if (this.entries.length > 0) throw new Error('WireLog.begin() after entries were logged')
    this.startedAt = Date.now()
    this.startedPerf = performance.now()
  }

  private now(): number {
    return performance.now() - this.startedPerf
  }

  chunk(conn: string, dir: Direction, bytes: Buffer): void {
    this.entries.push({ kind: 'chunk', at: this.now(), conn, dir, bytes: Buffer.from(bytes) })
  }

  note(conn: string, text: string): void {
    this.entries.push({ kind: 'note', at: this.now(), conn, text })
  }

  /** Chunks so far of one connection and direction, joined (for checks while recording). */
  stream(conn: string, dir: Direction): Buffer {
    return Buffer.concat(this.entries.flatMap((e) => (e.kind === 'chunk' && e.conn === conn && e.dir === dir ? [e.bytes] : [])))
  }

  /**
   * The entries with the rewrites applied. A path can be cut by a read boundary, so each
   * connection's direction is rewritten as one stream and cut again where it was read.
   */
  private rewritten(rewrites: Rewrite[]): Entry[] {
    for (const [from, to] of rewrites) {
      if (Buffer.byteLength(from) !== Buffer.byteLength(to)) throw new Error(`rewrite changes the length: ${from} -> ${to}`)
    }
    const streams = new Map<string, LoggedChunk[]>()
    for (const e of this.entries) {
      if (e.kind !== 'chunk') continue
      const key = `${e.conn}\u0000${e.dir}`
      if (!streams.has(key)) streams.set(key, [])
      streams.get(key)!.push(e)
    }
    const replaced = new Map<LoggedChunk, Buffer>()
    for (const chunks of streams.values()) {
      let all = Buffer.concat(chunks.map((c) => c.bytes)).toString('latin1')
      for (const [from, to] of rewrites) all = all.split(Buffer.from(from).toString('latin1')).join(Buffer.from(to).toString('latin1'))
      const bytes = Buffer.from(all, 'latin1')
      let at = 0
      for (const c of chunks) {
        replaced.set(c, bytes.subarray(at, at + c.bytes.length))
        at += c.bytes.length
      }
    }
    const text = (s: string): string => rewrites.reduce((acc, [from, to]) => acc.split(from).join(to), s)
    return this.entries.map((e) => (e.kind === 'chunk' ? { ...e, bytes: replaced.get(e)! } : { ...e, text: text(e.text) }))
  }

  /** Writes `<dir>/<name>.jsonl` and `<dir>/<name>.txt`; returns their paths. */
  write(dir: string, name: string, meta: Record<string, unknown>, header: string[], rewrites: Rewrite[]): { jsonl: string; txt: string } {
    const entries = this.rewritten(rewrites)
    const iso = (at: number): string => new Date(this.startedAt + at).toISOString()
    const tMs = (at: number): number => Math.round(at * 1000) / 1000
    const jsonl: string[] = [JSON.stringify({ meta: rewriteDeep(meta, rewrites) })]
    const txt: string[] = header.map((l) => `# ${rewriteDeep(l, rewrites) as string}`.trimEnd())
    txt.push(...FORMAT_HELP.map((l) => `# ${l}`.trimEnd()), '#')
    let seq = 0
    for (const e of entries) {
      if (e.kind === 'note') {
        jsonl.push(JSON.stringify({ note: e.text, ts: iso(e.at), t_ms: tMs(e.at), conn: e.conn }))
        txt.push(`## NOTE ${iso(e.at)} +${(e.at / 1000).toFixed(3)}s ${e.conn} ${e.text}`)
        continue
      }
      seq++
      jsonl.push(JSON.stringify({ seq, ts: iso(e.at), t_ms: tMs(e.at), conn: e.conn, dir: e.dir, len: e.bytes.length, b64: e.bytes.toString('base64') }))
      const n = String(seq).padStart(4, '0')
      const finalLf = e.bytes[e.bytes.length - 1] === 0x0a
      txt.push(`#### ${n} ${iso(e.at)} +${(e.at / 1000).toFixed(3)}s ${e.conn} ${e.dir} len=${e.bytes.length}`)
      // The raw bytes, then the block's end line on a line of its own.
      txt.push(`${e.bytes.toString('utf8')}${finalLf ? '' : '\n'}#### end ${n} final-LF=${finalLf ? 'yes' : 'no(added one LF for display)'}`)
    }
    fs.mkdirSync(dir, { recursive: true })
    const out = { jsonl: path.join(dir, `${name}.jsonl`), txt: path.join(dir, `${name}.txt`) }
    fs.writeFileSync(out.jsonl, `${jsonl.join('\n')}\n`)
    fs.writeFileSync(out.txt, `${txt.join('\n')}\n`)
    return out
  }
}

function rewriteDeep(value: unknown, rewrites: Rewrite[]): unknown {
  if (typeof value === 'string') return rewrites.reduce((acc, [from, to]) => acc.split(from).join(to), value)
  if (Array.isArray(value)) return value.map((v) => rewriteDeep(v, rewrites))
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewriteDeep(v, rewrites)]))
  return value
}

/** The format lines every golden transcript's header carries. */
const FORMAT_HELP = [
  'Format: every TCP read/write is one block:',
  '  "#### <seq> <ISO time> +<seconds since start> <conn> <DIR> len=<bytes>" then the bytes exactly as on the wire,',
  '  then "#### end <seq> final-LF=yes|no". If final-LF=no, one LF was added after the raw bytes for display only.',
  '  DIR is FS->APP (read from FreeSWITCH) or APP->FS (written by the app). Chunk boundaries are real TCP read boundaries',
  '  (as read by the recording proxy between the two).',
  '  conn: outN = Nth outbound-socket connection (FreeSWITCH connected to the app on 127.0.0.1:8084),',
  '  inbN = inbound ESL connection (app connected to FreeSWITCH), ctl = fs_cli command (shown as NOTE only).',
  '  "## NOTE" lines are commentary written by the recording script (not wire data).',
  '  The companion .jsonl file holds the same chunks base64-encoded (byte exact).',
]
