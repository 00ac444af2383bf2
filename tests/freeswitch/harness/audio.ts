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

/**
 * How strong each frequency is in a recording (Goertzel), as RMS amplitude 0..1 of that
 * component: a pure tone at full scale reads ~0.7; a tone that is not there, close to 0.
 */
export function toneLevels(file: string, frequencies: number[], fromMs = 0, toMs = Infinity): Record<number, number> {
  const decoded = wav.decode(fs.readFileSync(file))
  const all = decoded.channelData[0]!
  const rate = decoded.sampleRate
  const samples = all.subarray(Math.round((fromMs * rate) / 1000), Number.isFinite(toMs) ? Math.round((toMs * rate) / 1000) : all.length)
  const out: Record<number, number> = {}
  for (const f of frequencies) out[f] = samples.length === 0 ? 0 : (Math.sqrt(Math.max(0, goertzelPower(samples, rate, f))) * Math.SQRT2) / samples.length
  return out
}

/** Goertzel's power of one frequency over `samples` (unscaled: N²/4 for a full-scale tone). */
export function goertzelPower(samples: Float32Array, rate: number, freq: number): number {
  const coeff = 2 * Math.cos((2 * Math.PI * freq) / rate)
  let s1 = 0
  let s2 = 0
  for (const x of samples) {
    const s0 = x + coeff * s1 - s2
    s2 = s1
    s1 = s0
  }
  return s1 * s1 + s2 * s2 - coeff * s1 * s2
}

/** A WAV file holding a pure tone (a fake microphone for the browser), 16-bit mono. */
export function writeTone(file: string, hz: number, seconds = 10, rate = 48_000, amplitude = 0.5): void {
  const data = new Float32Array(seconds * rate)
  for (let i = 0; i < data.length; i++) data[i] = amplitude * Math.sin((2 * Math.PI * hz * i) / rate)
  fs.writeFileSync(file, wav.encode([data], { sampleRate: rate, float: false, bitDepth: 16 }))
}
