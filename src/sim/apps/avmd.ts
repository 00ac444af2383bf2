import type { SimChannel } from '../channel.js'
import { SimEvent, type HeaderList } from '../event.js'
import { queueSessionEvent } from '../session-events.js'
import type { AppImpl } from './types.js'

/**
 * mod_avmd, as recorded: on an inbound-direction channel the defaults fail silently (no
 * event); `inbound_channel=1` makes it listen to what the channel plays (write), and on an
 * originated (outbound) leg it listens to the far end (read), where a machine's beep is.
 * Every avmd event comes twice with one Event-Sequence: a bare copy, then one with the
 * channel's data, queued on the channel (session-events.ts: a playback drops it, a
 * play_and_get_digits holds it back until it ends).
 */
export const avmdStart: AppImpl = async (ch, arg) => {
  const inboundChannel = /(?:^|,)inbound_channel=1(?:,|$)/.test(arg)
  if (ch.profile.direction === 'inbound' && !inboundChannel) return '_none_'
  const startedAt = ch.sw.nowUs()
  ch.avmd = { direction: inboundChannel ? 'write' : 'read', startedAt, detected: false }
  fireAvmd(ch, 'avmd::start', [['Start-time', String(startedAt)]])
  return '_none_'
}

export const avmdStop: AppImpl = async (ch) => {
  const avmd = ch.avmd
  if (!avmd) return '_none_'
  ch.avmd = undefined
  fireAvmd(ch, 'avmd::stop', [
    ['Beep-Status', avmd.detected ? 'DETECTED' : 'NOTDETECTED'],
    ['Total-time', String(ch.sw.nowUs() - avmd.startedAt)],
  ])
  return '_none_'
}

/** The detector heard a beep on `ch`. */
export function beepDetected(ch: SimChannel, beep: { frequency: number; amplitude: number }): void {
  const avmd = ch.avmd
  if (!avmd || avmd.detected || !ch.isUp) return
  avmd.detected = true
  const us = ch.sw.nowUs() - avmd.startedAt
  ch.setVar('avmd_detect', 'TRUE')
  ch.setVar('avmd_total_time', `[${Math.round(us / 1000)}]`)
  fireAvmd(ch, 'avmd::beep', [
    ['Beep-Status', 'DETECTED'],
    ['Frequency', beep.frequency.toFixed(6)],
    ['Frequency-variance', '0.000000'],
    ['Amplitude', beep.amplitude.toFixed(6)],
    ['Amplitude-variance', '0.000000'],
    ['Detection-time', String(us)],
    ['Detector-resolution', '1'],
    ['Detector-offset', '0'],
    ['Detector-index', '0'],
  ])
}

function fireAvmd(ch: SimChannel, subclass: string, fields: HeaderList): void {
  const head: HeaderList = [...ch.sw.baseHeaders('CUSTOM', 'CUSTOM', subclass), ['Unique-ID', ch.uuid], ['Call-command', 'avmd'], ...fields]
  ch.sw.publish(new SimEvent('CUSTOM', head), ch)
  queueSessionEvent(ch, () => ch.sw.publish(ch.eventAfter(head, 'CUSTOM'), ch))
}
