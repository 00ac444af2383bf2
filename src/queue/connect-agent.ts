/**
 * A waiting caller put through to the agent(s) the shared queue offered them (waiter.ts):
 * their phones rung together, or the caller joined to an operator's open line; the books of
 * the conversation opened when one answers and closed when it ends; or, when nobody took the
 * call, what became of the offer (missed, the caller gone, their time run out).
 */
import type { ConversationBooks } from '../calls/conversations.js'
import { UnsafeCommandError } from '../esl/commands.js'
import type { Call } from '../esl/call.js'
import { CallEnded, isOk } from '../esl/results.js'
import type { CallerContext } from '../routing/router.js'
import { agentsDialString } from './agent-dial.js'
import type { QueueSettings } from './config.js'
import type { Offer } from './store.js'
import { carryOut, followTransfer } from './transfer.js'
import type { QueueResult, WaiterContext, WaitOptions } from './waiter.js'

/** The waiting caller, as their waiter lends them to this step. */
export interface OfferedCaller {
  readonly entry: string
  readonly call: Call
  readonly queue: QueueSettings
  readonly caller: CallerContext
  readonly ctx: WaiterContext
  readonly options: WaitOptions
  /** When they entered the queue (the clock's ms). */
  enteredAt(): number
  waitedMs(): number
  /** What plays for them now (a prompt or the music), if anything. */
  playing(): Promise<unknown> | undefined
  /** Stops what plays, the break repeated until the playback has ended. */
  stopPlaying(p: Promise<unknown>, alreadyBroken: boolean): Promise<void>
  /** Agents being rung for them, and who answered: put back with them if Redis loses its data. */
  setRinging(ringing: { agents: string[]; answeredBy?: string } | undefined): void
  /** No more offers for them: an operator's transfer takes them on. */
  settle(): void
  abandoned(): QueueResult
  timedOut(why: 'max-wait'): QueueResult
}

