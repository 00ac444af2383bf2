/**
 * Campaigns in Postgres: created with validated settings, started, paused, resumed,
 * stopped. The status is the one switch every instance's dialer reads, so a pause takes
 * effect everywhere at its next claim (and no claimed-but-not-dialled call goes out).
 */
import { and, eq, inArray, ne, sql } from 'drizzle-orm'
import type { Db } from '../db/database.js'
import { agents, attempts, CAMPAIGN_KINDS, campaigns, contacts, surveyAnswers, type CampaignKind, type CampaignStatus } from '../db/schema/index.js'
import type { Queues } from '../queue/index.js'
import type { Clock } from '../time/clock.js'
import { blockedReason, blockFacts } from './blocked.js'
import { settingsProblems } from './checks.js'
import { campaignSettings, CampaignSettingsError, type CampaignSettings } from './settings.js'

export interface Campaign {
  id: number
  name: string
  kind: CampaignKind
  status: CampaignStatus
  settings: CampaignSettings
  startedAt: Date | null
  endedAt: Date | null
}

export type CampaignError = { error: 'unknown-campaign' | 'bad-settings' | 'bad-kind' | 'bad-transition'; message: string }

/** Which status may follow which. Archived: out of the list, its history kept, never changed again. */
const TRANSITIONS: Record<CampaignStatus, CampaignStatus[]> = {
  draft: ['running', 'stopped', 'archived'],
  running: ['paused', 'stopped', 'done'],
  paused: ['running', 'stopped', 'archived'],
  stopped: ['archived'],
  done: ['running', 'archived'],
  archived: [],
}

/** What the settings are checked against (checks.ts); without it only their shape is. */
export interface CampaignContext {
  queues?: Queues
  /** Ids of the campaign scripts loaded. */
  scripts?: string[]
  clock?: Clock
}

export class Campaigns {
  constructor(
    private readonly db: Db,
    private readonly ctx: CampaignContext = {},
  ) {}

  private now(): Date {
    return new Date(this.ctx.clock?.now() ?? Date.now())
  }

  /** What is wrong with these settings in this call center, each naming its field. */
  async problems(kind: CampaignKind, settings: CampaignSettings): Promise<string[]> {
    if (!this.ctx.queues && !this.ctx.scripts) return []
    const people = await this.db.select({ id: agents.id, groups: agents.groups }).from(agents)
    return settingsProblems(kind, settings, { queues: this.ctx.queues?.settings ?? [], scripts: this.ctx.scripts, agents: people }, this.now())
  }

  /** The settings checked in shape and against the call center; a CampaignError naming each bad field. */
  private async checked(kind: CampaignKind, input: unknown): Promise<CampaignError | undefined> {
    let settings: CampaignSettings
    try {
      settings = campaignSettings(input ?? {})
    } catch (err) {
      if (err instanceof CampaignSettingsError) return { error: 'bad-settings', message: err.message }
      throw err
    }
    const problems = await this.problems(kind, settings)
    return problems.length > 0 ? { error: 'bad-settings', message: problems.join('\n') } : undefined
  }

  async create(input: { name: string; kind: string; settings?: unknown }): Promise<Campaign | CampaignError> {
    if (!(CAMPAIGN_KINDS as readonly string[]).includes(input.kind)) {
      return { error: 'bad-kind', message: `kind must be one of ${CAMPAIGN_KINDS.join(', ')} (got '${input.kind}')` }
    }
    const bad = await this.checked(input.kind as CampaignKind, input.settings)
    if (bad) return bad
    const [row] = await this.db
      .insert(campaigns)
      .values({ name: input.name, kind: input.kind as CampaignKind, settings: (input.settings ?? {}) as Record<string, unknown> })
      .returning()
    return toCampaign(row!)
  }

  async get(id: number): Promise<Campaign | undefined> {
    const [row] = await this.db.select().from(campaigns).where(eq(campaigns.id, id))
    return row ? toCampaign(row) : undefined
  }

  /** Every campaign but the archived ones, unless asked for. */
  async list(options: { archived?: boolean } = {}): Promise<Campaign[]> {
    const where = options.archived ? undefined : ne(campaigns.status, 'archived')
    return (await this.db.select().from(campaigns).where(where).orderBy(campaigns.id)).map(toCampaign)
  }

