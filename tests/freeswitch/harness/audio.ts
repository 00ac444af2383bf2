/**
 * What a party heard, from a WAV FreeSWITCH recorded on their leg: loudness in slices of
 * time, so a test can say "silence from 1.2 s to 9 s" or "a tone all along".
 */
import fs from 'node:fs'
import wav from 'node-wav'

export interface Loudness {
  sampleRate: number
  /** RMS of each slice, 0..1. */
  rms: number[]
  sliceMs: number
}

export function loudness(file: string, sliceMs = 100): Loudness {
  const decoded = wav.decode(fs.readFileSync(file))
  const samples = decoded.channelData[0]!
  const n = Math.round((decoded.sampleRate * sliceMs) / 1000)
  const rms: number[] = []
  for (let i = 0; i + n <= samples.length; i += n) {
    let sum = 0
    for (let j = i; j < i + n; j++) sum += samples[j]! * samples[j]!
    rms.push(Math.sqrt(sum / n))
  }
  return { sampleRate: decoded.sampleRate, rms, sliceMs }
}

/** Below this RMS a slice is silence (-50 dBFS). */
export const SILENCE = 0.003

/** The longest run of silent slices, in ms, between `fromMs` and `toMs` of the recording. */
export function longestSilenceMs(l: Loudness, fromMs = 0, toMs = Infinity): number {
  let best = 0
  let run = 0
  l.rms.forEach((r, i) => {
    const at = i * l.sliceMs
    if (at < fromMs || at >= toMs) return
    run = r < SILENCE ? run + l.sliceMs : 0
    best = Math.max(best, run)
  })
  return best
}
