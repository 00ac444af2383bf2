/**
 * The dialer of one app instance. For each running campaign it decides, on its clock, how
 * many calls to start (pacing), claims that many due contacts in Postgres (attempts.ts) and
 * hands each attempt to BullMQ as a job named after the attempt, so a job is never queued
 * twice. A worker (on any instance) originates the call through FreeSWITCH to our outbound
 * socket; the answered leg comes back as a Call and is handled by the campaign's script
 * (campaigns/call-handler.ts). Every instance runs the same loop; the claims never overlap.
 */
import { Queue, Worker, type Job } from 'bullmq'
import { and, eq, isNull, isNotNull, sql } from 'drizzle-orm'
import type { Logger } from 'pino'
import { Campaigns, type Campaign } from '../campaigns/campaigns.js'
import type { Db } from '../db/database.js'
import { attempts, contacts } from '../db/schema/index.js'
import { UnsafeCommandError } from '../esl/commands.js'
import type { ControlClient } from '../esl/control-client.js'
import { dialString, endpointFromTemplate } from '../esl/dial-string.js'
import { NodePool } from '../esl/node-pool.js'
import { CommandFailed } from '../esl/results.js'
import type { Queues } from '../queue/index.js'
import type { RedisHandle } from '../redis/connection.js'
import type { Clock, TimerHandle } from '../time/clock.js'
import { claimDue, finishAttempt, markDialed, outcomeOfFailure, unclaim, type AttemptResult } from './attempts.js'
import { dialsWanted } from './pacing/index.js'
import { LivePacing } from './pacing/live.js'

export interface DialerOptions {
  db: Db
  redis: RedisHandle
  prefix: string
  clock: Clock
  log: Logger
  controls: () => ControlClient[]
  /** host:port where FreeSWITCH reaches our outbound socket. */
  appAddress: () => string
  queues: Queues | undefined
  globalMaxLines: number
  /** The number contacts see when their campaign names none. */
  outboundCallerId?: string
  /** Ids of the campaign scripts loaded: a campaign naming another is refused. */
  scripts?: string[]
}

interface DialJob {
  attemptId: number
  campaignId: number
}

/** Variables that mark an originated leg as a campaign call. */
export const CAMPAIGN_VARS = { campaign: 'cc_campaign', contact: 'cc_contact', attempt: 'cc_attempt' } as const

const IDLE_TICK_MS = 60_000
const BUSY_TICK_MS = 1_000
/** How long after its originate a call must have a channel before reconciling may close it. */
const RECONCILE_MARGIN_MS = 2_000

export class Dialer {
  readonly campaigns: Campaigns
  private readonly queue: Queue<DialJob>
  private readonly worker: Worker<DialJob>
  private readonly timers = new Map<number, TimerHandle>()
  /** The FreeSWITCH nodes, the least busy first. */
  readonly nodes: NodePool
  private readonly ticking = new Set<number>()
  /** Calls whose originate reply was lost with the control connection: their hangup tells how they ended. */
  private readonly orphans = new Map<string, { attemptId: number; campaignId: number }>()
  private running = false

  /** Predictive campaigns' pacing (src/dialer/pacing): a snapshot of the campaign each tick, one Pacer each. */
  private readonly pacing: LivePacing | undefined

  constructor(private readonly o: DialerOptions) {
    this.campaigns = new Campaigns(o.db, { queues: o.queues, scripts: o.scripts, clock: o.clock })
    this.nodes = new NodePool(o.controls)
    const queues = o.queues
    this.pacing = queues ? new LivePacing({ db: o.db, store: queues.store, wrapUpMs: (q) => (queues.settings.find((x) => x.name === q)?.wrapUpSeconds ?? 0) * 1000 }) : undefined
    const bull = { prefix: `${o.prefix}:bull` }
    this.queue = new Queue<DialJob>('dial', { ...bull, connection: o.redis.duplicate() })
    this.worker = new Worker<DialJob>('dial', (job) => this.dial(job), { ...bull, connection: o.redis.duplicate(), concurrency: Math.max(10, o.globalMaxLines), autorun: false })
    this.worker.on('failed', (job, err) => o.log.error({ attempt: job?.data.attemptId, err: err.message }, 'dialer: dial job failed'))
  }

