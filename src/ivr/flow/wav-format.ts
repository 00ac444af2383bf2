/**
 * The format of a WAV file, from its `fmt ` chunk. node-wav decodes samples but does not
 * report the bits per sample, and what FreeSWITCH plays without resampling depends on it.
 */

export interface WavFormat {
  /** 1 = integer PCM, 3 = IEEE float, 0xFFFE = extensible, others are codecs. */
  audioFormat: number
  channels: number
  sampleRate: number
  bitsPerSample: number
  hasData: boolean
}

/** The format, or a sentence saying why this is not a WAV file we can read. */
export function readWavFormat(bytes: Buffer): WavFormat | string {
  if (bytes.length < 12 || bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'WAVE') return 'is not a WAV file (no RIFF/WAVE header)'
  let format: Omit<WavFormat, 'hasData'> | undefined
  let hasData = false
  // Chunks follow the 12-byte header: 4-byte id, 4-byte little-endian size, data padded to even.
  for (let pos = 12; pos + 8 <= bytes.length; ) {
    const id = bytes.toString('latin1', pos, pos + 4)
    const size = bytes.readUInt32LE(pos + 4)
    if (id === 'fmt ') {
      if (size < 16 || pos + 8 + 16 > bytes.length) return "has a truncated 'fmt ' chunk"
      format = {
        audioFormat: bytes.readUInt16LE(pos + 8),
        channels: bytes.readUInt16LE(pos + 10),
        sampleRate: bytes.readUInt32LE(pos + 12),
        bitsPerSample: bytes.readUInt16LE(pos + 22),
      }
    } else if (id === 'data') {
      hasData = true
    }
    pos += 8 + size + (size % 2)
  }
  if (format === undefined) return "has no 'fmt ' chunk"
  return { ...format, hasData }
}
