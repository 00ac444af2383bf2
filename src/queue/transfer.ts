/**
 * The customer's side of an operator's transfer, run by the instance whose socket holds the
 * call (the waiter, src/queue/waiter.ts). The request itself (src/lines/transfer.ts, on any
 * instance) writes an order into the customer's channel (src/lines/transfer-order.ts) and
 * breaks off the customer's conversation with the operator; the waiter's bridge or line join
 * then returns, and here the order is read and carried out instead of ending the call:
 *
 *   followTransfer: while the operator still has the customer (their books open): hold music
 *     during a consult, back into the conversation after a cancelled one; returns the order
 *     that takes the customer away from the operator, if any.
 *   carryOut: once the operator's books are closed: into a queue (as any caller, with their
 *     language, client type and VIP), to an agent (through the agent's first queue, so they
 *     are rung or joined to their open line when free), out to a number, or into the room
 *     where the target of a completed consult waits.
 */
import type { Call } from '../esl/call.js'
import { RINGING_TONE } from '../esl/call.js'
import { dialString, endpointFromTemplate } from '../esl/dial-string.js'
import { CallEnded, CommandFailed, isOk } from '../esl/results.js'
import { parseOrder, TRANSFER_VAR, type GoOrder } from '../lines/transfer-order.js'
import type { ConversationBooks } from '../calls/conversations.js'
import type { CallerContext } from '../routing/router.js'
import type { Clock } from '../time/clock.js'
import type { QueueSettings } from './config.js'
import type { QueueResult, WaiterContext } from './waiter.js'

export interface TransferConfig {
  /** How an outside number is dialled (GATEWAY_TEMPLATE) and the number it is shown (OUTBOUND_CALLER_ID). */
  gatewayTemplate: string
  outboundCallerId: string
}

/** How long a customer waits on hold for a consult to be completed or cancelled. */
const HOLD_LIMIT_MS = 10 * 60_000

/** The order in the customer's channel; a taken order is cleared so it is carried out once. */
async function takeOrder(call: Call): Promise<ReturnType<typeof parseOrder>> {
  if (call.ended || call.isDetached) return undefined
  const r = await call.api(`uuid_getvar ${call.uuid} ${TRANSFER_VAR}`)
  if (r instanceof CommandFailed || !r.ok) return undefined
  const order = parseOrder(r.text.trim() === '_undef_' ? '' : r.text.trim())
  if (!order && r.text.trim() !== '_undef_' && r.text.trim() !== '') call.log.warn({ value: r.text }, 'transfer: malformed order ignored')
  // 'hold' stays until the request replaces it: music that ends plays again.
  if (order && order.step !== 'hold') await call.api(`uuid_setvar ${call.uuid} ${TRANSFER_VAR}`)
  return order
}

/**
 * After the customer's conversation with the operator was broken off (or ended): the consult,
 * if one is under way, and the order that takes the customer on, if any.
 */
export async function followTransfer(call: Call, o: { music: string; queue: string; agent: string; clock: Clock; register: WaiterContext['register'] }): Promise<GoOrder | undefined> {
  let heldSince: number | undefined
  for (;;) {
    const order = await takeOrder(call)
    if (!order) return undefined
    if (order.step === 'go') return order
    if (order.step === 'hold') {
      if (heldSince === undefined) {
        heldSince = o.clock.now()
        call.log.info({ agent: o.agent }, 'transfer: the customer waits on hold while the operator consults')
      }
      // Nobody came back for them (the operator's phone dropped mid-consult): back in line.
      if (o.clock.now() - heldSince > HOLD_LIMIT_MS) {
        call.log.warn({ agent: o.agent, queue: o.queue }, 'transfer: the consult was left unfinished; the customer goes back to their queue')
        await call.api(`uuid_setvar ${call.uuid} ${TRANSFER_VAR}`)
        return { step: 'go', mode: 'attended', by: o.agent, kind: 'queue', value: o.queue }
      }
      const r = await call.playback(o.music)
      if (r instanceof CallEnded) return undefined
      if (r instanceof CommandFailed) await call.sleep(500)
      continue
    }
    heldSince = undefined
    // A consult that came to nothing is in the register too, with how it ended.
    if (order.consult) {
      const { end, kind, value } = order.consult
      o.register.append(call.uuid, 'transfers', { by: o.agent, mode: 'attended', to: { kind, value }, at: new Date(o.clock.now()).toISOString(), result: end })
    }
    call.log.info({ room: order.room, consult: order.consult?.end }, 'transfer: the consult ended; the customer is back with the operator')
    const r = await call.joinLine(order.room, order.leg)
    if (r instanceof CallEnded) return undefined
  }
}

export interface CarryOut {
  call: Call
  caller: CallerContext
  /** The queue the customer came through (their way back, should an agent have gone). */
  queue: QueueSettings
  ctx: WaiterContext
  config: TransferConfig
}

