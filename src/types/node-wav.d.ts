// node-wav ships no types; this is the part of its API we use.
declare module 'node-wav' {
  export interface Decoded {
    sampleRate: number
    channelData: Float32Array[]
  }
  export interface EncodeOptions {
    sampleRate: number
    float?: boolean
    bitDepth?: number
  }
  export function decode(buffer: Buffer): Decoded
  export function encode(channelData: Float32Array[], options: EncodeOptions): Buffer
  const wav: { decode: typeof decode; encode: typeof encode }
  export default wav
}