/** Rings the offered agent(s); returns the result when the call is settled, or undefined to wait on. */
export async function connectAgent(offer: Offer, w: OfferedCaller): Promise<QueueResult | undefined> {
  const { call, queue, ctx } = w
  const { store, clock, register } = ctx
  // Read at each use, as the settings change in place (apply-settings.ts).
  const slMs = (): number => queue.serviceLevelSeconds * 1000
  // An operator whose line is open takes the caller into it: no ring, no dial string.
  const line = offer.agents.length === 1 ? await ctx.lines?.lineOf(offer.agents[0]!.id) : undefined
  const playing = w.playing()
  // Not `uuid_break ... all`: that would also drop the bridge queued behind the music.
  if (playing) void call.api(`uuid_break ${call.uuid}`)
  const ringAt = new Date(clock.now()).toISOString()
  if (call.ended) {
    await store.offerResult(w.entry, { outcome: 'gone' }, slMs())
    return w.abandoned()
  }
  const byLeg = new Map<string, string>()
  if (line) byLeg.set(line.uuid, line.agent)
  const dial = line ? '' : dialFor(offer, byLeg, w)
  if (dial === undefined) {
    await store.offerResult(w.entry, { outcome: 'missed' }, slMs())
    return undefined
  }
  for (const a of offer.agents) register.offer(call.uuid, { agent: a.id, at: ringAt, result: 'ringing' })
  w.setRinging({ agents: offer.agents.map((a) => a.id) })
  call.log.info({ queue: queue.name, agents: offer.agents.map((a) => a.id), line: line?.uuid }, line ? 'queue: joining the agent’s open line' : 'queue: ringing agent')
  // A caller who must reach a person by a deadline (a campaign contact, the 2-second rule)
  // does not wait out an agent's ringing phone: at the deadline the ring is cancelled.
  let cutShort = false
  const giveUpAt = w.options.maxWaitMs === undefined ? undefined : w.enteredAt() + w.options.maxWaitMs
  const cancel =
    giveUpAt === undefined
      ? undefined
      : clock.setTimeout(() => {
          if (answered) return
          cutShort = true
          call.log.info({ queue: queue.name, agents: offer.agents.map((a) => a.id), waitedMs: w.waitedMs() }, 'queue: deadline reached while the agent’s phone rang; cancelling the ring')
          for (const uuid of byLeg.keys()) void call.api(`uuid_kill ${uuid} ORIGINATOR_CANCEL`)
        }, Math.max(0, giveUpAt - clock.now()))

  let answered: { agent: string; at: number; books: ConversationBooks; recorded: Promise<unknown> } | undefined
  const onBridge = (other: string | undefined): void => {
    if (answered) return
    const agent = (other && byLeg.get(other)) ?? (offer.agents.length === 1 ? offer.agents[0]!.id : undefined)
    if (!agent) return
    const at = clock.now()
    const books: ConversationBooks = { answeredAt: at, agent, queue: { entry: w.entry, wrapUpMs: queue.wrapUpSeconds * 1000 }, ...w.options.books }
    answered = {
      agent,
      at,
      books,
      recorded: clock.track(
        Promise.all([
          store.offerResult(w.entry, { outcome: 'answered', agent }, slMs()),
          ctx.conversations?.begin(call.uuid, books),
          ctx.talks?.began({ agent, call: call.uuid, leg: other ?? '', room: line?.room ?? '', music: queue.music, since: at }),
        ]),
      ),
    }
    w.setRinging({ agents: [agent], answeredBy: agent })
    const waited = Math.round(answered.at - w.enteredAt())
    register.facts(call.uuid, { answeredBy: agent, queueWaitMs: waited, queueOutcome: 'answered' })
    for (const a of offer.agents) register.offer(call.uuid, { agent: a.id, at: ringAt, result: a.id === agent ? 'answered' : 'lost' })
    call.log.info({ queue: queue.name, agent, waitedMs: waited }, 'queue: agent answered')
    w.options.onAnswered?.(agent)
  }
  call.on('bridge', onBridge)
  const bridging = line ? call.joinLine(line.room, line.uuid) : call.bridge(dial, { ringback: queue.music })
  if (playing) void w.stopPlaying(playing, true)
  const r = await bridging
  if (cancel !== undefined) clock.clearTimeout(cancel)
  call.off('bridge', onBridge)
  w.setRinging(undefined)
  if (!answered && isOk(r) && r.ok) onBridge(r.completion.event.variable('bridge_uuid') ?? r.completion.event.variable('last_bridge_to'))
  if (answered) {
    // The operator may hand the customer on (src/queue/transfer.ts): a consult happens here,
    // the customer still theirs; where the customer goes next, once their books are closed.
    const onward = ctx.transfer && !(r instanceof CallEnded) ? await followTransfer(call, { music: queue.music, queue: queue.name, agent: answered.agent, clock, register }) : undefined
    await answered.recorded
    if (!call.isDetached) await ctx.talks?.ended(answered.agent, call.uuid)
    // Going on without our socket, or taken over by another process: the books are not ours to close.
    if (ctx.conversations && (await ctx.conversations.settle(call, answered.books)) !== 'ours') return { result: 'answered', agentId: answered.agent }
    const talkMs = clock.now() - answered.at
    const wrapUntil = await store.callEnded(w.entry, answered.agent, talkMs, queue.wrapUpSeconds * 1000)
    if (wrapUntil > 0) ctx.wrapUpUntil(answered.agent, wrapUntil)
    call.log.info({ queue: queue.name, agent: answered.agent, talkMs }, 'queue: call with agent ended')
    // A logout asked for during the call took effect at its end: the open line goes with it.
    if (line && (await store.agent(answered.agent))?.state === 'logged-out') await ctx.lines?.close(answered.agent)
    if (onward && ctx.transfer) {
      w.settle()
      return carryOut(onward, { call, caller: w.caller, queue, ctx, config: ctx.transfer })
    }
    return { result: 'answered', agentId: answered.agent }
  }
  if (r instanceof CallEnded || call.ended) {
    for (const a of offer.agents) register.offer(call.uuid, { agent: a.id, at: ringAt, result: 'caller-hangup' })
    await store.offerResult(w.entry, { outcome: 'gone' }, slMs())
    return w.abandoned()
  }
  if (cutShort) {
    // Not the agent's miss: the caller's time ran out.
    for (const a of offer.agents) register.offer(call.uuid, { agent: a.id, at: ringAt, result: 'cancelled:deadline' })
    await store.offerResult(w.entry, { outcome: 'gone' }, slMs())
    return w.timedOut('max-wait')
  }
  const cause = isOk(r) ? r.cause : 'FAILED'
  for (const a of offer.agents) register.offer(call.uuid, { agent: a.id, at: ringAt, result: `missed:${cause}` })
  call.log.info({ queue: queue.name, agents: offer.agents.map((a) => a.id), cause }, 'queue: agent did not take the call')
  await store.offerResult(w.entry, { outcome: 'missed' }, slMs())
  return undefined
}

/** The agents' phones rung together, each leg named so the one that answers is known. */
function dialFor(offer: Offer, byLeg: Map<string, string>, w: OfferedCaller): string | undefined {
  try {
    return agentsDialString(offer, w.queue, w.caller.number, byLeg)
  } catch (err) {
    if (!(err instanceof UnsafeCommandError)) throw err
    w.call.log.error({ err: err.message, agents: offer.agents.map((a) => a.id) }, 'queue: an agent endpoint cannot be dialled')
    return undefined
  }
}
