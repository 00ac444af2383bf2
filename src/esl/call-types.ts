/**
 * What a Call takes and gives: the requests of its typed applications and their results,
 * its events, and its summary once it is over (src/esl/call.ts).
 */
import type { EslEvent } from './event.js'
import type { Completion } from './results.js'

export interface DtmfPress {
  digit: string
  durationMs: number
  source: string
}

export interface CallEvents {
  dtmf: [DtmfPress]
  answer: []
  hangup: [cause: string]
  'execute-complete': [Completion]
  bridge: [otherLegUuid: string | undefined]
  unbridge: []
  /** Every event, for code that needs something the typed events do not carry. */
  event: [EslEvent]
}

export interface CallSummary {
  uuid: string
  hangupCause: string
  startedAt: number
  answeredAt: number | undefined
  endedAt: number
  /** The CHANNEL_HANGUP_COMPLETE event when FreeSWITCH sent one (not in static socket mode). */
  final: EslEvent | undefined
  /**
   * Our socket went while the call was bridged to someone: the conversation goes on without
   * us (FreeSWITCH keeps the bridge), and nobody here knows yet when it ends.
   */
  detached: boolean
}

export interface CallOptions {
  /**
   * Whether FreeSWITCH goes on with the dialplan (its fallback) when our socket goes while
   * the call is in our hands: the handshake set `socket_resume=true` (default true). Bridges
   * switch it off for the time of a conversation, so that it never depends on this process.
   */
  resumeOnLoss?: boolean
}

export interface DigitsRequest {
  min: number
  max: number
  tries: number
  /** Time to wait for the first digit after the prompt, ms. */
  timeoutMs: number
  /** Digits that end input early, e.g. '#'. */
  terminators?: string
  prompt: string
  invalidPrompt?: string
  /** Regular expression the digits must match (no spaces). */
  regex?: string
  /** Time allowed between digits, ms. */
  digitTimeoutMs?: number
}

export interface DigitsResult {
  /** The digits entered, '' when none were accepted. */
  digits: string
  /** FreeSWITCH's `read_result`: success, failure or timeout. */
  result: string
  completion: Completion
}

export interface PlaybackResult {
  response: string
  /** The terminator digit that stopped the playback, if one did. */
  terminator: string | undefined
  completion: Completion
}

export interface RecordRequest {
  path: string
  maxSeconds: number
  /** Energy below which audio counts as silence (FreeSWITCH default 200). */
  silenceThreshold?: number
  /** Seconds of silence that end the recording. */
  silenceSeconds?: number
}

export interface RecordResult {
  path: string
  ms: number
  silenceStopped: boolean
  /** The caller hung up to end the recording (the usual end of a voice message). */
  hungUp: boolean
  completion: Completion
}

export interface BridgeResult {
  ok: boolean
  /** originate_disposition: SUCCESS, USER_BUSY, NO_ANSWER, USER_NOT_REGISTERED ... */
  disposition: string
  /** DIALSTATUS: SUCCESS, BUSY, NOANSWER ... */
  dialStatus: string
  /** Why the bridged leg ended (success) or why it failed. */
  cause: string
  /**
   * This call hung up to end it: FreeSWITCH reports the hangup before the bridge's completion,
   * so a conversation the caller ends still reads as the bridge that it was.
   */
  hungUp: boolean
  completion: Completion
}
