/**
 * What the operator's console and the supervisor's wallboard do to a conversation that is
 * going on, from whichever instance they reach: hold (the customer hears music), hang the
 * customer up (an open line stays open), and a supervisor listening in, whispering to the
 * operator (the customer does not hear it) or barging in (all three talk).
 *
 * A customer in an operator's open line is a member of the line's conference: hold is the
 * conference's own (`hold non_moderator` plays the music to everyone but the operator). A
 * rung operator is bridged: `uuid_hold` on their leg holds their phone and plays the music
 * to the customer. A supervisor is called on their own phone into `eavesdrop` on the
 * operator's leg: what the operator hears and says; whisper mixes the supervisor into what
 * the operator hears, barge into what they say too. A change of mode while listening is the
 * eavesdrop's own DTMF (0 listen, 2 whisper, 3 barge), sent as if the supervisor pressed it.
 *
 * Keys (P = REDIS_PREFIX): P:monitor:<supervisor's agent> hash {leg, target, mode}.
 */
import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { Db } from '../db/database.js'
import { supervision } from '../db/schema/index.js'
import { UnsafeCommandError } from '../esl/commands.js'
import type { ApiResult, ControlClient } from '../esl/control-client.js'
import { channelUuid, dialString, leg, originateToEavesdrop } from '../esl/dial-string.js'
import { onSwitch, roomName } from './switch-command.js'
import type { Clock } from '../time/clock.js'
import type { Talk, Talks } from './talks.js'

export const MONITOR_MODES = ['listen', 'whisper', 'barge'] as const
export type MonitorMode = (typeof MONITOR_MODES)[number]
const MODE_DIGIT: Record<MonitorMode, string> = { listen: '0', whisper: '2', barge: '3' }

export interface ControlError {
  error: 'no-call' | 'switch-unavailable' | 'switch-refused' | 'no-phone'
  message: string
}

export interface CallControlOptions {
  redis: Redis
  prefix: string
  talks: Talks
  controls: () => ControlClient[]
  db: Db
  clock: Clock
  log: Logger
}

const MUSIC = /^\S{1,300}$/

export class CallControl {
  constructor(private readonly o: CallControlOptions) {}

  /** The conversation the agent is in, or why there is none. */
  async talkOf(agent: string): Promise<Talk | ControlError> {
    return (await this.o.talks.of(agent)) ?? { error: 'no-call', message: `agent '${agent}' is not talking to anyone just now` }
  }

  async hold(agent: string, on: boolean): Promise<{ hold: boolean; call: string } | ControlError> {
    const talk = await this.talkOf(agent)
    if ('error' in talk) return talk
    const music = MUSIC.test(talk.music) ? talk.music : 'local_stream://moh'
    const commands = talk.room
      ? [on ? `conference ${roomName(talk.room)} hold non_moderator ${music}` : `conference ${roomName(talk.room)} unhold non_moderator`]
      : on
        ? [`uuid_setvar ${channelUuid(talk.leg)} hold_music ${music}`, `uuid_hold ${channelUuid(talk.leg)}`]
        : [`uuid_hold off ${channelUuid(talk.leg)}`]
    for (const c of commands) {
      const r = await this.run(c)
      if ('error' in r) return r
    }
    this.o.log.info({ call: talk.call, agent, hold: on }, on ? 'operator put the customer on hold' : 'operator took the customer off hold')
    return { hold: on, call: talk.call }
  }

  /** Hangs the customer up; the operator's open line, if any, stays. */
  async hangup(agent: string): Promise<{ call: string } | ControlError> {
    const talk = await this.talkOf(agent)
    if ('error' in talk) return talk
    const r = await this.run(`uuid_kill ${channelUuid(talk.call)} NORMAL_CLEARING`)
    if ('error' in r) return r
    this.o.log.info({ call: talk.call, agent }, 'operator hung the customer up')
    return { call: talk.call }
  }

  /**
   * Calls the supervisor's phone into the agent's conversation, or changes how they take
   * part if they are there already.
   */
  async monitor(
    supervisor: { agent: string; endpoint: string; username: string },
    target: string,
    mode: MonitorMode,
  ): Promise<{ call: string; mode: MonitorMode; leg: string } | ControlError> {
    const talk = await this.talkOf(target)
    if ('error' in talk) return talk
    const key = this.key(supervisor.agent)
    const current = await this.o.redis.hgetall(key)
    const at = new Date(this.o.clock.now())
    if (current.leg && current.target === target && (await this.exists(current.leg))) {
      const r = await this.run(`uuid_recv_dtmf ${channelUuid(current.leg)} ${MODE_DIGIT[mode]}`)
      if ('error' in r) return r
      await this.o.redis.hset(key, 'mode', mode)
      await this.logged(talk, supervisor.username, mode, at)
      return { call: talk.call, mode, leg: current.leg }
    }
    if (current.leg) await this.stop(supervisor.agent)
    const legUuid = randomUUID()
    let command: string
    try {
      const dial = dialString([leg(supervisor.endpoint)], {
        vars: {
          origination_uuid: legUuid,
          origination_caller_id_name: 'Monitor',
          origination_caller_id_number: 'monitor',
          'sip_h_X-OpenCC-Auto-Answer': 'true',
          'sip_h_X-OpenCC-Purpose': 'monitor',
          sip_auto_answer: true,
          originate_timeout: 20,
          cc_monitor: target,
          eavesdrop_enable_dtmf: true,
          eavesdrop_whisper_bleg: mode !== 'listen',
          eavesdrop_whisper_aleg: mode === 'barge',
        },
      })
      command = originateToEavesdrop(dial, talk.leg)
    } catch (err) {
      if (!(err instanceof UnsafeCommandError)) throw err
      return { error: 'no-phone', message: `the supervisor's phone cannot be called: ${err.message}` }
    }
    await this.o.redis.hset(key, { leg: legUuid, target, mode })
    const r = await this.run(command, 30_000)
    if ('error' in r) {
      await this.o.redis.del(key)
      return r
    }
    await this.logged(talk, supervisor.username, mode, at)
    return { call: talk.call, mode, leg: legUuid }
  }

  /** Hangs up the supervisor's listening leg. */
  async stop(supervisorAgent: string, username = ''): Promise<{ stopped: boolean }> {
    const key = this.key(supervisorAgent)
    const { leg, target } = await this.o.redis.hgetall(key)
    await this.o.redis.del(key)
    if (!leg) return { stopped: false }
    await this.run(`uuid_kill ${channelUuid(leg)}`)
    const talk = target ? await this.o.talks.of(target) : undefined
    if (talk && username) await this.logged(talk, username, 'stop', new Date(this.o.clock.now()))
    return { stopped: true }
  }

  /** In the call register's company: who listened to which call, how, when. */
  private async logged(talk: Talk, by: string, mode: MonitorMode | 'stop', at: Date): Promise<void> {
    this.o.log.info({ call: talk.call, agent: talk.agent, by, mode }, mode === 'stop' ? 'supervisor left the conversation' : 'supervisor takes part in the conversation')
    await this.o.db.insert(supervision).values({ callUuid: talk.call, agentId: talk.agent, supervisor: by, mode, at })
  }

  private key(agent: string): string {
    return `${this.o.prefix}:monitor:${agent}`
  }

  private async exists(uuid: string): Promise<boolean> {
    const c = this.o.controls().find((x) => x.isUp)
    return c ? (await c.uuidExists(uuid)) === true : false
  }

  private run(command: string, timeoutMs?: number): Promise<ApiResult | ControlError> {
    return onSwitch(this.o.controls(), command, timeoutMs)
  }
}
