/**
 * VICIdial's adaptive predictive dialing (dial methods ADAPT_HARD_LIMIT, ADAPT_AVERAGE,
 * ADAPT_TAPERED), re-implemented as the peer we measure our predictive pacing against.
 *
 * Read from VICIdial's source (AGPLv2; nothing copied, the algorithm re-stated):
 *   - bin/AST_VDadapt.pl (v2.4, Matt Florell), `count_agents_lines`, `calculate_drops` and
 *     `calculate_dial_level`: every second (its loop), the campaign's ready agents
 *     (READY/DONE), waiting calls (LIVE in vicidial_auto_calls) and logged-in agents are
 *     sampled; the last 15 samples are averaged. Every 15 seconds the dial level is
 *     recomputed from the differential (avg ready - avg waiting + adaptive_dl_diff_target)
 *     over the average agents: level * (1 + differential / agents), the intensity scaling a
 *     positive differential by (1 + intensity/100) and a negative one by |intensity/100 - 1|,
 *     rounded to 3 decimals, capped at adaptive_maximum_level, at least 1. Then the drop
 *     cut-offs, on drop statistics refreshed every 60 seconds: more than 20 calls in the last
 *     minute with over 50 % of them dropped halves the level; more than 50 calls today with
 *     drops over adaptive_dropped_percentage of today's answers sets it to 1.0
 *     (ADAPT_HARD_LIMIT), halves it (ADAPT_AVERAGE), or scales it by the hours (HHMM
 *     difference / 1000) left to adaptive_latest_server_time (ADAPT_TAPERED; 1.0 past it).
 *     It never goes below 1.0.
 *   - bin/AST_VDauto_dial.pl, how the level becomes calls: goal = level * (READY + INCALL
 *     agents, or READY only with available_only_ratio_tally, + adaptive_dl_diff_target),
 *     rounded with sprintf("%.0f") (half to even); calls to place = goal - calls already
 *     live for the campaign (sent, ringing, waiting, with an agent).
 * Left out: blended inbound, drop-rate groups, the dial-level and available-only
 * thresholds, shared agents across servers, the hopper.
 *
 * Mapping to our states: READY = available; INCALL = in-call or ringing (an operator being
 * rung for a call); wrap-up and paused are VICIdial's PAUSED (a VICIdial agent in
 * disposition is paused). The level and the samples are state the caller keeps between
 * ticks (VICIdial keeps them in vicidial_campaigns and in the script's memory).
 */
import { localTime } from '../../ivr/hours.js'
import type { PacingDecision, PacingSettings, PacingSnapshot } from './snapshot.js'

export interface VicidialState {
  /** auto_dial_level. */
  level: number
  /** (ready, waiting, logged-in) once a second, the last 15. */
  samples: Array<{ ready: number; waiting: number; total: number }>
  /** Loops (seconds) since the dial level was computed, and since the drops were counted. */
  sinceLevel: number
  sinceDrops: number
  /** When the last sample was taken (ms). */
  lastLoopAt: number
  drops: DropStats
  /** What the last dial-level computation said. */
  note: string
}

export interface DropStats {
  callsToday: number
  answersToday: number
  dropsToday: number
  callsOneMinute: number
  dropsOneMinute: number
}

export function vicidialInitialState(settings: PacingSettings): VicidialState {
  // AST_VDadapt.pl starts drop_count_updater at 61, so drops are counted on its first loop.
  return { level: settings.vicidial.initialLevel, samples: [], sinceLevel: 0, sinceDrops: 61, lastLoopAt: Number.NEGATIVE_INFINITY, drops: { callsToday: 0, answersToday: 0, dropsToday: 0, callsOneMinute: 0, dropsOneMinute: 0 }, note: '' }
}

const STAT_SAMPLES = 15
const LEVEL_EVERY = 15
const DROPS_EVERY = 60

/** One tick: the adapt loop (at most once a second) and then the auto-dial count. */
export function vicidialAdaptPacing(s: PacingSnapshot, settings: PacingSettings, state: VicidialState): PacingDecision & { state: VicidialState } {
  const v = settings.vicidial
  let st = state
  if (s.now - st.lastLoopAt >= 1000) st = adaptLoop(s, settings, st)

  if (s.operators.length === 0) return { dials: 0, reason: 'no operator logged in', state: st }
  let ready = 0
  let incall = 0
  for (const o of s.operators) {
    if (o.state === 'available') ready++
    else if (o.state === 'in-call' || o.state === 'ringing') incall++
  }
  const agents = Math.max(0, (v.availableOnly ? ready : ready + incall) + v.dlDiffTarget)
  const goal = roundHalfEven(st.level * agents)
  // Calls live for the campaign: sent and ringing, waiting for an agent, with an agent.
  const existing = s.ringing.length + s.waiting.length + incall
  const dials = Math.max(0, goal - existing)
  return {
    dials,
    reason: `dial level ${st.level.toFixed(3)} x ${agents} agent(s) = ${goal} line(s), ${existing} live${st.note ? `; ${st.note}` : ''}`,
    detail: { level: st.level, agents, goal, existing },
    state: st,
  }
}

