/**
 * A channel's own event queue (switch_core_session_queue_event), where mod_avmd puts the
 * second copy of each of its events (the one with the channel's data). The loop of
 * `park` (also the socket app's) fires what is queued whenever it runs, i.e. when no
 * application runs inside it; an application that reads input through a callback
 * (playback, speak, record ...) takes the queued events itself and drops them; any other
 * (play_and_get_digits, bridge ...) leaves them queued until it ends.
 */
import type { SimChannel } from './channel.js'
import { switchTrue } from './variables.js'

const SWALLOWING = new Set(['playback', 'speak', 'record', 'gentones', 'say', 'phrase'])
const PARKED = new Set(['socket', 'park'])

export function queueSessionEvent(ch: SimChannel, fire: () => void): void {
  ch.sessionEvents.push(fire)
  // Fired from the channel's own thread, after whatever fired the original.
  ch.sw.clock.setTimeout(() => drainSessionEvents(ch), 0)
}

/** What the channel's current application does with its queued events now. */
export function drainSessionEvents(ch: SimChannel): void {
  if (ch.sessionEvents.length === 0) return
  const app = ch.current?.name
  if (!ch.isUp || app === undefined) return
  if (SWALLOWING.has(app) || (app === 'sleep' && switchTrue(ch.getVar('sleep_eat_digits')))) {
    ch.sessionEvents.length = 0
    return
  }
  if (!PARKED.has(app)) return
  for (const fire of ch.sessionEvents.splice(0)) fire()
}
