/**
 * The hosts the golden transcripts were recorded on, as the simulator must rebuild them:
 * the audio files (same lengths), the dialplan of the shared recordings' host (README) or
 * the one a transcript made by our recorder names in its meta line, and what each host had
 * installed at the time of a recording.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import wav from 'node-wav'
import type { SipCallOptions } from '../../src/sim/index.js'
import type { DialplanActions } from '../../src/sim/switch.js'

/** Where the recordings' files were (recorded paths were rewritten to it, same length). */
export const RECORDED_ROOT = '/srv/fsw/'
/** The app server's address in the recordings. */
export const RECORDED_APP = '127.0.0.1:8084'

/** The recording host's audio files, rebuilt with the same lengths (8 kHz 16-bit mono), in a new directory. */
export function makeAudioRoot(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fsw-'))
  writeAudioFiles(root)
  return root
}

/** Writes the recording host's audio files under `root` (audio/melody.wav ...; recordings/). */
export function writeAudioFiles(root: string): void {
  const write = (rel: string, ms: number, freq: number, toneMs = ms): void => {
    const n = (ms * 8000) / 1000
    const s = new Float32Array(n)
    for (let i = 0; i < (toneMs * 8000) / 1000; i++) s[i] = 0.3 * Math.sin((2 * Math.PI * freq * i) / 8000)
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true })
    fs.writeFileSync(path.join(root, rel), wav.encode([s], { sampleRate: 8000, float: false, bitDepth: 16 }))
  }
  write('audio/melody.wav', 2000, 523)
  write('audio/beep.wav', 1000, 1000)
  write('audio/moh/hold-music-8s.wav', 8000, 440)
  write('audio/tone1s-silence5s.wav', 6000, 350, 1000)
  fs.mkdirSync(path.join(root, 'recordings'), { recursive: true })
}

/** The recording host's dialplan (README): 5000 socket, 5001 answer+park, 5002 machine, 5003 ringing, 5004 socket+melody. */
export function recordedDialplan(app: string, root: string): (destination: string, context: string) => DialplanActions | undefined {
  return (destination, context) => {
    if (context !== 'default') return undefined
    switch (destination) {
      case '5000':
        return [['socket', `${app} async full`]]
      case '5001':
        return [
          ['answer', ''],
          ['park', ''],
        ]
      case '5002':
        return [
          ['answer', ''],
          ['speak', 'flite|kal|Hello, please leave a message'],
          ['playback', path.join(root, 'audio/beep.wav')],
          ['park', ''],
        ]
      case '5003':
        return [
          ['ring_ready', ''],
          ['sleep', '10000'],
        ]
      case '5004':
        return [
          ['socket', `${app} async full`],
          ['playback', path.join(root, 'audio/melody.wav')],
          ['hangup', ''],
        ]
      default:
        // The host's catch-all: early media, ringing, hold music, then the dialplan ends.
        return [
          ['acknowledge_call', ''],
          ['ring_ready', ''],
          ['playback', 'local_stream://moh'],
        ]
    }
  }
}

/** What the recording host had at the time of each recording. */
export const HOSTS: Record<string, HostOptions> = {
  // Hold music was not installed yet: local_stream://moh answered FILE NOT FOUND.
  'inbound-originate-bridge': { moh: false },
  // sipp -s 5000 ... plays an RFC 2833 digit 1 s after its ACK.
  'outbound-sipp-rfc2833-dtmf': {
    sipCall: {
      from: 'sipp',
      to: '5000',
      profile: 'internal',
      subject: 'ESL test with RFC2833 DTMF',
      script: { steps: [{ app: 'answer' }, { wait: 1150 }, { dtmf: '1' }] },
    },
  },
}

/** What a transcript's host had, for the simulator to rebuild. */
export interface HostOptions {
  /** Hold music exists on the host (it did not yet in some recordings). */
  moh?: boolean
  /** A SIP call placed at the start (the sipp recording has no fs_cli originate). */
  sipCall?: SipCallOptions
}

/**
 * The dialplan a transcript made by our recorder names in its meta line (number ->
 * applications, as recorded: 127.0.0.1:8084 and /srv/fsw/), for the simulator's app
 * address and audio root. Undefined for the shared recordings, which have none.
 */
export function metaDialplan(meta: Record<string, unknown>, app: string, root: string): ((destination: string, context: string) => DialplanActions | undefined) | undefined {
  const plan = meta.dialplan as Record<string, Array<[string, string?]>> | undefined
  if (!plan) return undefined
  const local = (s: string): string => s.split(RECORDED_APP).join(app).split(RECORDED_ROOT).join(`${root}/`)
  return (destination, context) => {
    const actions = context === 'default' ? plan[destination] : undefined
    return actions?.map(([a, d]) => [a, local(d ?? '')])
  }
}
