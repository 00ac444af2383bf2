/**
 * Events parsed per second: esl-lite's bare FreeSwitchParser against our stack (the same
 * parser plus SocketSession's dispatch and a Call reading each event), on the same bytes:
 * the recorded FreeSWITCH events of the transcripts, repeated, fed in 64 KiB chunks.
 */
import { Duplex, Readable } from 'node:stream'
import type { Socket } from 'node:net'
import { FreeSwitchParser } from 'esl-lite'
import { Call } from '../src/esl/call.js'
import { ReplyHeaders } from '../src/esl/event.js'
import { SocketSession } from '../src/esl/socket-session.js'
import { silentLogger } from '../src/log.js'
import { header, loadTranscript, messages } from '../tests/helpers/transcripts.js'

export interface ParseResult {
  format: 'plain' | 'json'
  events: number
  megabytes: number
  bareEventsPerSecond: number
  oursEventsPerSecond: number
  ratio: number
}

/** The event messages of a recorded outbound session, as raw bytes. */
function recordedEvents(transcript: string, conn: string): Buffer[] {
  return messages(loadTranscript(transcript), conn)
    .filter((m) => m.dir === 'FS->APP' && (header(m, 'Content-Type') ?? '').startsWith('text/event-'))
    .map((m) => m.raw)
}

function chunks(events: Buffer[], targetBytes: number): { chunks: Buffer[]; count: number } {
  const parts: Buffer[] = []
  let size = 0
  let count = 0
  while (size < targetBytes) {
    for (const e of events) {
      parts.push(e)
      size += e.length
      count++
    }
  }
  const all = Buffer.concat(parts)
  const out: Buffer[] = []
  for (let i = 0; i < all.length; i += 65536) out.push(all.subarray(i, i + 65536))
  return { chunks: out, count }
}

async function bare(input: Buffer[]): Promise<number> {
  let n = 0
  for await (const _msg of FreeSwitchParser(Readable.from(input), silentLogger)) n++
  return n
}

async function ours(input: Buffer[], format: 'plain' | 'json'): Promise<number> {
  // The same bytes from the same kind of stream as the bare parser reads; writes go nowhere.
  const socket = new Duplex({ read() {}, write(_c, _e, cb) {
    cb()
  } }) as unknown as Socket & Duplex
  ;(socket as unknown as { setNoDelay: () => void }).setNoDelay = () => {}
  const session = new SocketSession(socket, silentLogger, undefined, Readable.from(input))
  session.eventFormat = format
  const channel = new ReplyHeaders(new Map([['Unique-ID', 'bench']]))
  const call = new Call(session, channel, silentLogger, () => Date.now())
  let n = 0
  call.on('event', () => n++)
  await session.done
  return n
}

async function time(fn: () => Promise<number>): Promise<{ n: number; seconds: number }> {
  const t = process.hrtime.bigint()
  const n = await fn()
  return { n, seconds: Number(process.hrtime.bigint() - t) / 1e9 }
}

export async function parseBenchmark(targetBytes = 64 * 1024 * 1024, rounds = 5): Promise<ParseResult[]> {
  const results: ParseResult[] = []
  for (const [format, transcript, conn] of [
    ['plain', 'outbound-ivr-call', 'conn1'],
    ['json', 'outbound-json-events', 'out1'],
  ] as const) {
    const { chunks: input, count } = chunks(recordedEvents(transcript, conn), targetBytes)
    const bytes = input.reduce((s, c) => s + c.length, 0)
    // Alternate the two so machine noise hits both alike; keep each one's best round.
    let bestBare = Infinity
    let bestOurs = Infinity
    for (let r = 0; r < rounds; r++) {
      const b = await time(() => bare(input))
      const o = await time(() => ours(input, format))
      if (b.n !== count || o.n !== count) throw new Error(`parsed ${b.n} / ${o.n} of ${count} events`)
      bestBare = Math.min(bestBare, b.seconds)
      bestOurs = Math.min(bestOurs, o.seconds)
    }
    results.push({
      format,
      events: count,
      megabytes: bytes / 1e6,
      bareEventsPerSecond: count / bestBare,
      oursEventsPerSecond: count / bestOurs,
      ratio: bestBare / bestOurs,
    })
  }
  return results
}
