/**
 * Writes the call register (the `calls` table). Updates are kept in memory and written in
 * batches as idempotent upserts of each call's latest state, so a slow or absent Postgres
 * delays rows but never loses them: failed writes are retried with backoff until they land.
 */
import { sql } from 'drizzle-orm'
import type { Logger } from 'pino'
import type { Db } from '../db/database.js'
import { calls, type IvrStep, type QueueOffer } from '../db/schema/index.js'
import type { Clock, TimerHandle } from '../time/clock.js'

export interface CallRow {
  callUuid: string
  direction: string
  callerNumber: string
  callerName: string
  destination: string
  startedAt: Date
  answeredAt: Date | null
  endedAt: Date | null
  hangupCause: string | null
  details: Record<string, unknown>
  flowId: string | null
  ivrPath: IvrStep[]
  clientId: number | null
  language: string | null
  routedTo: string | null
  routeResult: string | null
  queue: string | null
  queueEnteredAt: Date | null
  queueWaitMs: number | null
  queueOutcome: string | null
  answeredBy: string | null
  queueOffers: QueueOffer[]
  campaignId: number | null
  contactId: number | null
  attemptId: number | null
}

/** What the IVR and routing learn about a call as it goes. */
export type CallFacts = Partial<
  Pick<
    CallRow,
    'flowId' | 'clientId' | 'language' | 'routedTo' | 'routeResult' | 'queue' | 'queueEnteredAt' | 'queueWaitMs' | 'queueOutcome' | 'answeredBy' | 'campaignId' | 'contactId' | 'attemptId'
  >
>

