/**
 * An operator's transfer of the customer they talk to, asked from whichever instance the
 * console reaches. The customer's call is held by the instance whose socket has their
 * channel; this side only writes an order into that channel (src/lines/transfer-order.ts)
 * and breaks off the customer's conversation with the operator through a control
 * connection; the waiter holding the call carries the order out (src/queue/transfer.ts).
 *
 * Blind: the order names the queue, agent or number; the customer leaves the operator: hung
 * out of an open line (`conference <line> hup <member>`: the line stays open), or, for a rung
 * operator, their leg is killed after the customer's hangup_after_bridge (set by bridge) is
 * unset, so the customer is not hung up with it.
 *
 * Attended (to an agent or a number): the customer is taken out of the conversation onto hold
 * music (order `hold`), and the target is called into a conference with the operator: the
 * open line itself, or, for a rung operator, a room made for the occasion (`xfer-...`) their
 * leg is moved into with uuid_transfer. Complete: the target is moved on into a room of their
 * own (`conference transfer`, with `mintwo`: it ends when either leaves), the customer is sent
 * there (order `go/attended/...`), and the operator is free: an open line stays, a rung
 * operator's leg is hung up (their room had `mintwo` too, and is left alone). Cancel: the
 * customer is sent back to the operator (order `join`), then the target is hung up.
 *
 * Keys (P = REDIS_PREFIX): P:transfer:<agent> JSON of the transfer under way (one per agent).
 */
import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js'
import type { Logger } from 'pino'
import { UnsafeCommandError } from '../esl/commands.js'
import type { ApiResult, ControlClient } from '../esl/control-client.js'
import { channelUuid, conferenceTarget, dialableNumber, dialString, endpoint, endpointFromTemplate, leg, originateToConference } from '../esl/dial-string.js'
import { onSwitch, roomName } from './switch-command.js'
import type { Clock } from '../time/clock.js'
import { LINE_PROFILE, type OperatorLine } from './operator-lines.js'
import type { Talk, Talks } from './talks.js'
import { encodeOrder, NAME, TRANSFER_VAR, type JoinOrder, type TransferKind, type TransferMode, type TransferOrder } from './transfer-order.js'

export interface TransferTarget {
  kind: TransferKind
  value: string
}

export interface TransferError {
  error: 'no-call' | 'no-transfer' | 'bad-target' | 'unknown-queue' | 'unknown-agent' | 'bad-number' | 'agent-absent' | 'agent-busy' | 'in-progress' | 'no-answer' | 'switch-unavailable' | 'switch-refused'
  message: string
}

export interface TransferDone {
  call: string
  mode: TransferMode
  to: TransferTarget
  /** blind: done; attended: consulting (the target answered), then completed or cancelled. */
  state: 'done' | 'consulting' | 'completed' | 'cancelled'
  /** The target's leg during a consult. */
  leg?: string
}

export interface TransfersOptions {
  redis: Redis
  prefix: string
  talks: Talks
  lines: { lineOf(agent: string): Promise<OperatorLine | undefined> }
  /** The queues' shared agent states: who is logged in where, and a direct call's reservation. */
  store: {
    agent(id: string): Promise<{ state: string; queues: string[] } | undefined>
    reserveDirect(agent: string, token: string): Promise<'free' | 'reserved' | 'busy' | 'paused'>
    directResult(agent: string, token: string, outcome: 'answered' | 'released' | 'ended', talkMs?: number): Promise<number>
  }
  queueNames: () => string[]
  /** An agent of the people table. */
  agentRow: (id: string) => Promise<{ active: boolean; endpoint: string } | undefined>
  controls: () => ControlClient[]
  gatewayTemplate: string
  outboundCallerId: string
  defaultCountry: CountryCode
  clock: Clock
  log: Logger
}

/** A consult under way, as kept in Redis. */
interface Consult {
  call: string
  by: string
  kind: TransferKind
  value: string
  /** The target's leg, once called, and their reservation (an agent). */
  target: string
  token?: string
  /** Where the operator talks with the target, and the leg the customer comes back to. */
  room: string
  back: string
  /** A rung operator: their leg left the customer for a room made for the consult. */
  rung: boolean
  talk: Talk
  since: number
}

const CONSULT_TTL_S = 3600
/** How long a blind transfer holds its agent's lock at most. */
const BLIND_TTL_MS = 15_000

export class Transfers {
  constructor(private readonly o: TransfersOptions) {}

  private key(agent: string): string {
    return `${this.o.prefix}:transfer:${agent}`
  }

