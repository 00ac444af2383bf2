/**
 * Operators' always-open lines. An operator in always-connected mode is called once, when
 * they become available: their phone (the console's softphone answers by itself) joins a
 * conference of their own and stays in it for the shift. A queue caller or a campaign
 * contact is then put into that conference: talking at once, with no ring in between (the
 * way VICIdial keeps its agents in a conference). The line is in Redis, shared by every
 * instance; when it ends without the app asking (the browser closed, the network gone),
 * whichever instance sees it first pauses the operator.
 *
 * Keys (P = REDIS_PREFIX): P:line:<agent> hash {uuid, node, room, state: dialling|open, since};
 * the room is line-<agent>-<the line's uuid, first 8>@opencc-line.
 */
import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { ControlClient, ControlEvent } from '../esl/control-client.js'
import { dialString, leg, originateToConference } from '../esl/dial-string.js'
import { UnsafeCommandError } from '../esl/commands.js'
import { CommandFailed } from '../esl/results.js'
import { readLua } from '../redis/lua.js'

/** The conference profile of the lines (freeswitch/conf/autoload_configs/conference.conf.xml). */
export const LINE_PROFILE = 'opencc-line'
/** The channel variable that marks a line, with its agent. */
const LINE_VAR = 'cc_line'
/** Why a dropped line paused its operator (the console says so). */
export const LINE_DROPPED = 'line-dropped'
/**
 * A line whose phone sends no audio for this long is hung up (FreeSWITCH's media_timeout):
 * a browser that dies sends no BYE, and without it the switch kept such a line open for a
 * minute, handing callers to nobody. A live softphone sends audio all the time, muted too.
 */
export const LINE_MEDIA_TIMEOUT_MS = 8000

export interface OperatorLine {
  agent: string
  uuid: string
  /** room@profile, as a caller joins it. */
  room: string
  node: string
}

export interface LineError {
  error: 'line-failed'
  message: string
}

export interface OperatorLinesOptions {
  redis: Redis
  prefix: string
  log: Logger
  controls: () => ControlClient[]
  /** An operator's line ended without the app asking: pause them. */
  onDropped?: (agent: string) => Promise<void>
  /** How long the operator's phone may take to answer the line, s (default 20). */
  answerTimeoutSeconds?: number
}

type WithScripts = Redis & {
  ccForgetLine(key: string, uuid: string): Promise<number>
  ccClaimLine(key: string, uuid: string, node: string, room: string, now: number, holdMs: number): Promise<string>
}

const AGENT_ID = /^[A-Za-z0-9_.-]{1,64}$/

export class OperatorLines {
  private readonly redis: WithScripts
  private readonly watched = new WeakSet<ControlClient>()
  /** Lines this process is hanging up itself (a logout): their end is no drop. */
  private readonly closing = new Set<string>()

  constructor(private readonly o: OperatorLinesOptions) {
    if (!('ccForgetLine' in o.redis)) o.redis.defineCommand('ccForgetLine', { numberOfKeys: 1, lua: readLua(import.meta.url, 'forget-line.lua') })
    if (!('ccClaimLine' in o.redis)) o.redis.defineCommand('ccClaimLine', { numberOfKeys: 1, lua: readLua(import.meta.url, 'claim-line.lua') })
    this.redis = o.redis as WithScripts
  }

  private key(agent: string): string {
    return `${this.o.prefix}:line:${agent}`
  }

  private get answerTimeout(): number {
    return this.o.answerTimeoutSeconds ?? 20
  }

  /** Watches the switches for lines that end (call once the control connections exist). */
  watch(): void {
    for (const c of this.o.controls()) {
      if (this.watched.has(c)) continue
      this.watched.add(c)
      c.onEvent('CHANNEL_HANGUP_COMPLETE', (e) => void this.ended(e))
    }
  }

  /** The operator's open line, if they have one. */
  async lineOf(agent: string): Promise<OperatorLine | undefined> {
    const h = await this.redis.hgetall(this.key(agent))
    if (h.state !== 'open' || !h.uuid || !h.room) return undefined
    return { agent, uuid: h.uuid, room: h.room, node: h.node ?? '' }
  }