  /**
   * A new name and/or settings, checked as at creation. The settings named replace the
   * stored ones (null takes one back to its default); the rest are kept.
   */
  async update(id: number, input: { name?: string; settings?: Record<string, unknown> }): Promise<Campaign | CampaignError> {
    const [current] = await this.db.select().from(campaigns).where(eq(campaigns.id, id))
    if (!current) return { error: 'unknown-campaign', message: `there is no campaign ${id}` }
    if (current.status === 'archived') return { error: 'bad-transition', message: 'an archived campaign cannot be changed' }
    const settings: Record<string, unknown> = { ...current.settings }
    for (const [k, v] of Object.entries(input.settings ?? {})) {
      if (v === null) delete settings[k]
      else settings[k] = v
    }
    const bad = await this.checked(current.kind, settings)
    if (bad) return bad
    // Only if nobody archived it meanwhile.
    const [row] = await this.db
      .update(campaigns)
      .set({ name: input.name ?? current.name, settings })
      .where(and(eq(campaigns.id, id), ne(campaigns.status, 'archived')))
      .returning()
    return row ? toCampaign(row) : { error: 'bad-transition', message: 'an archived campaign cannot be changed' }
  }

  /** Contacts were added to a campaign that had finished: it runs again. True when it was reopened. */
  async reopen(id: number): Promise<boolean> {
    const rows = await this.db.update(campaigns).set({ status: 'running', endedAt: null }).where(and(eq(campaigns.id, id), eq(campaigns.status, 'done'))).returning({ id: campaigns.id })
    return rows.length > 0
  }

  /** Why a running campaign makes no calls now (blocked.ts), or null. */
  async blockedReason(c: Campaign, now: Date): Promise<string | null> {
    if (c.status !== 'running') return null
    const facts = await blockFacts(this.db, this.ctx.queues?.store, c, await this.problems(c.kind, c.settings), now)
    return blockedReason(c, facts, now)
  }

  async running(): Promise<Campaign[]> {
    return (await this.db.select().from(campaigns).where(inArray(campaigns.status, ['running']))).map(toCampaign)
  }

  /** Moves a campaign to `status` if that may follow its current one. */
  async setStatus(id: number, status: CampaignStatus, now: Date): Promise<Campaign | CampaignError> {
    const current = await this.get(id)
    if (!current) return { error: 'unknown-campaign', message: `there is no campaign ${id}` }
    if (current.status === status) return current
    if (!TRANSITIONS[current.status].includes(status)) {
      return { error: 'bad-transition', message: `${current.status === 'archived' ? 'an' : 'a'} ${current.status} campaign cannot become ${status}` }
    }
    if (status === 'running') {
      const problems = await this.problems(current.kind, current.settings)
      if (problems.length > 0) return { error: 'bad-settings', message: problems.join('\n') }
    }
    const [row] = await this.db
      .update(campaigns)
      .set({
        status,
        startedAt: status === 'running' && !current.startedAt ? now : undefined,
        // Archiving keeps when it ended.
        endedAt: status === 'archived' ? undefined : status === 'stopped' || status === 'done' ? now : null,
      })
      .where(eq(campaigns.id, id))
      .returning()
    return toCampaign(row!)
  }

