/**
 * The pacing modes on crafted snapshots: pure functions, so each case is a snapshot and the
 * settings, and the decision is checked against what the situation calls for.
 */
import { describe, expect, it } from 'vitest'
import { calculateDialLevel, DEFAULT_VICIDIAL, dialsWanted, Pacer, pacingSettings, predictivePacing, progressivePacing, roundHalfEven, vicidialAdaptPacing, vicidialInitialState, type AttemptSample, type HandledSample, type OperatorSnapshot, type PacingSettings, type PacingSnapshot } from '../../src/dialer/pacing/index.js'
import type { AttemptOutcome } from '../../src/db/schema/index.js'
import { cautiousHumanRate, estimateOutcomeRates, recencyWeights, DEFAULT_ESTIMATOR_OPTIONS } from '../../src/dialer/pacing/estimators.js'

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0)
const SETTINGS: PacingSettings = pacingSettings({ connectWithinSeconds: 2, ringTimeoutSeconds: 30, maxLines: 200 })

/** Attempts (oldest first) with the given share of people answering, spread evenly (no randomness). */
function history(n: number, human: number, endAt = NOW - 1000): AttemptSample[] {
  const out: AttemptSample[] = []
  for (let i = 0; i < n; i++) {
    const u = (i * 0.6180339887498949) % 1
    let outcome: AttemptOutcome
    let ringMs: number
    if (u < human) [outcome, ringMs] = ['human', 4000 + (i % 7) * 1000]
    else if (u < human + 0.1) [outcome, ringMs] = ['machine', 9000 + (i % 5) * 1000]
    else if (u < human + 0.2) [outcome, ringMs] = ['busy', 2000]
    else if (u < human + 0.3) [outcome, ringMs] = ['failed', 1500]
    else [outcome, ringMs] = ['no-answer', 30_000]
    out.push({ dialedAt: endAt - (n - i) * 300, outcome, ringMs })
  }
  return out
}

/** Calls with operators who talk at once (always-connected: the contact joins their open line). */
function handled(n = 200): HandledSample[] {
  return Array.from({ length: n }, (_, i) => ({ talkMs: 60_000 + (i % 13) * 10_000, wrapMs: 20_000, connectMs: 50 + (i % 5) * 20 }))
}

/** A busy team: a few free, some in wrap-up, the rest in calls of various lengths. */
function team(free: number, wrap: number, inCall: number): OperatorSnapshot[] {
  const ops: OperatorSnapshot[] = []
  for (let i = 0; i < free; i++) ops.push({ state: 'available', since: NOW - 5000 })
  for (let i = 0; i < wrap; i++) ops.push({ state: 'wrap-up', since: NOW - 12_000 - (i % 6) * 1000 })
  for (let i = 0; i < inCall; i++) ops.push({ state: 'in-call', since: NOW - 10_000 - (i * 7919) % 150_000 })
  return ops
}

function snapshot(over: Partial<PacingSnapshot> = {}): PacingSnapshot {
  return {
    now: NOW,
    operators: team(2, 4, 24),
    ringing: [],
    waiting: [],
    recent: history(400, 0.3),
    handled: handled(),
    campaign: { humanAnswers: 1000, abandoned: 10, calls: 3300 },
    today: { humanAnswers: 1000, abandoned: 10, calls: 3300 },
    ...over,
  }
}

const predictive = (s: PacingSnapshot, settings = SETTINGS): number => predictivePacing(s, settings).dials

describe('every mode', () => {
  it('starts no call when no operator is logged in, whatever else the snapshot says', () => {
    const s = snapshot({ operators: [] })
    for (const mode of ['progressive', 'predictive', 'vicidial-adapt'] as const) {
      const pacer = new Pacer(mode)
      // A VICIdial level high from earlier ticks must not survive the last operator leaving.
      if (mode === 'vicidial-adapt') for (let t = 0; t < 40; t++) pacer.decide(snapshot({ now: NOW - 40_000 + t * 1000, operators: team(10, 0, 20) }), SETTINGS)
      const d = pacer.decide(s, SETTINGS)
      expect(d.dials, mode).toBe(0)
    }
    expect(predictivePacing(s, SETTINGS).reason).toMatch(/no operator/)
  })

  it('does not change the snapshot it is given and decides the same twice', () => {
    const s = snapshot({ ringing: [{ dialedAt: NOW - 3000 }] })
    const copy = structuredClone(s)
    const a = predictivePacing(s, SETTINGS)
    const b = predictivePacing(s, SETTINGS)
    expect(s).toEqual(copy)
    expect(a).toEqual(b)
  })
})