/** AST_VDadapt.pl's loop for one campaign: sample, and every 60 / 15 loops the drops / the dial level. */
function adaptLoop(s: PacingSnapshot, settings: PacingSettings, prev: VicidialState): VicidialState {
  const st: VicidialState = { ...prev, samples: [...prev.samples], lastLoopAt: s.now }
  let ready = 0
  for (const o of s.operators) if (o.state === 'available') ready++
  st.samples.push({ ready, waiting: s.waiting.length, total: s.operators.length })
  if (st.samples.length > STAT_SAMPLES) st.samples.splice(0, st.samples.length - STAT_SAMPLES)
  const n = st.samples.length
  const avg = (f: (x: (typeof st.samples)[number]) => number): number => st.samples.reduce((a, x) => a + f(x), 0) / n
  const readyAvg = avg((x) => x.ready)
  const waitingAvg = avg((x) => x.waiting)
  const agentsAvg = avg((x) => x.total)
  if (agentsAvg > 0) {
    if (st.sinceDrops >= DROPS_EVERY) {
      st.drops = dropStats(s)
      st.sinceDrops = 0
    }
    if (st.sinceLevel >= LEVEL_EVERY) {
      const r = calculateDialLevel(st.level, readyAvg - waitingAvg, agentsAvg, st.drops, settings, s.now)
      st.level = r.level
      st.note = r.note
      st.sinceLevel = 0
    }
  }
  st.sinceLevel += 1
  st.sinceDrops += 1
  return st
}

/** `calculate_drops`: today's calls, answers and drops, and the last minute's calls and drops. */
export function dropStats(s: PacingSnapshot): DropStats {
  let callsOneMinute = 0
  let dropsOneMinute = 0
  for (const a of s.recent) {
    if (a.dialedAt > s.now - 60_000) {
      callsOneMinute++
      if (a.outcome === 'abandoned') dropsOneMinute++
    }
  }
  return { callsToday: s.today.calls ?? s.today.humanAnswers, answersToday: s.today.humanAnswers, dropsToday: s.today.abandoned, callsOneMinute, dropsOneMinute }
}

/** `calculate_dial_level`, for one of the ADAPT_* methods. */
export function calculateDialLevel(level: number, differential: number, agentsAverage: number, drops: DropStats, settings: PacingSettings, now: number): { level: number; note: string } {
  const v = settings.vicidial
  const target = differential + v.dlDiffTarget
  const mul = target !== 0 && agentsAverage !== 0 ? target / agentsAverage : 0
  const pctRaw = mul * 100
  const intensityMul = v.intensity / 100
  const intensityDiff = pctRaw < 0 ? pctRaw * Math.abs(intensityMul - 1) : pctRaw * (intensityMul + 1)
  let next = round3(level * (intensityDiff / 100 + 1))
  const notes: string[] = []
  if (next > v.maximumLevel) {
    next = v.maximumLevel
    notes.push('at the maximum level')
  }
  if (next < 1) next = 1
  const pct = (a: number, b: number): number => Math.round((a / b) * 100 * 100) / 100
  const dropsOnePct = drops.callsOneMinute > 0 && drops.dropsOneMinute > 0 ? pct(drops.dropsOneMinute, drops.callsOneMinute) : 0
  if (drops.callsOneMinute > 20 && dropsOnePct > 50) {
    next = next / 2
    notes.push('over 50 % dropped in the last minute: halved')
  }
  const dropsAnswersPct = drops.dropsToday > 0 ? pct(drops.dropsToday, Math.max(1, drops.answersToday)) : 0
  if (drops.callsToday > 50 && dropsAnswersPct > v.droppedPercentage) {
    if (v.method === 'ADAPT_HARD_LIMIT') {
      next = 1
      notes.push(`drops ${dropsAnswersPct} % today over ${v.droppedPercentage} %: hard limit, level 1.0`)
    } else if (v.method === 'ADAPT_AVERAGE') {
      next = next / 2
      notes.push(`drops ${dropsAnswersPct} % today over ${v.droppedPercentage} %: halved`)
    } else {
      const hhmm = serverHhmm(now, v.timeZone)
      const left = v.latestServerTime - hhmm
      const rate = left > 1000 ? 1 : left / 1000
      next = left < 0 ? 1 : next * rate
      notes.push(`drops ${dropsAnswersPct} % today over ${v.droppedPercentage} %: tapered x${round3(left < 0 ? 0 : rate)}`)
    }
  }
  if (next < 1) next = 1
  return { level: round3(next), note: notes.join('; ') }
}

/** The server's time of day as VICIdial writes it, HHMM as a number (15:07 is 1507). */
function serverHhmm(now: number, timeZone: string): number {
  const m = localTime(new Date(now), timeZone).minutes
  return Math.floor(m / 60) * 100 + (m % 60)
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000

/** Perl's sprintf("%.0f"): to the nearest whole number, halves to the even one. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x)
  const d = x - f
  if (Math.abs(d - 0.5) < 1e-9) return f % 2 === 0 ? f : f + 1
  return Math.round(x)
}
