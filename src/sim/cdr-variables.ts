/**
 * The call detail variables a channel gets as it hangs up (hangup_cause, *_stamp,
 * *_epoch, duration, billsec ...), which CHANNEL_HANGUP_COMPLETE carries.
 */
import type { SimChannel } from './channel.js'

/** Q.850 codes of the hangup causes we produce. */
const Q850: Record<string, number> = {
  UNALLOCATED_NUMBER: 1,
  NO_ROUTE_DESTINATION: 3,
  NORMAL_CLEARING: 16,
  USER_BUSY: 17,
  NO_USER_RESPONSE: 18,
  NO_ANSWER: 19,
  CALL_REJECTED: 21,
  DESTINATION_OUT_OF_ORDER: 27,
  INVALID_NUMBER_FORMAT: 28,
  NORMAL_TEMPORARY_FAILURE: 41,
  ORIGINATOR_CANCEL: 487,
  LOSE_RACE: 502,
  USER_NOT_REGISTERED: 606,
  MANAGER_REQUEST: 503,
}

export function setCdrVariables(ch: SimChannel, cause: string): void {
  const p = ch.profile
  const end = ch.sw.nowUs()
  const stamp = (us: number): string | undefined => (us > 0 ? localStamp(us) : undefined)
  const sec = (us: number): string => String(Math.floor(us / 1e6))
  const answerUs = p.answeredUs
  ch.setVar('hangup_cause', cause)
  ch.setVar('hangup_cause_q850', String(Q850[cause] ?? 16))
  ch.setVar('digits_dialed', ch.getVar('digits_dialed') ?? 'none')
  ch.setVar('start_stamp', stamp(p.createdUs))
  ch.setVar('profile_start_stamp', stamp(p.createdUs))
  ch.setVar('answer_stamp', stamp(answerUs))
  ch.setVar('bridge_stamp', stamp(p.bridgedUs))
  ch.setVar('progress_stamp', stamp(p.progressUs))
  ch.setVar('progress_media_stamp', stamp(p.progressMediaUs))
  ch.setVar('end_stamp', stamp(end))
  const epochs: Array<[string, number]> = [
    ['start', p.createdUs],
    ['profile_start', p.createdUs],
    ['answer', answerUs],
    ['bridge', p.bridgedUs],
    ['last_hold', 0],
  ]
  for (const [name, us] of epochs) {
    ch.setVar(`${name}_epoch`, sec(us))
    ch.setVar(`${name}_uepoch`, String(us))
  }
  ch.setVar('hold_accum_seconds', '0')
  ch.setVar('hold_accum_usec', '0')
  ch.setVar('hold_accum_ms', '0')
  for (const [name, us] of [
    ['resurrect', 0],
    ['progress', p.progressUs],
    ['progress_media', p.progressMediaUs],
    ['end', end],
  ] as Array<[string, number]>) {
    ch.setVar(`${name}_epoch`, sec(us))
    ch.setVar(`${name}_uepoch`, String(us))
  }
  ch.setVar('last_app', ch.getVar('current_application'))
  ch.setVar('last_arg', ch.getVar('current_application_data'))
  ch.setVar('caller_id', p.callerIdName ? `"${p.callerIdName}" <${p.callerIdNumber}>` : p.callerIdNumber)
  const durUs = end - p.createdUs
  const billUs = answerUs > 0 ? end - answerUs : 0
  const progressUs = p.progressUs > 0 ? p.progressUs - p.createdUs : 0
  const answerWaitUs = answerUs > 0 ? answerUs - p.createdUs : 0
  const mediaUs = p.progressMediaUs > 0 ? p.progressMediaUs - p.createdUs : 0
  const units: Array<[string, (us: number) => string]> = [
    ['sec', (us) => String(Math.round(us / 1e6))],
    ['msec', (us) => String(Math.round(us / 1e3))],
    ['usec', (us) => String(us)],
  ]
  for (const [unit, f] of units) {
    const d = unit === 'sec' ? 'duration' : unit === 'msec' ? 'mduration' : 'uduration'
    ch.setVar(d, f(durUs))
    ch.setVar(`bill${unit}`, f(billUs))
    ch.setVar(`progress${unit}`, f(progressUs))
    ch.setVar(`answer${unit}`, f(answerWaitUs))
    ch.setVar(`wait${unit}`, f(0))
    ch.setVar(`progress_media${unit}`, f(mediaUs))
    ch.setVar(`flow_bill${unit}`, f(durUs))
  }
  if (p.source === 'mod_loopback') ch.setVar('is_loopback', '1')
}

/** `2026-11-22 11:06:06` in the switch's local time (UTC here). */
export function localStamp(us: number): string {
  return new Date(Math.floor(us / 1000)).toISOString().replace('T', ' ').slice(0, 19)
}
