/**
 * Placing outgoing legs, for `originate` and the `bridge` application: each leg of a dial
 * string is looked up in the directory (answers, busy, no answer, failure ...); legs of a
 * group ring together and the first to answer wins; groups are tried in order.
 * `error/...` and unregistered users fail without creating a channel, as in FreeSWITCH.
 */
import { beepDetected } from './apps/avmd.js'
import { runScript } from './caller-script.js'
import { SimChannel } from './channel.js'
import { parseEndpoint, type DialLeg, type DialString } from './dial-string.js'
import type { DialplanActions, SimSwitch } from './switch.js'
import { waitFor } from './wait.js'

export interface OriginateOptions {
  /** The channel that bridges (bridge app): FreeSWITCH notes on it what was dialled. */
  caller?: SimChannel
  /** Caller ID shown to the called party when the dial string does not set one. */
  callerIdName?: string
  callerIdNumber?: string
  /** Cancels ringing legs (the bridging caller hung up). */
  signal?: AbortSignal
}

export type LegOutcome = { ok: true; channel: SimChannel } | { ok: false; cause: string; uuid?: string }

/** Which cause wins when every leg failed (FreeSWITCH reports the most telling one). */
const CAUSE_RANK = ['USER_BUSY', 'USER_NOT_REGISTERED', 'NO_ANSWER', 'NO_USER_RESPONSE', 'CALL_REJECTED']

export async function originate(sw: SimSwitch, dial: DialString, options: OriginateOptions = {}): Promise<LegOutcome> {
  let last: LegOutcome = { ok: false, cause: 'NO_ROUTE_DESTINATION' }
  for (const group of dial.groups) {
    const controller = new AbortController()
    const cancel = (): void => controller.abort('cancel')
    options.signal?.addEventListener('abort', cancel, { once: true })
    const attempts = group.map((leg) => dialLeg(sw, leg, dial.vars, options, controller.signal))
    const winner = await firstAnswer(attempts)
    options.signal?.removeEventListener('abort', cancel)
    if (winner.ok) {
      controller.abort('lose_race')
      return winner
    }
    last = pickCause(await Promise.all(attempts))
    if (options.signal?.aborted) return { ok: false, cause: 'ORIGINATOR_CANCEL' }
  }
  return last
}

function pickCause(outcomes: LegOutcome[]): LegOutcome {
  const failures = outcomes.filter((o): o is Extract<LegOutcome, { ok: false }> => !o.ok)
  failures.sort((a, b) => rank(a.cause) - rank(b.cause))
  return failures[0] ?? { ok: false, cause: 'NORMAL_CLEARING' }
}

function rank(cause: string): number {
  const i = CAUSE_RANK.indexOf(cause)
  return i < 0 ? CAUSE_RANK.length : i
}

function firstAnswer(attempts: Array<Promise<LegOutcome>>): Promise<LegOutcome> {
  return new Promise((resolve) => {
    let pending = attempts.length
    if (pending === 0) resolve({ ok: false, cause: 'NO_ROUTE_DESTINATION' })
    for (const a of attempts) {
      void a.then((o) => {
        if (o.ok) resolve(o)
        else if (--pending === 0) resolve(o)
      })
    }
  })
}

