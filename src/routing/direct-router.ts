/**
 * Routes a call along a chain of targets by ringing people's phones directly: an agent,
 * the client's own manager, every free member of a group at once, an outside number; a
 * queue target is handed to the queue service. A target that is busy, does not answer or
 * is not there (phone not registered, agent inactive) passes the call to the next one.
 */
import type { Logger } from 'pino'
import { RINGING_TONE, type Call } from '../esl/call.js'
import { dialString, endpoint, endpointFromTemplate, leg, variableValue, type Variables } from '../esl/dial-string.js'
import { UnsafeCommandError } from '../esl/commands.js'
import { CallEnded, CommandFailed, isOk } from '../esl/results.js'
import type { ConversationBooks, Conversations } from '../calls/conversations.js'
import type { Clock } from '../time/clock.js'
import type { Agent, AgentDirectory } from './agents.js'
import { randomUUID } from 'node:crypto'
import { describeTarget, type AgentPresence, type AttemptReason, type CallerContext, type RouteAttempt, type RouteRequest, type RouteResult, type RouteTarget, type Router } from './router.js'

/** What a queue does with a caller (the queue service; see src/routing/hold-queue.ts until it lands). */
export interface QueueGateway {
  enqueue(request: { call: Call; queue: string; caller: CallerContext }): Promise<{ result: 'answered' | 'abandoned' | 'overflow' | 'callback' | 'voicemail' | 'timeout'; agentId?: string }>
}

export interface DirectRouterOptions {
  agents: AgentDirectory
  queues: QueueGateway
  /** How an outside number is dialled, e.g. `sofia/gateway/carrier/{number}`. */
  gatewayTemplate: string
  /** The number an outside number sees when a call is put through to it: the center's. */
  outboundCallerId?: string
  log: Logger
  /** Database look-ups are tracked by it, so simulated time waits for them. */
  clock: Clock
  /** The agents' shared states, when there are queues: busy people are skipped and held while rung. */
  presence?: AgentPresence
  /** Conversations that must outlive this process (src/calls/conversations.ts). */
  conversations?: Conversations
}

/** People to ring, and which of them the shared agent states hold for this call. */
interface Reserved {
  kind: 'agents'
  agents: Agent[]
  token: string
  held: string[]
}

const REASONS: Record<string, AttemptReason> = {
  USER_BUSY: 'busy',
  NO_ANSWER: 'no-answer',
  NO_USER_RESPONSE: 'no-answer',
  ORIGINATOR_CANCEL: 'no-answer',
  USER_NOT_REGISTERED: 'absent',
  SUBSCRIBER_ABSENT: 'absent',
  UNALLOCATED_NUMBER: 'failed',
}

export class DirectRouter implements Router {
  constructor(private readonly options: DirectRouterOptions) {}

  async route(request: RouteRequest): Promise<RouteResult> {
    const attempts: RouteAttempt[] = []
    const tried = new Set<string>()
    for (const target of request.chain) {
      if (request.call.ended) return { outcome: 'caller-hangup', attempts }
      const name = describeTarget(target)
      if ('queue' in target) {
        const r = await this.options.queues.enqueue({ call: request.call, queue: target.queue, caller: request.caller })
        if (r.result === 'abandoned') return { outcome: 'caller-hangup', attempts }
        return { outcome: 'queued', queue: target.queue, result: r.result, agentId: r.agentId, attempts }
      }
      const found = await this.resolve(target, request.caller, tried).catch((err: unknown) => {
        // No directory (database away): this target cannot be rung; the next one may.
        this.options.log.warn({ call: request.call.uuid, target: name, err: (err as Error).message }, 'route target could not be looked up')
        return { kind: 'none' as const, reason: 'failed' as const }
      })
      const people = found.kind === 'agents' ? await this.reserve(found.agents, request.call.uuid) : found
      if (people.kind === 'none') {
        attempts.push({ target: name, reason: people.reason })
        continue
      }
      const ring = this.dial(people, request)
      if (ring instanceof UnsafeCommandError) {
        this.options.log.warn({ call: request.call.uuid, target: name, err: ring.message }, 'route target cannot be dialled')
        if (people.kind === 'agents') await this.settle(people, undefined, 0)
        attempts.push({ target: name, reason: 'failed' })
        continue
      }
      const { call } = request
      const { clock, conversations } = this.options
      let answered: { agent: Agent; at: number } | undefined
      let books: ConversationBooks | undefined
      const onBridge = (other: string | undefined): void => {
        if (books) return
        books = { answeredAt: clock.now() }
        const agent = people.kind !== 'agents' ? undefined : (other && people.agents.find((a) => ring.legs.get(a.id) === other)) || (people.agents.length === 1 ? people.agents[0] : undefined)
        if (agent && people.kind === 'agents') {
          answered = { agent, at: books.answeredAt }
          books.agent = agent.id
          if (people.held.includes(agent.id)) books.direct = { token: people.token }
          // The others stop ringing now: they are free for the next call at once.
          void clock.track(this.settle(people, agent.id, -1))
        }
        void clock.track(conversations?.begin(call.uuid, books) ?? Promise.resolve())
      }
      call.on('bridge', onBridge)
      const result = await call.bridge(ring.dial, { ringback: RINGING_TONE })
      call.off('bridge', onBridge)
      // Going on without our socket, or taken over by another process: the books are not ours to close.
      if (books && conversations && (await conversations.settle(call, books)) !== 'ours') return { outcome: 'connected', target: name, agentId: answered?.agent.id, attempts }
      if (!answered && isOk(result) && result.ok && people.kind === 'agents') {
        const uuid = result.completion.event.variable('bridge_uuid')
        answered = { agent: people.agents.find((a) => ring.legs.get(a.id) === uuid) ?? this.whoAnswered(people.agents, result.completion.event.variable('bridge_channel'))!, at: this.options.clock.now() }
      }
      if (people.kind === 'agents') await this.settle(people, answered?.agent.id, answered ? this.options.clock.now() - answered.at : 0)
      // A conversation that took place is one, whoever ended it and however we learnt of its end.
      if (answered || (isOk(result) && result.ok)) return { outcome: 'connected', target: name, agentId: answered?.agent.id, attempts }
      if (result instanceof CallEnded || (isOk(result) && result.hungUp)) return { outcome: 'caller-hangup', attempts }
      if (result instanceof CommandFailed) {
        attempts.push({ target: name, reason: 'failed' })
        continue
      }
      for (const a of people.kind === 'agents' ? people.agents : []) tried.add(a.id)
      attempts.push({ target: name, agentId: people.kind === 'agents' && people.agents.length === 1 ? people.agents[0]!.id : undefined, reason: REASONS[result.cause] ?? 'failed' })
    }
    return request.call.ended ? { outcome: 'caller-hangup', attempts } : { outcome: 'unavailable', attempts }
  }