  async start(agent: string, to: TransferTarget, mode: TransferMode): Promise<TransferDone | TransferError> {
    const checked = await this.check(agent, to, mode)
    if ('error' in checked) return checked
    const talk = await this.o.talks.of(agent)
    if (!talk) return { error: 'no-call', message: `agent '${agent}' is not talking to anyone just now` }
    const key = this.key(agent)
    if ((await this.o.redis.set(key, JSON.stringify({ call: talk.call, starting: true }), 'PX', mode === 'blind' ? BLIND_TTL_MS : CONSULT_TTL_S * 1000, 'NX')) !== 'OK') {
      return { error: 'in-progress', message: `a transfer of agent '${agent}' is under way: complete or cancel it first` }
    }
    try {
      const r = mode === 'blind' ? await this.blind(agent, talk, checked) : await this.consult(agent, talk, checked)
      if ('error' in r || mode === 'blind') await this.o.redis.del(key)
      return r
    } catch (err) {
      await this.o.redis.del(key)
      throw err
    }
  }

  /** The target, checked: what it names exists and may take the customer; a number in E.164. */
  private async check(agent: string, to: TransferTarget, mode: TransferMode): Promise<TransferTarget | TransferError> {
    if (mode === 'attended' && to.kind === 'queue') return { error: 'bad-target', message: 'to.kind: an attended transfer goes to an agent or a number (a queue has nobody to consult)' }
    if (to.kind === 'queue') {
      if (!this.o.queueNames().includes(to.value) || !NAME.test(to.value)) return { error: 'unknown-queue', message: `to.value: there is no queue '${to.value}' (GET /queues)` }
      return to
    }
    if (to.kind === 'agent') {
      if (to.value === agent) return { error: 'bad-target', message: 'to.value: you cannot transfer the customer to yourself' }
      const row = NAME.test(to.value) ? await this.o.agentRow(to.value) : undefined
      if (!row?.active) return { error: 'unknown-agent', message: `to.value: there is no active agent '${to.value}'` }
      const state = await this.o.store.agent(to.value)
      if (mode === 'blind' && (!state || state.state === 'logged-out' || state.queues.length === 0)) {
        return { error: 'agent-absent', message: `to.value: agent '${to.value}' is logged in to no queue: transfer to a queue instead` }
      }
      if (mode === 'attended' && (await this.o.lines.lineOf(to.value))) {
        return { error: 'agent-busy', message: `to.value: agent '${to.value}' works on an always-open line: transfer blind (the customer joins their line when they are free)` }
      }
      return to
    }
    const parsed = parsePhoneNumberFromString(to.value, this.o.defaultCountry)
    if (!parsed?.isValid()) return { error: 'bad-number', message: `to.value: '${to.value}' is not a valid phone number` }
    try {
      endpointFromTemplate(this.o.gatewayTemplate, dialableNumber('to.value', parsed.number))
    } catch (err) {
      return { error: 'bad-number', message: `to.value: ${(err as Error).message}` }
    }
    return { kind: 'number', value: parsed.number }
  }

  private async blind(agent: string, talk: Talk, to: TransferTarget): Promise<TransferDone | TransferError> {
    const order = encodeOrder({ step: 'go', mode: 'blind', by: agent, kind: to.kind, value: to.value })
    const set = await this.setVars(talk.call, talk.room ? { [TRANSFER_VAR]: order } : { hangup_after_bridge: 'false', [TRANSFER_VAR]: order })
    if ('error' in set) return set
    const off = await this.breakOff(talk)
    if ('error' in off) {
      await this.run(`uuid_setvar ${channelUuid(talk.call)} ${TRANSFER_VAR}`)
      return off
    }
    // Answered once the customer has left the operator: a second request finds no call.
    await this.until(async () => (await this.o.talks.of(agent))?.call !== talk.call, 5000)
    this.o.log.info({ call: talk.call, agent, to }, 'transfer: blind transfer')
    return { call: talk.call, mode: 'blind', to, state: 'done' }
  }

  /** Ends the customer's conversation with the operator (the waiter then reads the order). */
  private async breakOff(talk: Talk): Promise<ApiResult | TransferError> {
    if (!talk.room) return this.run(`uuid_kill ${channelUuid(talk.leg)} NORMAL_CLEARING`)
    const member = await this.memberOf(talk.room, talk.call)
    if (member === undefined) return { error: 'no-call', message: `the customer is no longer in the line ${talk.room}` }
    return this.run(`conference ${roomName(talk.room)} hup ${member}`)
  }

