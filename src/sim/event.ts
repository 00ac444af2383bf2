/**
 * Events as the simulator builds them: an ordered list of headers (FreeSWITCH keeps
 * insertion order, and the same header may appear twice, e.g. Hangup-Cause in
 * CHANNEL_HANGUP_COMPLETE) and an optional body (a BACKGROUND_JOB's result). Rendered
 * as `text/event-plain` (URL-encoded values) or `text/event-json` exactly as the
 * transcripts in ../shared/esl-transcripts show.
 */
import { fsUrlEncode } from '../esl/url-encoding.js'

export type HeaderList = Array<[string, string]>

export class SimEvent {
  constructor(
    readonly name: string,
    readonly headers: HeaderList,
    readonly body?: string,
  ) {}

  get(name: string): string | undefined {
    for (const [k, v] of this.headers) if (k === name) return v
    return undefined
  }

  /** The body of a `text/event-plain` message. */
  plain(): string {
    let out = ''
    for (const [k, v] of this.headers) out += `${k}: ${fsUrlEncode(v)}\n`
    if (this.body === undefined) return `${out}\n`
    return `${out}Content-Length: ${Buffer.byteLength(this.body)}\n\n${this.body}`
  }

  /** The body of a `text/event-json` message: one object, values not encoded, no trailing LF. */
  json(): string {
    const parts: string[] = []
    for (const [k, v] of this.headers) parts.push(`${JSON.stringify(k)}:${jsonValue(v)}`)
    if (this.body !== undefined) {
      parts.push(`"Content-Length":${JSON.stringify(String(Buffer.byteLength(this.body)))}`)
      parts.push(`"_body":${JSON.stringify(this.body)}`)
    }
    return `{${parts.join(',')}}`
  }

  private framed: { plain?: string; json?: string } = {}

  /** The whole framed message, ready for the socket (rendered once per format). */
  frame(format: 'plain' | 'json'): string {
    const cached = this.framed[format]
    if (cached !== undefined) return cached
    const body = format === 'json' ? this.json() : this.plain()
    return (this.framed[format] = `Content-Length: ${Buffer.byteLength(body)}\nContent-Type: text/event-${format}\n\n${body}`)
  }
}

/** FreeSWITCH renders `ARRAY::a|:b` variables as JSON arrays. */
function jsonValue(v: string): string {
  if (v.startsWith('ARRAY::')) return JSON.stringify(v.slice(7).split('|:'))
  return JSON.stringify(v)
}

/** Where FreeSWITCH fires each event (Event-Calling-File/Function/Line-Number), as recorded. */
export const EVENT_ORIGINS: Record<string, [string, string, number]> = {
  BACKGROUND_JOB: ['mod_event_socket.c', 'api_exec', 1569],
  'BACKGROUND_JOB:console': ['mod_commands.c', 'bgapi_exec', 5423],
  CHANNEL_ANSWER: ['switch_channel.c', 'switch_channel_perform_mark_answered', 3848],
  CHANNEL_BRIDGE: ['switch_ivr_bridge.c', 'switch_ivr_multi_threaded_bridge', 1689],
  CHANNEL_DATA: ['mod_event_socket.c', 'parse_command', 2018],
  CHANNEL_EXECUTE: ['switch_core_session.c', 'switch_core_session_exec', 2949],
  CHANNEL_EXECUTE_COMPLETE: ['switch_core_session.c', 'switch_core_session_exec', 2972],
  CHANNEL_HANGUP: ['switch_channel.c', 'switch_channel_perform_hangup', 3447],
  CHANNEL_HANGUP_COMPLETE: ['switch_core_state_machine.c', 'switch_core_session_reporting_state', 943],
  CHANNEL_ORIGINATE: ['switch_core_state_machine.c', 'switch_core_session_run', 632],
  CHANNEL_PARK: ['switch_ivr.c', 'switch_ivr_park', 1002],
  CHANNEL_PROGRESS: ['switch_channel.c', 'switch_channel_perform_mark_ring_ready_value', 3507],
  CHANNEL_PROGRESS_MEDIA: ['switch_channel.c', 'switch_channel_perform_mark_pre_answered', 3562],
  CHANNEL_STATE: ['switch_channel.c', 'switch_channel_perform_set_running_state', 2409],
  CHANNEL_UNBRIDGE: ['switch_ivr_bridge.c', 'switch_ivr_multi_threaded_bridge', 1879],
  CHANNEL_UNPARK: ['switch_ivr.c', 'switch_ivr_park', 1213],
  CUSTOM: ['mod_avmd.c', 'avmd_fire_event', 700],
  DTMF: ['switch_channel.c', 'switch_channel_dequeue_dtmf', 678],
  PLAYBACK_START: ['switch_ivr_play_say.c', 'switch_ivr_play_file', 1649],
  PLAYBACK_STOP: ['switch_ivr_play_say.c', 'switch_ivr_play_file', 2023],
  RECORD_START: ['switch_ivr_play_say.c', 'switch_ivr_record_file_event', 770],
  RECORD_STOP: ['switch_ivr_play_say.c', 'switch_ivr_record_file_event', 1033],
  // A media bug (record_session, uuid_record) fires from switch_ivr_async.c instead.
  'RECORD_START:bug': ['switch_ivr_async.c', 'record_callback', 1482],
  'RECORD_STOP:bug': ['switch_ivr_async.c', 'send_record_stop_event', 1241],
  'CHANNEL_EXECUTE:uuid_bridge': ['switch_ivr_bridge.c', 'uuid_bridge_on_soft_execute', 1236],
}

/**
 * Event types that carry the channel's variables (`variable_*`): switch_channel.c adds
 * "extended data" only to these. DTMF and CHANNEL_STATE carry none (as recorded).
 */
export const EVENTS_WITH_VARIABLES = new Set([
  'CHANNEL_ORIGINATE',
  'CHANNEL_UUID',
  'CHANNEL_ANSWER',
  'CHANNEL_PARK',
  'CHANNEL_UNPARK',
  'CHANNEL_BRIDGE',
  'CHANNEL_UNBRIDGE',
  'CHANNEL_PROGRESS',
  'CHANNEL_PROGRESS_MEDIA',
  'CHANNEL_HANGUP',
  'CHANNEL_HANGUP_COMPLETE',
  'CHANNEL_DATA',
  'CHANNEL_EXECUTE',
  'CHANNEL_EXECUTE_COMPLETE',
  'CHANNEL_DESTROY',
  'API',
  'RECORD_START',
  'RECORD_STOP',
  'PLAYBACK_START',
  'PLAYBACK_STOP',
  'CHANNEL_HOLD',
  'CHANNEL_UNHOLD',
  'CUSTOM',
])