  /**
   * Calls the operator's phone into their own conference, unless their line is open already.
   * Resolves once it answered (or failed): the operator is available only with a line.
   */
  async open(agent: { id: string; name: string; endpoint: string }): Promise<OperatorLine | LineError> {
    if (!AGENT_ID.test(agent.id)) return { error: 'line-failed', message: `agent id '${agent.id}' cannot name a line` }
    const existing = await this.lineOf(agent.id)
    if (existing && (await this.alive(existing))) return existing
    const control = this.o.controls().find((c) => c.isUp)
    if (!control) return { error: 'line-failed', message: 'no FreeSWITCH is connected: the line cannot be called' }
    const uuid = randomUUID()
    // A room of this line's own: a new line must not join the last one's while it closes.
    const room = `line-${agent.id}-${uuid.slice(0, 8)}@${LINE_PROFILE}`
    let command: string
    try {
      const dial = dialString([leg(agent.endpoint)], {
        vars: {
          origination_uuid: uuid,
          [LINE_VAR]: agent.id,
          origination_caller_id_name: 'Line',
          origination_caller_id_number: 'line',
          // The console's softphone answers a call bearing this by itself; desk phones that
          // auto-answer read Call-Info (sip_auto_answer).
          'sip_h_X-OpenCC-Auto-Answer': 'true',
          'sip_h_X-OpenCC-Purpose': 'line',
          sip_auto_answer: true,
          originate_timeout: this.answerTimeout,
          ignore_early_media: true,
          media_timeout: LINE_MEDIA_TIMEOUT_MS,
        },
      })
      command = originateToConference(dial, room, 'endconf|moderator')
    } catch (err) {
      if (!(err instanceof UnsafeCommandError)) throw err
      return { error: 'line-failed', message: `agent '${agent.id}': ${err.message}` }
    }
    const standing = await this.redis.ccClaimLine(this.key(agent.id), uuid, control.node, room, Date.now(), (this.answerTimeout + 10) * 1000)
    if (standing !== uuid) {
      // Another instance is calling this very line: wait for its answer.
      return this.waitOpen(agent.id, standing)
    }
    this.o.log.info({ agent: agent.id, line: uuid }, 'line: calling the operator’s phone')
    const r = await control.api(command, (this.answerTimeout + 10) * 1000)
    const ok = !(r instanceof CommandFailed) && r.ok && r.text.includes(uuid)
    if (!ok) {
      await this.redis.ccForgetLine(this.key(agent.id), uuid)
      const why = r instanceof CommandFailed ? r.reply : r.text.replace(/^-ERR\s*/, '')
      this.o.log.warn({ agent: agent.id, line: uuid, why }, 'line: the operator’s phone did not answer')
      return { error: 'line-failed', message: `the phone of agent '${agent.id}' did not answer its line (${why.trim() || 'no answer'}): is the softphone open and registered?` }
    }
    // It may have ended already (the phone hung up at once): then the drop has forgotten it.
    const set = await this.redis.hset(this.key(agent.id), 'state', 'open', 'since', String(Date.now()))
    if (set === 0 && !(await this.redis.hget(this.key(agent.id), 'uuid'))) await this.redis.del(this.key(agent.id))
    const line = await this.lineOf(agent.id)
    if (!line || line.uuid !== uuid) return { error: 'line-failed', message: `the line of agent '${agent.id}' ended as it was answered` }
    this.o.log.info({ agent: agent.id, line: uuid }, 'line: open')
    return line
  }

  /** Hangs the operator's line up (they logged out). */
  async close(agent: string): Promise<void> {
    const h = await this.redis.hgetall(this.key(agent))
    if (!h.uuid) return
    this.closing.add(h.uuid)
    await this.redis.ccForgetLine(this.key(agent), h.uuid)
    for (const c of this.o.controls().filter((x) => x.isUp)) await c.uuidKill(h.uuid, 'NORMAL_CLEARING')
    this.o.log.info({ agent, line: h.uuid }, 'line: closed (logout)')
  }

  private async alive(line: OperatorLine): Promise<boolean> {
    const control = this.o.controls().find((c) => c.node === line.node && c.isUp) ?? this.o.controls().find((c) => c.isUp)
    if (!control) return true
    const r = await control.uuidExists(line.uuid)
    if (r === false) await this.redis.ccForgetLine(this.key(line.agent), line.uuid)
    return r !== false
  }

  private async waitOpen(agent: string, uuid: string): Promise<OperatorLine | LineError> {
    const until = Date.now() + (this.answerTimeout + 10) * 1000
    while (Date.now() < until) {
      const h = await this.redis.hgetall(this.key(agent))
      if (h.uuid !== uuid) break
      if (h.state === 'open') return { agent, uuid, room: h.room!, node: h.node ?? '' }
      await new Promise((r) => setTimeout(r, 200))
    }
    return { error: 'line-failed', message: `the line of agent '${agent}' was being called elsewhere and did not open` }
  }

  private async ended(e: ControlEvent): Promise<void> {
    const agent = e.variable(LINE_VAR)
    const uuid = e.uuid
    if (!agent || !uuid) return
    if (this.closing.delete(uuid)) return
    try {
      // Exactly one instance forgets an open line, and that one pauses the operator.
      if ((await this.redis.ccForgetLine(this.key(agent), uuid)) !== 2) return
      this.o.log.warn({ agent, line: uuid, cause: e.get('Hangup-Cause') }, 'line: the operator’s line dropped; pausing them')
      await this.o.onDropped?.(agent)
    } catch (err) {
      this.o.log.error({ agent, line: uuid, err: (err as Error).message }, 'line: handling a dropped line failed')
    }
  }
}
