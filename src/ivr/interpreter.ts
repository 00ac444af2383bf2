/**
 * The IVR interpreter: a pure step function. Given the flow, the call's state and what
 * just happened (the result of the last effect), it returns the next state and the
 * effects to carry out: play this, collect digits, look the caller up, route, record,
 * hang up. No I/O and no clock of its own, so every branch of a flow is testable in
 * isolation and in simulated time; the runner (runner.ts) carries the effects out on a Call.
 */
import type { IvrStep } from '../db/schema/calls.js'
import type { RouteTarget } from '../routing/router.js'
import { evaluate, type Vars } from './conditions.js'
import type { Flow, FlowNode, NodeOf } from './flow/schema.js'

export interface ClientInfo {
  id: number
  name: string
  type: string
  managerId: string | null
  overdueDebt: number
  balance: number
  currency: string
  lastOrderDate: string | null
  vip: boolean
  language: string | null
}

export interface FlowState {
  node: string
  vars: Vars
  language: string
  /** Retries used at the current node (menus, collects, the language choice). */
  attempt: number
  /** Where a menu or collect is: asking, or telling the caller what went wrong first. */
  phase: 'ask' | 'reprompt'
  /** A digit typed during an interruptible prompt, kept for the menu that follows. */
  typeAhead?: string
  done: boolean
  outcome?: 'connected' | 'queued' | 'hangup' | 'caller-hangup' | 'failed'
}

export type SayValue =
  | { kind: 'number'; value: number }
  | { kind: 'money'; amount: number; currency: string }
  | { kind: 'date'; date: string }
  | { kind: 'digits'; value: string }

export type Effect =
  | { kind: 'step'; step: IvrStep }
  | { kind: 'language'; language: string }
  | { kind: 'play'; prompts: string[]; interruptible: boolean }
  | { kind: 'say'; before: string[]; value: SayValue; after: string[] }
  | { kind: 'collect'; prompt: string; min: number; max: number; timeoutMs: number; digitTimeoutMs: number; terminator: string }
  | { kind: 'lookup' }
  | { kind: 'route'; announce?: string; chain: RouteTarget[]; ringTimeoutMs: number }
  | { kind: 'record'; prompt: string; beep: boolean; maxSeconds: number; silenceSeconds: number }
  | { kind: 'hangup'; prompt?: string; cause: string }
  /** Survey answers (question id -> what was entered) and a disposition to keep. */
  | { kind: 'save'; answers: Record<string, string>; disposition?: string }

export type FlowEvent =
  | { type: 'start' }
  /** A play or say finished; `digit` if the caller cut it short with one. */
  | { type: 'played'; digit?: string }
  /** A collect finished: what was typed ('' for nothing before the timeout). */
  | { type: 'input'; digits: string }
  | { type: 'client'; client: ClientInfo | null }
  | { type: 'routed'; outcome: 'connected' | 'queued' | 'unavailable'; target?: string; result?: string }
  | { type: 'recorded'; ms: number }
  /** The caller hung up, whatever we were doing. */
  | { type: 'hungup' }

export interface StepResult {
  state: FlowState
  effects: Effect[]
}

const DEFAULT_TIMEOUT_MS = 5000
const DEFAULT_RETRIES = 2
/** Transitions without I/O in one step: a validated flow never gets near it. */
const MAX_HOPS = 200

/** Where a flow starts: its start node, the caller's number, and any variables the call brings (a contact's fields). */
export function initialState(flow: Flow, callerNumber: string, extra: { vars?: Vars; language?: string } = {}): FlowState {
  const language = extra.language && flow.languages.includes(extra.language) ? extra.language : flow.defaultLanguage
  return {
    node: flow.start,
    vars: { ...extra.vars, 'caller.number': callerNumber, 'call.language': language },
    language,
    attempt: 0,
    phase: 'ask',
    done: false,
  }
}

export function step(flow: Flow, state: FlowState, event: FlowEvent, now: Date): StepResult {
  const run = new Step(flow, { ...state, vars: { ...state.vars } }, now)
  run.handle(event)
  return { state: run.state, effects: run.effects }
}