export class CallRegister {
  private readonly rows = new Map<string, CallRow>()
  private readonly dirty = new Set<string>()
  private timer: TimerHandle | undefined
  private flushing: Promise<void> | undefined
  private failures = 0
  private readonly waiters: Array<() => void> = []

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly clock: Clock,
    private readonly instanceId: string,
    private readonly batchDelayMs = 50,
  ) {}

  /** Calls whose latest state is not yet in the database. */
  get backlog(): number {
    return this.dirty.size
  }

  started(row: Pick<CallRow, 'callUuid' | 'direction' | 'callerNumber' | 'callerName' | 'destination' | 'startedAt'> & { details?: Record<string, unknown> }): void {
    this.rows.set(row.callUuid, {
      answeredAt: null,
      endedAt: null,
      hangupCause: null,
      flowId: null,
      ivrPath: [],
      clientId: null,
      language: null,
      routedTo: null,
      routeResult: null,
      queue: null,
      queueEnteredAt: null,
      queueWaitMs: null,
      queueOutcome: null,
      answeredBy: null,
      queueOffers: [],
      campaignId: null,
      contactId: null,
      attemptId: null,
      ...row,
      details: { ...row.details },
    })
    this.touch(row.callUuid)
  }

  /** Records facts about the call (flow, client, language, where it was routed). */
  facts(callUuid: string, facts: CallFacts): void {
    const row = this.rows.get(callUuid)
    if (!row) return
    Object.assign(row, facts)
    this.touch(callUuid)
  }

  /** Appends a node of the IVR path. */
  step(callUuid: string, step: IvrStep): void {
    const row = this.rows.get(callUuid)
    if (!row) return
    row.ivrPath.push(step)
    this.touch(callUuid)
  }

  /** Notes an agent rung for the caller, or what came of the last ring of that agent. */
  offer(callUuid: string, offer: QueueOffer): void {
    const row = this.rows.get(callUuid)
    if (!row) return
    const last = row.queueOffers.findLast((o) => o.agent === offer.agent && o.at === offer.at)
    if (last) last.result = offer.result
    else row.queueOffers.push({ ...offer })
    this.touch(callUuid)
  }

  answered(callUuid: string, at: Date): void {
    const row = this.rows.get(callUuid)
    if (!row || row.answeredAt) return
    row.answeredAt = at
    this.touch(callUuid)
  }

  /** Merges facts into the call's `details` (IVR path, routing, recording ...). */
  note(callUuid: string, details: Record<string, unknown>): void {
    const row = this.rows.get(callUuid)
    if (!row) return
    Object.assign(row.details, details)
    this.touch(callUuid)
  }

  /** Appends to a list inside `details` (e.g. the IVR path). */
  append(callUuid: string, key: string, item: unknown): void {
    const row = this.rows.get(callUuid)
    if (!row) return
    const list = Array.isArray(row.details[key]) ? (row.details[key] as unknown[]) : (row.details[key] = [])
    ;(list as unknown[]).push(item)
    this.touch(callUuid)
  }

  ended(callUuid: string, at: Date, hangupCause: string): void {
    const row = this.rows.get(callUuid)
    if (!row) return
    row.endedAt = at
    row.hangupCause = hangupCause
    this.touch(callUuid)
  }

  /**
   * The end of a call whose conversation went on after its process lost it (Conversations):
   * the row may be in this process's memory (its own socket went) or only in the database.
   */
  endedLater(callUuid: string, at: Date, hangupCause: string, answeredBy?: string): void {
    const row = this.rows.get(callUuid)
    if (row) {
      row.answeredBy ??= answeredBy ?? null
      return this.ended(callUuid, at, hangupCause)
    }
    const write = async (attempt: number): Promise<void> => {
      try {
        // Who answered may not have reached the row before its process went.
        const set = answeredBy ? { endedAt: at, hangupCause, answeredBy: sql`coalesce(${calls.answeredBy}, ${answeredBy})` } : { endedAt: at, hangupCause }
        await this.db.update(calls).set(set).where(sql`${calls.callUuid} = ${callUuid} and ${calls.endedAt} is null`)
      } catch (err) {
        if (attempt >= 5) return this.log.error({ call: callUuid, err: (err as Error).message }, 'call register: the end of a handed-over call could not be written')
        await this.clock.sleep(250 * 2 ** attempt)
        return write(attempt + 1)
      }
    }
    void this.clock.track(write(0))
  }

  /** Resolves when everything noted so far is in the database. */
  flush(): Promise<void> {
    if (this.dirty.size === 0 && !this.flushing) return Promise.resolve()
    return new Promise((resolve) => {
      this.waiters.push(resolve)
      this.schedule(0)
    })
  }

  close(): void {
    this.clock.clearTimeout(this.timer)
  }

  private touch(callUuid: string): void {
    this.dirty.add(callUuid)
    this.schedule(this.batchDelayMs)
  }

  private schedule(delay: number): void {
    if (this.timer !== undefined || this.flushing) return
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined
      this.flushing = this.clock.track(this.write()).finally(() => {
        this.flushing = undefined
        if (this.dirty.size > 0) this.schedule(this.failures > 0 ? this.backoff() : this.batchDelayMs)
        else for (const w of this.waiters.splice(0)) w()
      })
    }, delay)
  }

  private backoff(): number {
    return Math.min(5000, 250 * 2 ** Math.min(this.failures, 5))
  }

  private async write(): Promise<void> {
    const batch = Array.from(this.dirty).slice(0, 500)
    const values = batch.map((uuid) => ({ ...this.rows.get(uuid)!, instanceId: this.instanceId }))
    for (const uuid of batch) this.dirty.delete(uuid)
    try {
      await this.db
        .insert(calls)
        .values(values)
        .onConflictDoUpdate({
          target: calls.callUuid,
          set: {
            answeredAt: sql`excluded.answered_at`,
            endedAt: sql`excluded.ended_at`,
            hangupCause: sql`excluded.hangup_cause`,
            details: sql`excluded.details`,
            instanceId: sql`excluded.instance_id`,
            flowId: sql`excluded.flow_id`,
            ivrPath: sql`excluded.ivr_path`,
            clientId: sql`excluded.client_id`,
            language: sql`excluded.language`,
            routedTo: sql`excluded.routed_to`,
            routeResult: sql`excluded.route_result`,
            queue: sql`excluded.queue`,
            queueEnteredAt: sql`excluded.queue_entered_at`,
            queueWaitMs: sql`excluded.queue_wait_ms`,
            queueOutcome: sql`excluded.queue_outcome`,
            answeredBy: sql`excluded.answered_by`,
            queueOffers: sql`excluded.queue_offers`,
            campaignId: sql`excluded.campaign_id`,
            contactId: sql`excluded.contact_id`,
            attemptId: sql`excluded.attempt_id`,
          },
        })
      if (this.failures > 0) this.log.info({ failures: this.failures }, 'call register writes resumed')
      this.failures = 0
      for (const v of values) if (v.endedAt && !this.dirty.has(v.callUuid)) this.rows.delete(v.callUuid)
    } catch (err) {
      for (const uuid of batch) this.dirty.add(uuid)
      if (this.failures === 0) this.log.error({ err: (err as Error).message, backlog: this.dirty.size }, 'call register write failed; keeping rows and retrying')
      this.failures++
    }
  }
}
