/**
 * What the pages show live, read from the shared state (Redis) and Postgres, so a page
 * served by any app instance sees every instance's calls:
 *
 * - the board (supervisors, campaign managers, admins): queues with their figures, agents,
 *   campaigns with their figures and each operator's share of the campaign's talk time;
 * - an operator's desk: their agent's state and the call offered to them or connected, with
 *   its card (the client by the caller's number; for a campaign call the contact's fields,
 *   the campaign and what to say).
 *
 * The call an agent is rung for is in the queues' state: the agent's `entry` names the
 * queue entry, whose hash holds the caller's channel and number. A preview call (the agent
 * rung first) has no entry: it is the open attempt held by the agent.
 */
import { createHash } from 'node:crypto'
import { and, desc, eq, inArray, isNull, ne, sql } from 'drizzle-orm'
import type { App } from '../app.js'
import { ClientDirectory } from '../clients/directory.js'
import type { CampaignFigures } from '../campaigns/campaigns.js'
import { agents as agentsTable, attempts, calls, campaigns as campaignsTable, contacts, recordings } from '../db/schema/index.js'
import { FigureReader, type AgentFigures, type QueueFigures } from '../queue/figures.js'
import type { CountryCode } from 'libphonenumber-js'

export interface TalkShare {
  agent: string
  talkMs: number
  /** Of the campaign's operator talk time, 0..1. */
  share: number
}

export interface CampaignLive extends CampaignFigures {
  talk: TalkShare[]
}

/** A campaign's figures at a moment (ms): contacts done of all, answer and abandon rates so far. */
export interface HistoryPoint {
  t: number
  done: number
  answer: number | null
  abandon: number | null
}

export interface Board {
  at: number
  queues: QueueFigures[] | null
  agents: AgentFigures[] | null
  campaigns: CampaignLive[] | null
  /** Changes when one of the latest calls starts, is answered, ends, gets a disposition or a recording. */
  register: string | null
}

export interface CallCard {
  /** The channel of the caller (inbound) or of the contact (campaign). */
  uuid: string
  /** `held`: a preview contact held for the agent, not dialled yet (they call or skip it). */
  state: 'held' | 'ringing' | 'connected'
  /** Since when the agent has been in that state, ms. */
  since: number
  kind: 'inbound' | 'campaign'
  queue: string | null
  number: string
  client: {
    id: number
    name: string
    type: string
    manager: string | null
    overdueDebt: number
    balance: number
    currency: string
    lastOrderDate: string | null
    vip: boolean
    language: string | null
  } | null
  campaign: { id: number; name: string; kind: string } | null
  /** timeZone: the contact's own, which a callback's time is read in. */
  contact: { id: number; name: string; phone: string; language: string | null; timeZone: string; fields: Record<string, string> } | null
  attemptId: number | null
  /** What to say: talking points for the campaign's kind, or for an inbound call. */
  script: string[]
  /** Dispositions offered for this kind of call. */
  dispositions: string[]
}

export interface Desk {
  at: number
  agent: AgentFigures | null
  call: CallCard | null
  /** Running preview campaigns the agent serves: they take the next contact themselves. */
  preview: Array<{ id: number; name: string; kind: string }>
}

/** The campaigns shown: running and paused ones, then the latest others, at most this many. */
const CAMPAIGNS_SHOWN = 12
/** Cards kept for calls on now (the oldest goes first). */
const CARDS_KEPT = 500
/** The latest calls the register's stamp watches (more than a page shows). */
const REGISTER_WATCHED = 50

/** What an operator says and may record, by kind of call. */
export const SCRIPTS: Record<string, { script: string[]; dispositions: string[] }> = {
  inbound: {
    script: ['Greet the caller by the client\'s name.', 'Ask how you can help; check the balance and overdue debt on the card.', 'Before closing, confirm the next step and thank them.'],
    dispositions: ['resolved', 'order-taken', 'callback', 'escalated', 'complaint', 'other'],
  },
  informational: {
    script: ['The contact heard the message and asked for an operator.', 'Answer their questions about the message.', 'Offer to take them off the list if they wish.'],
    dispositions: ['informed', 'do-not-call', 'callback', 'other'],
  },
  'payment-reminder': {
    script: ['Confirm you speak with the account holder.', 'Remind them of the amount due and the due date (see the fields).', 'Ask when they will pay; offer a payment plan if needed.'],
    dispositions: ['promise-to-pay', 'paid', 'dispute', 'payment-plan', 'callback', 'refused'],
  },
  survey: {
    script: ['Thank them for taking part in the survey.', 'Ask the questions they missed, note the answers.'],
    dispositions: ['completed', 'partial', 'refused', 'callback'],
  },
  telesales: {
    script: ['Introduce yourself and the company.', 'Present this month\'s offer; ask about their needs.', 'Close: take the order, or agree a callback.'],
    dispositions: ['sale', 'no-sale', 'callback', 'not-interested', 'do-not-call'],
  },
  dormant: {
    script: ['We have missed them: ask how their business is going.', 'Mention what is new since their last order (see the card).', 'Offer a reason to order again; agree the next step.'],
    dispositions: ['reactivated', 'callback', 'not-interested', 'closed-business', 'do-not-call'],
  },
}