class Step {
  readonly effects: Effect[] = []
  private hops = 0

  constructor(
    private readonly flow: Flow,
    readonly state: FlowState,
    private readonly now: Date,
  ) {}

  handle(event: FlowEvent): void {
    if (this.state.done) return
    if (event.type === 'hungup') return this.finish('caller-hangup')
    if (event.type === 'start') return this.enter(this.flow.start)
    const node = this.node()
    switch (node.type) {
      case 'play':
      case 'say':
        if (event.type !== 'played') return this.unexpected(node, event)
        if (node.type === 'play' && node.interruptible !== false && event.digit) this.state.typeAhead = event.digit
        return this.enter(node.next)
      case 'menu':
        return this.menuEvent(node, event)
      case 'collect':
        return this.collectEvent(node, event)
      case 'language':
        return this.languageEvent(node, event)
      case 'lookup': {
        if (event.type !== 'client') return this.unexpected(node, event)
        this.setClient(event.client)
        this.log(node, { result: event.client ? `client:${event.client.id}` : 'unknown' })
        return this.enter(node.next)
      }
      case 'route': {
        if (event.type !== 'routed') return this.unexpected(node, event)
        this.log(node, { result: `${event.outcome}${event.target ? `:${event.target}` : ''}${event.result ? `:${event.result}` : ''}` })
        if (event.outcome === 'connected') return this.finish('connected')
        if (event.outcome === 'queued') return this.finish('queued')
        return this.enter(node.onFail)
      }
      case 'record':
        if (event.type !== 'recorded') return this.unexpected(node, event)
        this.log(node, { result: `recorded:${event.ms}ms` })
        return this.enter(node.next)
      default:
        return this.unexpected(node, event)
    }
  }

  // --- entering nodes ------------------------------------------------------------------

  private enter(id: string): void {
    if (++this.hops > MAX_HOPS) return this.fail(`more than ${MAX_HOPS} steps without waiting for the caller at '${id}'`)
    const node = this.flow.nodes[id]
    if (!node) return this.fail(`no node '${id}'`)
    this.state.node = id
    this.state.attempt = 0
    this.state.phase = 'ask'
    this.log(node)
    switch (node.type) {
      case 'play':
        this.effects.push({ kind: 'play', prompts: node.prompts, interruptible: node.interruptible !== false })
        return
      case 'say': {
        const value = this.sayValue(node)
        if (!value) {
          // Nothing to say (no client, no amount): the caller hears nothing rather than "zero".
          this.log(node, { result: 'no-value' })
          return this.enter(node.next)
        }
        this.effects.push({ kind: 'say', before: node.before ?? [], value, after: node.after ?? [] })
        return
      }
      case 'menu': {
        const typed = this.state.typeAhead
        this.state.typeAhead = undefined
        if (typed !== undefined) return this.menuEvent(node, { type: 'input', digits: typed })
        return this.ask(node.prompt, 1, 1, node.timeoutMs)
      }
      case 'collect':
        return this.ask(node.prompt, node.min, node.max, node.timeoutMs, node.digitTimeoutMs, node.terminator ?? '#')
      case 'language': {
        const known = node.useVariable ? this.state.vars[node.useVariable] : undefined
        if (typeof known === 'string' && this.flow.languages.includes(known)) {
          this.setLanguage(known)
          this.log(node, { result: `known:${known}` })
          return this.enter(node.next)
        }
        return this.ask(node.prompt, 1, 1, node.timeoutMs)
      }
      case 'condition': {
        const ctx = { vars: this.state.vars, now: this.now, hours: this.flow.hours }
        const hit = node.cases.findIndex((c) => evaluate(c.when, ctx))
        const next = hit >= 0 ? node.cases[hit]!.next : node.else
        this.log(node, { result: hit >= 0 ? `case ${hit + 1}` : 'else' })
        return this.enter(next)
      }
      case 'lookup':
        this.effects.push({ kind: 'lookup' })
        return
      case 'route':
        this.effects.push({ kind: 'route', announce: node.announce, chain: node.chain, ringTimeoutMs: node.ringTimeoutMs ?? 20_000 })
        return
      case 'record':
        this.effects.push({ kind: 'record', prompt: node.prompt, beep: node.beep ?? true, maxSeconds: node.maxSeconds, silenceSeconds: node.silenceSeconds ?? 5 })
        return
      case 'set':
        for (const [k, v] of Object.entries(node.values)) this.state.vars[k] = v
        return this.enter(node.next)
      case 'goto':
        return this.enter(node.next)
      case 'save': {
        const answers: Record<string, string> = {}
        for (const [question, name] of Object.entries(node.answers ?? {})) {
          const v = this.state.vars[name]
          if (v !== undefined && v !== null && v !== '') answers[question] = String(v)
        }
        this.effects.push({ kind: 'save', answers, disposition: node.disposition })
        return this.enter(node.next)
      }
      case 'hangup':
        this.effects.push({ kind: 'hangup', prompt: node.prompt, cause: node.cause ?? 'NORMAL_CLEARING' })
        this.finish('hangup')
        return
    }
  }

