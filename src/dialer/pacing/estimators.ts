/**
 * Estimates the pacing needs, from a snapshot's recent attempts: how dials end (answer rates
 * by outcome), when (ring times by outcome), and how long operators stay with a call (talk
 * and wrap-up, and the connect time from a person answering to them talking with the
 * operator). Recent attempts weigh more (exponential weights by attempt count, so the
 * estimates follow the day's drift), and each estimate starts from a cautious prior that the
 * first attempts soon outweigh: a new campaign is assumed to answer often and talk long,
 * which means fewer calls until the figures say otherwise.
 */
import { isHumanOutcome, type AbandonCounts, type AttemptSample, type HandledSample } from './snapshot.js'
import type { AttemptOutcome } from '../../db/schema/index.js'

export const OUTCOME_CLASSES = ['human', 'machine', 'busy', 'no-answer', 'failed'] as const
export type OutcomeClass = (typeof OUTCOME_CLASSES)[number]
export type OutcomeRates = Record<OutcomeClass, number>

/** How an attempt's outcome counts for pacing: every person answering is `human`. */
export function outcomeClass(o: AttemptOutcome): OutcomeClass {
  if (isHumanOutcome(o)) return 'human'
  return o as Exclude<AttemptOutcome, 'human' | 'completed' | 'abandoned'>
}

/** Weight of each sample (oldest first): halves every `halfLife` attempts back from the newest. */
export function recencyWeights(count: number, halfLife: number): Float64Array {
  const w = new Float64Array(count)
  const k = Math.pow(0.5, 1 / Math.max(1e-9, halfLife))
  let x = 1
  for (let i = count - 1; i >= 0; i--) {
    w[i] = x
    x *= k
  }
  return w
}

export interface RateEstimate {
  rates: OutcomeRates
  /** Weighted attempts behind it (prior excluded). */
  weight: number
}

/** Answer rates by outcome: a Dirichlet prior updated with recency-weighted counts. */
export function estimateOutcomeRates(samples: readonly AttemptSample[], weights: ArrayLike<number>, prior: OutcomeRates, priorWeight: number): RateEstimate {
  const sum: OutcomeRates = { human: 0, machine: 0, busy: 0, 'no-answer': 0, failed: 0 }
  let weight = 0
  for (let i = 0; i < samples.length; i++) {
    const w = weights[i]!
    sum[outcomeClass(samples[i]!.outcome)] += w
    weight += w
  }
  const total = weight + priorWeight
  const rates = { ...sum }
  for (const c of OUTCOME_CLASSES) rates[c] = (sum[c] + priorWeight * prior[c]) / total
  return { rates, weight }
}

/**
 * The share of people answering, estimated twice: slowly (steady) and quickly (a change is
 * seen within a few dozen attempts). Pacing takes the higher: too high means fewer calls,
 * the safe side; too low means people answering to silence.
 */
export function cautiousHumanRate(samples: readonly AttemptSample[], slow: RateEstimate, fastHalfLife: number, prior: OutcomeRates, priorWeight: number, z = 1.5): number {
  const w = recencyWeights(samples.length, fastHalfLife)
  const fast = estimateOutcomeRates(samples, w, prior, priorWeight)
  // The quick estimate's noise: its effective sample size is (sum w)^2 / sum w^2. Only a rise
  // beyond z standard errors counts, so noise does not bias the rate up in a steady day.
  // The prior counts as `priorWeight` attempts of weight 1.
  let s1 = priorWeight
  let s2 = priorWeight
  for (let i = 0; i < w.length; i++) {
    s1 += w[i]!
    s2 += w[i]! * w[i]!
  }
  const n = s2 > 0 ? (s1 * s1) / s2 : 0
  const f = fast.rates.human
  const se = n > 0 ? Math.sqrt((f * (1 - f)) / n) : 0
  return Math.max(slow.rates.human, f - z * se)
}

// ---------------------------------------------------------------------------------------
// Distributions

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 for erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2
  const t = 1 / (1 + 0.3275911 * x)
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x)
  return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y)
}

export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI)
}

/** E[max(X, 0)] for X normal with mean mu and standard deviation sigma. */
export function expectedPositivePart(mu: number, sigma: number): number {
  if (sigma < 1e-9) return Math.max(0, mu)
  const z = mu / sigma
  return mu * normalCdf(z) + sigma * normalPdf(z)
}