describe('progressive', () => {
  it('dials one call per free operator, less the calls already out for them', () => {
    expect(progressivePacing(snapshot({ operators: team(5, 3, 10) })).dials).toBe(5)
    expect(progressivePacing(snapshot({ operators: team(5, 3, 10), ringing: [{ dialedAt: NOW - 1000 }, { dialedAt: NOW - 2000 }], waiting: [{ answeredAt: NOW - 500 }] })).dials).toBe(2)
    expect(progressivePacing(snapshot({ operators: team(1, 3, 10), ringing: [{ dialedAt: NOW }, { dialedAt: NOW }] })).dials).toBe(0)
  })

  it('does not count an operator who is leaving after the call, nor a paused one', () => {
    const ops: OperatorSnapshot[] = [
      { state: 'available', since: NOW, leaving: true },
      { state: 'paused', since: NOW },
      { state: 'available', since: NOW },
    ]
    expect(progressivePacing(snapshot({ operators: ops })).dials).toBe(1)
  })

  it('dialsWanted: predictive without a snapshot counts as progressive; agentless fills its lines; preview waits', () => {
    expect(dialsWanted({ mode: 'predictive', maxLines: 10, operatorsFree: 3 })).toBe(3)
    expect(dialsWanted({ mode: 'progressive', maxLines: 10, operatorsFree: 3 })).toBe(3)
    expect(dialsWanted({ mode: 'agentless', maxLines: 10, operatorsFree: 0 })).toBe(10)
    expect(dialsWanted({ mode: 'preview', maxLines: 10, operatorsFree: 3 })).toBe(0)
  })
})

describe('predictive', () => {
  it('with a healthy history dials more calls than there are free operators', () => {
    const s = snapshot()
    const d = predictivePacing(s, SETTINGS)
    expect(progressivePacing(s).dials).toBe(2)
    expect(d.dials).toBeGreaterThan(2)
    // ...but not wildly more: about the people expected to find an operator, at 30 % answering.
    expect(d.dials).toBeLessThan(40)
  })

  it('stops when every operator is paused', () => {
    const ops: OperatorSnapshot[] = Array.from({ length: 5 }, () => ({ state: 'paused', since: NOW - 1000 }))
    expect(predictive(snapshot({ operators: ops }))).toBe(0)
  })

  it('falls back to progressive when the abandon budget is spent, by the campaign or by the day', () => {
    const spentCampaign = snapshot({ campaign: { humanAnswers: 1000, abandoned: 31 } })
    const d = predictivePacing(spentCampaign, SETTINGS)
    expect(d.dials).toBe(progressivePacing(spentCampaign).dials)
    expect(d.reason).toMatch(/budget spent.*progressive/)
    // Campaign fine, today over the cap (the regulator counts per day).
    const spentToday = snapshot({ today: { humanAnswers: 200, abandoned: 7 } })
    expect(predictive(spentToday)).toBe(progressivePacing(spentToday).dials)
    // Exactly at the cap counts as spent too.
    const atCap = snapshot({ campaign: { humanAnswers: 1000, abandoned: 30 } })
    expect(predictive(atCap)).toBe(progressivePacing(atCap).dials)
    // With the budget spent and calls out, no call beyond one per free operator.
    const busy = snapshot({ campaign: { humanAnswers: 1000, abandoned: 40 }, ringing: [{ dialedAt: NOW - 1000 }, { dialedAt: NOW - 2000 }] })
    expect(predictive(busy)).toBe(0)
  })

  it('dials fewer calls as the budget is used up', () => {
    const fresh = predictive(snapshot({ campaign: { humanAnswers: 1000, abandoned: 0 }, today: { humanAnswers: 1000, abandoned: 0 } }))
    const most = predictive(snapshot({ campaign: { humanAnswers: 1000, abandoned: 27 }, today: { humanAnswers: 1000, abandoned: 27 } }))
    expect(fresh).toBeGreaterThan(most)
  })

  it('starts a new campaign cautiously: no history and no answers yet is progressive', () => {
    const s = snapshot({ recent: [], handled: [], campaign: { humanAnswers: 0, abandoned: 0 }, today: { humanAnswers: 0, abandoned: 0 } })
    const d = predictivePacing(s, SETTINGS)
    expect(d.dials).toBe(progressivePacing(s).dials)
    // A few minutes in, with a little history, it dials ahead, but less than with a day's.
    const young = snapshot({ recent: history(60, 0.3), handled: handled(10), campaign: { humanAnswers: 40, abandoned: 0 }, today: { humanAnswers: 40, abandoned: 0 } })
    const old = snapshot({ campaign: { humanAnswers: 1000, abandoned: 0 }, today: { humanAnswers: 1000, abandoned: 0 } })
    expect(predictive(young)).toBeLessThan(predictive(old))
  })

  it('follows the share of people answering: more people answering per dial, fewer dials', () => {
    const at = (h: number): number => predictive(snapshot({ recent: history(400, h) }))
    const low = at(0.15)
    const mid = at(0.3)
    const high = at(0.5)
    expect(low).toBeGreaterThan(mid)
    expect(mid).toBeGreaterThan(high)
  })

  it('answers a sudden rise of people answering within a few dozen attempts: fewer calls than the day average says', () => {
    // 340 attempts at 20 %, then the last 60 at 50 %: the day's average is about 25 %.
    const shifted = [...history(340, 0.2, NOW - 20_000), ...history(60, 0.5)]
    const steady = history(400, 0.245)
    const s = predictive(snapshot({ recent: shifted }))
    const st = predictive(snapshot({ recent: steady }))
    expect(s).toBeLessThan(st)
  })

  it('counts the calls already out: more ringing, fewer new dials; people waiting, fewer still', () => {
    const none = predictive(snapshot())
    const ringing = (n: number): PacingSnapshot['ringing'] => Array.from({ length: n }, (_, i) => ({ dialedAt: NOW - 500 * i }))
    const two = predictive(snapshot({ ringing: ringing(2) }))
    const four = predictive(snapshot({ ringing: ringing(4) }))
    expect(two).toBeLessThan(none)
    expect(four).toBeLessThan(two)
    const waiting = predictive(snapshot({ ringing: ringing(2), waiting: [{ answeredAt: NOW - 500 }, { answeredAt: NOW - 800 }] }))
    expect(waiting).toBeLessThan(two)
  })

  it('a call ringing long is likelier a no-answer: it holds back fewer dials than a fresh one', () => {
    const fresh = Array.from({ length: 10 }, () => ({ dialedAt: NOW - 1000 }))
    const stale = Array.from({ length: 10 }, () => ({ dialedAt: NOW - 25_000 }))
    expect(predictive(snapshot({ ringing: stale }))).toBeGreaterThan(predictive(snapshot({ ringing: fresh })))
  })

  it('dials more when operators are about to be free (late in wrap-up) than when all are early in long calls', () => {
    const soon: OperatorSnapshot[] = Array.from({ length: 20 }, () => ({ state: 'wrap-up', since: NOW - 15_000 }))
    const late: OperatorSnapshot[] = Array.from({ length: 20 }, () => ({ state: 'in-call', since: NOW - 1000 }))
    expect(predictive(snapshot({ operators: soon }))).toBeGreaterThan(predictive(snapshot({ operators: late })))
  })

  it('a tighter cap means fewer calls', () => {
    const s = snapshot({ campaign: { humanAnswers: 1000, abandoned: 5 }, today: { humanAnswers: 1000, abandoned: 5 } })
    const loose = predictive(s, { ...SETTINGS, maxAbandonRate: 0.05 })
    const tight = predictive(s, { ...SETTINGS, maxAbandonRate: 0.01 })
    expect(loose).toBeGreaterThan(tight)
  })
})

