import type { SimChannel } from '../channel.js'
import { parseDialString } from '../dial-string.js'
import { originate } from '../originate.js'
import { switchTrue } from '../variables.js'
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
  const forget = noteBridge(ch, other)
  await untilEither(ch, other)
  forget()
  // The bridge ends: the side still up is hung up; the caller notes why the other side went.
  other.setVar('bridge_to', undefined)
  const otherDone = other.isUp ? other.hangup('NORMAL_CLEARING') : undefined
  ch.setVar('bridge_to', undefined)
  if (other.hangupCause) ch.setVar('bridge_hangup_cause', other.hangupCause)
  if (ch.partner === other) ch.unbridge()
  await otherDone
  if (ch.isUp && switchTrue(ch.getVar('hangup_after_bridge'))) void ch.hangup('NORMAL_CLEARING')
  return '_none_'
}

/**
 * What switch_ivr_multi_threaded_bridge notes once CHANNEL_BRIDGE is out: each leg's
 * bridge_to, last_bridge_to, bridge_channel, bridge_uuid, signal_bond and the callee ID
 * sent to it; the called leg moves to CS_EXCHANGE_MEDIA. The first leg to hang up while
 * bridged notes its role, and its cause lands on the other (switch_channel_perform_hangup).
 */
function noteBridge(ch: SimChannel, other: SimChannel): () => void {
  for (const [x, y] of [
    [ch, other],
    [other, ch],
  ] as const) {
    x.setVar('bridge_to', y.uuid)
    x.setVar('last_bridge_to', y.uuid)
  }
  ch.setVar('last_sent_callee_id_name', other.profile.calleeIdName)
  ch.setVar('last_sent_callee_id_number', other.profile.calleeIdNumber)
  other.setVar('last_sent_callee_id_name', ch.profile.callerIdName)
  other.setVar('last_sent_callee_id_number', ch.profile.callerIdNumber)
  for (const [x, y] of [
    [ch, other],
    [other, ch],
  ] as const) {
    x.setVar('bridge_channel', y.name)
    x.setVar('bridge_uuid', y.uuid)
    x.setVar('signal_bond', y.uuid)
  }
  other.enterState('CS_EXCHANGE_MEDIA')
  const firstDown = (x: SimChannel, y: SimChannel, role: string) => (cause: string) => {
    ch.off('hangingUp', chDown)
    other.off('hangingUp', otherDown)
    if (x.partner !== y) return
    x.setVar('last_bridge_role', role)
    if (y.isUp) y.setVar('last_bridge_hangup_cause', cause)
  }
  const chDown = firstDown(ch, other, 'originator')
  const otherDown = firstDown(other, ch, 'originatee')
  ch.once('hangingUp', chDown)
  other.once('hangingUp', otherDown)
  return () => {
    ch.off('hangingUp', chDown)
    other.off('hangingUp', otherDown)
  }
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
