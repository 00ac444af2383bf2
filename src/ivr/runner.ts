/**
 * Carries a flow out on a live call: feeds the interpreter what happened, performs the
 * effects it asks for (prompts, digit collection, client lookup, routing, recording), and
 * keeps the call register up to date with the path, the client, the language and the route.
 */
import type { Logger } from 'pino'
import type { CallRegister } from '../calls/call-register.js'
import type { ClientDirectory } from '../clients/directory.js'
import type { Call } from '../esl/call.js'
import { CallEnded, isOk } from '../esl/results.js'
import type { CallRecorder } from '../recording/recorder.js'
import type { CallerContext, Router } from '../routing/router.js'
import type { Clock } from '../time/clock.js'
import type { Flow } from './flow/schema.js'
import { initialState, step, type ClientInfo, type Effect, type FlowEvent, type FlowState } from './interpreter.js'
import type { PromptLibrary } from './prompts.js'

/** What a run brings beyond the flow: a campaign contact's fields and language, and where its answers go. */
export interface RunOptions {
  vars?: Record<string, string | number | boolean | null>
  language?: string
  /** Survey answers and dispositions (`save` nodes). */
  onSave?: (answers: Record<string, string>, disposition: string | undefined) => Promise<void>
  /** Stops the flow (an answering machine was detected): it ends after the current step. */
  signal?: AbortSignal
}

export interface IvrServices {
  clients: ClientDirectory
  router: Router
  prompts: PromptLibrary
  recorder: CallRecorder
  register: CallRegister
  clock: Clock
  log: Logger
}

const ANY_DIGIT = '0123456789*#'

export async function runFlow(call: Call, flow: Flow, services: IvrServices, options: RunOptions = {}): Promise<FlowState> {
  return new FlowRun(call, flow, services, options).run()
}

class FlowRun {
  private state: FlowState
  private client: ClientInfo | null = null

  constructor(
    private readonly call: Call,
    private readonly flow: Flow,
    private readonly s: IvrServices,
    private readonly options: RunOptions,
  ) {
    this.state = initialState(flow, call.callerNumber, { vars: options.vars, language: options.language })
  }

  async run(): Promise<FlowState> {
    const { call, flow, s } = this
    s.register.facts(call.uuid, { flowId: flow.id, language: this.state.language })
    if (!isOk(await call.answer())) return this.ended()
    // The flow decides what follows a failed bridge, not the dialplan (a finished one ends the
    // call: Call.bridge).
    await call.set('continue_on_fail', 'true')
    if (flow.recording === 'all') await s.recorder.recordCall(call)
    let event: FlowEvent = { type: 'start' }
    while (!this.state.done) {
      const r = step(flow, this.state, event, new Date(s.clock.now()))
      this.state = r.state
      let next: FlowEvent | undefined
      for (const effect of r.effects) {
        const result = await this.perform(effect)
        if (result) next = result
      }
      if (this.state.done) break
      // A route's result is kept even when the caller ended the call it made (a conversation).
      if (call.ended && next?.type !== 'routed') next = { type: 'hungup' }
      if (this.options.signal?.aborted) break
      if (!next) {
        call.log.error({ node: this.state.node }, 'flow step asked for nothing to wait for; hanging up')
        break
      }
      event = next
    }
    // After a bridge or a queue the flow is over; the caller's leg goes too (unless whoever
    // stopped the flow has more to do on the call).
    if (!call.ended && !this.options.signal?.aborted) await call.hangup()
    return this.state
  }

  private ended(): FlowState {
    this.state = { ...this.state, done: true, outcome: 'caller-hangup' }
    return this.state
  }

  private get language(): string {
    return this.state.language
  }