  async start(): Promise<void> {
    this.running = true
    void this.worker.run()
    // A control connection that comes back (reconnected; up again after being marked down, which
    // may come a ping later): what happened to our calls while it was away?
    for (const c of this.o.controls()) {
      c.on('reconnected', () => this.reconcileWhenAllUp())
      c.on('up', () => this.reconcileWhenAllUp())
      c.onEvent('CHANNEL_HANGUP_COMPLETE', (e) => {
        const orphan = e.uuid ? this.orphans.get(e.uuid) : undefined
        if (orphan) void this.o.clock.track(this.orphanEnded(e.uuid!, orphan, e.get('Hangup-Cause') ?? 'NORMAL_CLEARING', e.get('Answer-State') === 'answered'))
      })
    }
    await this.recover()
    for (const c of await this.campaigns.running()) this.kick(c.id)
  }

  private stopped: Promise<void> | undefined

  /** Stops dialing; calls out go on. Safe to call twice (a SIGTERM stops it before the rest of the app). */
  stop(): Promise<void> {
    this.stopped ??= this.stopNow()
    return this.stopped
  }

  private async stopNow(): Promise<void> {
    this.running = false
    for (const t of this.timers.values()) this.o.clock.clearTimeout(t)
    this.timers.clear()
    await this.worker.close()
    await this.queue.close()
  }

  /** Something changed for a campaign (started, a line or an operator freed): look again soon. */
  kick(campaignId: number, delayMs = 0): void {
    if (!this.running) return
    const existing = this.timers.get(campaignId)
    if (existing) this.o.clock.clearTimeout(existing)
    const t = this.o.clock.setTimeout(() => {
      this.timers.delete(campaignId)
      void this.o.clock.track(this.tick(campaignId))
    }, delayMs)
    this.timers.set(campaignId, t)
  }

  /** The result of an answered call, from the call handler; frees its line for the next. */
  async finished(campaign: Campaign, attemptId: number, result: AttemptResult): Promise<void> {
    await finishAttempt(this.o.db, attemptId, result, campaign.settings, new Date(this.o.clock.now()))
    this.kick(campaign.id)
  }

  private async tick(campaignId: number): Promise<void> {
    if (this.ticking.has(campaignId)) return
    this.ticking.add(campaignId)
    try {
      const campaign = await this.campaigns.get(campaignId)
      if (!campaign || campaign.status !== 'running') return
      const now = new Date(this.o.clock.now())
      const s = campaign.settings
      const { wanted, perOperator, reason } = await this.pace(campaign, now)
      // Callbacks agreed with an operator wait for them to be free (claimDue).
      const agentsFree = s.operatorsQueue && this.o.queues ? await this.freeAgents(s.operatorsQueue) : undefined
      const claimed = await claimDue(this.o.db, campaignId, s, now, { globalMaxLines: this.o.globalMaxLines, wanted, perOperator, agentsFree })
      for (const c of claimed) {
        await this.queue.add('dial', { attemptId: c.attemptId, campaignId }, { jobId: `attempt-${c.attemptId}`, removeOnComplete: 10_000, removeOnFail: 10_000 })
      }
      if (claimed.length > 0) this.o.log.info({ campaign: campaignId, dials: claimed.length, wanted, reason }, 'dialer: calls started')
      this.kick(campaignId, await this.nextLook(campaign, claimed.length > 0, now))
    } catch (err) {
      this.o.log.error({ campaign: campaignId, err: (err as Error).message }, 'dialer: tick failed; trying again')
      this.kick(campaignId, BUSY_TICK_MS)
    } finally {
      this.ticking.delete(campaignId)
    }
  }

