import type { Call } from '../esl/call.js'
import type { Clock } from '../time/clock.js'
import type { CallRegister } from './call-register.js'

/** Keeps the call register in step with a live call: started, answered, ended. */
export function trackCall(call: Call, register: CallRegister, clock: Clock, details: Record<string, unknown> = {}): void {
  register.started({
    callUuid: call.uuid,
    direction: call.direction,
    callerNumber: call.callerNumber,
    callerName: call.callerName,
    destination: call.destination,
    startedAt: new Date(call.startedAt),
    details,
  })
  if (call.answeredAt !== undefined) register.answered(call.uuid, new Date(call.answeredAt))
  call.on('answer', () => register.answered(call.uuid, new Date(call.answeredAt ?? clock.now())))
  void call.finished.then((summary) => {
    if (summary.answeredAt !== undefined) register.answered(call.uuid, new Date(summary.answeredAt))
    // A conversation going on without us: its end is written by whoever watches it (Conversations).
    if (summary.detached) register.note(call.uuid, { detached: true })
    else register.ended(call.uuid, new Date(summary.endedAt), summary.hangupCause)
  })
}
