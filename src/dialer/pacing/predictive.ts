/**
 * Predictive pacing: start more calls than there are free operators, betting on who will
 * answer and on who will soon be free, while people answering to silence (abandoned calls)
 * stay under the cap.
 *
 * Over the next ring timeout (on a grid of half seconds), two counts are forecast:
 *   - A(x), operators free by now + x: the free ones; those in wrap-up by what is left of
 *     it; those in a call by what is left of the talk plus a wrap-up (the handling-time
 *     distributions, given time in state); paused and leaving operators count for nothing.
 *   - H(x), people answering by now + x: those waiting already; each ringing call by the
 *     chance it is a person answering within x, given how long it has rung (answer rates
 *     and ring times by outcome); and each new dial, P(person) * F_ring(x).
 * A person answering at x talks with the operator the connect time c after both are there
 * (the operator's phone rings until picked up; an always-connected operator's line takes
 * them at once), and is abandoned unless that is by x + connectWithin: so when no operator
 * is free by x + g, with the grace g = connectWithin - c (c a high quantile of the connect
 * times measured, never below 0). When c leaves no grace (g under half a grid step), no
 * bet on an operator coming free can be won: the pacing is progressive. Otherwise the
 * expected abandons of the calls out are about max_x E[(H(x) - A(x + g))^+], each count
 * a sum of independent Bernoulli variables taken as normal. Dials are added one at a time
 * while the next one's added expected abandons, per expected person it brings, stay within
 * an allowance, and the expected abandons of all the calls out stay within what is left of
 * the abandon budget (cap * people answered - abandoned, the stricter of the campaign's and
 * the day's). The allowance shrinks as the budget is used up; when it is spent the pacing
 * is progressive (one call per free operator, which never abandons) until people answering
 * earn it back. A new campaign has no budget yet (no one answered), so it starts
 * progressive, and its estimates start from cautious priors.
 */
import { abandonBudget, DEFAULT_ESTIMATOR_OPTIONS, estimate, freeWithin, gridPmf, type EstimatorOptions } from './estimators.js'
import { progressivePacing } from './progressive.js'
import type { PacingDecision, PacingSettings, PacingSnapshot } from './snapshot.js'

export interface PredictiveTuning {
  /** The forecast's grid, ms. */
  stepMs: number
  /**
   * The allowance: the marginal dial's added expected abandons per expected person may be
   * `allowance * maxAbandonRate * (1 - budget used) ^ budgetExponent`.
   */
  allowance: number
  budgetExponent: number
  /** 'value': a dial is worth its abandon risk when it saves `secondsPerAbandon` operator idle seconds per expected abandon. */
  rule: 'threshold' | 'value' | 'fluid'
  fluidFactor: number
  fluidHorizonMs: number
  secondsPerAbandon: number
  /** A dial must save at least this many operator idle seconds over the forecast. */
  minGainSeconds: number
  /** Share of the budget left that the calls out may put at risk (expected abandons). */
  budgetShare: number
  /** At most this many calls out per operator not paused. */
  maxCallsPerOperator: number
  /** The quantile of the connect times taken off the grace (a high one: most people must make it). */
  connectQuantile: number
  estimator: EstimatorOptions
}

export const DEFAULT_PREDICTIVE_TUNING: PredictiveTuning = {
  stepMs: 500,
  allowance: 3,
  rule: 'value',
  fluidFactor: 1,
  fluidHorizonMs: 10_000,
  secondsPerAbandon: 200,
  minGainSeconds: 0.2,
  budgetExponent: 1,
  budgetShare: 0.5,
  maxCallsPerOperator: 4,
  connectQuantile: 0.9,
  estimator: DEFAULT_ESTIMATOR_OPTIONS,
}

