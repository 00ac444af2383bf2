/**
 * The shapes around a simulated channel: the application it runs, media bugs on it, its
 * other leg, what an endpoint module adds to it and the events it emits in-process.
 */
import type { SimChannel } from './channel.js'

export type StopReason = 'hangup' | 'transfer'

/** The application a channel is running now. */
export interface RunningApp {
  name: string
  arg: string
  uuid: string
  controller: AbortController
  /** Set by apps that read DTMF (playback with terminators, play_and_get_digits, record). */
  onDigit?: (digit: string) => void
}

export interface AppOutcome {
  /** Application-Response, `_none_` when the app has nothing to say. */
  response: string
}

/** A media bug on the channel (record_session, uuid_record): stopped at hangup. */
export interface MediaBug {
  path: string
  startedAt: number
  stop(cause: string): void
}

export interface OtherLeg {
  type: 'originator' | 'originatee'
  channel: SimChannel
}

/** What an endpoint module (mod_sofia) adds to a channel's life. */
export interface ChannelEndpoint {
  /** Media is negotiated (early media or answer): codec, rtp_* variables. */
  onMedia(ch: SimChannel): void
  onAnswered(ch: SimChannel): void
  onHangup(ch: SimChannel, cause: string): void
  readonly dtmfSource: 'RTP' | 'UNKNOWN'
}

export interface ChannelEvents {
  dtmf: [digit: string]
  /** An application starts (after its CHANNEL_EXECUTE). */
  app: [name: string]
  /** The channel starts hanging up (before CHANNEL_HANGUP fires). */
  hangingUp: [cause: string]
  /** The far end started talking (audio reaches the channel). */
  speech: []
  progress: []
  answer: []
  hangup: [cause: string]
  /** Before its hangup sequence ends (events fired), for the peer logic. */
  gone: [cause: string]
  /** uuid_break's flag reaches the media loop (media-break.ts). */
  break: []
}
