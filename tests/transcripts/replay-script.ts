/**
 * One transcript connection as a script for the replay peer: the app's commands (which
 * our code must send) and FreeSWITCH's messages (which the peer writes), in wire order,
 * each FreeSWITCH message with the recorded read boundaries inside it and each command
 * with the reply that answers it.
 */
import { messages, type Transcript, type WireMessage } from '../helpers/transcripts.js'
import { isReply } from './replay-wire.js'

export interface Deferred<T = void> {
  promise: Promise<T>
  resolve: (v: T) => void
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

/** A command the recorded app wrote (APP->FS). */
export interface CmdItem {
  kind: 'cmd'
  conn: string
  /** Index in the transcript's chunks: orders it against the other connections. */
  order: number
  msg: WireMessage
  /** The command line, e.g. `sendmsg`, `api uuid_kill <uuid>`, `linger 2`. */
  line: string
  /** FreeSWITCH's command/reply or api/response to it (replies come in command order). */
  reply: OutItem | undefined
  state: 'open' | 'claimed' | 'skipped'
  claimed: Deferred
}

/** A message FreeSWITCH wrote (FS->APP). */
export interface OutItem {
  kind: 'out'
  conn: string
  /** Chunk index of the message's first byte. */
  order: number
  raw: Buffer
  /** Offsets inside `raw` where a recorded TCP read ended (raw.length if one ended with it). */
  cuts: number[]
  replyTo: CmdItem | undefined
  /** Set when a claim changes what FreeSWITCH would answer (api -> bgapi). */
  transform: ((raw: Buffer) => Buffer[]) | undefined
  state: 'waiting' | 'sent' | 'dropped'
  /** Resolves when the message has been queued for writing (or dropped). */
  queued: Deferred
}

export type Item = CmdItem | OutItem

export interface ConnScript {
  conn: string
  items: Item[]
  /** Chunk index of the connection's first byte (when FreeSWITCH connects or is connected to). */
  startOrder: number
  /** FreeSWITCH closed the socket (FIN noted); otherwise the app did. */
  fsCloses: boolean
  /** Where in the transcript the socket closed (chunk index of what came next). */
  closeOrder: number
}

export function buildScript(t: Transcript, conn: string): ConnScript {
  const msgs = messages(t, conn)
  // Recorded read boundaries of FreeSWITCH's side, as offsets into its byte stream.
  const reads: Array<{ index: number; end: number }> = []
  let total = 0
  t.chunks.forEach((c, index) => {
    if (c.conn !== conn || c.dir !== 'FS->APP') return
    total += c.bytes.length
    reads.push({ index, end: total })
  })
  const items: Item[] = []
  const awaitingReply: CmdItem[] = []
  let offset = 0
  for (const m of msgs) {
    if (m.dir === 'APP->FS') {
      const cmd: CmdItem = { kind: 'cmd', conn, order: m.chunkIndex, msg: m, line: m.command, reply: undefined, state: 'open', claimed: deferred() }
      items.push(cmd)
      awaitingReply.push(cmd)
      continue
    }
    const start = offset
    const end = start + m.raw.length
    offset = end
    const first = reads.find((r) => r.end > start)
    const cuts = reads.filter((r) => r.end > start && r.end <= end).map((r) => r.end - start)
    const out: OutItem = { kind: 'out', conn, order: first?.index ?? m.chunkIndex, raw: m.raw, cuts, replyTo: undefined, transform: undefined, state: 'waiting', queued: deferred() }
    if (isReply(m.raw)) {
      out.replyTo = awaitingReply.shift()
      if (out.replyTo) out.replyTo.reply = out
    }
    items.push(out)
  }
  const notes = t.notes.filter((n) => n.conn === conn)
  const fsCloses = notes.some((n) => /FIN received from FreeSWITCH|closed by FreeSWITCH/.test(n.text))
  const closedNote = notes.find((n) => /TCP socket closed/.test(n.text))
  const after = closedNote ? t.chunks.findIndex((c) => c.tMs > closedNote.tMs) : -1
  const firstChunk = t.chunks.findIndex((c) => c.conn === conn)
  return { conn, items, startOrder: firstChunk, fsCloses, closeOrder: after < 0 ? t.chunks.length : after }
}

/** The Unique-ID FreeSWITCH gave in its `connect` reply on an outbound connection. */
export function connectUuid(t: Transcript, conn: string): string | undefined {
  const reply = messages(t, conn).find((m) => m.dir === 'FS->APP')
  return reply?.headers.find(([k]) => k === 'Unique-ID')?.[1]
}