  /** When to look at the campaign again: soon while it dials, at the next due contact, or done. */
  private async nextLook(campaign: Campaign, dialled: boolean, now: Date): Promise<number> {
    if (dialled) return Math.max(50, Math.ceil(1000 / campaign.settings.callsPerSecond))
    const callable = campaign.settings.requireConsent ? sql`${contacts.consent} is true` : sql`true`
    const [r] = await this.o.db
      .select({
        pending: sql<number>`count(*) filter (where ${contacts.status} = 'pending')::int`,
        dialing: sql<number>`count(*) filter (where ${contacts.status} = 'dialing')::int`,
        dueNow: sql<number>`count(*) filter (where ${contacts.status} = 'pending' and (${contacts.nextAttemptAt} is null or ${contacts.nextAttemptAt} <= ${now}) and ${callable})::int`,
        callable: sql<number>`count(*) filter (where ${contacts.status} = 'pending' and ${callable})::int`,
        next: sql<string | null>`min(${contacts.nextAttemptAt}) filter (where ${contacts.status} = 'pending' and ${callable})`,
      })
      .from(contacts)
      .where(eq(contacts.campaignId, campaign.id))
    // Contacts that may never be called (no consent where it is needed) do not keep it running.
    // Calls out with nothing else to do: make sure none was lost on its way.
    // Calls out and nothing dialled now (lines full, or nobody due): make sure none was lost on its way.
    if (r && r.dialing > 0 && !dialled && (await this.reap(campaign.id)) > 0) return 0
    if (!r || (r.callable === 0 && r.dialing === 0)) {
      await this.campaigns.setStatus(campaign.id, 'done', now)
      this.o.log.info({ campaign: campaign.id }, 'dialer: every contact done; campaign done')
      return IDLE_TICK_MS
    }
    // Due now but no line or operator free: a finished call kicks sooner.
    if (r.dueNow > 0) return BUSY_TICK_MS
    const next = r.next ? new Date(r.next).getTime() - now.getTime() : IDLE_TICK_MS
    return Math.max(BUSY_TICK_MS, Math.min(next, 6 * 3600_000))
  }

  /**
   * How many calls to start now. Predictive: the Pacer on a snapshot of the campaign (new
   * calls on top of those out, so the claim counts them as they are). The other modes: by
   * the free operators, the claim taking off the calls not yet with one.
   */
  private async pace(campaign: Campaign, now: Date): Promise<{ wanted: number; perOperator: boolean; reason?: string }> {
    const s = campaign.settings
    if (s.mode === 'predictive' && this.pacing) {
      const { decision } = await this.pacing.decide(campaign, now.getTime())
      this.o.log.debug({ campaign: campaign.id, dials: decision.dials, reason: decision.reason, ...decision.detail }, 'dialer: predictive pacing')
      return { wanted: decision.dials, perOperator: false, reason: decision.reason }
    }
    const operatorsFree = s.operatorsQueue && this.o.queues ? (await this.freeAgents(s.operatorsQueue)).length : 0
    return { wanted: dialsWanted({ mode: s.mode, maxLines: s.maxLines, operatorsFree }), perOperator: s.mode !== 'agentless' }
  }

  private async freeAgents(queue: string): Promise<string[]> {
    const store = this.o.queues!.store
    const members = await store.members(queue)
    const agents = await Promise.all(members.map((m) => store.agent(m)))
    return agents.filter((a) => a?.state === 'available').map((a) => a!.id)
  }