async function dialLeg(
  sw: SimSwitch,
  leg: DialLeg,
  globalVars: ReadonlyMap<string, string>,
  options: OriginateOptions,
  cancel: AbortSignal,
): Promise<LegOutcome> {
  const vars = new Map([...globalVars, ...leg.vars])
  const endpoint = parseEndpoint(leg.endpoint)
  const plan = sw.directory(endpoint, vars)
  if (endpoint.tech === 'user' && options.caller) {
    options.caller.setVar('dialed_user', endpoint.user)
    options.caller.setVar('dialed_domain', sw.domain)
  }
  if (endpoint.tech === 'error') return { ok: false, cause: endpoint.cause }
  if (plan.outcome === 'not-registered') return { ok: false, cause: 'USER_NOT_REGISTERED' }
  if (endpoint.tech === 'unknown') return { ok: false, cause: 'CHAN_NOT_IMPLEMENTED' }
  const timeoutMs = Number(vars.get('originate_timeout') ?? vars.get('call_timeout') ?? 60) * 1000
  const callerIdName = vars.get('origination_caller_id_name') ?? options.callerIdName ?? ''
  const callerIdNumber = vars.get('origination_caller_id_number') ?? options.callerIdNumber ?? '0000000000'
  const uuid = vars.get('origination_uuid')
  const channelVars: Array<[string, string]> = [...vars, ['originate_early_media', 'false'], ['originate_endpoint', endpoint.tech]]

  if (endpoint.tech === 'loopback') {
    return startLoopback(sw, endpoint.exten, endpoint.context, { uuid, callerIdName, callerIdNumber, channelVars: [...vars], timeoutMs, cancel, caller: options.caller })
      .result
  }

  const name =
    endpoint.tech === 'user'
      ? `sofia/internal/${endpoint.user}@${sw.domain}`
      : endpoint.tech === 'sofia'
        ? `sofia/${endpoint.profile}/${endpoint.number}`
        : leg.endpoint
  const destination = endpoint.tech === 'user' ? endpoint.user : endpoint.tech === 'sofia' ? endpoint.number : leg.endpoint
  const ch = new SimChannel(sw, {
    uuid,
    name,
    direction: 'outbound',
    callerIdName,
    callerIdNumber,
    destination,
    source: 'mod_sofia',
    vars: [...channelVars, ...fromCaller(options.caller, false)],
    originated: true,
  })
  if (options.caller) ch.otherLeg = { type: 'originator', channel: options.caller }
  if (endpoint.tech === 'user') {
    ch.setVar('dialed_user', endpoint.user)
    ch.setVar('dialed_domain', sw.domain)
  }
  ch.answeredBy = plan.answeredBy ?? 'person'
  ch.runningState = 'CS_INIT'
  ch.stateNumber = 2
  ch.fire('CHANNEL_ORIGINATE')
  ch.runningState = 'CS_CONSUME_MEDIA'
  ch.stateNumber = 7
  const ringFor = Math.min(plan.ringMs, timeoutMs)
  if (plan.outcome !== 'busy' && plan.outcome !== 'fail' && ringFor > 0) {
    ch.ring()
    options.caller?.noteProgress()
  }
  const waited = await waitFor(sw.clock, plan.outcome === 'no-answer' ? timeoutMs : ringFor, cancel).done
  if (waited === 'aborted') {
    const cause = cancel.reason === 'lose_race' ? 'LOSE_RACE' : 'ORIGINATOR_CANCEL'
    await ch.hangup(cause)
    return { ok: false, cause, uuid: ch.uuid }
  }
  if (!ch.isUp) return { ok: false, cause: ch.hangupCause ?? 'NORMAL_CLEARING', uuid: ch.uuid }
  const failure =
    plan.outcome === 'busy'
      ? 'USER_BUSY'
      : plan.outcome === 'fail'
        ? (plan.failCause ?? 'NORMAL_TEMPORARY_FAILURE')
        : plan.outcome === 'no-answer' || plan.ringMs > timeoutMs
          ? 'NO_ANSWER'
          : undefined
  if (failure) {
    await ch.hangup(failure)
    return { ok: false, cause: failure, uuid: ch.uuid }
  }
  ch.markAnswered()
  ch.setVar('endpoint_disposition', 'ANSWER')
  if (plan.talkMs !== undefined) {
    const talk = plan.talkMs
    void waitFor(sw.clock, talk, new AbortController().signal).done.then(() => {
      if (ch.isUp) void ch.hangup('NORMAL_CLEARING')
    })
  }
  if (plan.script) void runScript({ media: ch, own: ch }, plan.script)
  if (ch.answeredBy === 'machine') machineGreets(ch, plan.greetingMs ?? 4000)
  return { ok: true, channel: ch }
}

/** An answering machine speaks its greeting, then beeps (1 kHz, as most do). */
function machineGreets(ch: SimChannel, greetingMs: number): void {
  ch.speak(greetingMs)
  ch.sw.clock.setTimeout(() => {
    if (ch.avmd?.direction === 'read') beepDetected(ch, { frequency: 1000, amplitude: 16384 })
    ch.speak(1000)
  }, greetingMs + 100)
}

/** Options of a loopback originate (the legs' caller ID, variables, timeout). */
export interface LoopbackOptions {
  uuid: string | undefined
  callerIdName: string
  callerIdNumber: string
  channelVars: Array<[string, string]>
  timeoutMs: number
  cancel: AbortSignal
  caller?: SimChannel | undefined
}

export interface LoopbackLegs {
  /** The originated leg (`<exten>-a`). */
  a: SimChannel
  /** The leg that runs the dialplan of <exten> (`<exten>-b`). */
  b: SimChannel
  result: Promise<LegOutcome>
}

