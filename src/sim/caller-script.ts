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
  /**
   * Wait until the IVR starts this application (answer, play_and_get_digits, record,
   * bridge ...). Each such step takes the next start: two steps for play_and_get_digits
   * wait for its first and its second run.
   */
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
  // Starts of each application since the script began, and how many steps have used.
  const starts = new Map<string, number>()
  const used = new Map<string, number>()
  let wake: (() => void) | undefined
  const onApp = (name: string): void => {
    starts.set(name, (starts.get(name) ?? 0) + 1)
    wake?.()
  }
  media.on('app', onApp)
  if (media.current) onApp(media.current.name)
  try {
    for (const step of script.steps) {
      if (live.signal.aborted) return
      if ('wait' in step) await waitFor(clock, step.wait, live.signal).done
      else if ('app' in step) {
        const wanted = (used.get(step.app) ?? 0) + 1
        if ((starts.get(step.app) ?? 0) < wanted) {
          const wait = waitFor(clock, step.timeoutMs ?? Infinity, live.signal)
          wake = () => {
            if ((starts.get(step.app) ?? 0) >= wanted) wait.wake()
          }
          await wait.done
          wake = undefined
        }
        used.set(step.app, wanted)
      } else if ('dtmf' in step) {
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
    media.off('app', onApp)
    media.off('hangup', stop)
    own.off('hangup', stop)
  }
}
