/**
 * An answered campaign call, on our outbound socket: the contact's fields become flow
 * variables and the campaign's script talks to them (informational, payment reminder,
 * survey), or the call goes straight to an operator, who must take it within the
 * campaign's limit (2 s by default) or the person hears the abandonment message. An
 * answering machine (mod_avmd's beep) stops the script: the message is left after the beep
 * or the call ends to be tried again. The attempt's outcome is written when the call ends.
 */
import { eq, sql } from 'drizzle-orm'
import type { ConversationBooks, Conversations } from '../calls/conversations.js'
import type { Db } from '../db/database.js'
import { attempts, contacts, surveyAnswers } from '../db/schema/index.js'
import { RINGING_TONE, type Call } from '../esl/call.js'
import { dialString, endpointFromTemplate } from '../esl/dial-string.js'
import { CallEnded, isOk } from '../esl/results.js'
import type { Flow } from '../ivr/flow/schema.js'
import { runFlow, type IvrServices } from '../ivr/runner.js'
import type { Queues } from '../queue/index.js'
import { markDialed, outcomeOfFailure, type AttemptResult } from '../dialer/attempts.js'
import { CAMPAIGN_VARS, type Dialer } from '../dialer/dialer.js'
import { PREVIEW_VAR, presenceToken } from '../dialer/preview.js'
import type { Campaign } from './campaigns.js'
import { contactVars } from './contact-vars.js'
import { campaignCallIsVip } from './priority.js'

/** The script a campaign kind runs when its settings name none. */
const DEFAULT_SCRIPT: Record<string, string | undefined> = {
  informational: 'informational',
  'payment-reminder': 'payment-reminder',
  survey: 'survey',
}

export interface CampaignCallsOptions {
  db: Db
  dialer: Dialer
  scripts: Flow[]
  ivr: IvrServices
  queues: Queues | undefined
  /** Conversations that must outlive this process (src/calls/conversations.ts). */
  conversations?: Conversations
  /** The number contacts see when their campaign names none. */
  outboundCallerId?: string
}

export function isCampaignCall(call: Call): boolean {
  return Boolean(call.variable(CAMPAIGN_VARS.attempt) || call.variable(PREVIEW_VAR))
}

export class CampaignCalls {
  private readonly scripts: Map<string, Flow>

  constructor(private readonly o: CampaignCallsOptions) {
    this.scripts = new Map(o.scripts.map((f) => [f.id, f]))
  }

  async answer(call: Call): Promise<void> {
    if (call.variable(PREVIEW_VAR)) return this.previewLeg(call)
    const { db, dialer, ivr } = this.o
    const attemptId = Number(call.variable(CAMPAIGN_VARS.attempt))
    const campaign = await dialer.campaigns.get(Number(call.variable(CAMPAIGN_VARS.campaign)))
    const [contact] = await db.select().from(contacts).where(eq(contacts.id, Number(call.variable(CAMPAIGN_VARS.contact))))
    if (!campaign || !contact) {
      call.log.error({ attempt: attemptId }, 'campaign call for an unknown campaign or contact; hanging up')
      await call.hangup('NORMAL_TEMPORARY_FAILURE')
      return
    }
    const now = (): Date => new Date(ivr.clock.now())
    await db.update(attempts).set({ answeredAt: now() }).where(eq(attempts.id, attemptId))
    const s = campaign.settings
    const language = contact.language ?? s.defaultLanguage
    ivr.register.facts(call.uuid, { campaignId: campaign.id, contactId: contact.id, attemptId, language, clientId: contact.clientId })
    call.log.info({ campaign: campaign.id, contact: contact.id, attempt: attemptId }, 'campaign call answered')
    let result: AttemptResult
    try {
      const script = s.script ?? DEFAULT_SCRIPT[campaign.kind]
      if (script) result = await this.runScript(call, campaign, contact, language, script)
      else result = await this.toOperator(call, campaign, contact, language, attemptId)
    } catch (err) {
      call.log.error({ err }, 'campaign call failed')
      result = { outcome: 'failed', cause: 'APP_ERROR' }
    }
    // Talking with an operator without our socket: the conversation's end finishes the attempt.
    if (call.isDetached && this.o.conversations) return
    if (!call.ended) await call.hangup()
    await dialer.finished(campaign, attemptId, { ...result, cause: result.cause ?? call.hangupCause })
  }