/** Takes the customer where the operator sent them; the operator's books are closed by now. */
export async function carryOut(order: GoOrder, o: CarryOut): Promise<QueueResult> {
  const { call, ctx } = o
  const { register, clock } = ctx
  const entry = { by: order.by, mode: order.mode, to: { kind: order.kind, value: order.value }, at: new Date(clock.now()).toISOString() }
  call.log.info({ by: order.by, mode: order.mode, kind: order.kind, value: order.value }, 'transfer: the customer goes on')
  // The routing columns are the IVR's (it writes them once the queue returns): a number or a
  // consulted target is noted in the entry, with what came of it; a queue's is its own row.
  if ((order.room && order.leg) || order.kind === 'number') {
    // Noted as the customer reaches the target (the row may be written for good soon after the end).
    let noted = false
    const note = (result: string): void => {
      if (noted) return
      noted = true
      call.off('bridge', connected)
      register.append(call.uuid, 'transfers', { ...entry, result })
    }
    const connected = (): void => note('connected')
    call.on('bridge', connected)
    return order.room ? joinTarget(order, o, note) : dialOut(order.value, o, note)
  }
  register.append(call.uuid, 'transfers', entry)
  // The customer keeps who they are (language, client type, VIP); a callback's agreed agent does not follow them.
  const caller: CallerContext = { ...o.caller, agent: undefined }
  if (order.kind === 'queue') return ctx.enqueue(call, order.value, caller)
  // An agent: through the agent's first queue: rung (or joined to their open line) as soon as they are free.
  const agent = await ctx.store.agent(order.value)
  const queue = agent && agent.state !== 'logged-out' ? agent.queues[0] : undefined
  if (!queue) call.log.warn({ agent: order.value, back: o.queue.name }, 'transfer: the agent left every queue; the customer goes back to their queue')
  return ctx.enqueue(call, queue ?? o.queue.name, queue ? { ...caller, agent: order.value } : caller)
}

/** A blind transfer to an outside number: the center's number as caller ID, as callbacks do. */
async function dialOut(number: string, o: CarryOut, noted: (result: string) => void): Promise<QueueResult> {
  const { call, config, ctx } = o
  let dial: string
  try {
    dial = dialString([endpointFromTemplate(config.gatewayTemplate, number)], { vars: { originate_timeout: 45, instant_ringback: true, origination_caller_id_number: config.outboundCallerId } })
  } catch (err) {
    call.log.error({ number, err: (err as Error).message }, 'transfer: the number cannot be dialled')
    noted('failed')
    return { result: 'timeout' }
  }
  const conversation = outliving(call, ctx, () => ({ answeredAt: ctx.clock.now() }))
  const r = await call.bridge(dial, { ringback: RINGING_TONE })
  const result = isOk(r) ? (r.ok ? 'connected' : r.cause) : r instanceof CallEnded ? 'caller-hangup' : 'failed'
  noted(result)
  await conversation.settle()
  return { result: isOk(r) && r.ok ? 'answered' : 'timeout' }
}

/** A completed consult: the customer joins the room the target was moved to, and talks with them. */
async function joinTarget(order: GoOrder, o: CarryOut, noted: (result: string) => void): Promise<QueueResult> {
  const { call, ctx } = o
  const agent = order.kind === 'agent' ? order.value : undefined
  const since = ctx.clock.now()
  if (agent) await ctx.talks?.began({ agent, call: call.uuid, leg: order.leg!, room: order.room!, music: o.queue.music, since })
  const conversation = outliving(call, ctx, () => ({ answeredAt: ctx.clock.now(), agent, direct: order.token ? { token: order.token } : undefined }))
  const r = await call.joinLine(order.room!, order.leg!)
  noted(isOk(r) && r.ok ? 'connected' : r instanceof CallEnded ? 'caller-hangup' : 'target-gone')
  const closer = await conversation.settle()
  if (agent) {
    if (!call.isDetached) await ctx.talks?.ended(agent, call.uuid)
    if (order.token && closer === 'ours') await ctx.store.directResult(agent, order.token, 'ended', ctx.clock.now() - since)
  }
  return { result: 'answered', agentId: agent }
}

/**
 * A conversation the customer is sent into outlives this process like any other
 * (calls/conversations.ts): recorded once they reach the person, so that should our socket
 * go, whoever is alive writes the register's end and frees the agent. `settle` says who
 * closes the books ('ours' when nobody was reached).
 */
function outliving(call: Call, ctx: WaiterContext, books: () => ConversationBooks): { settle(): Promise<'watched' | 'taken' | 'ours'> } {
  let begun: { books: ConversationBooks; recorded: Promise<void> } | undefined
  const onBridge = (): void => {
    const b = books()
    begun = { books: b, recorded: ctx.clock.track(ctx.conversations?.begin(call.uuid, b) ?? Promise.resolve()) }
  }
  call.once('bridge', onBridge)
  return {
    async settle() {
      call.off('bridge', onBridge)
      if (!begun || !ctx.conversations) return 'ours'
      await begun.recorded
      return ctx.conversations.settle(call, begun.books)
    },
  }
}
