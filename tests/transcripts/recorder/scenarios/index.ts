/** The recording scenarios, by transcript name (scripts/record-transcript.ts records them). */
import type { RecordingScenario } from '../recording-session.js'
import { avmdPagdBreak } from './avmd-pagd-break.js'
import { bridgeCallerHangup } from './bridge-caller-hangup.js'
import { inboundAuthRetry } from './inbound-auth-retry.js'
import { inboundEventFilters } from './inbound-event-filters.js'
import { pagdDigitTimeout } from './pagd-digit-timeout.js'
import { socketResumeVariable } from './socket-resume-variable.js'
import { transferRingback } from './transfer-ringback.js'

export const SCENARIOS: RecordingScenario[] = [
  bridgeCallerHangup,
  pagdDigitTimeout,
  socketResumeVariable,
  transferRingback,
  inboundEventFilters,
  inboundAuthRetry,
  avmdPagdBreak,
]

export function scenarioNamed(name: string): RecordingScenario | undefined {
  return SCENARIOS.find((s) => s.name === name)
}
