/**
 * Outcomes of call-control commands as values, not exceptions (esl-lite's style): a
 * command either completes, finds the call already gone, or is refused by FreeSWITCH.
 */
import type { EslEvent } from './event.js'

/** FreeSWITCH reported CHANNEL_EXECUTE_COMPLETE for the application we started. */
export interface Completion {
  readonly app: string
  /** `Application-Response`, e.g. `FILE PLAYED`, `_none_`, `PLAYBACK ERROR`. */
  readonly response: string
  readonly event: EslEvent
}

/** The call hung up (or its socket closed) before or while the command ran. */
export class CallEnded {
  readonly kind = 'call-ended' as const
  constructor(
    /** Hangup cause, e.g. `NORMAL_CLEARING`, or `CONNECTION_LOST` when the socket closed first. */
    readonly cause: string,
    /** The completion FreeSWITCH still sent for a command cut short by the hangup, if any. */
    readonly completion?: Completion,
  ) {}
}

/** FreeSWITCH answered the command with `-ERR ...`, or the command could not be built. */
export class CommandFailed {
  readonly kind = 'command-failed' as const
  constructor(
    readonly command: string,
    readonly reply: string,
  ) {}
}

export type Outcome<T> = T | CallEnded | CommandFailed

export const isEnded = (v: unknown): v is CallEnded => v instanceof CallEnded
export const isFailed = (v: unknown): v is CommandFailed => v instanceof CommandFailed
/** True when the value is neither CallEnded nor CommandFailed. */
export const isOk = <T>(v: Outcome<T>): v is T => !(v instanceof CallEnded) && !(v instanceof CommandFailed)