  private async consult(agent: string, talk: Talk, to: TransferTarget): Promise<TransferDone | TransferError> {
    const token = to.kind === 'agent' ? randomUUID() : undefined
    if (token) {
      const r = await this.o.store.reserveDirect(to.value, token)
      if (r === 'busy' || r === 'paused') return { error: 'agent-busy', message: `to.value: agent '${to.value}' is ${r === 'busy' ? 'on a call or in wrap-up' : 'paused'}` }
    }
    const release = async (): Promise<void> => void (token && (await this.o.store.directResult(to.value, token, 'released')))
    let dial: string
    const targetLeg = randomUUID()
    try {
      const row = to.kind === 'agent' ? await this.o.agentRow(to.value) : undefined
      const target = row ? endpoint(`endpoint of agent ${to.value}`, row.endpoint) : endpointFromTemplate(this.o.gatewayTemplate, to.value)
      dial = dialString([leg(target)], {
        vars: {
          origination_uuid: targetLeg,
          origination_caller_id_number: this.o.outboundCallerId,
          origination_caller_id_name: 'Transfer',
          originate_timeout: 30,
          ignore_early_media: true,
        },
      })
    } catch (err) {
      if (!(err instanceof UnsafeCommandError)) throw err
      await release()
      return { error: to.kind === 'agent' ? 'unknown-agent' : 'bad-number', message: `to.value: ${err.message}` }
    }
    // The customer onto hold music, out of the conversation.
    const rung = !talk.room
    const room = rung ? `xfer-${randomUUID().slice(0, 13)}@${LINE_PROFILE}` : talk.room
    const back = rung ? talk.leg : ((await this.o.lines.lineOf(agent))?.uuid ?? talk.leg)
    const held = await this.setVars(talk.call, rung ? { hangup_after_bridge: 'false', [TRANSFER_VAR]: encodeOrder({ step: 'hold' }) } : { [TRANSFER_VAR]: encodeOrder({ step: 'hold' }) })
    if ('error' in held) return (await release(), held)
    const off = rung ? await this.run(`uuid_transfer ${channelUuid(talk.leg)} conference:${conferenceTarget(room, 'moderator|mintwo')} inline`) : await this.breakOff(talk)
    if ('error' in off) {
      await this.run(`uuid_setvar ${channelUuid(talk.call)} ${TRANSFER_VAR}`)
      return (await release(), off)
    }
    if (rung) await this.until(async () => (await this.memberOf(room, talk.leg)) !== undefined, 5000)
    this.o.log.info({ call: talk.call, agent, to, room }, 'transfer: consult; calling the target')
    const called = await this.run(originateToConference(dial, room), 45_000)
    if ('error' in called || !called.text.includes(targetLeg)) {
      await release()
      await this.sendBack(talk.call, room, back, { end: 'no-answer', ...to })
      if (rung) await this.o.talks.began({ ...talk, room })
      const why = 'error' in called ? called.message : called.text
      return { error: 'no-answer', message: `the target did not answer (${why.replace(/^-ERR\s*/, '').trim() || 'no answer'}); the customer is back with you` }
    }
    if (token) await this.o.store.directResult(to.value, token, 'answered')
    const state: Consult = { call: talk.call, by: agent, kind: to.kind, value: to.value, target: targetLeg, token, room, back, rung, talk, since: this.o.clock.now() }
    await this.o.redis.set(this.key(agent), JSON.stringify(state), 'EX', CONSULT_TTL_S)
    return { call: talk.call, mode: 'attended', to, state: 'consulting', leg: targetLeg }
  }

  /** The consult's target and the customer talk on; the operator is free. */
  async complete(agent: string): Promise<TransferDone | TransferError> {
    const c = await this.consultOf(agent)
    if ('error' in c) return c
    const to = { kind: c.kind, value: c.value }
    if (!(await this.exists(c.call))) return this.gone(agent, c, 'the customer hung up during the consult; the target was hung up')
    const member = await this.memberOf(c.room, c.target)
    if (member === undefined) return { error: 'no-call', message: 'the target has left the consult: cancel the transfer to take the customer back' }
    const final = `xfer-${randomUUID().slice(0, 13)}@${LINE_PROFILE}`
    const moved = await this.run(`conference ${roomName(c.room)} transfer ${conferenceTarget(final, 'mintwo')} ${member}`)
    if ('error' in moved) return moved
    await this.until(async () => (await this.memberOf(final, c.target)) !== undefined, 5000)
    const order: TransferOrder = { step: 'go', mode: 'attended', by: agent, kind: c.kind, value: c.value, room: final, leg: c.target, token: c.token }
    const sent = await this.send(c.call, order)
    if ('error' in sent) return sent
    // A rung operator's leg is alone in the consult room, which its `mintwo` ends: make sure.
    if (c.rung) await this.run(`uuid_kill ${channelUuid(c.back)} NORMAL_CLEARING`)
    await this.o.redis.del(this.key(agent))
    this.o.log.info({ call: c.call, agent, to }, 'transfer: attended transfer completed')
    return { call: c.call, mode: 'attended', to, state: 'completed', leg: c.target }
  }

