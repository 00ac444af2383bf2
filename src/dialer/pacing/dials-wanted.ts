/**
 * How many calls a campaign wants to be dialling, by its mode: agentless fills its lines,
 * progressive dials one call per free operator (the claim subtracts calls not yet with one),
 * preview dials only when an operator asks. Pure. The predictive mode asks the Pacer (index.ts)
 * instead; it is counted here as progressive for callers without a snapshot.
 */
import type { DialMode } from '../../campaigns/settings.js'

export interface PacingInput {
  mode: DialMode
  maxLines: number
  /** Operators of the campaign's queue available now. */
  operatorsFree: number
}

export function dialsWanted(p: PacingInput): number {
  switch (p.mode) {
    case 'agentless':
      return p.maxLines
    case 'progressive':
    case 'predictive':
      return p.operatorsFree
    case 'preview':
      return 0
  }
}
