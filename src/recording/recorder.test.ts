import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import wav from 'node-wav'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { realClock } from '../time/clock.js'
import { CallRecorder } from './recorder.js'

/** A recorder over a scratch directory; inspect() reads files only (no database). */
function recorderIn(): { recorder: CallRecorder; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rec-'))
  const recorder = new CallRecorder({ db: undefined as never, directory: dir, log: pino({ level: 'silent' }), clock: realClock })
  return { recorder, dir }
}

/** One second of 8 kHz mono audio, as a complete WAV file. */
const oneSecond = (): Buffer => Buffer.from(wav.encode([new Float32Array(8000).fill(0.1)], { sampleRate: 8000, float: false, bitDepth: 16 }))

describe('CallRecorder.inspect', () => {
  it('reads the duration, size and rate of a finished WAV file', async () => {
    const { recorder, dir } = recorderIn()
    fs.writeFileSync(path.join(dir, 'a.wav'), oneSecond())
    expect(await recorder.inspect('a.wav')).toEqual({ durationMs: 1000, sizeBytes: 16044, sampleRate: 8000 })
  })

  it('waits while the header still says no audio but the file holds some (FreeSWITCH writing it), then reads it whole', async () => {
    const { recorder, dir } = recorderIn()
    const complete = oneSecond()
    const writing = Buffer.from(complete)
    writing.writeUInt32LE(0, 40) // the data chunk's size, filled in last
    const file = path.join(dir, 'b.wav')
    fs.writeFileSync(file, writing)
    setTimeout(() => fs.writeFileSync(file, complete), 350)
    expect(await recorder.inspect('b.wav')).toMatchObject({ durationMs: 1000 })
  })

  it('gives up (undefined) on a file whose header never gets its size, and takes an empty recording for what it is', async () => {
    const { recorder, dir } = recorderIn()
    const writing = oneSecond()
    writing.writeUInt32LE(0, 40)
    fs.writeFileSync(path.join(dir, 'c.wav'), writing)
    expect(await recorder.inspect('c.wav', 3)).toBeUndefined()
    fs.writeFileSync(path.join(dir, 'd.wav'), Buffer.from(wav.encode([new Float32Array(0)], { sampleRate: 8000, float: false, bitDepth: 16 })))
    expect(await recorder.inspect('d.wav', 3)).toEqual({ durationMs: 0, sizeBytes: 44, sampleRate: 8000 })
    expect(await recorder.inspect('missing.wav', 2)).toBeUndefined()
  })
})
