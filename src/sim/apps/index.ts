/** The dptools applications the simulator runs, by name. */
import { acknowledgeCall, answer, preAnswer, ringReady } from './answer.js'
import { avmdStart, avmdStop } from './avmd.js'
import { bridge } from './bridge.js'
import { playAndGetDigits } from './play-and-get-digits.js'
import { playback } from './playback.js'
import { record, recordSession, stopRecordSession } from './record.js'
import { socket } from './socket.js'
import { speak } from './speak.js'
import { hangup, park, sleep } from './sleep.js'
import type { AppImpl } from './types.js'
import { exportVar, set, unset } from './variables.js'

export type { AppImpl } from './types.js'

export function builtinApps(): Map<string, AppImpl> {
  return new Map<string, AppImpl>([
    ['answer', answer],
    ['ring_ready', ringReady],
    ['pre_answer', preAnswer],
    ['acknowledge_call', acknowledgeCall],
    ['playback', playback],
    ['play_and_get_digits', playAndGetDigits],
    ['record', record],
    ['record_session', recordSession],
    ['stop_record_session', stopRecordSession],
    ['bridge', bridge],
    ['set', set],
    ['export', exportVar],
    ['unset', unset],
    ['sleep', sleep],
    ['park', park],
    ['hangup', hangup],
    ['speak', speak],
    ['socket', socket],
    ['avmd_start', avmdStart],
    ['avmd_stop', avmdStop],
  ])
}
