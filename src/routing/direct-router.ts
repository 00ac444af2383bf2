/**
 * Routes a call along a chain of targets by ringing people's phones directly: an agent,
 * the client's own manager, every free member of a group at once, an outside number; a
 * queue target is handed to the queue service. A target that is busy, does not answer or
 * is not there (phone not registered, agent inactive) passes the call to the next one.
 */
import type { Logger } from 'pino'
import type { Call } from '../esl/call.js'
import { dialString, endpoint, endpointFromTemplate, leg, variableValue, type Variables } from '../esl/dial-string.js'
import { UnsafeCommandError } from '../esl/commands.js'
import { CallEnded, CommandFailed } from '../esl/results.js'
import type { Clock } from '../time/clock.js'
import type { Agent, AgentDirectory } from './agents.js'
import { describeTarget, type AttemptReason, type CallerContext, type RouteAttempt, type RouteRequest, type RouteResult, type RouteTarget, type Router } from './router.js'

/** What a queue does with a caller (the queue service; see src/routing/hold-queue.ts until it lands). */
export interface QueueGateway {
  enqueue(request: { call: Call; queue: string; caller: CallerContext }): Promise<{ result: 'answered' | 'abandoned' | 'overflow' | 'callback' | 'voicemail' | 'timeout'; agentId?: string }>
}

export interface DirectRouterOptions {
  agents: AgentDirectory
  queues: QueueGateway
  /** How an outside number is dialled, e.g. `sofia/gateway/carrier/{number}`. */
  gatewayTemplate: string
  log: Logger
  /** Database look-ups are tracked by it, so simulated time waits for them. */
  clock: Clock
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
      const people = await this.resolve(target, request.caller, tried)
      if (people.kind === 'none') {
        attempts.push({ target: name, reason: people.reason })
        continue
      }
      const dial = this.dial(people, request)
      if (dial instanceof UnsafeCommandError) {
        this.options.log.warn({ call: request.call.uuid, target: name, err: dial.message }, 'route target cannot be dialled')
        attempts.push({ target: name, reason: 'failed' })
        continue
      }
      const result = await request.call.bridge(dial)
      if (result instanceof CallEnded) return { outcome: 'caller-hangup', attempts }
      if (result instanceof CommandFailed) {
        attempts.push({ target: name, reason: 'failed' })
        continue
      }
      if (result.ok) {
        const agent = people.kind === 'agents' ? this.whoAnswered(people.agents, result.completion.event.variable('bridge_channel')) : undefined
        return { outcome: 'connected', target: name, agentId: agent?.id, attempts }
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

  private dial(people: { kind: 'agents'; agents: Agent[] } | { kind: 'external'; number: string }, request: RouteRequest): string | UnsafeCommandError {
    const vars: Variables = { originate_timeout: Math.max(1, Math.round(request.ringTimeoutMs / 1000)), ignore_early_media: true }
    try {
      // Show the caller's number on the phone that rings, when it can be shown safely.
      vars.origination_caller_id_number = variableValue('caller number', request.caller.number)
    } catch {
      // An unshowable caller ID (a SIP URI, odd characters) rings as the default.
    }
    try {
      const legs =
        people.kind === 'external'
          ? [endpointFromTemplate(this.options.gatewayTemplate, people.number)]
          : people.agents.map((a) => leg(endpoint(`endpoint of agent ${a.id}`, a.endpoint)))
      return dialString(legs, { vars, mode: 'together' })
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