const lognormalTables = new Map<string, (x: number) => number>()

/**
 * CDF of a log-normal with the given mean and coefficient of variation (a prior's shape),
 * tabulated once per shape: pacing evaluates priors thousands of times a tick.
 */
export function lognormalCdf(mean: number, cv: number): (x: number) => number {
  const key = `${mean}/${cv}`
  const known = lognormalTables.get(key)
  if (known) return known
  const s2 = Math.log(1 + cv * cv)
  const s = Math.sqrt(s2)
  const mu = Math.log(mean) - s2 / 2
  const exact = (x: number): number => (x <= 0 ? 0 : normalCdf((Math.log(x) - mu) / s))
  const top = Math.exp(mu + 6 * s)
  const size = 4096
  const step = top / size
  const table = new Float64Array(size + 1)
  for (let i = 0; i <= size; i++) table[i] = exact(i * step)
  const f = (x: number): number => {
    if (x <= 0) return 0
    const i = x / step
    if (i >= size) return 1
    const lo = Math.floor(i)
    return table[lo]! + (table[lo + 1]! - table[lo]!) * (i - lo)
  }
  if (lognormalTables.size < 256) lognormalTables.set(key, f)
  return f
}

/**
 * A weighted empirical distribution mixed with a prior of `priorWeight` samples: the CDF
 * is (sum of weights of samples <= x + priorWeight * prior(x)) / (total weight + priorWeight).
 */
export class Distribution {
  private readonly values: Float64Array
  private readonly cum: Float64Array
  readonly weight: number

  constructor(
    values: readonly number[],
    weights: readonly number[],
    private readonly prior: (x: number) => number,
    private readonly priorWeight: number,
  ) {
    const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!)
    this.values = new Float64Array(order.length)
    this.cum = new Float64Array(order.length)
    let c = 0
    order.forEach((i, j) => {
      this.values[j] = values[i]!
      c += weights[i]!
      this.cum[j] = c
    })
    this.weight = c
  }

  cdf(x: number): number {
    const v = this.values
    let lo = 0
    let hi = v.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (v[mid]! <= x) lo = mid + 1
      else hi = mid
    }
    const emp = lo === 0 ? 0 : this.cum[lo - 1]!
    return (emp + this.priorWeight * this.prior(x)) / (this.weight + this.priorWeight)
  }

  survival(x: number): number {
    return Math.max(0, 1 - this.cdf(x))
  }

  /**
   * The smallest x (whole ms) with cdf(x) >= q, prior included: by bisection on the CDF,
   * which a mixture with a log-normal prior has in no closed form.
   */
  quantile(q: number): number {
    if (!(q > 0)) return 0
    if (q >= 1) q = 1 - 1e-9
    // Whole ms on both ends, so the bisection closes in on one.
    let hi = Math.ceil(Math.max(1000, this.values.length > 0 ? this.values[this.values.length - 1]! : 0))
    for (let i = 0; i < 60 && this.cdf(hi) < q; i++) hi *= 2
    let lo = 0
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2)
      if (this.cdf(mid) >= q) hi = mid
      else lo = mid
    }
    return this.cdf(lo) >= q ? lo : hi
  }

  /** Weighted mean of the samples (the prior left out); NaN without samples. */
  mean(): number {
    let s = 0
    let prev = 0
    for (let i = 0; i < this.values.length; i++) {
      s += this.values[i]! * (this.cum[i]! - prev)
      prev = this.cum[i]!
    }
    return s / this.weight
  }
}

// ---------------------------------------------------------------------------------------
// The models pacing uses

export interface EstimatorOptions {
  /** Attempts after which a sample weighs half (steady estimates, distributions). */
  halfLife: number
  /** The same for the quick answer-rate estimate that notices a change. */
  fastHalfLife: number
  /** Cautious starting figures and how many attempts they are worth. */
  priorRates: OutcomeRates
  priorWeight: number
  /** Ring-time priors (mean seconds); no-answer rings until the timeout. */
  priorRingSeconds: Record<Exclude<OutcomeClass, 'no-answer'>, number>
  priorTalkSeconds: number
  priorWrapSeconds: number
  /**
   * Connect-time prior (mean seconds, coefficient of variation): until calls are measured, an
   * operator is taken to be rung and to pick up as a person does, in 1-5 s. An always-connected
   * operator's measured connects (~0.1 s) outweigh it within a few dozen calls.
   */
  priorConnectSeconds: number
  priorConnectCv: number
  /** How many samples a distribution prior is worth. */
  distributionPriorWeight: number
}

