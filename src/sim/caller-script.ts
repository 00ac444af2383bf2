/**
 * Scripted far ends: a caller (or a called party) as a list of steps: wait, wait for the
 * IVR to start an application (e.g. play_and_get_digits), press digits, speak (for the
 * next recording), hang up. Steps run in simulated time against the channel the app
 * controls; the script stops when the call ends.
 */
import type { SimChannel } from './channel.js'
import { waitFor } from './wait.js'

export type ScriptStep =
  /** Pause, ms. */
  | { wait: number }
  /** Wait until the IVR starts this application (answer, play_and_get_digits, record, bridge ...). */
  | { app: string; timeoutMs?: number }
  /** Press digits, `gapMs` apart (default 150). */
  | { dtmf: string; gapMs?: number; source?: 'RTP' | 'UNKNOWN' }
  /** Talk for this long when the next recording starts, ms. */
  | { speak: number }
  /** Hang up (the caller's side). */
  | { hangup: true }

export interface CallerScript {
  steps: ScriptStep[]
}

export interface ScriptTarget {
  /** The channel the IVR runs on (DTMF and speech arrive there). */
  media: SimChannel
  /** The caller's own channel (hanging up ends the call). */
  own: SimChannel
  /** Told before the script hangs up (a SIP endpoint notes that the BYE came from the caller). */
  onHangup?: () => void
}

export async function runScript(target: ScriptTarget, script: CallerScript): Promise<void> {
  const { media, own } = target
  const clock = media.sw.clock
  const live = new AbortController()
  const stop = (): void => live.abort('hangup')
  media.once('hangup', stop)
  own.once('hangup', stop)
  try {
    for (const step of script.steps) {
      if (live.signal.aborted) return
      if ('wait' in step) await waitFor(clock, step.wait, live.signal).done
      else if ('app' in step) await untilApp(media, step.app, step.timeoutMs ?? Infinity, live.signal)
      else if ('dtmf' in step) {
        for (const [i, digit] of Array.from(step.dtmf).entries()) {
          if (i > 0) await waitFor(clock, step.gapMs ?? 150, live.signal).done
          if (live.signal.aborted) return
          media.receiveDtmf(digit, step.source ?? 'RTP')
        }
      } else if ('speak' in step) media.speechMs = step.speak
      else if ('hangup' in step) {
        target.onHangup?.()
        await own.hangup('NORMAL_CLEARING')
        return
      }
    }
  } finally {
    media.off('hangup', stop)
    own.off('hangup', stop)
  }
}

function untilApp(ch: SimChannel, app: string, timeoutMs: number, signal: AbortSignal): Promise<void> {
  if (ch.current?.name === app) return Promise.resolve()
  const wait = waitFor(ch.sw.clock, timeoutMs, signal)
  const onApp = (name: string): void => {
    if (name === app) wait.wake()
  }
  ch.on('app', onApp)
  return wait.done.then(() => void ch.off('app', onApp))
}
