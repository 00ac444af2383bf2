/**
 * What an operator's transfer asks of the customer's channel, written by whichever instance
 * took the request (src/lines/transfer.ts) into the channel variable `cc_transfer`, and read
 * by the instance whose socket holds the call (src/queue/transfer.ts) when the customer's
 * conversation with the operator is broken off. One word, slash-separated, every part
 * checked both ways:
 *
 *   hold                                          wait on hold music (an attended transfer's consult)
 *   join/<room@profile>/<leg>[/<end>/<kind>/<value>]   back into a conversation, after a consult that
 *                                                 ended so (cancelled, no-answer) with that target
 *   go/<mode>/<by>/<kind>/<value>                 a blind transfer: queue, agent or number
 *   go/attended/<by>/<kind>/<value>/<room@profile>/<leg>/<token>   a completed consult: join the target's room
 */
export const TRANSFER_VAR = 'cc_transfer'

export const TRANSFER_KINDS = ['queue', 'agent', 'number'] as const
export type TransferKind = (typeof TRANSFER_KINDS)[number]
export const TRANSFER_MODES = ['blind', 'attended'] as const
export type TransferMode = (typeof TRANSFER_MODES)[number]

export interface GoOrder {
  step: 'go'
  mode: TransferMode
  /** The agent who transferred. */
  by: string
  kind: TransferKind
  value: string
  /** A completed consult: the room the target waits in, their leg, and their reservation. */
  room?: string
  leg?: string
  token?: string
}

/** How a consult ended that gave the customer back to the operator. */
export const CONSULT_ENDS = ['cancelled', 'no-answer'] as const
export type ConsultEnd = (typeof CONSULT_ENDS)[number]

export interface JoinOrder {
  step: 'join'
  room: string
  leg: string
  /** The consult that ended, for the call register. */
  consult?: { end: ConsultEnd; kind: TransferKind; value: string }
}

export type TransferOrder = { step: 'hold' } | JoinOrder | GoOrder

/** Agent ids and queue names a transfer may name. */
export const NAME = /^[A-Za-z0-9_.-]{1,64}$/
const NUMBER = /^\+?[0-9]{1,20}$/
const ROOM = /^[A-Za-z0-9_.-]{1,80}@[A-Za-z0-9_.-]{1,40}$/
const UUID = /^[0-9a-fA-F-]{8,64}$/
const TOKEN = /^[A-Za-z0-9-]{1,64}$/

function valueOk(kind: TransferKind, value: string): boolean {
  return kind === 'number' ? NUMBER.test(value) : NAME.test(value)
}

/** The variable's value; throws on a part that could not be read back (a bug, not input: inputs are checked first). */
export function encodeOrder(o: TransferOrder): string {
  const parts =
    o.step === 'hold'
      ? ['hold']
      : o.step === 'join'
        ? ['join', o.room, o.leg, ...(o.consult ? [o.consult.end, o.consult.kind, o.consult.value] : [])]
        : ['go', o.mode, o.by, o.kind, o.value, ...(o.room ? [o.room, o.leg ?? '', o.token ?? '-'] : [])]
  const text = parts.join('/')
  if (parseOrder(text) === undefined) throw new Error(`transfer order cannot be encoded: ${text}`)
  return text
}

/** The order in the variable, or undefined for none or anything malformed. */
export function parseOrder(text: string | undefined): TransferOrder | undefined {
  if (!text) return undefined
  const p = text.split('/')
  if (p[0] === 'hold' && p.length === 1) return { step: 'hold' }
  if (p[0] === 'join') return parseJoin(p)
  if (p[0] !== 'go' || (p.length !== 5 && p.length !== 8)) return undefined
  const [, mode, by, kind, value, room, leg, token] = p as [string, TransferMode, string, TransferKind, string, string?, string?, string?]
  if (!TRANSFER_MODES.includes(mode) || !NAME.test(by) || !TRANSFER_KINDS.includes(kind) || !valueOk(kind, value)) return undefined
  if (p.length === 5) return { step: 'go', mode, by, kind, value }
  if (mode !== 'attended' || !ROOM.test(room!) || !UUID.test(leg!) || !TOKEN.test(token!)) return undefined
  return { step: 'go', mode, by, kind, value, room, leg, token: token === '-' ? undefined : token }
}

function parseJoin(p: string[]): JoinOrder | undefined {
  if ((p.length !== 3 && p.length !== 6) || !ROOM.test(p[1]!) || !UUID.test(p[2]!)) return undefined
  const order: JoinOrder = { step: 'join', room: p[1]!, leg: p[2]! }
  if (p.length === 3) return order
  const [, , , end, kind, value] = p as [string, string, string, ConsultEnd, TransferKind, string]
  if (!CONSULT_ENDS.includes(end) || !TRANSFER_KINDS.includes(kind) || !valueOk(kind, value)) return undefined
  return { ...order, consult: { end, kind, value } }
}