  /**
   * A preview call: the operator answered their phone; now the contact is dialled and
   * bridged to them. The contact's leg carries the attempt's call UUID.
   */
  private async previewLeg(call: Call): Promise<void> {
    const { db, dialer, ivr, queues } = this.o
    const attemptId = Number(call.variable(PREVIEW_VAR))
    const now = (): Date => new Date(ivr.clock.now())
    const [a] = await db
      .select({ campaignId: attempts.campaignId, agentId: attempts.agentId, callUuid: attempts.callUuid, phone: contacts.phone, contactId: contacts.id })
      .from(attempts)
      .innerJoin(contacts, eq(contacts.id, attempts.contactId))
      .where(eq(attempts.id, attemptId))
    const campaign = a ? await dialer.campaigns.get(a.campaignId) : undefined
    if (!a || !campaign || !(await markDialed(db, attemptId, now()))) {
      call.log.warn({ attempt: attemptId }, 'preview leg for an attempt already dialled or gone; hanging up')
      await call.hangup()
      return
    }
    const s = campaign.settings
    const token = presenceToken(attemptId)
    ivr.register.facts(call.uuid, { campaignId: campaign.id, contactId: a.contactId, attemptId, answeredBy: a.agentId })
    await queues?.store.directResult(a.agentId ?? '', token, 'answered')
    let result: AttemptResult
    let talkFrom: number | undefined
    try {
      // The operator's leg holds the conversation: recorded like a queue call.
      await ivr.recorder.recordCall(call)
      const dial = dialString([endpointFromTemplate(s.dialTemplate, a.phone)], {
        vars: { origination_uuid: a.callUuid, origination_caller_id_number: s.callerId ?? this.o.outboundCallerId, originate_timeout: s.ringTimeoutSeconds, [CAMPAIGN_VARS.campaign]: campaign.id, [CAMPAIGN_VARS.contact]: a.contactId },
      })
      let books: ConversationBooks | undefined
      const onBridge = (): void => {
        talkFrom = ivr.clock.now()
        books = { answeredAt: talkFrom, agent: a.agentId ?? undefined, direct: { token }, attempt: { campaignId: campaign.id, attemptId } }
        // The operator is on the line already: the contact talks with them from the answer.
        const at = now()
        void ivr.clock.track(Promise.all([db.update(attempts).set({ answeredAt: at, connectedAt: at }).where(eq(attempts.id, attemptId)), this.o.conversations?.begin(call.uuid, books)]))
      }
      call.once('bridge', onBridge)
      const r = await call.bridge(dial, { ringback: RINGING_TONE })
      call.off('bridge', onBridge)
      if (books && this.o.conversations && (await this.o.conversations.settle(call, books)) !== 'ours') return
      if (isOk(r) && r.ok) result = { outcome: 'human', agentId: a.agentId ?? undefined }
      else if (isOk(r) && !r.hungUp) result = { outcome: outcomeOfFailure(r.cause), cause: r.cause, agentId: a.agentId ?? undefined }
      else result = talkFrom !== undefined ? { outcome: 'human', agentId: a.agentId ?? undefined } : { outcome: 'failed', cause: 'AGENT_HUNG_UP' }
    } catch (err) {
      call.log.error({ err }, 'preview call failed')
      result = { outcome: 'failed', cause: 'APP_ERROR' }
    }
    if (!call.ended) await call.hangup()
    const talkMs = talkFrom === undefined ? 0 : ivr.clock.now() - talkFrom
    await queues?.store.directResult(a.agentId ?? '', token, 'ended', talkMs)
    await dialer.finished(campaign, attemptId, result)
  }