/**
 * `loopback/<exten>/<context>`: two channels, `<exten>-a` (the originated leg, returned)
 * and `<exten>-b` (runs the dialplan of <exten>); the pair answers together. The legs exist
 * at once; `result` settles when the pair answers or fails.
 */
export function startLoopback(sw: SimSwitch, exten: string, context: string, o: LoopbackOptions): LoopbackLegs {
  const actions = sw.dialplanFor(exten, context)
  const a = new SimChannel(sw, {
    uuid: o.uuid,
    name: `loopback/${exten}-a`,
    direction: 'outbound',
    callerIdName: o.callerIdName,
    callerIdNumber: o.callerIdNumber,
    destination: exten,
    context,
    vars: [...o.channelVars, ...fromCaller(o.caller, true), ['originate_early_media', 'false'], ['originate_endpoint', 'loopback']],
    originated: true,
  })
  if (o.caller) a.otherLeg = { type: 'originator', channel: o.caller }
  const b = new SimChannel(sw, {
    name: `loopback/${exten}-b`,
    direction: 'inbound',
    callerIdName: o.callerIdName,
    callerIdNumber: o.callerIdNumber,
    destination: exten,
    context,
    vars: [
      ...o.channelVars,
      ['other_loopback_leg_uuid', a.uuid],
      ...(o.caller ? ([['other_loopback_from_uuid', o.caller.uuid]] as Array<[string, string]>) : []),
      ['loopback_leg', 'B'],
      ['DP_MATCH', `ARRAY::${exten}|:${exten}`],
    ],
  })
  a.setVar('other_loopback_leg_uuid', b.uuid)
  a.setVar('loopback_leg', 'A')
  a.runningState = 'CS_INIT'
  a.stateNumber = 2
  a.fire('CHANNEL_ORIGINATE')
  a.runningState = 'CS_CONSUME_MEDIA'
  a.stateNumber = 7
  a.loopbackPeer = b
  b.loopbackPeer = a
  a.once('progress', () => o.caller?.noteProgress())
  return { a, b, result: runLoopback(sw, a, b, actions, o) }
}

/**
 * What a leg originated from a channel (the bridge application) notes about it from the
 * start (switch_core_session_outgoing_channel, mod_loopback): the originator, its codec,
 * the signal bond; its events name the caller as the originator (Other-Leg-*).
 */
function fromCaller(caller: SimChannel | undefined, loopback: boolean): Array<[string, string]> {
  if (!caller) return []
  return [
    ...(loopback ? ([['loopback_from_uuid', caller.uuid]] as Array<[string, string]>) : []),
    ['max_forwards', '70'],
    ['originator_codec', 'L16@8000h@20i'],
    ['originator', caller.uuid],
    ['signal_bond', caller.uuid],
    ['originating_leg_uuid', caller.uuid],
  ]
}

async function runLoopback(sw: SimSwitch, a: SimChannel, b: SimChannel, actions: DialplanActions | undefined, o: LoopbackOptions): Promise<LegOutcome> {
  if (!actions) {
    // No such extension: the -b leg fails in routing, the -a leg follows.
    b.setVar('DP_MATCH', undefined)
    b.setVar('call_uuid', b.uuid)
    b.runningState = 'CS_ROUTING'
    b.stateNumber = 2
    b.callState = 'RINGING'
    await b.hangup('NO_ROUTE_DESTINATION')
    await a.gone
    return { ok: false, cause: 'NO_ROUTE_DESTINATION', uuid: a.uuid }
  }
  b.setVar('call_uuid', b.uuid)
  b.runningState = 'CS_EXECUTE'
  b.stateNumber = 4
  b.callState = 'RINGING'
  void b.runDialplan(actions)
  const answered = new Promise<'answer'>((resolve) => a.once('answer', () => resolve('answer')))
  const ended = a.gone.then(() => 'gone' as const)
  const timer = waitFor(sw.clock, o.timeoutMs, o.cancel)
  const first = await Promise.race([answered, ended, timer.done])
  timer.wake()
  if (first === 'answer') {
    a.setVar('endpoint_disposition', 'ANSWER')
    return { ok: true, channel: a }
  }
  if (first === 'gone') return { ok: false, cause: a.hangupCause ?? 'NORMAL_CLEARING', uuid: a.uuid }
  const cause = first === 'timeout' ? 'NO_ANSWER' : 'ORIGINATOR_CANCEL'
  // originate returns as soon as the hangup starts; the legs finish hanging up after.
  void a.hangup(cause)
  return { ok: false, cause, uuid: a.uuid }
}
