/**
 * What a campaign simulation (simulate.ts) is run with: the campaign, its operators and
 * contacts, the outcome rates and the times calls take, and the defaults for each (a working
 * day of 20,000 contacts and 30 operators).
 */
import { DEFAULT_PREDICTIVE_TUNING, type PredictiveTuning } from '../pacing/predictive.js'
import type { PacingDecision, PacingMode, PacingSnapshot, VicidialSettings } from '../pacing/snapshot.js'

export interface OutcomeMix {
  human: number
  machine: number
  busy: number
  noAnswer: number
  failed: number
}

export interface SimulationConfig {
  mode: PacingMode
  agents: number
  contacts: number
  /** Shares of attempts by outcome (normalised). */
  rates: OutcomeMix
  /** From an hour on, other rates (a sudden change of answer rate mid-day). */
  phases: Array<{ atHour: number; rates: OutcomeMix }>
  ringMeanSeconds: number
  ringCv: number
  ringTimeoutSeconds: number
  amdSeconds: number
  talkMeanSeconds: number
  talkCv: number
  wrapSeconds: number
  /** Operators' pickup after a call is put through to them (0: always-connected, they talk at once). */
  connectMeanSeconds: number
  connectCv: number
  hours: number
  maxAbandonRate: number
  connectWithinSeconds: number
  seed: number
  tickMs: number
  /** Calls at once (out and with operators); 0: four per operator. */
  maxLines: number
  /** New calls per second; 0: no limit. */
  callsPerSecond: number
  maxAttempts: number
  /** Attempts the pacing's estimators see, and handled calls. */
  recentAttempts: number
  recentHandled: number
  /** Epoch ms the day starts at. */
  startAt: number
  tuning: PredictiveTuning
  vicidial: Partial<VicidialSettings>
  /** Sees every pacing decision (tests, tuning). */
  trace?: (at: number, decision: PacingDecision, snapshot: PacingSnapshot) => void
}

export const DEFAULT_SIMULATION: SimulationConfig = {
  mode: 'predictive',
  agents: 30,
  contacts: 20_000,
  rates: { human: 0.3, machine: 0.1, busy: 0.1, noAnswer: 0.4, failed: 0.1 },
  phases: [],
  ringMeanSeconds: 7,
  ringCv: 0.5,
  ringTimeoutSeconds: 30,
  amdSeconds: 3,
  talkMeanSeconds: 120,
  talkCv: 0.8,
  wrapSeconds: 20,
  connectMeanSeconds: 0,
  connectCv: 0.4,
  hours: 8,
  maxAbandonRate: 0.03,
  connectWithinSeconds: 2,
  seed: 1,
  tickMs: 1000,
  maxLines: 0,
  callsPerSecond: 0,
  maxAttempts: 3,
  recentAttempts: 400,
  recentHandled: 200,
  startAt: Date.UTC(2026, 10, 23, 8, 0, 0),
  tuning: DEFAULT_PREDICTIVE_TUNING,
  vicidial: {},
}
