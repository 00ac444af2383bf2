/**
 * An api command on whichever switch is connected, for what acts on a conversation from the
 * console (call-control.ts, transfer.ts): FreeSWITCH's refusal and a missing switch told apart.
 */
import type { ApiResult, ControlClient } from '../esl/control-client.js'
import { CommandFailed } from '../esl/results.js'

export interface SwitchError {
  error: 'switch-unavailable' | 'switch-refused'
  message: string
}

export async function onSwitch(controls: ControlClient[], command: string, timeoutMs?: number): Promise<ApiResult | SwitchError> {
  const c = controls.find((x) => x.isUp)
  if (!c) return { error: 'switch-unavailable', message: 'no FreeSWITCH is connected' }
  const r = await c.api(command, timeoutMs)
  const verb = command.split(' ')[0]
  if (r instanceof CommandFailed) return { error: 'switch-unavailable', message: `${verb}: ${r.reply}` }
  if (!r.ok) return { error: 'switch-refused', message: `${verb}: ${r.text.replace(/^-ERR\s*/, '')}` }
  return r
}

/** A conference's name, without its profile (room@profile). */
export function roomName(room: string): string {
  return room.split('@')[0]!
}
