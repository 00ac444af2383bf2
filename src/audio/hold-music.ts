/**
 * Our own hold music, synthesised (no licensing questions): a slow I-vi-IV-V progression
 * of soft electric-piano chords with a walking bass, 8 kHz mono, made to loop seamlessly.
 */
const RATE = 8000

function note(out: Float32Array, startS: number, lengthS: number, freq: number, gain: number): void {
  const start = Math.floor(startS * RATE)
  const n = Math.floor(lengthS * RATE)
  for (let i = 0; i < n && start + i < out.length; i++) {
    const t = i / RATE
    // Fast attack, exponential decay: a plucked, piano-like tone with a soft overtone.
    const env = Math.min(1, t / 0.01) * Math.exp(-2.2 * t)
    const v = Math.sin(2 * Math.PI * freq * t) + 0.25 * Math.sin(4 * Math.PI * freq * t)
    out[start + i]! += gain * env * v
  }
}

const hz = (midi: number): number => 440 * 2 ** ((midi - 69) / 12)

/** `bars` bars of 4 beats at `bpm`; the result loops without a click. */
export function holdMusic(bars = 8, bpm = 84): Float32Array {
  const beat = 60 / bpm
  const out = new Float32Array(Math.round(bars * 4 * beat * RATE))
  // C major, A minor, F major, G major (MIDI notes of the chord, then its bass).
  const chords: Array<[number[], number]> = [
    [[60, 64, 67], 48],
    [[57, 60, 64], 45],
    [[53, 57, 60], 41],
    [[55, 59, 62], 43],
  ]
  for (let bar = 0; bar < bars; bar++) {
    const [notes, bass] = chords[bar % chords.length]!
    const t0 = bar * 4 * beat
    for (const [i, m] of notes.entries()) note(out, t0 + i * 0.03, 4 * beat, hz(m), 0.12)
    for (let b = 0; b < 4; b++) note(out, t0 + b * beat, beat, hz(bass + (b === 2 ? 7 : 0)), 0.18)
    note(out, t0 + 2 * beat, 2 * beat, hz(notes[2]! + 12), 0.07)
  }
  // Fade the last 50 ms into the first so the loop is seamless.
  const fade = Math.round(0.05 * RATE)
  for (let i = 0; i < fade; i++) out[out.length - fade + i]! *= 1 - i / fade
  let peak = 0
  for (const v of out) peak = Math.max(peak, Math.abs(v))
  for (let i = 0; i < out.length; i++) out[i]! *= 0.6 / (peak || 1)
  return out
}
