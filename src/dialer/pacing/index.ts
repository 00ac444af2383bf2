/**
 * Pacing modes side by side, each a pure function of a snapshot (`snapshot.ts`) and the
 * settings: how many calls to start now, and why. The dialer and the campaign simulation
 * (`src/dialer/simulation`) call the same functions.
 */
import { predictivePacing, DEFAULT_PREDICTIVE_TUNING, type PredictiveTuning } from './predictive.js'
import { progressivePacing } from './progressive.js'
import type { PacingDecision, PacingMode, PacingSettings, PacingSnapshot } from './snapshot.js'
import { vicidialAdaptPacing, vicidialInitialState, type VicidialState } from './vicidial-adapt.js'

export * from './snapshot.js'
export { predictivePacing, DEFAULT_PREDICTIVE_TUNING, type PredictiveTuning } from './predictive.js'
export { progressivePacing } from './progressive.js'
export { dialsWanted, type PacingInput } from './dials-wanted.js'
export { calculateDialLevel, dropStats, roundHalfEven, vicidialAdaptPacing, vicidialInitialState, type DropStats, type VicidialState } from './vicidial-adapt.js'

/**
 * A campaign's pacing across ticks: the mode and the little state VICIdial's method keeps
 * (its dial level); the other modes keep none. One per campaign (per dialer instance that
 * paces it).
 */
export class Pacer {
  private vicidial: VicidialState | undefined

  constructor(
    readonly mode: PacingMode,
    private readonly tuning: PredictiveTuning = DEFAULT_PREDICTIVE_TUNING,
  ) {}

  decide(s: PacingSnapshot, settings: PacingSettings): PacingDecision {
    switch (this.mode) {
      case 'progressive':
        return progressivePacing(s)
      case 'predictive':
        return predictivePacing(s, settings, this.tuning)
      case 'vicidial-adapt': {
        const r = vicidialAdaptPacing(s, settings, this.vicidial ?? vicidialInitialState(settings))
        this.vicidial = r.state
        return { dials: r.dials, reason: r.reason, detail: r.detail }
      }
    }
  }
}
