/**
 * Fault tests say what they injected and what came of it; `npm run chaos` (bench/chaos.ts)
 * runs them with CHAOS_REPORT set to a directory and turns these rows into its table and
 * docs/RELIABILITY.md. Outside that run, reporting does nothing.
 */
import fs from 'node:fs'
import path from 'node:path'

export interface ChaosRow {
  scenario: string
  injected: string
  /** Calls or attempts before the fault, and after recovery (free text with figures). */
  before: string
  after: string
  lost: number
  duplicated: number
  /** From the fault to service again (or to the clean exit, for a stop), ms. */
  recoverMs: number
}

export function reportChaos(row: ChaosRow): void {
  const dir = process.env.CHAOS_REPORT
  if (!dir) return
  fs.mkdirSync(dir, { recursive: true })
  const file = path.join(dir, `${row.scenario.replace(/[^a-z0-9]+/gi, '-').toLowerCase().slice(0, 60)}.json`)
  fs.writeFileSync(file, JSON.stringify(row, null, 2))
}