  private ask(prompt: string, min: number, max: number, timeoutMs?: number, digitTimeoutMs?: number, terminator = '#'): void {
    this.state.phase = 'ask'
    const timeout = timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.effects.push({ kind: 'collect', prompt, min, max, timeoutMs: timeout, digitTimeoutMs: digitTimeoutMs ?? timeout, terminator })
  }

  // --- input ---------------------------------------------------------------------------

  private menuEvent(node: NodeOf<'menu'>, event: FlowEvent): void {
    if (event.type === 'played' && this.state.phase === 'reprompt') return this.ask(node.prompt, 1, 1, node.timeoutMs)
    if (event.type !== 'input') return this.unexpected(node, event)
    const next = event.digits === '' ? undefined : node.options[event.digits]
    if (next !== undefined) {
      this.log(node, { digits: event.digits, result: `option ${event.digits}` })
      return this.enter(next)
    }
    this.retry(node, event.digits, node.maxRetries, node.noInputPrompt, node.invalidPrompt, node.fallback, () => this.ask(node.prompt, 1, 1, node.timeoutMs))
  }

  private collectEvent(node: NodeOf<'collect'>, event: FlowEvent): void {
    const again = (): void => this.ask(node.prompt, node.min, node.max, node.timeoutMs, node.digitTimeoutMs, node.terminator ?? '#')
    if (event.type === 'played' && this.state.phase === 'reprompt') return again()
    if (event.type !== 'input') return this.unexpected(node, event)
    const ok = event.digits.length >= node.min && event.digits.length <= node.max && (node.regex === undefined || new RegExp(`^(?:${node.regex})$`).test(event.digits))
    if (ok) {
      this.state.vars[node.variable] = event.digits
      this.log(node, { digits: event.digits, result: 'accepted' })
      return this.enter(node.next)
    }
    this.retry(node, event.digits, node.maxRetries, node.noInputPrompt, node.invalidPrompt, node.fallback, again)
  }

  private languageEvent(node: NodeOf<'language'>, event: FlowEvent): void {
    const again = (): void => this.ask(node.prompt, 1, 1, node.timeoutMs)
    if (event.type === 'played' && this.state.phase === 'reprompt') return again()
    if (event.type !== 'input') return this.unexpected(node, event)
    const chosen = event.digits === '' ? undefined : node.options[event.digits]
    if (chosen !== undefined) {
      this.setLanguage(chosen)
      this.log(node, { digits: event.digits, result: `language:${chosen}` })
      return this.enter(node.next)
    }
    const retries = node.maxRetries ?? 1
    if (this.state.attempt >= retries) {
      this.setLanguage(node.default)
      this.log(node, { digits: event.digits || undefined, result: `default:${node.default}` })
      return this.enter(node.next)
    }
    this.state.attempt++
    this.log(node, { digits: event.digits || undefined, result: event.digits === '' ? 'no-input' : 'invalid' })
    again()
  }

