/**
 * Campaign simulation: a discrete-event model of an outbound campaign, paced by exactly the
 * pacing functions the dialer calls (`src/dialer/pacing`), each tick, on snapshots built the
 * way the dialer builds them. It shares the pacing code, not the telephony path: no
 * FreeSWITCH, ESL, Postgres or Redis, so a working day of 20,000 contacts runs in seconds.
 *
 * The model:
 *   - Contacts are dialled fresh first, then their retries as they fall due (as the claim
 *     orders them). Each attempt draws its outcome from the rates in force (person, machine,
 *     busy, no answer, failed) and its times from a generator of its own (see random.ts).
 *   - A person answers after a log-normal ring time (mean --ring-mean); one that would ring
 *     past the ring timeout is a no-answer. A machine answers after a ring time of the same
 *     kind and is told apart by answering-machine detection --amd seconds later, then hung
 *     up; people are told apart at the answer. Busy signals come after 1-4 s, failures after
 *     0.5-3 s, no-answers at the ring timeout. Machines and no-answers never take an operator.
 *   - A person answering goes to the operator free longest; with none free within
 *     connectWithin (2 s) the call is abandoned. The operator talks after a connect time:
 *     none for an always-connected operator (the default), or a log-normal pickup (mean
 *     connectMeanSeconds) for one whose phone rings, who is 'ringing' meanwhile; a pickup
 *     that would come after answer + connectWithin is cut off there (the queue cancels the
 *     ring) and the call is abandoned. Operators talk a log-normal time (mean --talk-mean,
 *     cv --talk-cv), then wrap up for --wrap seconds, then are free.
 *   - Retries: busy, no-answer, machine, failed and abandoned attempts are tried again after
 *     the campaign's retry delays, up to maxAttempts; the per-day limit and calling windows
 *     are left out (hours are working hours back to back). Each retry draws anew.
 *   - The pacing ticks every second (the dialer's busy tick); its dials are capped by the
 *     campaign's lines (calls out and with operators) and calls per second, like the claim.
 *
 * What a run is given, and its defaults, is in config.ts.
 */
import { DEFAULT_RETRY_MINUTES } from '../../campaigns/settings.js'
import type { AttemptOutcome } from '../../db/schema/index.js'
import { Pacer } from '../pacing/index.js'
import { pacingSettings, type AttemptSample, type HandledSample, type OperatorState, type PacingMode, type PacingSnapshot } from '../pacing/snapshot.js'
import { DEFAULT_SIMULATION, type OutcomeMix, type SimulationConfig } from './config.js'
import { EventQueue } from './events.js'
import { generator, hash32, lognormal, uniform } from './random.js'
import { RetryHeap } from './retry-heap.js'

export interface SimulationResult {
  mode: PacingMode
  agents: number
  seed: number
  /** Operator talk time / logged-in time. */
  talkShare: number
  /** (talk + wrap-up) / logged-in time. */
  occupancy: number
  /** Abandoned / people answering. */
  abandonRate: number
  /** The worst of the hours (by answer time) in which someone answered. */
  maxAbandonRateAnyHour: number
  callsPlaced: number
  humanAnswers: number
  abandoned: number
  /** Contacts an operator talked to. */
  contactsCompleted: number
  /** Contacts whose attempts ran out without reaching them. */
  contactsFailed: number
  /** Contacts still to be called (pending, or a retry not yet due) at the end. */
  contactsLeft: number
  /** Hours until every contact was done (reached or out of attempts); null when the list outlasted the run. */
  listDoneAtHour: number | null
  simulatedHours: number
  /** Mean time an operator waits between the end of a wrap-up and the next call. */
  meanWaitBetweenCallsSec: number
  /** 95th percentile of the time from a person answering to an operator taking the call. */
  p95AnswerToAgentMs: number
  wallSeconds: number
}

type Phase = 'ringing' | 'waiting' | 'connecting' | 'talking' | 'done'

interface Call {
  contact: number
  attempt: number
  dialedAt: number
  answeredAt: number
  phase: Phase
  sample: AttemptSample | undefined
  talkMs: number
  wrapMs: number
  /** The operator's pickup once the call is put through to them. */
  connectMs: number
}

interface Agent {
  state: OperatorState
  since: number
}

