/**
 * Live figures for supervisors, dashboards and /metrics: per queue (waiting, longest wait,
 * agents by state, the day's service level, speed of answer, abandon rate, counts) and per
 * agent (state, the day's calls, talk and idle time). The arithmetic is pure, with `now`
 * passed in; FigureReader gathers the inputs from the QueueStore. Reads are several plain
 * commands, not one snapshot: a figure may be a call out of step with another, which a
 * live view can bear.
 */
import type { Clock } from '../time/clock.js'
import type { QueueSettings } from './config.js'
import { AGENT_STATES, type AgentDay, type AgentSnapshot, type AgentState, type QueueDay, type QueueStore } from './store.js'

/** The day's (UTC) counters of a queue, and what follows from them. */
export interface QueueToday {
  entered: number
  answered: number
  abandoned: number
  overflowed: number
  voicemail: number
  callbacks: number
  /** Callers whose app instance died while they waited. */
  lost: number
  /** Answered within the queue's threshold / (answered + abandoned); null before any such call. */
  serviceLevel: number | null
  /** Average wait of answered callers, ms; null before the first answer. */
  averageAnswerMs: number | null
  /** abandoned / (answered + abandoned); null before any such call. */
  abandonRate: number | null
}

export interface QueueFigures {
  name: string
  description: string
  serviceLevelSeconds: number
  waiting: number
  /** How long the longest-waiting caller has waited so far, ms (0 when nobody waits). */
  longestWaitMs: number
  /** Logged-in members by state. */
  agents: Record<AgentState, number>
  today: QueueToday
}

export interface AgentToday {
  calls: number
  talkMs: number
  /** Idle time counted so far, with the current stretch when the agent is available now. */
  idleMs: number
  missed: number
}

/** The agent as the store has them (calls since login, misses in a row), plus the day. */
export type AgentFigures = AgentSnapshot & { today: AgentToday }

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null)

export function serviceLevel(day: QueueDay): number | null {
  return ratio(day.answeredInSL, day.answered + day.abandoned)
}

export function averageAnswerMs(day: QueueDay): number | null {
  return day.answered > 0 ? Math.round(day.answerWaitMs / day.answered) : null
}

export function abandonRate(day: QueueDay): number | null {
  return ratio(day.abandoned, day.answered + day.abandoned)
}

export function longestWaitMs(oldestSince: number | undefined, now: number): number {
  return oldestSince === undefined ? 0 : Math.max(0, now - oldestSince)
}

/** Every state, zeros included, so a state nobody is in still shows (and still scrapes). */
export function agentsByState(agents: AgentSnapshot[]): Record<AgentState, number> {
  const counts = Object.fromEntries(AGENT_STATES.map((s) => [s, 0])) as Record<AgentState, number>
  for (const a of agents) counts[a.state] += 1
  return counts
}

/** The store counts idle time when an agent leaves 'available'; until then it is now - since. */
export function idleMs(agent: AgentSnapshot, day: AgentDay, now: number): number {
  return day.idleMs + (agent.state === 'available' ? Math.max(0, now - agent.since) : 0)
}

export function queueFigures(
  input: { settings: QueueSettings; waiting: { count: number; oldestSince: number | undefined }; day: QueueDay; members: AgentSnapshot[] },
  now: number,
): QueueFigures {
  const { settings, waiting, day } = input
  return {
    name: settings.name,
    description: settings.description,
    serviceLevelSeconds: settings.serviceLevelSeconds,
    waiting: waiting.count,
    longestWaitMs: longestWaitMs(waiting.oldestSince, now),
    agents: agentsByState(input.members),
    today: {
      entered: day.entered,
      answered: day.answered,
      abandoned: day.abandoned,
      overflowed: day.overflowed,
      voicemail: day.voicemail,
      callbacks: day.callbacks,
      lost: day.lost,
      serviceLevel: serviceLevel(day),
      averageAnswerMs: averageAnswerMs(day),
      abandonRate: abandonRate(day),
    },
  }
}

export function agentFigures(agent: AgentSnapshot, day: AgentDay, now: number): AgentFigures {
  return { ...agent, today: { calls: day.calls, talkMs: day.talkMs, idleMs: idleMs(agent, day, now), missed: day.missed } }
}

/** Reads the store and computes the figures as of the clock's now. */
export class FigureReader {
  constructor(
    private readonly store: QueueStore,
    private readonly settings: QueueSettings[],
    private readonly clock: Clock,
  ) {}

  /** Every configured queue, by name (the order the settings table gives). */
  async queues(): Promise<QueueFigures[]> {
    const now = this.clock.now()
    const agents = await this.store.agents()
    return Promise.all(this.settings.map((q) => this.queueAt(q, agents, now)))
  }

  async queue(name: string): Promise<QueueFigures | undefined> {
    const settings = this.settings.find((q) => q.name === name)
    if (!settings) return undefined
    const now = this.clock.now()
    return this.queueAt(settings, await this.store.agents(), now)
  }

  /** Both lists as of one `now`, reading the agents once (for a scrape). */
  async all(): Promise<{ queues: QueueFigures[]; agents: AgentFigures[] }> {
    const now = this.clock.now()
    const agents = await this.store.agents()
    const [queues, figures] = await Promise.all([
      Promise.all(this.settings.map((q) => this.queueAt(q, agents, now))),
      Promise.all(agents.map((a) => this.agentAt(a, now))),
    ])
    return { queues, agents: figures }
  }

  /** Every agent who ever logged in. */
  async agents(): Promise<AgentFigures[]> {
    const now = this.clock.now()
    const agents = await this.store.agents()
    return Promise.all(agents.map((a) => this.agentAt(a, now)))
  }

  async agent(id: string): Promise<AgentFigures | undefined> {
    const now = this.clock.now()
    const agent = await this.store.agent(id)
    return agent && this.agentAt(agent, now)
  }

  /** Figures for a snapshot just read (after a login, pause ...). */
  of(agent: AgentSnapshot): Promise<AgentFigures> {
    return this.agentAt(agent, this.clock.now())
  }

  private async queueAt(settings: QueueSettings, agents: AgentSnapshot[], now: number): Promise<QueueFigures> {
    const [waiting, day, members] = await Promise.all([
      this.store.waiting(settings.name),
      this.store.queueDay(settings.name, this.store.day(now)),
      this.store.members(settings.name),
    ])
    const byId = new Map(agents.map((a) => [a.id, a]))
    const snapshots = members.flatMap((id) => byId.get(id) ?? [])
    return queueFigures({ settings, waiting, day, members: snapshots }, now)
  }

  private async agentAt(agent: AgentSnapshot, now: number): Promise<AgentFigures> {
    return agentFigures(agent, await this.store.agentDay(agent.id, this.store.day(now)), now)
  }
}