export function predictivePacing(s: PacingSnapshot, settings: PacingSettings, tuning: PredictiveTuning = DEFAULT_PREDICTIVE_TUNING): PacingDecision {
  const progressive = progressivePacing(s)
  if (s.operators.length === 0) return progressive
  const { budget, used } = abandonBudget(s.campaign, s.today, settings.maxAbandonRate)
  const step = tuning.stepMs
  const e = estimate(s.recent, s.handled, settings.ringTimeoutSeconds, tuning.estimator)
  const connectMs = e.connect.quantile(tuning.connectQuantile)
  const graceMs = Math.max(0, settings.connectWithinSeconds * 1000 - connectMs)
  const graceSteps = Math.round(graceMs / step)
  if (graceSteps === 0) {
    return { ...progressive, reason: `connect time ~${round(connectMs / 1000, 1)}s leaves no grace within ${settings.connectWithinSeconds}s: progressive`, detail: { ...progressive.detail, connectMs, graceMs } }
  }
  const demandPoints = Math.ceil((settings.ringTimeoutSeconds * 1000) / step) + 1
  const supplyPoints = demandPoints + graceSteps
  const p = e.humanRate

  // Supply: operators free by x, each by its own chance (1 for the free ones).
  const supply: Float64Array[] = []
  let sure = 0
  const wrapPmf = gridPmf(e.wrap, step, supplyPoints)
  let working = 0
  for (const o of s.operators) {
    if (o.state === 'paused') continue
    working++
    if (o.leaving) continue
    if (o.state === 'available') {
      sure++
      continue
    }
    const q = new Float64Array(supplyPoints)
    freeWithin(e, o.state === 'wrap-up' ? 'wrap-up' : 'in-call', o.state === 'ringing' ? 0 : Math.max(0, s.now - o.since), step, supplyPoints, wrapPmf, q)
    if (q[supplyPoints - 1]! > EPS) supply.push(q)
  }
  if (working === 0) return { dials: 0, reason: 'every operator paused' }

  // Demand: people answering by x, from the ringing calls (the waiting ones count at once).
  const demand: Float64Array[] = []
  const fh = e.ring.human
  const others = 1 - p
  const restRates = 1 - e.rates.human
  for (const c of s.ringing) {
    const r = Math.max(0, s.now - c.dialedAt)
    const base = fh.cdf(r)
    let alive = p * (1 - base)
    for (const k of ['machine', 'busy', 'no-answer', 'failed'] as const) alive += (restRates > 0 ? (e.rates[k] / restRates) * others : others / 4) * e.ring[k].survival(r)
    if (alive <= 1e-12) continue
    const h = new Float64Array(demandPoints)
    for (let j = 0; j < demandPoints; j++) h[j] = (p * Math.max(0, fh.cdf(r + j * step) - base)) / alive
    if (h[demandPoints - 1]! > EPS) demand.push(h)
  }
  // A new dial.
  const n = new Float64Array(demandPoints)
  for (let j = 0; j < demandPoints; j++) n[j] = p * fh.cdf(j * step)

  // At each x: the distribution of people answering by x, and E[(t - operators free by x + g)^+] for each t.
  const people: Count[] = []
  const shortfall: Shortfall[] = []
  let freeSoon = sure
  let answeringSoon = s.waiting.length
  const now: Shortfall[] = []
  // Operators free by x, for x on the whole supply grid: `now` reads it at x, `shortfall` at x + g.
  const freeBy: Shortfall[] = []
  for (let k = 0; k < supplyPoints; k++) freeBy.push(shortfallOf(countOf(supply, k, sure)))
  for (let j = 0; j < demandPoints; j++) {
    people.push(countOf(demand, j, s.waiting.length))
    shortfall.push(freeBy[j + graceSteps]!)
    now.push(freeBy[j]!)
  }
  // Operators idle at x: E[(A(x) - H(x))^+] = E[A] - E[H] + E[(H - A)^+]; a dial adds n(x) to E[H].
  const unserved = people.map((h, j) => expectedShortfall(h, now[j]!))
  /** Operator idle seconds over the forecast that the last dial added saves. */
  const gain = (): number => {
    let g = 0
    for (let j = 0; j < demandPoints; j++) {
      const u = expectedShortfall(people[j]!, now[j]!)
      g += n[j]! - (u - unserved[j]!)
      unserved[j] = u
    }
    return (g * step) / 1000
  }
  for (const q of supply) freeSoon += q[supplyPoints - 1]!
  for (const h of demand) answeringSoon += h[demandPoints - 1]!
  /** Expected abandons of the calls out, as the worst over x of E[(people by x - operators free by x + g)^+]. */
  const risk = (): number => {
    let worst = 0
    for (let j = 0; j < demandPoints; j++) {
      const r = expectedShortfall(people[j]!, shortfall[j]!)
      if (r > worst) worst = r
    }
    return worst
  }
  const addDial = (): void => {
    for (let j = 0; j < demandPoints; j++) addBernoulli(people[j]!, n[j]!)
  }

  const r0 = risk()
  const detail = { humanRate: round(p, 3), connectMs, graceMs: graceSteps * step, freeSoon: round(freeSoon, 2), answeringSoon: round(answeringSoon, 2), risk: round(r0, 3), budget: round(budget, 2), progressive: progressive.dials }
  if (!(used < 1) || budget - r0 <= 0) {
    return { dials: progressive.dials, reason: `abandon budget spent (${round(budget, 2)} left, ${round(r0, 2)} at risk): progressive`, detail }
  }
  const allowance = tuning.allowance * settings.maxAbandonRate * Math.pow(1 - used, tuning.budgetExponent)
  const cap = Math.max(progressive.dials, Math.ceil(tuning.maxCallsPerOperator * working) - s.ringing.length - s.waiting.length)
  const atRisk = tuning.budgetShare * budget
  let k = 0
  let prev = r0
  if (tuning.rule === 'fluid') {
    const hj = Math.min(demandPoints - 1, Math.round(tuning.fluidHorizonMs / step))
    let ea = sure
    for (const q of supply) ea += q[hj + graceSteps]!
    let eh = s.waiting.length
    for (const h of demand) eh += h[hj]!
    const want = Math.max(progressive.dials, Math.floor((tuning.fluidFactor * ea - eh) / Math.max(0.01, n[hj]!)))
    return { dials: Math.min(cap, want), reason: 'fluid', detail }
  }
  const price = tuning.secondsPerAbandon / Math.pow(Math.max(1e-6, 1 - used), tuning.budgetExponent)
  while (k < cap) {
    addDial()
    const next = risk()
    const saved = gain()
    const worth = tuning.rule === 'value' ? saved >= tuning.minGainSeconds && saved >= price * (next - prev) : next - prev <= allowance * p
    if (k + 1 > progressive.dials && (!worth || next > atRisk)) break
    k++
    prev = next
  }
  return {
    dials: k,
    reason: k > progressive.dials ? `predictive: ${k} call(s), ~${round(freeSoon, 1)} operator(s) free within ${settings.ringTimeoutSeconds + (graceSteps * step) / 1000}s, P(person) ${round(p, 2)}` : k > 0 ? `predictive: ${k} call(s), as progressive` : 'predictive: enough calls out',
    detail: { ...detail, dials: k, riskAfter: round(prev, 3), allowance: round(allowance, 4) },
  }
}