export function simulate(partial: Partial<SimulationConfig> = {}): SimulationResult {
  const c: SimulationConfig = { ...DEFAULT_SIMULATION, ...partial }
  const wallStart = performance.now()
  const start = c.startAt
  const end = start + c.hours * 3600_000
  const q = new EventQueue(start)
  const settings = pacingSettings(
    { connectWithinSeconds: c.connectWithinSeconds, ringTimeoutSeconds: c.ringTimeoutSeconds, maxLines: c.maxLines > 0 ? c.maxLines : Math.max(10, 4 * c.agents) },
    { maxAbandonRate: c.maxAbandonRate, vicidial: c.vicidial },
  )
  const pacer = new Pacer(c.mode, c.tuning)
  const graceMs = c.connectWithinSeconds * 1000
  const ringTimeoutMs = c.ringTimeoutSeconds * 1000

  // Operators.
  const agents: Agent[] = Array.from({ length: c.agents }, () => ({ state: 'available' as OperatorState, since: start }))
  let talkMs = 0
  let wrapMs = 0
  let waitsMs = 0
  let waits = 0
  const answerToAgent: number[] = []

  // Calls.
  const ringing = new Set<Call>()
  const waiting: Call[] = []
  let talking = 0
  /** Calls put through to an operator whose phone rings. */
  let connecting = 0
  const recent: AttemptSample[] = []
  const handled: HandledSample[] = []
  const remember = <T>(list: T[], x: T, max: number): void => {
    list.push(x)
    if (list.length > max * 2) list.splice(0, list.length - max)
  }

  // Contacts.
  const attemptsMade = new Uint8Array(c.contacts)
  let nextFresh = 0
  const retries = new RetryHeap()
  let completed = 0
  let failed = 0
  let listDoneAt: number | null = null
  let callsPlaced = 0
  let humans = 0
  let abandoned = 0
  const hourHumans: number[] = []
  const hourAbandoned: number[] = []
  let today = { humanAnswers: 0, abandoned: 0, calls: 0 }

  const ratesAt = (t: number): OutcomeMix => {
    let r = c.rates
    for (const p of c.phases) if (t >= start + p.atHour * 3600_000) r = p.rates
    return r
  }

  const finishContact = (call: Call, outcome: AttemptOutcome, at: number): void => {
    today.calls++
    if (outcome === 'human') {
      completed++
    } else if (call.attempt >= c.maxAttempts) {
      failed++
    } else {
      const delay = DEFAULT_RETRY_MINUTES[outcome as keyof typeof DEFAULT_RETRY_MINUTES] ?? 60
      retries.push(at + delay * 60_000, call.contact)
    }
    if (listDoneAt === null && completed + failed === c.contacts) listDoneAt = at
  }

  const freeAgent = (): Agent | undefined => {
    let best: Agent | undefined
    for (const a of agents) if (a.state === 'available' && (!best || a.since < best.since)) best = a
    return best
  }

  /** A person who answered and had no operator by answer + connectWithin. */
  const abandon = (call: Call): void => {
    const hour = Math.floor((call.answeredAt - start) / 3600_000)
    call.phase = 'done'
    abandoned++
    today.abandoned++
    hourAbandoned[hour] = (hourAbandoned[hour] ?? 0) + 1
    if (call.sample) call.sample.outcome = 'abandoned'
    finishContact(call, 'abandoned', q.now)
  }

  /** The operator is free again: the next person waiting is put through to them. */
  const freed = (agent: Agent): void => {
    agent.state = 'available'
    agent.since = q.now
    const next = waiting.shift()
    if (next) connect(next, agent, q.now)
  }

  const connect = (call: Call, agent: Agent, at: number): void => {
    waitsMs += at - agent.since
    waits++
    if (call.connectMs <= 0) return talk(call, agent, at)
    // The operator's phone rings; the queue gives up on it at the person's deadline.
    agent.state = 'ringing'
    agent.since = at
    call.phase = 'connecting'
    connecting++
    const deadline = call.answeredAt + graceMs
    if (at + call.connectMs > deadline) {
      q.at(deadline, () => {
        connecting--
        abandon(call)
        freed(agent)
      })
      return
    }
    q.at(at + call.connectMs, () => {
      connecting--
      talk(call, agent, q.now)
    })
  }

  const talk = (call: Call, agent: Agent, at: number): void => {
    answerToAgent.push(at - call.answeredAt)
    agent.state = 'in-call'
    agent.since = at
    call.phase = 'talking'
    talking++
    const connectMs = at - call.answeredAt
    q.at(at + call.talkMs, () => {
      const t = q.now
      talking--
      call.phase = 'done'
      talkMs += call.talkMs
      agent.state = 'wrap-up'
      agent.since = t
      finishContact(call, 'human', t)
      q.at(t + call.wrapMs, () => {
        wrapMs += call.wrapMs
        remember(handled, { talkMs: call.talkMs, wrapMs: call.wrapMs, connectMs }, c.recentHandled)
        freed(agent)
      })
    })
  }

  const dial = (contact: number, at: number): void => {
    const attempt = ++attemptsMade[contact]!
    callsPlaced++
    const rnd = generator(hash32(c.seed, contact, attempt))
    const r = ratesAt(at)
    const total = r.human + r.machine + r.busy + r.noAnswer + r.failed
    const u = rnd() * total
    const ringH = lognormal(rnd, c.ringMeanSeconds * 1000, c.ringCv)
    const call: Call = { contact, attempt, dialedAt: at, answeredAt: 0, phase: 'ringing', sample: undefined, talkMs: 0, wrapMs: 0, connectMs: 0 }
    call.talkMs = Math.max(5000, lognormal(rnd, c.talkMeanSeconds * 1000, c.talkCv))
    call.wrapMs = c.wrapSeconds * 1000
    // Its own generator: a run with instant connects draws exactly what it drew before.
    if (c.connectMeanSeconds > 0) call.connectMs = lognormal(generator(hash32(c.seed, contact, attempt, 1)), c.connectMeanSeconds * 1000, c.connectCv)
    ringing.add(call)
    const told = (outcome: AttemptOutcome, ringMs: number): void => {
      ringing.delete(call)
      call.sample = { dialedAt: at, outcome, ringMs }
      remember(recent, call.sample, c.recentAttempts)
    }
    const ends = (outcome: AttemptOutcome, ms: number): void => {
      q.at(at + ms, () => {
        told(outcome, ms)
        call.phase = 'done'
        finishContact(call, outcome, q.now)
      })
    }
    let cut = r.human
    if (u < cut) {
      if (ringH >= ringTimeoutMs) return ends('no-answer', ringTimeoutMs)
      q.at(at + ringH, () => {
        const t = q.now
        told('human', t - at)
        humans++
        today.humanAnswers++
        const hour = Math.floor((t - start) / 3600_000)
        hourHumans[hour] = (hourHumans[hour] ?? 0) + 1
        call.answeredAt = t
        const agent = freeAgent()
        if (agent) return connect(call, agent, t)
        call.phase = 'waiting'
        waiting.push(call)
        q.at(t + graceMs, () => {
          if (call.phase !== 'waiting') return
          waiting.splice(waiting.indexOf(call), 1)
          abandon(call)
        })
      })
      return
    }
    if (u < (cut += r.machine)) return ends('machine', Math.min(ringH, ringTimeoutMs - 1) + c.amdSeconds * 1000)
    if (u < (cut += r.busy)) return ends('busy', uniform(rnd, 1000, 4000))
    if (u < (cut += r.noAnswer)) return ends('no-answer', ringTimeoutMs)
    return ends('failed', uniform(rnd, 500, 3000))
  }

  const nextContact = (at: number): number | undefined => {
    if (nextFresh < c.contacts) return nextFresh++
    if (retries.size > 0 && retries.peekAt() <= at) return retries.pop()
    return undefined
  }

  const snapshot = (at: number): PacingSnapshot => ({
    now: at,
    operators: agents,
    ringing: [...ringing],
    waiting,
    recent: recent.length > c.recentAttempts ? recent.slice(-c.recentAttempts) : recent,
    handled: handled.length > c.recentHandled ? handled.slice(-c.recentHandled) : handled,
    campaign: { humanAnswers: humans, abandoned, calls: today.calls },
    today,
  })

  let lastSecond = -1
  let dialledThisSecond = 0
  const tick = (): void => {
    const at = q.now
    if (listDoneAt !== null || at >= end) return
    const snap = snapshot(at)
    const decision = pacer.decide(snap, settings)
    c.trace?.(at, decision, snap)
    const lines = ringing.size + waiting.length + connecting + talking
    let n = Math.min(decision.dials, settings.maxLines - lines)
    if (c.callsPerSecond > 0) {
      const second = Math.floor((at - start) / 1000)
      if (second !== lastSecond) {
        lastSecond = second
        dialledThisSecond = 0
      }
      n = Math.min(n, Math.floor(c.callsPerSecond) - dialledThisSecond)
    }
    for (let i = 0; i < n; i++) {
      const contact = nextContact(at)
      if (contact === undefined) break
      dialledThisSecond++
      dial(contact, at)
    }
    q.at(at + c.tickMs, tick)
  }
  // One day: the counts "today" are the campaign's.
  today = { humanAnswers: 0, abandoned: 0, calls: 0 }
  q.at(start, tick)
  q.runUntil(end, () => listDoneAt === null)
  const stop = listDoneAt ?? end

  // Time in calls and wrap-ups still going at the end counts up to it.
  for (const a of agents) {
    if (a.state === 'in-call') talkMs += stop - a.since
    if (a.state === 'wrap-up') wrapMs += Math.min(stop - a.since, c.wrapSeconds * 1000)
  }
  const loggedIn = c.agents * (stop - start)
  let worstHour = 0
  hourHumans.forEach((h, i) => {
    if (h > 0) worstHour = Math.max(worstHour, (hourAbandoned[i] ?? 0) / h)
  })
  answerToAgent.sort((a, b) => a - b)
  return {
    mode: c.mode,
    agents: c.agents,
    seed: c.seed,
    talkShare: loggedIn > 0 ? talkMs / loggedIn : 0,
    occupancy: loggedIn > 0 ? (talkMs + wrapMs) / loggedIn : 0,
    abandonRate: humans > 0 ? abandoned / humans : 0,
    maxAbandonRateAnyHour: worstHour,
    callsPlaced,
    humanAnswers: humans,
    abandoned,
    contactsCompleted: completed,
    contactsFailed: failed,
    contactsLeft: c.contacts - completed - failed,
    listDoneAtHour: listDoneAt === null ? null : (listDoneAt - start) / 3600_000,
    simulatedHours: (stop - start) / 3600_000,
    meanWaitBetweenCallsSec: waits > 0 ? waitsMs / waits / 1000 : 0,
    p95AnswerToAgentMs: answerToAgent.length > 0 ? answerToAgent[Math.min(answerToAgent.length - 1, Math.floor(0.95 * answerToAgent.length))]! : 0,
    wallSeconds: (performance.now() - wallStart) / 1000,
  }
}