  /** The job: originate one attempt's call, once. */
  private async dial(job: Job<DialJob>): Promise<string> {
    const { db, clock, log } = this.o
    const { attemptId, campaignId } = job.data
    const campaign = await this.campaigns.get(campaignId)
    const now = (): Date => new Date(clock.now())
    if (!campaign || campaign.status !== 'running') {
      await unclaim(db, attemptId, now())
      return 'campaign not running: given back'
    }
    const [row] = await db
      .select({ phone: contacts.phone, contactId: contacts.id, callUuid: attempts.callUuid })
      .from(attempts)
      .innerJoin(contacts, eq(contacts.id, attempts.contactId))
      .where(eq(attempts.id, attemptId))
    if (!row) return 'attempt gone'
    if (!(await markDialed(db, attemptId, now()))) return 'already dialled'
    const s = campaign.settings
    const fail = async (result: AttemptResult): Promise<string> => {
      await finishAttempt(db, attemptId, result, s, now())
      this.kick(campaignId)
      return `${result.outcome}: ${result.cause ?? ''}`
    }
    let dial: string
    try {
      dial = dialString([endpointFromTemplate(s.dialTemplate, row.phone)], {
        vars: {
          origination_uuid: row.callUuid,
          origination_caller_id_number: s.callerId ?? this.o.outboundCallerId,
          originate_timeout: s.ringTimeoutSeconds,
          ignore_early_media: true,
          [CAMPAIGN_VARS.campaign]: campaignId,
          [CAMPAIGN_VARS.contact]: row.contactId,
          [CAMPAIGN_VARS.attempt]: attemptId,
        },
      })
    } catch (err) {
      if (!(err instanceof UnsafeCommandError)) throw err
      return fail({ outcome: 'failed', cause: 'UNDIALABLE' })
    }
    const placed = await this.nodes.originate(dial, { socket: this.o.appAddress() }, (s.ringTimeoutSeconds + 60) * 1000)
    if (!placed) return fail({ outcome: 'failed', cause: 'NO_FREESWITCH' })
    const r = placed.result
    if (r instanceof CommandFailed) {
      // The control connection went while the call was being placed: the call may still be
      // ringing or answered (its leg reaches our socket without it). Reconciliation decides.
      if (/connection (lost|closed)/.test(r.reply)) {
        log.warn({ attempt: attemptId, node: placed.node.node }, 'dialer: lost the node while placing a call; left to reconciliation')
        this.orphans.set(row.callUuid, { attemptId, campaignId })
        return 'left to reconciliation'
      }
      log.warn({ attempt: attemptId, node: placed.node.node, reply: r.reply }, 'dialer: originate refused')
      return fail({ outcome: 'failed', cause: 'ORIGINATE_FAILED' })
    }
    if (!r.ok) return fail({ outcome: outcomeOfFailure(r.cause), cause: r.cause })
    // Answered: the leg is at our outbound socket now; its handler writes the outcome.
    return 'answered'
  }

  /** An orphaned call hung up: unless its answered leg reached us (its handler writes the end), this is its end. */
  private async orphanEnded(uuid: string, o: { attemptId: number; campaignId: number }, cause: string, answered: boolean): Promise<void> {
    this.orphans.delete(uuid)
    const [a] = await this.o.db.select({ answeredAt: attempts.answeredAt }).from(attempts).where(eq(attempts.id, o.attemptId))
    if (!a || a.answeredAt) return
    const campaign = await this.campaigns.get(o.campaignId)
    if (!campaign) return
    const result: AttemptResult = answered ? { outcome: 'failed', cause: 'ANSWERED_UNREACHED' } : { outcome: outcomeOfFailure(cause), cause }
    if (await finishAttempt(this.o.db, o.attemptId, result, campaign.settings, new Date(this.o.clock.now()))) this.kick(o.campaignId)
  }

  /**
   * Our view of the calls out against FreeSWITCH's: every open attempt that no node has a
   * channel for any more is closed now (answered: reached; not: failed, tried again), and
   * its campaign looks again. Runs when a control connection comes back.
   */
  async reconcile(only?: ReadonlySet<number>): Promise<number> {
    const { db, clock, log } = this.o
    const nodes = this.o.controls().filter((c) => c.isUp)
    if (nodes.length === 0 || nodes.length < this.o.controls().length) return 0
    const live = new Set<string>()
    for (const node of nodes) {
      const rows = await node.showChannels()
      if (rows instanceof CommandFailed) return 0
      for (const r of rows) if (r.uuid) live.add(r.uuid)
    }
    const now = new Date(clock.now())
    const open = await db
      .select({ id: attempts.id, campaignId: attempts.campaignId, callUuid: attempts.callUuid, answeredAt: attempts.answeredAt, dialedAt: attempts.dialedAt })
      .from(attempts)
      .where(and(isNull(attempts.outcome), isNotNull(attempts.dialedAt)))
    let closed = 0
    const young = new Set<number>()
    for (const a of open) {
      if (live.has(a.callUuid) || (only && !only.has(a.id))) continue
      // A call placed in the last moments may not have its channel yet: looked at once more soon.
      if (now.getTime() - a.dialedAt!.getTime() < RECONCILE_MARGIN_MS) {
        young.add(a.id)
        continue
      }
      this.orphans.delete(a.callUuid)
      const campaign = await this.campaigns.get(a.campaignId)
      if (!campaign) continue
      const result: AttemptResult = a.answeredAt ? { outcome: 'human', cause: 'RECONCILED' } : { outcome: 'failed', cause: 'RECONCILED', lostByUs: true }
      if (await finishAttempt(db, a.id, result, campaign.settings, now)) {
        closed++
        this.kick(a.campaignId)
      }
    }
    if (closed > 0) log.info({ closed }, 'dialer: calls no node knows any more were closed')
    if (young.size > 0 && !only) this.o.clock.setTimeout(() => this.reconcileWhenAllUp(young), RECONCILE_MARGIN_MS)
    return closed
  }