describe('estimators', () => {
  it('weigh the newest attempts most', () => {
    const w = recencyWeights(4, 1)
    expect(Array.from(w)).toEqual([0.125, 0.25, 0.5, 1])
  })

  it('the cautious rate sees a rise but is not pushed up by noise in a steady day', () => {
    const o = DEFAULT_ESTIMATOR_OPTIONS
    const steady = history(400, 0.3)
    const slow = estimateOutcomeRates(steady, recencyWeights(400, o.halfLife), o.priorRates, o.priorWeight)
    const r = cautiousHumanRate(steady, slow, o.fastHalfLife, o.priorRates, o.priorWeight)
    expect(r).toBeCloseTo(slow.rates.human, 6)
    expect(r).toBeGreaterThan(0.28)
    expect(r).toBeLessThan(0.33)
    const risen = [...history(340, 0.3), ...history(60, 0.7)]
    const slow2 = estimateOutcomeRates(risen, recencyWeights(400, o.halfLife), o.priorRates, o.priorWeight)
    expect(cautiousHumanRate(risen, slow2, o.fastHalfLife, o.priorRates, o.priorWeight)).toBeGreaterThan(slow2.rates.human + 0.05)
  })
})

describe('vicidial-adapt (AST_VDadapt.pl ADAPT_* methods)', () => {
  const drops = (callsToday: number, answersToday: number, dropsToday: number, callsOneMinute = 0, dropsOneMinute = 0) => ({ callsToday, answersToday, dropsToday, callsOneMinute, dropsOneMinute })
  const withMethod = (method: typeof DEFAULT_VICIDIAL.method, extra: Partial<typeof DEFAULT_VICIDIAL> = {}): PacingSettings => ({ ...SETTINGS, vicidial: { ...DEFAULT_VICIDIAL, method, ...extra } })

  it('raises the level by the differential of ready agents over waiting calls, per agent', () => {
    // 3 ready on average more than waiting calls, over 10 agents: +30 %.
    expect(calculateDialLevel(1.5, 3, 10, drops(0, 0, 0), SETTINGS, NOW).level).toBe(1.95)
    // More calls waiting than agents ready: down, never below 1.0.
    expect(calculateDialLevel(1.5, -2, 10, drops(0, 0, 0), SETTINGS, NOW).level).toBe(1.2)
    expect(calculateDialLevel(1.1, -5, 10, drops(0, 0, 0), SETTINGS, NOW).level).toBe(1)
    // Capped at adaptive_maximum_level.
    expect(calculateDialLevel(2.8, 10, 10, drops(0, 0, 0), SETTINGS, NOW).level).toBe(3)
  })

  it('intensity scales a rise up and a fall down', () => {
    const s = withMethod('ADAPT_HARD_LIMIT', { intensity: 20 })
    expect(calculateDialLevel(1.5, 2, 10, drops(0, 0, 0), s, NOW).level).toBe(1.86) // +20 % * 1.2
    expect(calculateDialLevel(2, -2, 10, drops(0, 0, 0), s, NOW).level).toBe(1.68) // -20 % * 0.8
  })

  it('drop cut-offs: hard limit to 1.0, average halves, tapered scales by the hours left; none before 50 calls', () => {
    const over = drops(200, 100, 5) // 5 % of answers dropped
    expect(calculateDialLevel(2, 0, 10, over, withMethod('ADAPT_HARD_LIMIT'), NOW).level).toBe(1)
    expect(calculateDialLevel(3, 0, 10, over, withMethod('ADAPT_AVERAGE'), NOW).level).toBe(1.5)
    // 12:00 UTC, latest 16:00: 400 "HHMM" left of 1000 -> x0.4, never below 1.0.
    expect(calculateDialLevel(3, 0, 10, over, withMethod('ADAPT_TAPERED', { latestServerTime: 1600 }), NOW).level).toBe(1.2)
    expect(calculateDialLevel(3, 0, 10, over, withMethod('ADAPT_TAPERED', { latestServerTime: 2300 }), NOW).level).toBe(3)
    // Under 50 calls today: no cut-off yet.
    expect(calculateDialLevel(2, 0, 10, drops(40, 20, 5), withMethod('ADAPT_HARD_LIMIT'), NOW).level).toBe(2)
    // Under the percentage: none.
    expect(calculateDialLevel(2, 0, 10, drops(200, 100, 2), withMethod('ADAPT_HARD_LIMIT'), NOW).level).toBe(2)
    // Over half of more than 20 calls in the last minute dropped: halved.
    expect(calculateDialLevel(3, 0, 10, drops(30, 10, 0, 25, 13), withMethod('ADAPT_HARD_LIMIT'), NOW).level).toBe(1.5)
  })

  it('turns the level into calls: level x (ready + in-call agents) less the live calls, rounded half to even', () => {
    expect(roundHalfEven(2.5)).toBe(2)
    expect(roundHalfEven(3.5)).toBe(4)
    expect(roundHalfEven(2.4)).toBe(2)
    const st = { ...vicidialInitialState(SETTINGS), level: 2, lastLoopAt: NOW }
    // 4 ready + 6 in a call = 10 agents, goal 20 lines; 6 with agents, 5 ringing, 1 waiting: 8 to dial.
    const s = snapshot({ operators: team(4, 2, 6), ringing: Array.from({ length: 5 }, () => ({ dialedAt: NOW - 1000 })), waiting: [{ answeredAt: NOW }] })
    const d = vicidialAdaptPacing(s, SETTINGS, st)
    expect(d.detail).toMatchObject({ agents: 10, goal: 20, existing: 12 })
    expect(d.dials).toBe(8)
  })

  it('over ticks: the level climbs while agents stand ready, and the hard limit brings it back to 1.0', () => {
    const pacer = new Pacer('vicidial-adapt')
    let last = 0
    for (let t = 0; t < 62; t++) last = pacer.decide(snapshot({ now: NOW + t * 1000, operators: team(5, 0, 5), campaign: { humanAnswers: 100, abandoned: 0 }, today: { humanAnswers: 100, abandoned: 0, calls: 300 } }), SETTINGS).dials
    // 5 ready of 10 for a minute: the level has gone up at each 15 s recomputation.
    expect(last).toBeGreaterThan(5)
    // Drops over 3 % of the day's answers; counted at the next 60 s drop count, then the level resets.
    let d = 0
    for (let t = 62; t < 62 + 80; t++) d = pacer.decide(snapshot({ now: NOW + t * 1000, operators: team(5, 0, 5), campaign: { humanAnswers: 100, abandoned: 10 }, today: { humanAnswers: 100, abandoned: 10, calls: 300 } }), SETTINGS).dials
    expect(d).toBe(5)
  })
})
