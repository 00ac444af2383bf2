import { mediaWait } from '../media-break.js'
import { waitFor } from '../wait.js'
import type { AppImpl } from './types.js'

/** sleep <ms> */
export const sleep: AppImpl = async (ch, arg, signal) => {
  const ms = Number(arg)
  // uuid_break ends a sleep too (switch_ivr_sleep tests CF_BREAK).
  await mediaWait(ch, Number.isFinite(ms) && ms > 0 ? ms : 0, signal).done
  return '_none_'
}

/** park: waits (CHANNEL_PARK / CHANNEL_UNPARK) until hung up, bridged or transferred. */
export const park: AppImpl = async (ch, _arg, signal) => {
  ch.fire('CHANNEL_PARK')
  await waitFor(ch.sw.clock, Infinity, signal).done
  ch.fire('CHANNEL_UNPARK')
  return '_none_'
}

/** hangup [cause] */
export const hangup: AppImpl = async (ch, arg) => {
  // Yield first so the channel counts this application as running while it hangs up.
  await Promise.resolve()
  void ch.hangup(arg.trim() || 'NORMAL_CLEARING')
  return '_none_'
}