export class LiveData {
  private readonly figures: FigureReader | undefined
  private readonly directory: ClientDirectory
  /** Cards of calls on now, by channel: what a card shows does not change during the call. */
  private readonly cards = new Map<string, CallCard>()

  constructor(private readonly app: App) {
    this.figures = app.queues ? new FigureReader(app.queues.store, app.queues.settings, app.clock) : undefined
    this.directory = new ClientDirectory(app.database.db, app.config.defaultCountry as CountryCode)
  }

  /** The board as `want` asks: queues and agents, campaigns. */
  async board(want: { queues: boolean; campaigns: boolean; register?: boolean }): Promise<Board> {
    const [floor, campaigns, register] = await Promise.all([
      want.queues && this.figures ? this.figures.all() : undefined,
      want.campaigns ? this.campaigns() : undefined,
      want.register ? this.registerStamp() : undefined,
    ])
    return {
      at: this.app.clock.now(),
      queues: floor?.queues ?? null,
      agents: floor ? floor.agents.filter((a) => a.state !== 'logged-out' || a.today.calls > 0) : null,
      campaigns: campaigns ?? null,
      register: register ?? null,
    }
  }

  /** A short hash of what the register shows of the latest calls (cheap: the started_at index). */
  async registerStamp(): Promise<string> {
    const { db } = this.app.database
    const [latest, [rec]] = await Promise.all([
      db
        .select({ id: calls.id, answered: calls.answeredAt, ended: calls.endedAt, queue: calls.queueOutcome, route: calls.routeResult, by: calls.answeredBy, disposition: sql<string | null>`${calls.details}->'disposition'->>'at'` })
        .from(calls)
        .orderBy(desc(calls.startedAt), desc(calls.id))
        .limit(REGISTER_WATCHED),
      db.select({ id: sql<number | null>`max(${recordings.id})` }).from(recordings),
    ])
    const text = JSON.stringify([latest.map((r) => [r.id, Boolean(r.answered), Boolean(r.ended), r.queue, r.route, r.by, r.disposition]), rec?.id ?? null])
    return createHash('sha1').update(text).digest('hex').slice(0, 16)
  }

  async campaigns(): Promise<CampaignLive[] | null> {
    const dialer = this.app.dialer
    if (!dialer) return null
    const { db } = this.app.database
    const rows = await db
      .select({ id: campaignsTable.id, status: campaignsTable.status })
      .from(campaignsTable)
      .where(ne(campaignsTable.status, 'archived'))
      .orderBy(sql`case when ${campaignsTable.status} in ('running', 'paused') then 0 else 1 end`, desc(campaignsTable.id))
      .limit(CAMPAIGNS_SHOWN)
    const now = new Date(this.app.clock.now())
    const figures = (await Promise.all(rows.map((r) => dialer.campaigns.figures(r.id, now)))).filter((f): f is CampaignFigures => f !== undefined)
    const talk = await this.talkShares(figures.map((f) => f.campaign.id))
    return figures.map((f) => ({ ...f, talk: talk.get(f.campaign.id) ?? [] }))
  }

