/**
 * Playing one file or stream to a channel, as switch_ivr_play_file does: PLAYBACK_START,
 * the media's own duration, PLAYBACK_STOP (done or break), then the playback_* variables.
 */
import type { SimChannel } from '../channel.js'
import type { HeaderList } from '../event.js'
import { mediaWait } from '../media-break.js'
import { beepDetected } from './avmd.js'

/** How long avmd listens to a steady tone before it calls it a beep. */
const BEEP_DETECTION_MS = 100

export interface PlayOptions {
  /** Digits that stop the playback (and are reported as playback_terminator_used). */
  terminators?: string
  /** Any digit stops the playback (play_and_get_digits' prompt). */
  anyDigit?: boolean
  /** Called with each digit received while playing. */
  onDigit?: (digit: string) => void
}

export interface PlayResult {
  /** done: played to the end; break: a terminator or uuid_break; hangup; notfound. */
  status: 'done' | 'break' | 'hangup' | 'notfound'
  terminator?: string
  playedMs: number
}

const SAMPLES_PER_MS = 8

export async function playMedia(ch: SimChannel, spec: string, signal: AbortSignal, options: PlayOptions = {}): Promise<PlayResult> {
  // Media needs a media path: FreeSWITCH pre-answers an unanswered channel first.
  if (!ch.answered) ch.markPreAnswered()
  const media = ch.sw.media.resolve(spec)
  if (!media.found) return { status: 'notfound', playedMs: 0 }
  const fileHeaders: HeaderList = []
  // Only these two are named (switch_ivr_play_file); silence_stream is not.
  if (media.kind === 'tone_stream' || media.kind === 'local_stream') fileHeaders.push(['Playback-File-Type', media.kind])
  fileHeaders.push(['Playback-File-Path', spec])
  ch.fire('PLAYBACK_START', { after: fileHeaders })
  const started = ch.sw.clock.now()
  const wait = mediaWait(ch, media.durationMs, signal)
  // A detector listening to what this channel plays, or to what its other side hears.
  const detectors = [ch.avmd?.direction === 'write' ? ch : undefined, (ch.loopbackPeer ?? ch.partner)?.avmd?.direction === 'read' ? (ch.loopbackPeer ?? ch.partner) : undefined]
  const beepTimers = detectors.flatMap((d) =>
    d && media.beepAtMs !== undefined && media.beep ? [ch.sw.clock.setTimeout(() => beepDetected(d, media.beep!), media.beepAtMs + BEEP_DETECTION_MS)] : [],
  )
  let terminator: string | undefined
  const cur = ch.current
  const previousReader = cur?.onDigit
  if (cur) {
    cur.onDigit = (digit) => {
      options.onDigit?.(digit)
      if (options.anyDigit || (options.terminators ?? '').includes(digit)) {
        terminator = digit
        wait.wake()
      }
    }
  }
  const end = await wait.done
  for (const t of beepTimers) ch.sw.clock.clearTimeout(t)
  if (cur) cur.onDigit = previousReader
  const playedMs = Math.min(media.durationMs, ch.sw.clock.now() - started)
  const status: PlayResult['status'] = end === 'timeout' ? 'done' : end === 'woken' || end === 'break' ? 'break' : 'hangup'
  // A file is read ahead: after a break playback_ms still says the whole file, while
  // playback_last_offset_pos is where it really was. Streams report what was played.
  const frames = Math.round((playedMs * SAMPLES_PER_MS) / 160) * 160
  const reportedMs = media.kind === 'file' && Number.isFinite(media.durationMs) ? media.durationMs : playedMs
  if (terminator !== undefined && !options.anyDigit) ch.setVar('playback_terminator_used', terminator)
  ch.setVar('playback_last_offset_pos', String(status === 'done' ? reportedMs * SAMPLES_PER_MS : frames))
  ch.setVar('playback_seconds', String(Math.floor(reportedMs / 1000)))
  ch.setVar('playback_ms', String(Math.round(reportedMs)))
  ch.setVar('playback_samples', String(Math.round(reportedMs * SAMPLES_PER_MS)))
  ch.fire('PLAYBACK_STOP', { after: [...fileHeaders, ['Playback-Status', status === 'break' ? 'break' : 'done']] })
  return { status, terminator, playedMs }
}
