/**
 * What every pacing mode looks at: one snapshot of a campaign, assembled by the dialer each
 * tick (operators from the shared agent states in Redis, calls and recent attempts from
 * Postgres) or by the campaign simulation from its own model. The pacing functions are pure
 * functions of a snapshot and the settings: no I/O, no clock of their own (`now` is in the
 * snapshot), so the dialer and the simulation run exactly the same code.
 */
import type { CampaignSettings } from '../../campaigns/settings.js'
import type { AttemptOutcome } from '../../db/schema/index.js'

/** An operator's state, as in the queue's agent states (`src/queue/store.ts`), logged-out left out. */
export type OperatorState = 'available' | 'ringing' | 'in-call' | 'wrap-up' | 'paused'

export interface OperatorSnapshot {
  state: OperatorState
  /** When the operator entered this state (epoch ms): `AgentSnapshot.since`. */
  since: number
  /** A pause or logout waits for the current call to end (`AgentSnapshot.pending`): not free after it. */
  leaving?: boolean
}

/** A call originated and not yet told apart: ringing, or answered and in answering-machine detection. */
export interface RingingCall {
  /** When the originate went out (epoch ms): `attempts.dialed_at`. */
  dialedAt: number
}

/** A person answered and no operator has the call yet. */
export interface WaitingCall {
  /** When the person answered (epoch ms): `attempts.answered_at`. */
  answeredAt: number
}

/**
 * One attempt told apart: finished (busy, no answer, failed, a machine), or answered by a
 * person (who may still be waiting or talking: the outcome is known at the answer, and
 * counting it only at the end of the talk would hide the newest people).
 */
export interface AttemptSample {
  /** When it was dialled (epoch ms). */
  dialedAt: number
  /** `human`, `completed` and `abandoned` are all people answering. */
  outcome: AttemptOutcome
  /**
   * From the dial to the moment the call was told apart: answered by a person, a machine
   * detected, or the end for busy, no-answer and failed calls.
   */
  ringMs: number
}

/** A call an operator had, ended: the handling time. */
export interface HandledSample {
  talkMs: number
  /** The operator's wrap-up after it (the queue's wrap-up time, when it is fixed). */
  wrapMs: number
  /**
   * From the person answering to them talking with the operator (`connected_at -
   * answered_at`): an operator's phone ringing until picked up, or next to nothing for an
   * always-connected operator. Left out when not recorded.
   */
  connectMs?: number
}

/** People who answered (served or abandoned) and those of them abandoned. */
export interface AbandonCounts {
  humanAnswers: number
  abandoned: number
  /** Attempts finished, whatever their outcome (VICIdial's drop cut-offs wait for 50 calls); the human answers when left out. */
  calls?: number
}

export interface PacingSnapshot {
  /** The moment of the decision (epoch ms). */
  now: number
  /** Logged-in operators of the campaign's queue; an empty list stops dialing. */
  operators: OperatorSnapshot[]
  /** Calls out, not yet answered by a person nor ended. */
  ringing: RingingCall[]
  /** People who answered and wait for an operator. */
  waiting: WaitingCall[]
  /**
   * The campaign's last attempts told apart, in the order they were (the last few hundred):
   * answer rates by outcome and ring times are estimated from them, the newest weighing most.
   */
  recent: AttemptSample[]
  /**
   * The last calls with an operator to end, in the order they ended (a couple of hundred):
   * talk and wrap-up times. By end, not by dial: the calls still on would leave out the
   * long ones.
   */
  handled: HandledSample[]
  /** Since the campaign started. */
  campaign: AbandonCounts
  /** Since midnight (the regulator's period). */
  today: AbandonCounts
}

export type PacingMode = 'progressive' | 'predictive' | 'vicidial-adapt'

export interface PacingDecision {
  /** New calls to start now, on top of the calls already out (pass `perOperator: false` to the claim). */
  dials: number
  /** Why, in a few words, for the log. */
  reason: string
  /** The figures behind the decision, for the log and the tests. */
  detail?: Record<string, number>
}

/** VICIdial's ADAPT_* dial methods (AST_VDadapt.pl). */
export type VicidialMethod = 'ADAPT_HARD_LIMIT' | 'ADAPT_AVERAGE' | 'ADAPT_TAPERED'

export interface VicidialSettings {
  method: VicidialMethod
  /** `adaptive_dropped_percentage`: the day's drops per answered call, in percent. */
  droppedPercentage: number
  /** `adaptive_maximum_level`. */
  maximumLevel: number
  /** `adaptive_intensity`, -40 ... 40. */
  intensity: number
  /** `adaptive_dl_diff_target`: -1 aims at one agent waiting, +1 at one customer waiting. */
  dlDiffTarget: number
  /** `auto_dial_level` the campaign starts at. */
  initialLevel: number
  /** `available_only_ratio_tally`: count only ready agents, not those in a call. */
  availableOnly: boolean
  /** `adaptive_latest_server_time`, HHMM, for ADAPT_TAPERED. */
  latestServerTime: number
  /** The time zone the server's HHMM is read in. */
  timeZone: string
}

export interface PacingSettings {
  /** Abandoned calls per person answering, at most: 0.03 (Ofcom, FTC). */
  maxAbandonRate: number
  /** An answered person must reach an operator this fast or the call is abandoned. */
  connectWithinSeconds: number
  ringTimeoutSeconds: number
  /** Calls of the campaign at once (the dialer's claim applies it too). */
  maxLines: number
  vicidial: VicidialSettings
}

export const DEFAULT_VICIDIAL: VicidialSettings = {
  method: 'ADAPT_HARD_LIMIT',
  droppedPercentage: 3,
  maximumLevel: 3,
  intensity: 0,
  dlDiffTarget: 0,
  initialLevel: 1,
  availableOnly: false,
  latestServerTime: 2100,
  timeZone: 'UTC',
}

export const DEFAULT_MAX_ABANDON_RATE = 0.03

/** Pacing settings from a campaign's settings; the abandon cap and VICIdial's knobs are not campaign settings (yet). */
export function pacingSettings(campaign: Pick<CampaignSettings, 'connectWithinSeconds' | 'ringTimeoutSeconds' | 'maxLines'>, extra: Partial<Omit<PacingSettings, 'vicidial'>> & { vicidial?: Partial<VicidialSettings> } = {}): PacingSettings {
  return {
    maxAbandonRate: extra.maxAbandonRate ?? DEFAULT_MAX_ABANDON_RATE,
    connectWithinSeconds: extra.connectWithinSeconds ?? campaign.connectWithinSeconds,
    ringTimeoutSeconds: extra.ringTimeoutSeconds ?? campaign.ringTimeoutSeconds,
    maxLines: extra.maxLines ?? campaign.maxLines,
    vicidial: { ...DEFAULT_VICIDIAL, ...extra.vicidial },
  }
}

/** People answering: served, completed by a script, or abandoned. */
export function isHumanOutcome(o: AttemptOutcome): boolean {
  return o === 'human' || o === 'completed' || o === 'abandoned'
}

/** Operators who can take a call now and calls that want one (ringing or waiting): progressive's count. */
export function freeOperators(s: PacingSnapshot): number {
  let n = 0
  for (const o of s.operators) if (o.state === 'available' && !o.leaving) n++
  return n
}