  /** The target is hung up and the customer is back with the operator. */
  async cancel(agent: string): Promise<TransferDone | TransferError> {
    const c = await this.consultOf(agent)
    if ('error' in c) return c
    const to = { kind: c.kind, value: c.value }
    if (!(await this.exists(c.call))) return this.gone(agent, c, 'the customer hung up during the consult; the target was hung up')
    // Back first: a rung operator's room ends when it drops below two.
    const back = await this.sendBack(c.call, c.room, c.back, { end: 'cancelled', ...to })
    if ('error' in back) return back
    await this.until(async () => (await this.memberOf(c.room, c.call)) !== undefined, 5000)
    await this.run(`uuid_kill ${channelUuid(c.target)} NORMAL_CLEARING`)
    if (c.token) await this.o.store.directResult(c.value, c.token, 'ended', this.o.clock.now() - c.since)
    // The operator's hold and hang-up now act on the room the customer is in.
    if (c.rung) await this.o.talks.began({ ...c.talk, room: c.room })
    await this.o.redis.del(this.key(agent))
    this.o.log.info({ call: c.call, agent, to }, 'transfer: attended transfer cancelled')
    return { call: c.call, mode: 'attended', to, state: 'cancelled' }
  }

  private async consultOf(agent: string): Promise<Consult | TransferError> {
    const raw = await this.o.redis.get(this.key(agent))
    const c = raw ? (JSON.parse(raw) as Partial<Consult>) : undefined
    if (!c?.target) return { error: 'no-transfer', message: `agent '${agent}' has no attended transfer under way` }
    return c as Consult
  }

  private async gone(agent: string, c: Consult, message: string): Promise<TransferError> {
    await this.run(`uuid_kill ${channelUuid(c.target)} NORMAL_CLEARING`)
    if (c.token) await this.o.store.directResult(c.value, c.token, 'ended', this.o.clock.now() - c.since)
    await this.o.redis.del(this.key(agent))
    return { error: 'no-call', message }
  }

  private sendBack(call: string, room: string, back: string, consult: JoinOrder['consult']): Promise<ApiResult | TransferError> {
    return this.send(call, { step: 'join', room, leg: back, consult })
  }

  /**
   * Replaces the hold order with `order` and stops the hold music until the waiter has taken
   * it (a break may come before the music starts: it is repeated).
   */
  private async send(call: string, order: TransferOrder): Promise<ApiResult | TransferError> {
    const set = await this.setVars(call, { [TRANSFER_VAR]: encodeOrder(order) })
    if ('error' in set) return set
    const taken = await this.until(async () => {
      await this.run(`uuid_break ${channelUuid(call)}`)
      const v = await this.run(`uuid_getvar ${channelUuid(call)} ${TRANSFER_VAR}`)
      return 'error' in v || v.text.trim() === '_undef_' || v.text.trim() === ''
    }, 10_000, 250)
    if (!taken) return { error: 'switch-refused', message: 'the customer’s call did not take the transfer (is its instance up?)' }
    return set
  }

  private async setVars(uuid: string, vars: Record<string, string>): Promise<ApiResult | TransferError> {
    return this.run(`uuid_setvar_multi ${channelUuid(uuid)} ${Object.entries(vars).map(([k, v]) => `${k}=${v}`).join(';')}`)
  }

  /** The member id of `uuid` in a conference (room with or without its profile). */
  private async memberOf(room: string, uuid: string): Promise<string | undefined> {
    const r = await this.run(`conference ${roomName(room)} list`)
    if ('error' in r) return undefined
    for (const line of r.text.split('\n')) {
      const f = line.split(';')
      if (/^\d+$/.test(f[0] ?? '') && f[2] === uuid) return f[0]
    }
    return undefined
  }

  private async exists(uuid: string): Promise<boolean> {
    const r = await this.run(`uuid_exists ${channelUuid(uuid)}`)
    return !('error' in r) && r.text.trim() === 'true'
  }

  private async until(check: () => Promise<boolean>, ms: number, every = 100): Promise<boolean> {
    const end = Date.now() + ms
    for (;;) {
      if (await check()) return true
      if (Date.now() > end) return false
      await new Promise((r) => setTimeout(r, every))
    }
  }

  private run(command: string, timeoutMs?: number): Promise<ApiResult | TransferError> {
    return onSwitch(this.o.controls(), command, timeoutMs)
  }
}
