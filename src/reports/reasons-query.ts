/**
 * Why clients call and what came of it, counted by Postgres: the call register grouped by
 * period (local to the center's zone, reports/buckets.ts) and by one dimension (queue, agent,
 * IVR choice, client type, campaign, call reason), with the contact-center figures the live
 * views use (src/queue/figures.ts) worked out the same way over the period:
 *
 * - offered: calls; answered: a person took it (from a queue, rung directly, a campaign
 *   call's operator); abandoned: the caller hung up waiting in a queue;
 * - service level: answered from the queue within its threshold / (answered + abandoned there);
 * - average wait: of callers answered from a queue; average handling: talk time of answered
 *   calls (from the agent's answer to the end); talk share: the group's part of the period's talk.
 *
 * Alongside, per group, the calls by outcome (queue outcome, else routing result), by
 * disposition and by reason.
 */
import { sql, type SQL } from 'drizzle-orm'
import type { Db } from '../db/database.js'
import type { Period } from './buckets.js'

export const GROUPS = ['queue', 'agent', 'ivr', 'clientType', 'campaign', 'reason'] as const
export type Group = (typeof GROUPS)[number]

export interface ReasonsQuery {
  from: string
  to: string
  by: Period
  group: Group
  timeZone: string
  /** Service-level threshold per queue, seconds (queues.yaml); others count 20 s. */
  thresholds: Record<string, number>
}

export interface ReportRow {
  period: string
  group: string
  offered: number
  answered: number
  abandoned: number
  serviceLevel: number | null
  averageWaitMs: number | null
  averageHandlingMs: number | null
  talkMs: number
  talkShare: number | null
}

export interface BreakdownRow {
  group: string
  kind: 'outcome' | 'disposition' | 'reason'
  value: string
  calls: number
}

const FORMAT: Record<Period, string> = { hour: 'YYYY-MM-DD"T"HH24:00', day: 'YYYY-MM-DD', week: 'YYYY-MM-DD', month: 'YYYY-MM' }

// The last choice the caller made in an IVR menu: the node and the key (`main-menu 2`).
const IVR_CHOICE = sql`(select s->>'node' || ' ' || (s->>'digits') from jsonb_array_elements(c.ivr_path) with ordinality e(s, i)
  where s->>'kind' = 'menu' and s->>'result' like 'option %' order by i desc limit 1)`

const GROUP_SQL: Record<Group, SQL> = {
  queue: sql`c.queue`,
  agent: sql`coalesce(c.answered_by, case when c.routed_to like 'agent:%' and c.route_result = 'connected' then substr(c.routed_to, 7) end)`,
  ivr: IVR_CHOICE,
  clientType: sql`cl.type`,
  campaign: sql`cp.name`,
  reason: sql`c.reason`,
}

const rowsOf = (r: unknown): Array<Record<string, unknown>> => (r as { rows?: Array<Record<string, unknown>> }).rows ?? (r as Array<Record<string, unknown>>)
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v))

/** The calls of the range with their period and group, as a CTE both queries start from. */
function base(q: ReasonsQuery): SQL {
  const tz = q.timeZone
  return sql`with c0 as (
    select to_char(date_trunc(${q.by}, c.started_at at time zone ${tz}), ${FORMAT[q.by]}) as period,
      coalesce((${GROUP_SQL[q.group]})::text, '') as grp,
      c.answered_by is not null or (c.routed_to like 'agent:%' and c.route_result = 'connected') as answered,
      c.queue_outcome, c.queue_wait_ms, c.queue, c.route_result, c.reason,
      c.details->'disposition'->>'code' as disposition,
      -- The agent's answer: a queue's caller is put through when the wait ends; else the channel's answer.
      case when c.answered_by is not null or c.route_result = 'connected' then
        extract(epoch from (c.ended_at - coalesce(c.queue_entered_at + make_interval(secs => c.queue_wait_ms / 1000.0), c.answered_at))) * 1000 end as talk_ms
    from calls c
    left join clients cl on cl.id = c.client_id
    left join campaigns cp on cp.id = c.campaign_id
    where c.started_at >= (${q.from}::date)::timestamp at time zone ${tz}
      and c.started_at < (${q.to}::date + 1)::timestamp at time zone ${tz})`
}

export async function reasonsReport(db: Db, q: ReasonsQuery): Promise<{ rows: ReportRow[]; breakdown: BreakdownRow[] }> {
  const thresholds = JSON.stringify(q.thresholds)
  const figures = await db.execute(sql`${base(q)}
    select period, grp,
      count(*)::int as offered,
      count(*) filter (where answered)::int as answered,
      count(*) filter (where queue_outcome = 'abandoned')::int as abandoned,
      count(*) filter (where queue_outcome = 'answered' and queue_wait_ms <= coalesce((${thresholds}::jsonb ->> queue)::int, 20) * 1000)::int as in_sl,
      count(*) filter (where queue_outcome in ('answered', 'abandoned'))::int as sl_base,
      round(avg(queue_wait_ms) filter (where queue_outcome = 'answered'))::bigint as avg_wait,
      round(avg(greatest(talk_ms, 0)) filter (where talk_ms is not null))::bigint as avg_handling,
      coalesce(round(sum(greatest(talk_ms, 0))), 0)::bigint as talk,
      sum(coalesce(sum(greatest(talk_ms, 0)), 0)) over (partition by period) as period_talk
    from c0 group by period, grp order by period, grp`)
  const rows = rowsOf(figures).map((r) => {
    const slBase = Number(r.sl_base)
    const talk = Number(r.talk)
    const periodTalk = Number(r.period_talk)
    return {
      period: String(r.period),
      group: String(r.grp),
      offered: Number(r.offered),
      answered: Number(r.answered),
      abandoned: Number(r.abandoned),
      serviceLevel: slBase > 0 ? Number(r.in_sl) / slBase : null,
      averageWaitMs: num(r.avg_wait),
      averageHandlingMs: num(r.avg_handling),
      talkMs: talk,
      talkShare: periodTalk > 0 ? talk / periodTalk : null,
    }
  })
  const parts = await db.execute(sql`${base(q)}
    select grp, kind, value, count(*)::int as calls from (
      select grp, 'outcome' as kind, coalesce(queue_outcome, route_result, case when answered then 'answered' else 'no-route' end) as value from c0
      union all select grp, 'disposition', disposition from c0 where disposition is not null
      union all select grp, 'reason', reason from c0 where reason is not null
    ) x group by grp, kind, value order by grp, kind, calls desc, value`)
  const breakdown = rowsOf(parts).map((r) => ({ group: String(r.grp), kind: r.kind as BreakdownRow['kind'], value: String(r.value), calls: Number(r.calls) }))
  return { rows, breakdown }
}
