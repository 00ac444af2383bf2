/**
 * How long FreeSWITCH takes to play something: a WAV file as long as its samples (read
 * with node-wav), `tone_stream://%(on,off,freq...);loops=N` as long as its spec,
 * `silence_stream://ms`, `file_string://a!b`, and `local_stream://name` (hold music)
 * until something breaks it.
 */
import fs from 'node:fs'
import path from 'node:path'
import wav from 'node-wav'

export type MediaKind = 'file' | 'tone_stream' | 'silence_stream' | 'local_stream' | 'file_string'

export interface Media {
  kind: MediaKind
  /** Length in ms; Infinity for streams that play until broken. */
  durationMs: number
  found: boolean
  /** Where a beep (a steady single tone, as an answering machine plays) starts, ms. */
  beepAtMs?: number
  /** The beep's frequency (Hz) and amplitude (16-bit peak) as a detector would measure them. */
  beep?: { frequency: number; amplitude: number }
}

export interface MediaOptions {
  /** Local streams that exist (name -> file), e.g. moh -> prompts/music/hold.wav. */
  localStreams?: Record<string, string>
  /** Directory that relative file paths are resolved against (FreeSWITCH's sounds dir). */
  soundsDir?: string
}

export class MediaLibrary {
  constructor(private readonly options: MediaOptions = {}) {}

  resolve(spec: string): Media {
    if (spec.startsWith('tone_stream://')) {
      return { kind: 'tone_stream', durationMs: toneStreamMs(spec.slice(14)), found: true, ...toneStreamBeep(spec.slice(14)) }
    }
    if (spec.startsWith('silence_stream://')) {
      const ms = Number(spec.slice(17).split(',')[0])
      return { kind: 'silence_stream', durationMs: Number.isFinite(ms) && ms > 0 ? ms : Infinity, found: true }
    }
    if (spec.startsWith('local_stream://')) {
      const name = spec.slice(15).split('/')[0] ?? ''
      return { kind: 'local_stream', durationMs: Infinity, found: (this.options.localStreams ?? { moh: '' })[name] !== undefined }
    }
    if (spec.startsWith('file_string://')) {
      let total = 0
      for (const part of spec.slice(14).split('!')) {
        const m = this.resolve(part)
        if (!m.found) return { kind: 'file_string', durationMs: 0, found: false }
        total += m.durationMs
      }
      return { kind: 'file_string', durationMs: total, found: true }
    }
    const info = this.fileInfo(spec)
    return info ? { kind: 'file', durationMs: info.ms, found: true, ...info.beep } : { kind: 'file', durationMs: 0, found: false }
  }

  /** Duration of a WAV file in ms, or undefined when it cannot be read. Cached per path. */
  fileMs(file: string): number | undefined {
    return this.fileInfo(file)?.ms
  }

  private readonly files = new Map<string, FileInfo | undefined>()

  private fileInfo(file: string): FileInfo | undefined {
    const full = path.isAbsolute(file) ? file : path.join(this.options.soundsDir ?? process.cwd(), file)
    if (this.files.has(full)) return this.files.get(full)
    let info: FileInfo | undefined
    try {
      const decoded = wav.decode(fs.readFileSync(full))
      const samples = decoded.channelData[0] ?? new Float32Array(0)
      info = { ms: Math.round((samples.length * 1000) / decoded.sampleRate), beep: findBeep(samples, decoded.sampleRate) }
    } catch {
      info = undefined
    }
    this.files.set(full, info)
    return info
  }
}

interface FileInfo {
  ms: number
  beep: { beepAtMs: number; beep: { frequency: number; amplitude: number } } | undefined
}

/**
 * Finds a beep the way an answering-machine detector does: at least 100 ms of 20 ms
 * frames with a steady frequency (zero crossings) between 300 and 3000 Hz and a steady,
 * audible amplitude. Speech and music vary too much from frame to frame to qualify.
 */
export function findBeep(samples: Float32Array, rate: number): FileInfo['beep'] {
  const frame = Math.round(rate / 50)
  const need = 5
  let run: Array<{ f: number; a: number }> = []
  for (let start = 0; start + frame <= samples.length; start += frame) {
    let crossings = 0
    let peak = 0
    for (let i = start + 1; i < start + frame; i++) {
      const a = samples[i - 1]!
      const b = samples[i]!
      if ((a < 0 && b >= 0) || (a >= 0 && b < 0)) crossings++
      peak = Math.max(peak, Math.abs(b))
    }
    const f = (crossings * rate) / (2 * frame)
    const prev = run[run.length - 1]
    const steady = prev === undefined || (Math.abs(f - prev.f) <= 0.05 * prev.f && Math.abs(peak - prev.a) <= 0.1 * prev.a)
    if (peak > 0.05 && f >= 300 && f <= 3000 && steady) run.push({ f, a: peak })
    else run = peak > 0.05 && f >= 300 && f <= 3000 ? [{ f, a: peak }] : []
    if (run.length >= need) {
      const frequency = run.reduce((s, x) => s + x.f, 0) / run.length
      const amplitude = Math.round(run[0]!.a * 32767 * 100) / 100
      return { beepAtMs: ((start + frame) * 1000) / rate - (need * frame * 1000) / rate, beep: { frequency, amplitude } }
    }
  }
  return undefined
}

/** A tone stream with a steady single-frequency tone of 100 ms or more is a beep. */
function toneStreamBeep(spec: string): Pick<Media, 'beepAtMs' | 'beep'> {
  let at = 0
  for (const part of spec.split(';')) {
    const seg = /^%\((\d+),(\d+),([\d.]+)\)$/.exec(part.trim())
    if (!seg) continue
    if (Number(seg[1]) >= 100) return { beepAtMs: at, beep: { frequency: Number(seg[3]), amplitude: 16384 } }
    at += Number(seg[1]) + Number(seg[2])
  }
  return {}
}

/**
 * `%(200,100,440)` plays 200 ms of tone and 100 ms of silence; segments separated by `;`;
 * `loops=N` (or `L=N`) repeats the whole, -1 forever.
 */
export function toneStreamMs(spec: string): number {
  let once = 0
  let loops = 1
  for (const part of spec.split(';')) {
    const seg = /^%\((\d+),(\d+)(?:,[\d.,]+)?\)$/.exec(part.trim())
    if (seg) {
      once += Number(seg[1]) + Number(seg[2])
      continue
    }
    const loop = /^(?:loops|L)=(-?\d+)$/.exec(part.trim())
    if (loop) loops = Number(loop[1])
  }
  if (loops < 0) return Infinity
  return once * Math.max(1, loops)
}