export const DEFAULT_ESTIMATOR_OPTIONS: EstimatorOptions = {
  halfLife: 150,
  fastHalfLife: 40,
  priorRates: { human: 0.5, machine: 0.1, busy: 0.1, 'no-answer': 0.2, failed: 0.1 },
  priorWeight: 20,
  priorRingSeconds: { human: 8, machine: 11, busy: 3, failed: 2 },
  priorTalkSeconds: 180,
  priorWrapSeconds: 30,
  priorConnectSeconds: 3,
  priorConnectCv: 0.4,
  distributionPriorWeight: 3,
}

export interface Estimates {
  rates: OutcomeRates
  /** The share of dials a person answers, cautious (the higher of the slow and quick estimates). */
  humanRate: number
  /** Weighted attempts behind the rates. */
  weight: number
  ring: Record<OutcomeClass, Distribution>
  talk: Distribution
  wrap: Distribution
  /** From a person answering to them talking with an operator (the calls that recorded it). */
  connect: Distribution
}

/** Every estimate pacing needs, from the attempts told apart and the calls handled (each oldest first). */
export function estimate(recent: readonly AttemptSample[], handled: readonly HandledSample[], ringTimeoutSeconds: number, o: EstimatorOptions = DEFAULT_ESTIMATOR_OPTIONS): Estimates {
  const weights = recencyWeights(recent.length, o.halfLife)
  const slow = estimateOutcomeRates(recent, weights, o.priorRates, o.priorWeight)
  const humanRate = cautiousHumanRate(recent, slow, o.fastHalfLife, o.priorRates, o.priorWeight)
  const ringValues: Record<OutcomeClass, number[]> = { human: [], machine: [], busy: [], 'no-answer': [], failed: [] }
  const ringWeights: Record<OutcomeClass, number[]> = { human: [], machine: [], busy: [], 'no-answer': [], failed: [] }
  for (let i = 0; i < recent.length; i++) {
    const s = recent[i]!
    const c = outcomeClass(s.outcome)
    ringValues[c].push(s.ringMs)
    ringWeights[c].push(weights[i]!)
  }
  const hw = Array.from(recencyWeights(handled.length, o.halfLife))
  const pw = o.distributionPriorWeight
  const prior = (meanS: number, cv: number): ((x: number) => number) => lognormalCdf(meanS * 1000, cv)
  const ring: Record<OutcomeClass, Distribution> = {
    human: new Distribution(ringValues.human, ringWeights.human, prior(o.priorRingSeconds.human, 0.6), pw),
    machine: new Distribution(ringValues.machine, ringWeights.machine, prior(o.priorRingSeconds.machine, 0.6), pw),
    busy: new Distribution(ringValues.busy, ringWeights.busy, prior(o.priorRingSeconds.busy, 0.6), pw),
    'no-answer': new Distribution(ringValues['no-answer'], ringWeights['no-answer'], prior(ringTimeoutSeconds, 0.05), pw),
    failed: new Distribution(ringValues.failed, ringWeights.failed, prior(o.priorRingSeconds.failed, 0.6), pw),
  }
  return {
    rates: slow.rates,
    humanRate,
    weight: slow.weight,
    ring,
    talk: new Distribution(
      handled.map((h) => h.talkMs),
      hw,
      prior(o.priorTalkSeconds, 1),
      pw,
    ),
    wrap: new Distribution(
      handled.map((h) => h.wrapMs),
      hw,
      prior(o.priorWrapSeconds, 0.5),
      pw,
    ),
    connect: connectTimes(handled, o),
  }
}

/** The connect-time distribution, from the handled calls that recorded one (recency-weighted among them). */
export function connectTimes(handled: readonly HandledSample[], o: EstimatorOptions = DEFAULT_ESTIMATOR_OPTIONS): Distribution {
  const values: number[] = []
  for (const h of handled) if (h.connectMs !== undefined && Number.isFinite(h.connectMs)) values.push(Math.max(0, h.connectMs))
  return new Distribution(values, Array.from(recencyWeights(values.length, o.halfLife)), lognormalCdf(o.priorConnectSeconds * 1000, o.priorConnectCv), o.distributionPriorWeight)
}

