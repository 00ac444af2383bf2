/**
 * The dialer's side of predictive pacing: a PacingSnapshot of a live campaign, from what the
 * app knows, and one Pacer per campaign. Operators come from the queue's agent states in
 * Redis (one read per member); calls out and the recent figures from the campaign's
 * attempts in Postgres (four small queries side by side, each bounded by the attempts index
 * and a LIMIT), so a tick stays cheap.
 *
 *   - ringing: attempts claimed or dialled and not answered (no outcome yet);
 *   - waiting: answered, no operator yet (`agent_id` is written when one takes the call);
 *   - recent: the last 400 attempts told apart (answered, or ended), by when that happened;
 *     an answered one still going counts as a person (the operator-mode call handler runs
 *     no machine detection: whoever answers is put through);
 *   - handled: the last 200 calls an operator had, ended: talk = end - answer, wrap-up the
 *     queue's fixed wrap-up time, connect = connected - answer (when it was recorded);
 *   - abandons: people answering and abandoned since the campaign started and since midnight
 *     UTC (the regulator's day, taken as UTC), attempts counted by the day they started. The
 *     days before today are counted once a day and kept (LivePacing), so a tick reads only
 *     today's attempts, through the (campaign, started_at) index like the other queries.
 */
import { sql } from 'drizzle-orm'
import type { Campaign } from '../../campaigns/campaigns.js'
import type { Db } from '../../db/database.js'
import type { AttemptOutcome } from '../../db/schema/index.js'
import type { QueueStore } from '../../queue/store.js'
import { Pacer } from './index.js'
import { pacingSettings, type AttemptSample, type HandledSample, type OperatorSnapshot, type PacingDecision, type PacingMode, type PacingSnapshot, type RingingCall, type WaitingCall } from './snapshot.js'

type Row = Record<string, unknown>
const rows = (r: unknown): Row[] => ((r as { rows?: Row[] }).rows ?? (r as Row[]))
const ms = (v: unknown): number => (v === null || v === undefined ? Number.NaN : new Date(v as string | Date).getTime())

const RECENT_ATTEMPTS = 400
const RECENT_HANDLED = 200
const HUMAN = new Set<AttemptOutcome>(['human', 'completed', 'abandoned'])

export interface LiveSnapshotSources {
  db: Db
  store: QueueStore
  /** The operators queue's wrap-up after each call, ms. */
  wrapUpMs: number
}

/** Operators of a queue as the pacing sees them: logged-in members with their state and time in it. */
export async function operatorsOf(store: QueueStore, queue: string): Promise<OperatorSnapshot[]> {
  const members = await store.members(queue)
  const agents = await Promise.all(members.map((m) => store.agent(m)))
  const out: OperatorSnapshot[] = []
  for (const a of agents) {
    if (!a || a.state === 'logged-out') continue
    out.push({ state: a.state, since: a.since, leaving: a.pending !== '' ? true : undefined })
  }
  return out
}

/** People answering, abandoned and attempts ended. */
export interface Counts {
  humans: number
  abandoned: number
  calls: number
}

/** The campaign's counts of attempts started before `before` (the days before today). */
export async function countsBefore(db: Db, campaignId: number, before: Date): Promise<Counts> {
  const r = rows(
    await db.execute(sql`
      select
        count(*) filter (where outcome in ('human', 'completed', 'abandoned'))::int as humans,
        count(*) filter (where outcome = 'abandoned')::int as abandoned,
        count(*) filter (where outcome is not null)::int as calls
      from attempts where campaign_id = ${campaignId} and started_at < ${before}`),
  )[0]
  return { humans: Number(r?.humans ?? 0), abandoned: Number(r?.abandoned ?? 0), calls: Number(r?.calls ?? 0) }
}

/** Midnight UTC of the day `now` is in. */
export const dayStart = (now: number): Date => new Date(Math.floor(now / 86_400_000) * 86_400_000)