  /** A wrong or missing answer: say so and ask again, until the retries run out. */
  private retry(node: FlowNode, digits: string, maxRetries: number | undefined, noInput: string | undefined, invalid: string | undefined, fallback: string, ask: () => void): void {
    const what = digits === '' ? 'no-input' : 'invalid'
    this.log(node, { digits: digits || undefined, result: what })
    if (this.state.attempt >= (maxRetries ?? DEFAULT_RETRIES)) {
      this.log(node, { result: 'retries-exhausted' })
      return this.enter(fallback)
    }
    this.state.attempt++
    const tell = what === 'no-input' ? noInput : invalid
    if (tell) {
      this.state.phase = 'reprompt'
      this.effects.push({ kind: 'play', prompts: [tell], interruptible: false })
    } else ask()
  }

  // --- helpers -------------------------------------------------------------------------

  private node(): FlowNode {
    return this.flow.nodes[this.state.node]!
  }

  private sayValue(node: NodeOf<'say'>): SayValue | undefined {
    const spec = node.say
    const read = (name: string): string | number | boolean | null | undefined => this.state.vars[name]
    if ('number' in spec) {
      const v = Number(read(spec.number))
      return Number.isFinite(v) && read(spec.number) !== undefined && read(spec.number) !== null ? { kind: 'number', value: Math.round(v) } : undefined
    }
    if ('money' in spec) {
      const raw = read(spec.money)
      const amount = Number(raw)
      if (raw === undefined || raw === null || raw === '' || !Number.isFinite(amount)) return undefined
      // The currency is a code (EUR) or the name of a variable holding one (client.currency).
      const currency = /^[A-Z]{3}$/.test(spec.currency) ? spec.currency : String(read(spec.currency) ?? '')
      return currency ? { kind: 'money', amount, currency } : undefined
    }
    if ('date' in spec) {
      const v = read(spec.date)
      return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? { kind: 'date', date: v } : undefined
    }
    if ('duration' in spec) {
      // A duration in seconds is said in whole minutes, rounded up ("about 3" minutes).
      const seconds = Number(read(spec.duration))
      return Number.isFinite(seconds) && seconds >= 0 ? { kind: 'number', value: Math.max(1, Math.ceil(seconds / 60)) } : undefined
    }
    const v = read(spec.digits)
    return v !== undefined && v !== null && /^[0-9]+$/.test(String(v)) ? { kind: 'digits', value: String(v) } : undefined
  }

  private setClient(client: ClientInfo | null): void {
    if (!client) return
    const v = this.state.vars
    v['client.id'] = client.id
    v['client.name'] = client.name
    v['client.type'] = client.type
    v['client.managerId'] = client.managerId
    v['client.overdueDebt'] = client.overdueDebt
    v['client.balance'] = client.balance
    v['client.currency'] = client.currency
    v['client.lastOrderDate'] = client.lastOrderDate
    v['client.vip'] = client.vip
    v['client.language'] = client.language
  }

  private setLanguage(language: string): void {
    this.state.language = language
    this.state.vars['call.language'] = language
    this.effects.push({ kind: 'language', language })
  }

  private log(node: FlowNode, extra: { digits?: string; result?: string } = {}): void {
    const step: IvrStep = { node: this.state.node, kind: node.type, at: this.now.toISOString() }
    if (extra.digits !== undefined) step.digits = extra.digits
    if (extra.result !== undefined) step.result = extra.result
    this.effects.push({ kind: 'step', step })
  }

  private finish(outcome: NonNullable<FlowState['outcome']>): void {
    this.state.done = true
    this.state.outcome = outcome
  }

  private fail(why: string): void {
    this.effects.push({ kind: 'step', step: { node: this.state.node, kind: 'error', at: this.now.toISOString(), result: why } })
    this.effects.push({ kind: 'hangup', cause: 'NORMAL_TEMPORARY_FAILURE' })
    this.finish('failed')
  }

  private unexpected(node: FlowNode, event: FlowEvent): void {
    this.fail(`node '${this.state.node}' (${node.type}) cannot take a '${event.type}' event`)
  }
}