const EPS = 1e-6

/** A count that is a sum of independent Bernoulli variables: a sure part and a distribution over the rest. */
interface Count {
  sure: number
  /** P(sure + i), i = 0 ... length - 1. */
  p: Float64Array
  length: number
}

/** The count of successes at grid point j of a set of per-point chances, plus a sure part. */
function countOf(chances: Float64Array[], j: number, sure: number): Count {
  let p = new Float64Array(chances.length + 1 + 8)
  p[0] = 1
  const c: Count = { sure, p, length: 1 }
  for (const q of chances) {
    const x = q[j]!
    if (x <= EPS) continue
    if (x >= 1 - EPS) {
      c.sure++
      continue
    }
    if (c.length >= p.length) {
      const bigger = new Float64Array(p.length * 2)
      bigger.set(p)
      p = bigger
      c.p = p
    }
    addBernoulli(c, x)
  }
  return c
}

/** Adds one Bernoulli(x) to the count, in place; the negligible tail is dropped. */
function addBernoulli(c: Count, x: number): void {
  if (x <= EPS) return
  if (c.length >= c.p.length) {
    const bigger = new Float64Array(c.p.length * 2)
    bigger.set(c.p)
    c.p = bigger
  }
  const p = c.p
  p[c.length] = 0
  for (let i = c.length; i > 0; i--) p[i] = p[i]! * (1 - x) + p[i - 1]! * x
  p[0] = p[0]! * (1 - x)
  c.length++
  while (c.length > 1 && p[c.length - 1]! < 1e-12) c.length--
}

/** E[(t - A)^+] for whole t, from A's distribution: t * P(A < t) - E[A; A < t]. */
interface Shortfall {
  sure: number
  /** Over A's spread: cdf[i] = P(A <= sure + i), partial[i] = E[(A - sure); A <= sure + i]. */
  cdf: Float64Array
  partial: Float64Array
  mean: number
}

function shortfallOf(a: Count): Shortfall {
  const cdf = new Float64Array(a.length)
  const partial = new Float64Array(a.length)
  let c = 0
  let m = 0
  for (let i = 0; i < a.length; i++) {
    c += a.p[i]!
    m += i * a.p[i]!
    cdf[i] = c
    partial[i] = m
  }
  return { sure: a.sure, cdf, partial, mean: m }
}

/** E[(H - A)^+] for independent counts H and A. */
function expectedShortfall(h: Count, a: Shortfall): number {
  let e = 0
  const n = a.cdf.length
  for (let i = 0; i < h.length; i++) {
    const ph = h.p[i]!
    if (ph < 1e-15) continue
    // t - A = (h.sure + i - a.sure) - (A - a.sure): positive where A - a.sure < d.
    const d = h.sure + i - a.sure
    if (d <= 0) continue
    const below = Math.min(d - 1, n - 1)
    e += ph * (d * a.cdf[below]! - a.partial[below]!)
  }
  return e
}

const round = (x: number, d: number): number => Math.round(x * 10 ** d) / 10 ** d