  private async runScript(call: Call, campaign: Campaign, contact: typeof contacts.$inferSelect, language: string, scriptId: string): Promise<AttemptResult> {
    const { ivr, db } = this.o
    const flow = this.scripts.get(scriptId)
    if (!flow) {
      call.log.error({ script: scriptId }, 'campaign script not found')
      return { outcome: 'failed', cause: 'NO_SCRIPT' }
    }
    // An answering machine's beep stops the script wherever it is.
    const machine = new AbortController()
    await call.subscribe(['CUSTOM', 'avmd::beep'])
    const onEvent = (e: { name: string; get(h: string): string | undefined }): void => {
      if (e.name === 'CUSTOM' && e.get('Event-Subclass') === 'avmd::beep' && !machine.signal.aborted) {
        call.log.info('answering machine: beep heard')
        machine.abort()
        void call.interrupt()
      }
    }
    call.on('event', onEvent)
    await call.execute('avmd_start')
    let disposition: string | undefined
    const vars = contactVars(contact, campaign.settings)
    await runFlow(call, flow, ivr, {
      vars,
      language,
      signal: machine.signal,
      onSave: async (answers, d) => {
        if (d) disposition = d
        const at = new Date(ivr.clock.now())
        const rows = Object.entries(answers).map(([question, answer]) => ({ campaignId: campaign.id, contactId: contact.id, question, answer, answeredAt: at }))
        if (rows.length > 0) {
          await db.insert(surveyAnswers).values(rows).onConflictDoUpdate({ target: [surveyAnswers.contactId, surveyAnswers.question], set: { answer: sqlExcluded('answer'), answeredAt: at } })
        }
      },
    })
    call.off('event', onEvent)
    if (machine.signal.aborted) return this.machine(call, campaign, language)
    if (!call.ended) await call.execute('avmd_stop')
    return disposition ? { outcome: 'completed', disposition } : { outcome: 'human' }
  }

  private async machine(call: Call, campaign: Campaign, language: string): Promise<AttemptResult> {
    if (campaign.settings.machine === 'hangup' || call.ended) return { outcome: 'machine' }
    // After the beep: the message, then goodbye.
    const r = await call.playback(this.o.ivr.prompts.file(language, 'campaign-machine-message'), { terminators: 'none' })
    return { outcome: 'machine', disposition: r instanceof CallEnded ? undefined : 'message-left' }
  }

  /** Straight to an operator, who must answer within the campaign's limit. */
  private async toOperator(call: Call, campaign: Campaign, contact: typeof contacts.$inferSelect, language: string, attemptId: number): Promise<AttemptResult> {
    const s = campaign.settings
    const queues = this.o.queues
    if (!queues || !s.operatorsQueue) return { outcome: 'failed', cause: 'NO_OPERATORS_QUEUE' }
    // Recorded as inbound queue calls are: the whole call, catalogued when it ends.
    await this.o.ivr.recorder.recordCall(call)
    let agent: string | undefined
    const r = await queues.service.enqueue({
      call,
      queue: s.operatorsQueue,
      // In line with inbound callers unless the campaign or the queue says campaign calls go first;
      // a callback agreed with an operator goes to them when they are free (agent).
      caller: { number: contact.phone, language, clientId: contact.clientId ?? undefined, vip: campaignCallIsVip(s.priority, queues.settings.find((q) => q.name === s.operatorsQueue)?.campaignPriority), source: `campaign:${campaign.id}`, agent: contact.callbackAgentId ?? undefined },
      options: {
        maxWaitMs: s.connectWithinSeconds * 1000,
        silent: true,
        books: { attempt: { campaignId: campaign.id, attemptId } },
        onAnswered: (a) => {
          agent = a
          // The operator answered or the contact joined their open line: talking from now
          // (connected - answered is the connect time predictive pacing allows for).
          const connectedAt = new Date(this.o.ivr.clock.now())
          void this.o.ivr.clock.track(this.o.db.update(attempts).set({ agentId: a, connectedAt }).where(eq(attempts.id, attemptId)))
        },
      },
    })
    if (r.result === 'answered') return { outcome: 'human', agentId: r.agentId ?? agent }
    if (r.result === 'timeout' && !call.ended) {
      await call.playback(this.o.ivr.prompts.file(language, 'campaign-abandon'), { terminators: 'none' })
      return { outcome: 'abandoned' }
    }
    return { outcome: call.ended ? 'human' : 'abandoned', cause: 'HUNG_UP_WAITING' }
  }
}

function sqlExcluded(column: string) {
  return sql.raw(`excluded.${column}`)
}
