/**
 * Preview dialing: an operator asks for the next contact, reads the card, and starts the
 * call (or skips it). Their phone rings first; once they answer, their leg comes to our
 * outbound socket and is bridged to the contact (campaigns/call-handler.ts). While they
 * hold a contact, the queues do not offer them calls.
 */
import { and, eq, isNull } from 'drizzle-orm'
import type { Db } from '../db/database.js'
import { agents, attempts, contacts } from '../db/schema/index.js'
import { UnsafeCommandError } from '../esl/commands.js'
import { dialString, endpoint, leg } from '../esl/dial-string.js'
import { CommandFailed } from '../esl/results.js'
import type { Queues } from '../queue/index.js'
import type { Clock } from '../time/clock.js'
import { claimDue, unclaim } from './attempts.js'
import type { Dialer } from './dialer.js'

export const PREVIEW_VAR = 'cc_preview_attempt'

export type PreviewError = { error: 'unknown-campaign' | 'not-preview' | 'not-running' | 'unknown-agent' | 'agent-busy' | 'nothing-due' | 'unknown-attempt' | 'agent-unreachable'; message: string }

export const isPreviewError = (v: unknown): v is PreviewError => typeof v === 'object' && v !== null && 'error' in v && 'message' in v

export interface PreviewCard {
  attemptId: number
  campaignId: number
  contact: { id: number; phone: string; name: string; language: string | null; fields: Record<string, string>; clientId: number | null; attempts: number }
}

export class PreviewDesk {
  constructor(
    private readonly o: { db: Db; dialer: Dialer; queues: Queues | undefined; clock: Clock; appAddress: () => string; globalMaxLines: number },
  ) {}

  /** Holds the next due contact for `agent` and returns its card. */
  async next(campaignId: number, agent: string): Promise<PreviewCard | PreviewError> {
    const { db, dialer, clock } = this.o
    const campaign = await dialer.campaigns.get(campaignId)
    if (!campaign) return { error: 'unknown-campaign', message: `there is no campaign ${campaignId}` }
    if (campaign.settings.mode !== 'preview') return { error: 'not-preview', message: `campaign ${campaignId} dials in ${campaign.settings.mode} mode, not preview` }
    if (campaign.status !== 'running') return { error: 'not-running', message: `campaign ${campaignId} is ${campaign.status}` }
    const [who] = await db.select().from(agents).where(eq(agents.id, agent))
    if (!who) return { error: 'unknown-agent', message: `there is no agent '${agent}'` }
    const now = new Date(clock.now())
    // A callback agreed with another operator waits for them (claimDue); this one's come first.
    const [claimed] = await claimDue(db, campaignId, campaign.settings, now, { globalMaxLines: this.o.globalMaxLines, wanted: 1, perOperator: false, agentsFree: [agent] })
    if (!claimed) return { error: 'nothing-due', message: `campaign ${campaignId} has no contact due now` }
    const held = this.o.queues ? await this.o.queues.store.reserveDirect(agent, presenceToken(claimed.attemptId)) : 'free'
    if (held === 'busy' || held === 'paused') {
      await unclaim(db, claimed.attemptId, now)
      return { error: 'agent-busy', message: `agent '${agent}' is ${held === 'busy' ? 'on a call' : 'paused'}` }
    }
    await db.update(attempts).set({ agentId: agent }).where(eq(attempts.id, claimed.attemptId))
    const [c] = await db.select().from(contacts).where(eq(contacts.id, claimed.contactId))
    return {
      attemptId: claimed.attemptId,
      campaignId,
      contact: { id: c!.id, phone: c!.phone, name: c!.name, language: c!.language, fields: c!.fields, clientId: c!.clientId, attempts: c!.attempts },
    }
  }

  /** The operator starts the call: their phone rings, then the contact's. */
  async dial(attemptId: number, agent: string): Promise<{ ringing: true } | PreviewError> {
    const { db, dialer } = this.o
    const held = await this.held(attemptId, agent)
    if ('error' in held) return held
    const [who] = await db.select().from(agents).where(eq(agents.id, agent))
    let dial: string
    try {
      dial = dialString([leg(endpoint(`endpoint of agent ${agent}`, who!.endpoint))], {
        vars: { origination_caller_id_number: held.phone, originate_timeout: 30, [PREVIEW_VAR]: attemptId },
      })
    } catch (err) {
      if (!(err instanceof UnsafeCommandError)) throw err
      return { error: 'agent-unreachable', message: err.message }
    }
    const placed = await dialer.nodes.originate(dial, { socket: this.o.appAddress() })
    const r = placed?.result
    if (r && !(r instanceof CommandFailed) && r.ok) return { ringing: true }
    const why = !r ? 'no FreeSWITCH is connected' : r instanceof CommandFailed ? r.reply : r.cause
    return { error: 'agent-unreachable', message: `agent '${agent}' could not be rung (${why}); the contact is still held` }
  }

  /** The operator passes on the contact: it goes back to the list, the operator is free. */
  async skip(attemptId: number, agent: string): Promise<{ skipped: true } | PreviewError> {
    const held = await this.held(attemptId, agent)
    if ('error' in held) return held
    await unclaim(this.o.db, attemptId, new Date(this.o.clock.now()))
    if (this.o.queues) await this.o.queues.store.directResult(agent, presenceToken(attemptId), 'released')
    return { skipped: true }
  }

  private async held(attemptId: number, agent: string): Promise<{ phone: string } | PreviewError> {
    const [a] = await this.o.db
      .select({ phone: contacts.phone })
      .from(attempts)
      .innerJoin(contacts, eq(contacts.id, attempts.contactId))
      .where(and(eq(attempts.id, attemptId), eq(attempts.agentId, agent), isNull(attempts.dialedAt), isNull(attempts.outcome)))
    if (!a) return { error: 'unknown-attempt', message: `agent '${agent}' holds no undialled attempt ${attemptId}` }
    return { phone: a.phone }
  }
}

/** How a preview attempt holds its operator in the shared agent states. */
export function presenceToken(attemptId: number): string {
  return `preview:${attemptId}`
}