  private async resolve(
    target: Exclude<RouteTarget, { queue: string }>,
    caller: CallerContext,
    tried: Set<string>,
  ): Promise<{ kind: 'agents'; agents: Agent[] } | { kind: 'external'; number: string } | { kind: 'none'; reason: AttemptReason }> {
    if ('external' in target) return { kind: 'external', number: target.external }
    if ('agent' in target || 'manager' in target) {
      const id = 'agent' in target ? target.agent : caller.managerId
      if (!id) return { kind: 'none', reason: 'unknown' }
      if (tried.has(id)) return { kind: 'none', reason: 'busy' }
      const agent = await this.options.clock.track(this.options.agents.byId(id))
      return agent ? { kind: 'agents', agents: [agent] } : { kind: 'none', reason: 'logged-out' }
    }
    // Everyone free in the group rings at once; who already failed to take this call is left out.
    const members = (await this.options.clock.track(this.options.agents.group(target.group))).filter((a) => !tried.has(a.id))
    return members.length > 0 ? { kind: 'agents', agents: members } : { kind: 'none', reason: 'absent' }
  }

  /** Holds each person in the shared agent states; who is busy, paused or on a call is left out. */
  private async reserve(agents: Agent[], call: string): Promise<Reserved | { kind: 'none'; reason: AttemptReason }> {
    const presence = this.options.presence
    if (!presence) return { kind: 'agents', agents, token: '', held: [] }
    const token = `direct:${call}:${randomUUID().slice(0, 8)}`
    const states = await this.options.clock.track(Promise.all(agents.map((a) => presence.reserve(a.id, token))))
    const free = agents.filter((_, i) => states[i] === 'free' || states[i] === 'reserved')
    if (free.length === 0) return { kind: 'none', reason: states.includes('busy') ? 'busy' : 'absent' }
    return { kind: 'agents', agents: free, token, held: agents.filter((_, i) => states[i] === 'reserved').map((a) => a.id) }
  }

  /**
   * Frees what reserve() held: who answered is in a call until it ends (talkMs >= 0), then
   * free; everyone else is free now. talkMs -1: the call is still on.
   */
  private async settle(people: Reserved, answered: string | undefined, talkMs: number): Promise<void> {
    const presence = this.options.presence
    if (!presence) return
    const settling = people.held.map((id) => {
      if (id !== answered) return presence.result(id, people.token, 'released')
      return talkMs < 0 ? presence.result(id, people.token, 'answered') : presence.result(id, people.token, 'ended', talkMs)
    })
    people.held = people.held.filter((id) => id === answered && talkMs < 0)
    await this.options.clock.track(Promise.all(settling))
  }

  private dial(people: Reserved | { kind: 'external'; number: string }, request: RouteRequest): { dial: string; legs: Map<string, string> } | UnsafeCommandError {
    const vars: Variables = { originate_timeout: Math.max(1, Math.round(request.ringTimeoutMs / 1000)), ignore_early_media: true, instant_ringback: true }
    try {
      // Our people's phones show who calls; an outside number sees the center's own number.
      vars.origination_caller_id_number =
        people.kind === 'external' ? this.options.outboundCallerId : variableValue('caller number', request.caller.number)
    } catch {
      // An unshowable caller ID (a SIP URI, odd characters) rings as the default.
    }
    const legs = new Map<string, string>()
    try {
      const ends =
        people.kind === 'external'
          ? [endpointFromTemplate(this.options.gatewayTemplate, people.number)]
          : people.agents.map((a) => {
              // Each leg's own uuid tells, from CHANNEL_BRIDGE, who answered.
              const uuid = randomUUID()
              legs.set(a.id, uuid)
              return leg(endpoint(`endpoint of agent ${a.id}`, a.endpoint), { origination_uuid: uuid })
            })
      return { dial: dialString(ends, { vars, mode: 'together' }), legs }
    } catch (err) {
      if (err instanceof UnsafeCommandError) return err
      throw err
    }
  }

  /** Which of the rung agents took the call (bridge_channel names the answering leg). */
  private whoAnswered(agents: Agent[], channel: string | undefined): Agent | undefined {
    if (agents.length === 1) return agents[0]
    if (!channel) return undefined
    return agents.find((a) => {
      const target = a.endpoint.split('/').pop() ?? ''
      return target !== '' && channel.includes(target)
    })
  }
}
