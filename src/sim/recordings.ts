/**
 * Recording files the simulator writes where FreeSWITCH would: 8 kHz 16-bit mono WAV,
 * a tone while the far end "speaks", then silence. Writes are tracked by the clock so
 * virtual time does not run past them.
 */
import fs from 'node:fs/promises'
import path from 'node:path'
import wav from 'node-wav'
import type { Clock } from '../time/clock.js'

export class RecordingWriter {
  readonly written = new Map<string, number>()

  constructor(
    private readonly clock: Clock,
    private readonly enabled: boolean,
  ) {}

  write(file: string, ms: number, speechMs: number): void {
    this.written.set(file, ms)
    if (!this.enabled || !path.isAbsolute(file)) return
    void this.clock.track(this.writeWav(file, ms, speechMs)).catch(() => undefined)
  }

  private async writeWav(file: string, ms: number, speechMs: number): Promise<void> {
    const rate = 8000
    const samples = new Float32Array(Math.round((ms * rate) / 1000))
    const toneSamples = Math.min(samples.length, Math.round((speechMs * rate) / 1000))
    for (let i = 0; i < toneSamples; i++) samples[i] = 0.3 * Math.sin((2 * Math.PI * 350 * i) / rate)
    await fs.mkdir(path.dirname(file), { recursive: true })
    await fs.writeFile(file, wav.encode([samples], { sampleRate: rate, float: false, bitDepth: 16 }))
  }
}