  /**
   * A campaign's figures over time, from when its attempts ended and its contacts were
   * finished: at most a few hundred points (by minute, hour or day, as the campaign's span
   * asks), cumulative.
   */
  async history(campaignId: number): Promise<HistoryPoint[]> {
    const { db } = this.app.database
    const FINISHED = sql`${contacts.status} in ('done', 'failed', 'do-not-call')`
    const [span] = await db
      .select({ first: sql<string | null>`min(${attempts.endedAt})`, last: sql<string | null>`max(${attempts.endedAt})` })
      .from(attempts)
      .where(eq(attempts.campaignId, campaignId))
    if (!span?.first || !span.last) return []
    const hours = (Date.parse(span.last) - Date.parse(span.first)) / 3600_000
    const unit = hours <= 4 ? 'minute' : hours <= 14 * 24 ? 'hour' : 'day'
    const step = unit === 'minute' ? 60_000 : unit === 'hour' ? 3600_000 : 86_400_000
    const bucket = (column: typeof attempts.endedAt | typeof contacts.updatedAt) => sql<string>`date_trunc(${unit}, ${column})`
    const [calls, done, [total]] = await Promise.all([
      db
        .select({
          b: bucket(attempts.endedAt),
          n: sql<number>`count(*)::int`,
          answered: sql<number>`(count(*) filter (where ${attempts.outcome} in ('human', 'completed', 'abandoned', 'machine')))::int`,
          reached: sql<number>`(count(*) filter (where ${attempts.outcome} in ('human', 'completed', 'abandoned')))::int`,
          abandoned: sql<number>`(count(*) filter (where ${attempts.outcome} = 'abandoned'))::int`,
        })
        .from(attempts)
        .where(and(eq(attempts.campaignId, campaignId), sql`${attempts.endedAt} is not null`))
        .groupBy(sql`1`)
        .orderBy(sql`1`),
      db
        .select({ b: bucket(contacts.updatedAt), n: sql<number>`count(*)::int` })
        .from(contacts)
        .where(and(eq(contacts.campaignId, campaignId), FINISHED))
        .groupBy(sql`1`)
        .orderBy(sql`1`),
      db.select({ n: sql<number>`count(*)::int` }).from(contacts).where(eq(contacts.campaignId, campaignId)),
    ])
    const times = [...new Set([...calls, ...done].map((r) => Date.parse(String(r.b))))].sort((a, b) => a - b)
    const sum = { n: 0, answered: 0, reached: 0, abandoned: 0, done: 0 }
    const points: HistoryPoint[] = []
    for (const t of times) {
      for (const r of calls) {
        if (Date.parse(String(r.b)) !== t) continue
        sum.n += r.n
        sum.answered += r.answered
        sum.reached += r.reached
        sum.abandoned += r.abandoned
      }
      for (const r of done) if (Date.parse(String(r.b)) === t) sum.done += r.n
      points.push({
        t: t + step,
        done: total?.n ? sum.done / total.n : 0,
        answer: sum.n > 0 ? sum.answered / sum.n : null,
        abandon: sum.reached > 0 ? sum.abandoned / sum.reached : null,
      })
    }
    return points
  }

  /** Each operator's talk time in each campaign, and their share of it. */
  private async talkShares(ids: number[]): Promise<Map<number, TalkShare[]>> {
    const out = new Map<number, TalkShare[]>()
    if (ids.length === 0) return out
    const { db } = this.app.database
    const rows = await db
      .select({
        campaignId: attempts.campaignId,
        agent: attempts.agentId,
        talkMs: sql<string>`coalesce(sum(extract(epoch from (${attempts.endedAt} - ${attempts.answeredAt})) * 1000), 0)::bigint`,
      })
      .from(attempts)
      .where(and(inArray(attempts.campaignId, ids), sql`${attempts.agentId} is not null`, sql`${attempts.answeredAt} is not null`, sql`${attempts.endedAt} is not null`))
      .groupBy(attempts.campaignId, attempts.agentId)
    for (const r of rows) {
      const list = out.get(r.campaignId) ?? []
      list.push({ agent: r.agent ?? '', talkMs: Number(r.talkMs), share: 0 })
      out.set(r.campaignId, list)
    }
    for (const list of out.values()) {
      const total = list.reduce((s, t) => s + t.talkMs, 0)
      for (const t of list) t.share = total > 0 ? t.talkMs / total : 0
      list.sort((a, b) => b.talkMs - a.talkMs)
    }
    return out
  }

  /** An operator's desk: their agent and the call offered to them or connected. */
  async desk(agentId: string): Promise<Desk> {
    const at = this.app.clock.now()
    const agent = (await this.figures?.agent(agentId)) ?? null
    let call: CallCard | null = null
    if (agent && (agent.state === 'ringing' || agent.state === 'in-call')) {
      const state = agent.state === 'ringing' ? 'ringing' : 'connected'
      call = (await this.queuedCall(agentId, state, agent.since)) ?? (await this.previewCall(agentId, state, agent.since)) ?? null
    }
    const preview = agent && agent.state !== 'logged-out' ? (await this.previewCampaigns()).filter((c) => !c.queue || agent.queues.includes(c.queue)).map(({ queue: _queue, ...c }) => c) : []
    return { at, agent, call, preview }
  }

  private previewRead: { at: number; value: Promise<Array<{ id: number; name: string; kind: string; queue: string | undefined }>> } | undefined

  /** Running campaigns in preview mode, read at most once a second. */
  private previewCampaigns(): Promise<Array<{ id: number; name: string; kind: string; queue: string | undefined }>> {
    if (this.previewRead && Date.now() - this.previewRead.at < 1000) return this.previewRead.value
    const value = (async () => {
      if (!this.app.dialer) return []
      const rows = await this.app.database.db
        .select({ id: campaignsTable.id })
        .from(campaignsTable)
        .where(and(eq(campaignsTable.status, 'running'), sql`${campaignsTable.settings}->>'mode' = 'preview'`))
      const found = await Promise.all(rows.map((r) => this.app.dialer!.campaigns.get(r.id)))
      return found.filter((c) => c !== undefined).map((c) => ({ id: c.id, name: c.name, kind: c.kind, queue: c.settings.operatorsQueue }))
    })()
    this.previewRead = { at: Date.now(), value }
    value.catch(() => (this.previewRead = undefined))
    return value
  }