/** The snapshot; `earlier` is countsBefore(dayStart(now)), when the caller keeps it (else it is read). */
export async function liveSnapshot(src: LiveSnapshotSources, campaignId: number, queue: string, now: number, earlier?: Counts): Promise<PacingSnapshot> {
  const { db } = src
  const midnight = dayStart(now)
  const [operators, open, recent, handled, counts, before] = await Promise.all([
    operatorsOf(src.store, queue),
    db.execute(sql`select started_at, dialed_at, answered_at, agent_id from attempts where campaign_id = ${campaignId} and outcome is null`),
    db.execute(sql`
      select dialed_at, answered_at, ended_at, outcome from attempts
      where campaign_id = ${campaignId} and dialed_at is not null and (outcome is not null or answered_at is not null)
      order by started_at desc limit ${RECENT_ATTEMPTS}`),
    db.execute(sql`
      select answered_at, connected_at, ended_at from attempts
      where campaign_id = ${campaignId} and agent_id is not null and outcome is not null and answered_at is not null
      order by started_at desc limit ${RECENT_HANDLED}`),
    countsSince(db, campaignId, midnight),
    earlier ?? countsBefore(db, campaignId, midnight),
  ])
  const ringing: RingingCall[] = []
  const waiting: WaitingCall[] = []
  for (const r of rows(open)) {
    if (r.answered_at) {
      if (!r.agent_id) waiting.push({ answeredAt: ms(r.answered_at) })
    } else {
      const at = ms(r.dialed_at ?? r.started_at)
      ringing.push({ dialedAt: Number.isFinite(at) ? at : now })
    }
  }
  const samples: AttemptSample[] = []
  for (const r of rows(recent).reverse()) {
    const dialedAt = ms(r.dialed_at)
    const outcome = (r.outcome ?? 'human') as AttemptOutcome
    const toldAt = HUMAN.has(outcome) && r.answered_at ? ms(r.answered_at) : ms(r.ended_at ?? r.answered_at)
    if (!Number.isFinite(dialedAt) || !Number.isFinite(toldAt)) continue
    samples.push({ dialedAt, outcome, ringMs: Math.max(0, toldAt - dialedAt) })
  }
  const calls: HandledSample[] = []
  for (const r of rows(handled).reverse()) {
    const talkMs = ms(r.ended_at) - ms(r.answered_at)
    const connectMs = ms(r.connected_at) - ms(r.answered_at)
    if (Number.isFinite(talkMs)) calls.push({ talkMs: Math.max(0, talkMs), wrapMs: src.wrapUpMs, ...(Number.isFinite(connectMs) ? { connectMs: Math.max(0, connectMs) } : {}) })
  }
  return {
    now,
    operators,
    ringing,
    waiting,
    recent: samples,
    handled: calls,
    campaign: { humanAnswers: before.humans + counts.humans, abandoned: before.abandoned + counts.abandoned, calls: before.calls + counts.calls },
    today: { humanAnswers: counts.humans, abandoned: counts.abandoned, calls: counts.calls },
  }
}

async function countsSince(db: Db, campaignId: number, since: Date): Promise<Counts> {
  const r = rows(
    await db.execute(sql`
      select
        count(*) filter (where outcome in ('human', 'completed', 'abandoned'))::int as humans,
        count(*) filter (where outcome = 'abandoned')::int as abandoned,
        count(*) filter (where outcome is not null)::int as calls
      from attempts where campaign_id = ${campaignId} and started_at >= ${since}`),
  )[0]
  return { humans: Number(r?.humans ?? 0), abandoned: Number(r?.abandoned ?? 0), calls: Number(r?.calls ?? 0) }
}

/**
 * One Pacer per campaign (VICIdial's mode keeps its dial level between ticks); the dialer
 * asks it each tick how many calls to start.
 */
export class LivePacing {
  private readonly pacers = new Map<number, Pacer>()
  /** Each campaign's counts of the days before today, read once a day. */
  private readonly earlier = new Map<number, { day: number; counts: Counts }>()

  constructor(private readonly src: { db: Db; store: QueueStore; wrapUpMs: (queue: string) => number }) {}

  async decide(campaign: Campaign, now: number, mode: PacingMode = 'predictive'): Promise<{ decision: PacingDecision; snapshot: PacingSnapshot }> {
    const s = campaign.settings
    if (!s.operatorsQueue) return { decision: { dials: 0, reason: 'no operators queue' }, snapshot: emptySnapshot(now) }
    let pacer = this.pacers.get(campaign.id)
    if (!pacer || pacer.mode !== mode) {
      pacer = new Pacer(mode)
      this.pacers.set(campaign.id, pacer)
    }
    const day = dayStart(now).getTime()
    let earlier = this.earlier.get(campaign.id)
    if (!earlier || earlier.day !== day) {
      earlier = { day, counts: await countsBefore(this.src.db, campaign.id, new Date(day)) }
      this.earlier.set(campaign.id, earlier)
    }
    const snapshot = await liveSnapshot({ db: this.src.db, store: this.src.store, wrapUpMs: this.src.wrapUpMs(s.operatorsQueue) }, campaign.id, s.operatorsQueue, now, earlier.counts)
    const decision = pacer.decide(snapshot, pacingSettings(s, { maxAbandonRate: s.maxAbandonRate }))
    return { decision, snapshot }
  }

  forget(campaignId: number): void {
    this.pacers.delete(campaignId)
    this.earlier.delete(campaignId)
  }
}

function emptySnapshot(now: number): PacingSnapshot {
  return { now, operators: [], ringing: [], waiting: [], recent: [], handled: [], campaign: { humanAnswers: 0, abandoned: 0 }, today: { humanAnswers: 0, abandoned: 0 } }
}