  /** Performs one effect; returns the event its result makes, for effects that wait. */
  private async perform(effect: Effect): Promise<FlowEvent | undefined> {
    const { call, s } = this
    switch (effect.kind) {
      case 'step':
        s.register.step(call.uuid, effect.step)
        call.log.info({ ivr: effect.step }, 'ivr')
        return undefined
      case 'language':
        s.register.facts(call.uuid, { language: effect.language })
        return undefined
      case 'play': {
        const r = await call.playback(s.prompts.playlist(this.language, effect.prompts), { terminators: effect.interruptible ? ANY_DIGIT : 'none' })
        if (!isOk(r)) return { type: 'hungup' }
        return { type: 'played', digit: r.terminator }
      }
      case 'say': {
        const fragments = s.prompts.fragments(this.language, effect.value)
        if (!fragments) call.log.warn({ value: effect.value, language: this.language }, 'value cannot be said; skipped')
        const ids = [...effect.before, ...(fragments ?? []), ...effect.after]
        if (ids.length === 0) return { type: 'played' }
        const r = await call.playback(s.prompts.playlist(this.language, ids), { terminators: 'none' })
        return isOk(r) ? { type: 'played' } : { type: 'hungup' }
      }
      case 'collect': {
        const r = await call.playAndGetDigits({
          min: effect.min,
          max: effect.max,
          tries: 1,
          timeoutMs: effect.timeoutMs,
          digitTimeoutMs: effect.digitTimeoutMs,
          terminators: effect.terminator,
          prompt: s.prompts.file(this.language, effect.prompt),
          invalidPrompt: 'silence_stream://100',
          regex: '[0-9*#]+',
        })
        if (r instanceof CallEnded) return { type: 'hungup' }
        return { type: 'input', digits: isOk(r) ? r.digits : '' }
      }
      case 'lookup': {
        try {
          this.client = await s.clock.track(s.clients.lookup(call.callerNumber))
        } catch (err) {
          // No database: the call goes on as an unknown caller's rather than into silence.
          call.log.warn({ err: (err as Error).message }, 'client directory unavailable; caller treated as unknown')
          this.client = null
        }
        if (this.client) s.register.facts(call.uuid, { clientId: this.client.id })
        return { type: 'client', client: this.client }
      }
      case 'route':
        return this.route(effect)
      case 'record':
        return this.recordMessage(effect)
      case 'save':
        if (this.options.onSave) await s.clock.track(this.options.onSave(effect.answers, effect.disposition))
        else call.log.warn({ answers: effect.answers }, 'a save step outside a campaign call: nothing kept')
        return undefined
      case 'hangup': {
        if (effect.prompt) await call.playback(s.prompts.file(this.language, effect.prompt), { terminators: 'none' })
        await call.hangup(effect.cause)
        return undefined
      }
    }
  }

  private async route(effect: Extract<Effect, { kind: 'route' }>): Promise<FlowEvent> {
    const { call, s, flow } = this
    if (effect.announce) {
      const r = await call.playback(s.prompts.file(this.language, effect.announce), { terminators: 'none' })
      if (r instanceof CallEnded) return { type: 'hungup' }
    }
    if (flow.recording === 'on-route') await s.recorder.recordCall(call)
    const caller: CallerContext = {
      number: call.callerNumber,
      language: this.language,
      clientId: this.client?.id,
      clientType: this.client?.type,
      managerId: this.client?.managerId ?? undefined,
      vip: this.client?.vip ?? false,
      source: flow.id,
    }
    const result = await s.router.route({ call, chain: effect.chain, caller, ringTimeoutMs: effect.ringTimeoutMs })
    call.log.info({ route: result }, 'routed')
    switch (result.outcome) {
      case 'connected': {
        const to = result.agentId ? `agent:${result.agentId}` : result.target
        s.register.facts(call.uuid, { routedTo: to, routeResult: 'connected' })
        return { type: 'routed', outcome: 'connected', target: to }
      }
      case 'queued':
        s.register.facts(call.uuid, { routedTo: `queue:${result.queue}`, routeResult: result.result })
        return { type: 'routed', outcome: 'queued', target: `queue:${result.queue}`, result: result.result }
      case 'unavailable':
        s.register.facts(call.uuid, { routeResult: 'unavailable' })
        return { type: 'routed', outcome: 'unavailable', result: result.attempts.map((a) => `${a.target}=${a.reason}`).join(',') }
      case 'caller-hangup':
        s.register.facts(call.uuid, { routeResult: 'caller-hangup' })
        return { type: 'hungup' }
    }
  }

  private async recordMessage(effect: Extract<Effect, { kind: 'record' }>): Promise<FlowEvent> {
    const { call, s } = this
    const greeting = s.prompts.file(this.language, effect.prompt)
    const r = await s.recorder.takeMessage(call, { greeting, beep: effect.beep, maxSeconds: effect.maxSeconds, silenceSeconds: effect.silenceSeconds })
    if (r instanceof CallEnded) return { type: 'hungup' }
    return r.hungUp ? { type: 'hungup' } : { type: 'recorded', ms: r.ms }
  }

}
