import type { SimChannel } from '../channel.js'
import { parseDialString } from '../dial-string.js'
import { originate } from '../originate.js'
import type { AppImpl } from './types.js'

const DIALSTATUS: Record<string, string> = { SUCCESS: 'SUCCESS', USER_BUSY: 'BUSY', NO_ANSWER: 'NOANSWER' }

/**
 * bridge <dial string>: rings the legs; on an answer, CHANNEL_BRIDGE and wait until one
 * side hangs up (CHANNEL_UNBRIDGE). The result is in variables, the response is always
 * `_none_`: originate_disposition, DIALSTATUS, originate_failed_cause, bridge_hangup_cause.
 */
export const bridge: AppImpl = async (ch, arg, signal) => {
  const dial = parseDialString(arg)
  const outcome = await originate(ch.sw, dial, {
    caller: ch,
    callerIdName: ch.profile.callerIdName,
    callerIdNumber: ch.profile.callerIdNumber,
    signal,
  })
  if (!outcome.ok) {
    if (outcome.uuid) {
      // A leg that was created and failed is listed with its cause.
      appendArray(ch, 'originated_legs', `${outcome.uuid};Outbound Call;${dial.groups[0]?.[0]?.endpoint ?? ''}`)
      appendArray(ch, 'originate_causes', `${outcome.uuid};${outcome.cause}`)
      ch.setVar('originate_signal_bond', outcome.uuid)
      ch.setVar('last_bridge_hangup_cause', outcome.cause)
    }
    ch.setVar('originate_disposition', outcome.cause)
    ch.setVar('DIALSTATUS', DIALSTATUS[outcome.cause] ?? outcome.cause)
    ch.setVar('originate_failed_cause', outcome.cause)
    return '_none_'
  }
  const other = outcome.channel
  if (!ch.isUp) {
    await other.hangup('ORIGINATOR_CANCEL')
    return '_none_'
  }
  // The caller is answered when the agent is (bridge answers an unanswered caller).
  if (!ch.answered) ch.markAnswered()
  appendArray(ch, 'originated_legs', `${other.uuid};${other.profile.calleeIdName};${other.profile.destination}`)
  ch.setVar('originate_disposition', 'SUCCESS')
  ch.setVar('DIALSTATUS', 'SUCCESS')
  appendArray(ch, 'originate_causes', `${other.uuid};NONE`)
  ch.setVar('signal_bond', other.uuid)
  ch.bridgeWith(other)
  const cause = await untilEither(ch, other)
  ch.setVar('last_bridge_to', other.uuid)
  ch.setVar('bridge_channel', other.name)
  ch.setVar('bridge_uuid', other.uuid)
  ch.setVar('last_sent_callee_id_name', other.profile.calleeIdName)
  ch.setVar('last_sent_callee_id_number', other.profile.calleeIdNumber)
  ch.setVar('last_bridge_hangup_cause', cause)
  ch.setVar('bridge_hangup_cause', cause)
  if (ch.partner === other) ch.unbridge()
  if (other.isUp) await other.hangup('NORMAL_CLEARING')
  if (ch.isUp && ch.getVar('hangup_after_bridge') === 'true') void ch.hangup('NORMAL_CLEARING')
  return '_none_'
}

/** Resolves with the hangup cause of whichever side ends first. */
function untilEither(a: SimChannel, b: SimChannel): Promise<string> {
  if (!b.isUp) return Promise.resolve(b.hangupCause ?? 'NORMAL_CLEARING')
  if (!a.isUp) return Promise.resolve(a.hangupCause ?? 'NORMAL_CLEARING')
  return new Promise((resolve) => {
    const done = (cause: string): void => {
      a.off('hangup', done)
      b.off('hangup', done)
      resolve(cause)
    }
    a.once('hangup', done)
    b.once('hangup', done)
  })
}

/** A variable that collects one entry per originate: plain the first time, then `ARRAY::a|:b`. */
function appendArray(ch: SimChannel, name: string, value: string): void {
  const old = ch.getVar(name)
  if (old === undefined) return ch.setVar(name, value)
  const items = old.startsWith('ARRAY::') ? old.slice(7).split('|:') : [old]
  ch.setVar(name, `ARRAY::${[...items, value].join('|:')}`)
}