  /** Whether the agent is on (or being rung for) this call right now, as the shared state says. */
  async holds(agentId: string, callUuid: string): Promise<boolean> {
    const queues = this.app.queues
    if (!queues) return false
    const redis = this.app.redis.client
    const entry = await redis.hget(queues.store.key('a', agentId), 'entry')
    if (!entry) return false
    if (entry.startsWith(`direct:${callUuid}:`)) return true
    return (await redis.hget(queues.store.key('e', entry), 'call')) === callUuid
  }

  private async queuedCall(agentId: string, state: CallCard['state'], since: number): Promise<CallCard | undefined> {
    const queues = this.app.queues
    if (!queues) return undefined
    const redis = this.app.redis.client
    const entry = await redis.hget(queues.store.key('a', agentId), 'entry')
    if (!entry) return undefined
    // A call the IVR rang the agent for directly (their own client): the register has the caller.
    const direct = /^direct:([^:]+):/.exec(entry)
    if (direct) {
      const [row] = await this.app.database.db.select({ number: calls.callerNumber }).from(calls).where(eq(calls.callUuid, direct[1]!)).limit(1)
      return row ? this.card({ uuid: direct[1]!, state, since, queue: null, number: row.number, attempt: undefined }) : undefined
    }
    const e = await redis.hgetall(queues.store.key('e', entry))
    if (!e.call || e.kind === 'callback') return undefined
    const [attempt] = await this.app.database.db.select().from(attempts).where(eq(attempts.callUuid, e.call)).limit(1)
    return this.card({ uuid: e.call, state, since, queue: e.queue ?? null, number: e.number ?? '', attempt })
  }

  private async previewCall(agentId: string, state: CallCard['state'], since: number): Promise<CallCard | undefined> {
    const [attempt] = await this.app.database.db
      .select()
      .from(attempts)
      .where(and(eq(attempts.agentId, agentId), isNull(attempts.endedAt)))
      .orderBy(desc(attempts.id))
      .limit(1)
    if (!attempt) return undefined
    return this.card({ uuid: attempt.callUuid, state: attempt.dialedAt ? state : 'held', since, queue: null, number: '', attempt })
  }

  private async card(c: { uuid: string; state: CallCard['state']; since: number; queue: string | null; number: string; attempt: typeof attempts.$inferSelect | undefined }): Promise<CallCard> {
    const known = this.cards.get(c.uuid)
    if (known) return { ...known, state: c.state, since: c.since }
    const card = await this.readCard(c)
    if (this.cards.size >= CARDS_KEPT) this.cards.delete(this.cards.keys().next().value!)
    this.cards.set(c.uuid, card)
    return card
  }

  private async readCard(c: { uuid: string; state: CallCard['state']; since: number; queue: string | null; number: string; attempt: typeof attempts.$inferSelect | undefined }): Promise<CallCard> {
    const { db } = this.app.database
    let campaign: CallCard['campaign'] = null
    let contact: CallCard['contact'] = null
    let number = c.number
    if (c.attempt) {
      const [row] = await db.select().from(contacts).where(eq(contacts.id, c.attempt.contactId)).limit(1)
      const found = await this.app.dialer?.campaigns.get(c.attempt.campaignId)
      if (found) campaign = { id: found.id, name: found.name, kind: found.kind }
      if (row) {
        contact = { id: row.id, name: row.name, phone: row.phone, language: row.language, timeZone: row.timezone, fields: row.fields }
        number = row.phone
      }
    }
    const info = number ? await this.directory.lookup(number) : null
    let manager: string | null = null
    if (info?.managerId) {
      const [m] = await db.select({ name: agentsTable.name }).from(agentsTable).where(eq(agentsTable.id, info.managerId)).limit(1)
      manager = m?.name ?? info.managerId
    }
    const client: CallCard['client'] = info
      ? { id: info.id, name: info.name, type: info.type, manager, overdueDebt: info.overdueDebt, balance: info.balance, currency: info.currency, lastOrderDate: info.lastOrderDate, vip: info.vip, language: info.language }
      : null
    const words = SCRIPTS[campaign?.kind ?? 'inbound'] ?? SCRIPTS.inbound!
    return {
      uuid: c.uuid,
      state: c.state,
      since: c.since,
      kind: campaign ? 'campaign' : 'inbound',
      queue: c.queue,
      number,
      client,
      campaign,
      contact,
      attemptId: c.attempt?.id ?? null,
      script: words.script,
      dispositions: words.dispositions,
    }
  }
}
