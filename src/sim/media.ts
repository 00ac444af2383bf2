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
  /** Sample rate FreeSWITCH reports positions in (8 kHz channels here). */
  found: boolean
}

export interface MediaOptions {
  /** Local streams that exist (name -> file), e.g. moh -> prompts/music/hold.wav. */
  localStreams?: Record<string, string>
  /** Directory that relative file paths are resolved against (FreeSWITCH's sounds dir). */
  soundsDir?: string
}

export class MediaLibrary {
  private readonly wavMs = new Map<string, number | undefined>()

  constructor(private readonly options: MediaOptions = {}) {}

  resolve(spec: string): Media {
    if (spec.startsWith('tone_stream://')) return { kind: 'tone_stream', durationMs: toneStreamMs(spec.slice(14)), found: true }
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
    const ms = this.fileMs(spec)
    return { kind: 'file', durationMs: ms ?? 0, found: ms !== undefined }
  }

  /** Duration of a WAV file in ms, or undefined when it cannot be read. Cached per path. */
  fileMs(file: string): number | undefined {
    const full = path.isAbsolute(file) ? file : path.join(this.options.soundsDir ?? process.cwd(), file)
    if (this.wavMs.has(full)) return this.wavMs.get(full)
    let ms: number | undefined
    try {
      const decoded = wav.decode(fs.readFileSync(full))
      const samples = decoded.channelData[0]?.length ?? 0
      ms = Math.round((samples * 1000) / decoded.sampleRate)
    } catch {
      ms = undefined
    }
    this.wavMs.set(full, ms)
    return ms
  }
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
