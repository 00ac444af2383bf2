import type { MediaBug, SimChannel } from '../channel.js'
import { mediaWait } from '../media-break.js'
import type { AppImpl } from './types.js'

const SAMPLES_PER_MS = 8

function recordVars(ch: SimChannel, ms: number): void {
  const samples = Math.round(ms * SAMPLES_PER_MS)
  ch.setVar('record_file_size', String(44 + samples * 2))
  ch.setVar('record_samples', String(samples))
  ch.setVar('record_seconds', String(Math.floor(ms / 1000)))
  ch.setVar('record_ms', String(Math.round(ms)))
}

/**
 * record <path> [<limit s>] [<silence threshold>] [<silence hits s>]: records what the
 * caller says; ends at the limit, after <silence hits> seconds of silence, on a
 * terminator digit, or when the caller hangs up. The far end's speech comes from the
 * caller script (channel.speechMs).
 */
export const record: AppImpl = async (ch, arg, signal) => {
  const [path = '', limitArg, , hitsArg] = arg.split(' ')
  const limitMs = Number(limitArg) > 0 ? Number(limitArg) * 1000 : Infinity
  const hitsMs = Number(hitsArg) > 0 ? Number(hitsArg) * 1000 : Infinity
  if (ch.speechMs > 0) ch.speak(ch.speechMs)
  ch.speechMs = 0
  ch.setVar('silence_hits_exhausted', 'false')
  ch.setVar('read_codec', 'L16')
  ch.setVar('read_rate', '8000')
  const fileHeaders: Array<[string, string]> = [['Record-File-Path', path]]
  ch.fire('RECORD_START', { after: fileHeaders })
  const clock = ch.sw.clock
  const started = clock.now()
  let heardMs = 0
  const terminators = ch.getVar('playback_terminators') ?? '*'
  const cur = ch.current
  let end: 'limit' | 'silence' | 'terminator' | 'hangup' = 'limit'
  // Waits until the limit or <hits> of silence after the last speech; speech restarts the count.
  for (;;) {
    const silenceAt = Math.max(started, ch.speakingUntil) + hitsMs
    const limitAt = started + limitMs
    const wait = mediaWait(ch, Math.min(silenceAt, limitAt) - clock.now(), signal)
    let terminated = false
    const onSpeech = (): void => wait.wake()
    ch.on('speech', onSpeech)
    if (cur) {
      cur.onDigit = (d) => {
        if (!terminators.includes(d)) return
        terminated = true
        wait.wake()
      }
    }
    const r = await wait.done
    ch.off('speech', onSpeech)
    if (cur) cur.onDigit = undefined
    heardMs = Math.max(0, Math.min(ch.speakingUntil, clock.now()) - started)
    if (r === 'aborted') end = 'hangup'
    else if (terminated || r === 'break') end = 'terminator'
    else if (r === 'timeout') end = clock.now() >= limitAt ? 'limit' : 'silence'
    else continue
    break
  }
  // FreeSWITCH drops the last frames of silence it waited through.
  const elapsed = clock.now() - started
  const ms = Math.max(0, end === 'silence' ? elapsed - 40 : elapsed)
  if (end === 'silence') ch.setVar('silence_hits_exhausted', 'true')
  // The record application (not record_session) also reports record_record_file_size.
  ch.setVar('record_record_file_size', String(44 + Math.round(Math.max(0, ms) * 8) * 2))
  recordVars(ch, ms)
  ch.sw.recordings.write(path, ms, Math.min(heardMs, ms))
  ch.fire('RECORD_STOP', { after: fileHeaders })
  return '_none_'
}

/** record_session <path>: a media bug that records the whole call until stopped or hangup. */
export const recordSession: AppImpl = async (ch, arg) => {
  startSessionRecording(ch, arg.split(' ')[0] ?? '')
  return '_none_'
}

export function startSessionRecording(ch: SimChannel, path: string): boolean {
  for (const bug of ch.bugs) if (bug.path === path) return false
  const started = ch.sw.clock.now()
  const fileHeaders: Array<[string, string]> = [['Record-File-Path', path]]
  const bug: MediaBug = {
    path,
    startedAt: started,
    stop(cause) {
      ch.bugs.delete(bug)
      const ms = ch.sw.clock.now() - started
      recordVars(ch, ms)
      ch.setVar('record_completion_cause', cause)
      ch.sw.recordings.write(path, ms, ms)
      ch.fire('RECORD_STOP', { origin: 'RECORD_STOP:bug', after: [...fileHeaders, ['Record-Completion-Cause', cause]] })
    },
  }
  ch.bugs.add(bug)
  ch.fire('RECORD_START', { origin: 'RECORD_START:bug', after: fileHeaders })
  return true
}

export function stopSessionRecording(ch: SimChannel, path: string): boolean {
  for (const bug of ch.bugs) {
    if (bug.path === path || path === 'all') {
      bug.stop('success-maxtime')
      return true
    }
  }
  return false
}

/** stop_record_session <path> */
export const stopRecordSession: AppImpl = async (ch, arg) => {
  stopSessionRecording(ch, arg.trim())
  return '_none_'
}