/**
 * P(a call ringing for `ringingMs` is answered by a person within the next `withinMs`),
 * given the answer rates and ring times by outcome: the longer a call rings, the likelier it
 * ends in no answer.
 */
export function humanAnswerWithin(e: Estimates, humanRate: number, ringingMs: number, withinMs: number): number {
  const fh = e.ring.human
  const sH = fh.survival(ringingMs)
  let alive = humanRate * sH
  const others = 1 - humanRate
  const restRates = 1 - e.rates.human
  for (const c of OUTCOME_CLASSES) {
    if (c === 'human') continue
    // The other outcomes keep their proportions among what is not a person.
    const p = restRates > 0 ? (e.rates[c] / restRates) * others : others / 4
    alive += p * e.ring[c].survival(ringingMs)
  }
  if (alive <= 1e-12) return 0
  return (humanRate * Math.max(0, fh.cdf(ringingMs + withinMs) - fh.cdf(ringingMs))) / alive
}

/** The abandon budget left: how many more calls may be abandoned now, by the stricter of the campaign's and the day's counts. */
export function abandonBudget(campaign: AbandonCounts, today: AbandonCounts, maxRate: number): { budget: number; used: number } {
  const left = (c: AbandonCounts): number => maxRate * c.humanAnswers - c.abandoned
  const used = (c: AbandonCounts): number => (c.abandoned === 0 ? 0 : c.humanAnswers === 0 ? Number.POSITIVE_INFINITY : c.abandoned / (maxRate * c.humanAnswers))
  return { budget: Math.min(left(campaign), left(today)), used: Math.max(used(campaign), used(today)) }
}

/**
 * P(an operator is free within x) on a grid x = 0, step, 2 step, ... (`points` values), from
 * their state and time in it: in wrap-up, what is left of the wrap-up; in a call, what is
 * left of the talk and then a whole wrap-up. `wrapPmf` is the wrap-up's distribution on the
 * same grid (from `gridPmf`), shared by every operator.
 */
export function freeWithin(e: Estimates, state: 'wrap-up' | 'in-call', elapsedMs: number, step: number, points: number, wrapPmf: GridPmf, out: Float64Array): void {
  if (state === 'wrap-up') {
    const base = e.wrap.cdf(elapsedMs)
    const alive = 1 - base
    for (let j = 0; j < points; j++) out[j] = alive <= 1e-12 ? 1 : Math.max(0, e.wrap.cdf(elapsedMs + j * step) - base) / alive
    return
  }
  const base = e.talk.cdf(elapsedMs)
  const alive = 1 - base
  if (alive <= 1e-12) {
    // Longer than every call seen: it ends any moment, then the wrap-up.
    for (let j = 0; j < points; j++) out[j] = wrapPmf.cdf[j]!
    return
  }
  out.fill(0, 0, points)
  // Free within the grid only after the shortest wrap-up on it.
  const first = wrapPmf.at.length > 0 ? wrapPmf.at[0]! : points
  const ended = new Float64Array(Math.max(0, points - first))
  for (let i = 0; i < ended.length; i++) ended[i] = Math.max(0, e.talk.cdf(elapsedMs + i * step) - base) / alive
  for (let n = 0; n < wrapPmf.at.length; n++) {
    const b = wrapPmf.at[n]!
    const p = wrapPmf.mass[n]!
    for (let j = b; j < points; j++) out[j] = out[j]! + p * ended[j - b]!
  }
}

/** A distribution on a grid: the bins with mass (sparse) and the CDF at each point. */
export interface GridPmf {
  at: Int32Array
  mass: Float64Array
  cdf: Float64Array
}

/** The distribution on the grid 0, step, ..., (points - 1) step; bins lighter than `minMass` are left out. */
export function gridPmf(d: Distribution, step: number, points: number, minMass = 1e-3): GridPmf {
  const at: number[] = []
  const mass: number[] = []
  const cdf = new Float64Array(points)
  let prev = 0
  for (let j = 0; j < points; j++) {
    const c = d.cdf(j * step)
    cdf[j] = c
    const m = c - prev
    if (m >= minMass) {
      at.push(j)
      mass.push(m)
    }
    prev = c
  }
  return { at: Int32Array.from(at), mass: Float64Array.from(mass), cdf }
}