  /** Live figures: contacts by status, attempts by outcome, answer and abandon rates. */
  async figures(id: number, now: Date): Promise<CampaignFigures | undefined> {
    const campaign = await this.get(id)
    if (!campaign) return undefined
    const byStatus = Object.fromEntries(
      (await this.db.select({ status: contacts.status, n: sql<number>`count(*)::int` }).from(contacts).where(eq(contacts.campaignId, id)).groupBy(contacts.status)).map((r) => [r.status, r.n]),
    )
    const since = new Date(now.toISOString().slice(0, 10) + 'T00:00:00Z')
    const outcomes = await this.db.execute(sql`
      select coalesce(outcome, 'in-progress') as outcome, count(*)::int as n, count(*) filter (where started_at >= ${since})::int as today,
        coalesce(sum(extract(epoch from (ended_at - answered_at)) * 1000) filter (where agent_id is not null), 0)::bigint as talk_ms
      from attempts where campaign_id = ${id} group by 1`)
    const list = ((outcomes as unknown as { rows?: Array<Record<string, unknown>> }).rows ?? (outcomes as unknown as Array<Record<string, unknown>>))
    const count = (o: string, today = false): number => Number(list.find((r) => r.outcome === o)?.[today ? 'today' : 'n'] ?? 0)
    const attemptsByOutcome = Object.fromEntries(list.map((r) => [String(r.outcome), Number(r.n)]))
    const total = list.reduce((s, r) => s + Number(r.n), 0)
    const reached = (today = false): number => count('human', today) + count('completed', today) + count('abandoned', today)
    const answered = reached() + count('machine')
    const contactsTotal = Object.values(byStatus).reduce((s: number, v) => s + Number(v), 0)
    const done = Number(byStatus.done ?? 0) + Number(byStatus.failed ?? 0) + Number(byStatus['do-not-call'] ?? 0)
    return {
      campaign,
      contacts: { total: contactsTotal, done, pending: contactsTotal - done, byStatus },
      attempts: { total, byOutcome: attemptsByOutcome },
      answerRate: total > 0 ? answered / total : null,
      abandonRate: reached() > 0 ? count('abandoned') / reached() : null,
      abandonRateToday: reached(true) > 0 ? count('abandoned', true) / reached(true) : null,
      operatorTalkMs: list.reduce((s, r) => s + Number(r.talk_ms ?? 0), 0),
      blockedReason: await this.blockedReason(campaign, now),
    }
  }

  /** Survey answers as CSV: one row per contact, one column per question. */
  async surveyCsv(id: number): Promise<string> {
    const answers = await this.db
      .select({ phone: contacts.phone, name: contacts.name, question: surveyAnswers.question, answer: surveyAnswers.answer, at: surveyAnswers.answeredAt })
      .from(surveyAnswers)
      .innerJoin(contacts, eq(contacts.id, surveyAnswers.contactId))
      .where(eq(surveyAnswers.campaignId, id))
      .orderBy(contacts.id)
    const questions = [...new Set(answers.map((a) => a.question))].sort()
    const byPhone = new Map<string, { name: string; answers: Map<string, string>; at: Date }>()
    for (const a of answers) {
      const row = byPhone.get(a.phone) ?? { name: a.name, answers: new Map(), at: a.at }
      row.answers.set(a.question, a.answer)
      if (a.at > row.at) row.at = a.at
      byPhone.set(a.phone, row)
    }
    const cell = (v: string): string => (/[",\n;]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)
    const lines = [['phone', 'name', ...questions, 'answered_at'].map(cell).join(',')]
    for (const [phone, r] of byPhone) lines.push([phone, r.name, ...questions.map((q) => r.answers.get(q) ?? ''), r.at.toISOString()].map(cell).join(','))
    return lines.join('\n') + '\n'
  }
}

export interface CampaignFigures {
  campaign: Campaign
  contacts: { total: number; done: number; pending: number; byStatus: Record<string, number> }
  attempts: { total: number; byOutcome: Record<string, number> }
  /** Answered (person or machine) over attempts. */
  answerRate: number | null
  /** Abandoned over people reached, over the whole campaign and today. */
  abandonRate: number | null
  abandonRateToday: number | null
  operatorTalkMs: number
  /** Why a running campaign makes no calls now (no operators, window closed until ...), or null. */
  blockedReason: string | null
}

export const isCampaignError = (v: unknown): v is CampaignError => typeof v === 'object' && v !== null && 'error' in v

function toCampaign(row: typeof campaigns.$inferSelect): Campaign {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    status: row.status,
    settings: campaignSettings(row.settings),
    startedAt: row.startedAt,
    endedAt: row.endedAt,
  }
}

/** Attempts in progress for a campaign (outcome not yet known). */
export async function attemptsInProgress(db: Db, campaignId: number): Promise<number> {
  const [r] = await db.select({ n: sql<number>`count(*)::int` }).from(attempts).where(sql`${attempts.campaignId} = ${campaignId} and ${attempts.outcome} is null`)
  return r?.n ?? 0
}