  /**
   * After a restart: claims never dialled are given back; then whatever reap() finds.
   */
  private async recover(): Promise<void> {
    const { db, clock, log } = this.o
    const now = new Date(clock.now())
    const undialled = await db.select({ id: attempts.id }).from(attempts).where(and(isNull(attempts.outcome), isNull(attempts.dialedAt), sql`${attempts.startedAt} < ${new Date(now.getTime() - 60_000)}`))
    // A job may still be queued for one: it finds the attempt gone and does nothing.
    for (const a of undialled) await unclaim(db, a.id, now)
    if (undialled.length > 0) log.info({ givenBack: undialled.length }, 'dialer: claims left by a restart given back')
    // The instance that held the calls open before this start is gone: whatever no node knows
    // ended with it. Reconciled now if every node answers already, else when they come up.
    this.reconcileWhenAllUp()
  }

  /** reconcile(), once every node can be asked (a node we cannot ask may hold any call). */
  private reconcileWhenAllUp(only?: ReadonlySet<number>): void {
    if (!this.running || !this.o.controls().every((c) => c.isUp)) return
    // 'up' and 'reconnected' often come together: one full pass at a time, and one more after
    // it if something asked meanwhile (the pass under way may have seen the old connection).
    if (!only && this.reconciling) {
      this.reconcileAgain = true
      return
    }
    const pass = this.reconcile(only)
      .catch((err: unknown) => void this.o.log.error({ err: (err as Error).message }, 'dialer: reconciling failed'))
      .finally(() => {
        if (this.reconciling !== pass) return
        this.reconciling = undefined
        if (this.reconcileAgain) {
          this.reconcileAgain = false
          this.reconcileWhenAllUp()
        }
      })
    if (!only) this.reconciling = pass
    void this.o.clock.track(pass)
  }

  private reconciling: Promise<unknown> | undefined
  private reconcileAgain = false

  /**
   * Calls that went out but whose end nobody will report: the instance that held them went
   * away (crash, restart), or their answered leg could not reach it. Unanswered long after
   * the ring timeout: failed, tried again by the rules. Answered and gone from FreeSWITCH:
   * the person was reached, so they are not called again.
   */
  private async reap(campaignId?: number): Promise<number> {
    const { db, clock } = this.o
    const now = new Date(clock.now())
    // Long past their time, a call no node we can ask knows is gone (a node away this long
    // has lost its calls too). With no node to ask, nobody can say.
    const controls = this.o.controls().filter((c) => c.isUp)
    if (controls.length === 0) return 0
    const open = await db
      .select({ id: attempts.id, campaignId: attempts.campaignId, callUuid: attempts.callUuid, dialedAt: attempts.dialedAt, answeredAt: attempts.answeredAt })
      .from(attempts)
      .where(and(isNull(attempts.outcome), isNotNull(attempts.dialedAt), campaignId === undefined ? sql`true` : eq(attempts.campaignId, campaignId)))
    let closed = 0
    for (const a of open) {
      const campaign = await this.campaigns.get(a.campaignId)
      if (!campaign) continue
      const since = (a.answeredAt ?? a.dialedAt)!.getTime()
      const quietFor = now.getTime() - since
      if (a.answeredAt ? quietFor < 5 * 60_000 : quietFor < (campaign.settings.ringTimeoutSeconds + 90) * 1000) continue
      // Alive on any node: still going, its handler will write the end.
      const checks = await Promise.all(controls.map((c) => c.uuidExists(a.callUuid)))
      if (checks.some((x) => x !== false)) continue
      const result: AttemptResult = a.answeredAt ? { outcome: 'human', cause: 'LOST_ON_RESTART' } : { outcome: 'failed', cause: 'LOST_ON_RESTART', lostByUs: true }
      if (await finishAttempt(db, a.id, result, campaign.settings, now)) closed++
    }
    return closed
  }
}
