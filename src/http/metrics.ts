/**
 * Prometheus exposition of the queues' live figures, read from Redis at scrape time, so
 * every instance reports the same shared numbers. Open, unless METRICS_TOKEN is set. Each server has a registry of its own:
 * several apps in one process (tests, simulations) must not clash in the global one.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { Gauge, Registry } from 'prom-client'
import type { App } from '../app.js'
import { FigureReader, type AgentFigures, type QueueFigures } from '../queue/figures.js'
import { AGENT_STATES } from '../queue/store.js'
import { sendError } from './errors.js'
import { errorRef } from './schemas.js'

const OUTCOMES = ['entered', 'answered', 'abandoned', 'overflowed', 'voicemail', 'callbacks', 'lost'] as const

function gauges(registry: Registry) {
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Gauge<L>({ name, help, labelNames, registers: [registry] })
  return {
    waiting: gauge('cc_queue_waiting', 'Callers waiting in the queue now', ['queue']),
    longestWait: gauge('cc_queue_longest_wait_seconds', 'How long the longest-waiting caller has waited so far', ['queue']),
    queueAgents: gauge('cc_queue_agents', "The queue's logged-in agents by state", ['queue', 'state']),
    serviceLevel: gauge('cc_queue_service_level', "Today's calls answered within the threshold / (answered + abandoned); absent before any", ['queue']),
    answerSpeed: gauge('cc_queue_answer_speed_seconds', "Today's average wait of answered callers; absent before the first answer", ['queue']),
    abandonRate: gauge('cc_queue_abandon_rate', "Today's abandoned / (answered + abandoned); absent before any", ['queue']),
    calls: gauge('cc_queue_calls_today', "Today's (UTC) calls by outcome; entered counts every caller", ['queue', 'outcome']),
    agentState: gauge('cc_agent_state', "1 for the agent's current state, 0 for the others", ['agent', 'state']),
    agentCalls: gauge('cc_agent_calls_today', 'Calls the agent finished today', ['agent']),
    agentTalk: gauge('cc_agent_talk_seconds_today', "The agent's talk time today", ['agent']),
    agentIdle: gauge('cc_agent_idle_seconds_today', "The agent's idle (available) time today, the current stretch included", ['agent']),
  }
}

type Gauges = ReturnType<typeof gauges>

/** Null figures (no calls yet) leave the series out: Prometheus reads absence, not NaN. */
function fill(g: Gauges, queues: QueueFigures[], agents: AgentFigures[]): void {
  for (const q of queues) {
    const queue = q.name
    g.waiting.set({ queue }, q.waiting)
    g.longestWait.set({ queue }, q.longestWaitMs / 1000)
    for (const state of AGENT_STATES) g.queueAgents.set({ queue, state }, q.agents[state])
    if (q.today.serviceLevel !== null) g.serviceLevel.set({ queue }, q.today.serviceLevel)
    if (q.today.averageAnswerMs !== null) g.answerSpeed.set({ queue }, q.today.averageAnswerMs / 1000)
    if (q.today.abandonRate !== null) g.abandonRate.set({ queue }, q.today.abandonRate)
    for (const outcome of OUTCOMES) g.calls.set({ queue, outcome }, q.today[outcome])
  }
  for (const a of agents) {
    const agent = a.id
    for (const state of AGENT_STATES) g.agentState.set({ agent, state }, a.state === state ? 1 : 0)
    g.agentCalls.set({ agent }, a.today.calls)
    g.agentTalk.set({ agent }, a.today.talkMs / 1000)
    g.agentIdle.set({ agent }, a.today.idleMs / 1000)
  }
}

export async function metricsRoutes(server: FastifyInstance, { app }: { app: App }): Promise<void> {
  const registry = new Registry()
  const g = gauges(registry)
  const figures = app.queues && new FigureReader(app.queues.store, app.queues.settings, app.clock)
  const scrape = async (): Promise<string> => {
    const { queues, agents } = figures ? await figures.all() : { queues: [], agents: [] }
    // Agents and queues gone since the last scrape must not linger.
    registry.resetMetrics()
    fill(g, queues, agents)
    return registry.metrics()
  }
  // Scrapes at the same time share one read: the gauges are one set, filled once per scrape.
  let scraping: Promise<string> | undefined

  // Open unless METRICS_TOKEN is set; then only with `Authorization: Bearer <that token>`.
  const token = app.config.metricsToken
  const expected = token === undefined ? undefined : createHash('sha256').update(token).digest()
  const schema = { summary: 'Prometheus text exposition of the queues and agents', produces: ['text/plain'], response: { 200: { type: 'string' }, 401: errorRef } }

  server.get('/metrics', { config: { access: 'public' }, schema }, async (req, reply) => {
    if (expected !== undefined) {
      const m = /^Bearer +(\S+)\s*$/i.exec(req.headers.authorization ?? '')
      const given = createHash('sha256').update(m?.[1] ?? '').digest()
      if (!m || !timingSafeEqual(given, expected)) return sendError(reply, 401, 'unauthenticated', 'GET /metrics wants Authorization: Bearer <METRICS_TOKEN>')
    }
    scraping ??= scrape().finally(() => (scraping = undefined))
    const text = await scraping
    return reply.type(registry.contentType).send(text)
  })
}
