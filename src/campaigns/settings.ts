/**
 * A campaign's settings as its manager writes them (API or YAML): who may be called when,
 * how often, through which trunk, how answered calls are handled. Validated with a schema;
 * every field has a default a real call center could start with.
 */
import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { schemaIssues } from '../ivr/flow/shape.js'
import { isCurrencyCode } from '../lists/values.js'

const Day = Type.Union(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => Type.Literal(d)))
const Time = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'a time such as 08:00' })
const Minutes = Type.Integer({ minimum: 1, maximum: 7 * 24 * 60 })

export const RETRY_OUTCOMES = ['busy', 'no-answer', 'machine', 'failed', 'abandoned'] as const

export const CampaignSettingsSchema = Type.Object(
  {
    /** Country of numbers written without an international prefix. */
    defaultCountry: Type.String({ pattern: '^[A-Z]{2}$', default: 'BA', description: 'a two-letter country code such as BA' }),
    /** Amounts in the lists are in this currency unless a row says otherwise (ISO 4217); the country's when not given. */
    currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$', description: 'an ISO 4217 currency code such as BAM' })),
    /** Leave out contacts whose row does not say they consented. */
    requireConsent: Type.Boolean({ default: false }),
    /** When contacts may be called, in their own local time. */
    window: Type.Object(
      {
        start: Type.Optional(Time),
        end: Type.Optional(Time),
        days: Type.Optional(Type.Array(Day, { minItems: 1, uniqueItems: true })),
        /** Dates (yyyy-mm-dd, in the contact's local calendar) with no calls. */
        holidays: Type.Optional(Type.Array(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }))),
      },
      { additionalProperties: false, default: {} },
    ),
    maxAttempts: Type.Integer({ minimum: 1, maximum: 20, default: 3 }),
    maxAttemptsPerDay: Type.Integer({ minimum: 1, maximum: 20, default: 2 }),
    /** Minutes before the next attempt, by how the last one ended. */
    retryMinutes: Type.Object(
      {
        busy: Type.Optional(Minutes),
        'no-answer': Type.Optional(Minutes),
        machine: Type.Optional(Minutes),
        failed: Type.Optional(Minutes),
        abandoned: Type.Optional(Minutes),
      },
      { additionalProperties: false, default: {} },
    ),
    /** How a contact is dialled; `{number}` is the E.164 number. */
    dialTemplate: Type.String({ pattern: '^[A-Za-z0-9_.\\-/@:]*\\{number\\}[A-Za-z0-9_.\\-/@:]*$', default: 'sofia/gateway/carrier/{number}', description: 'a dial string with {number}, such as sofia/gateway/carrier/{number}' }),
    /** The number contacts see. */
    callerId: Type.Optional(Type.String({ pattern: '^\\+?[0-9]{3,20}$', description: 'a phone number' })),
    /** Calls of this campaign at once, and new calls per second. */
    maxLines: Type.Integer({ minimum: 1, maximum: 2000, default: 10 }),
    callsPerSecond: Type.Number({ minimum: 0.1, maximum: 200, default: 2 }),
    ringTimeoutSeconds: Type.Integer({ minimum: 5, maximum: 120, default: 30 }),
    /** Who takes the answered calls: nobody (the script), one operator per call (progressive), the operator first (preview), or predictive pacing. */
    mode: Type.Optional(Type.Union([Type.Literal('agentless'), Type.Literal('progressive'), Type.Literal('preview'), Type.Literal('predictive')])),
    /** The queue whose agents take this campaign's calls. */
    operatorsQueue: Type.Optional(Type.String({ minLength: 1 })),
    /** An answered call must reach an operator this fast, or it is abandoned. */
    connectWithinSeconds: Type.Number({ minimum: 0.5, maximum: 10, default: 2 }),
    /** Answered calls waiting for an operator: in line with inbound callers (normal), or ahead of them (vip); the queue's campaignPriority when not given. */
    priority: Type.Optional(Type.Union([Type.Literal('normal'), Type.Literal('vip')])),
    /** Predictive pacing: abandoned calls per person answering, at most (0.03 when not given: Ofcom, FTC). */
    maxAbandonRate: Type.Optional(Type.Number({ minimum: 0, maximum: 0.2 })),
    /** Answering machines: leave the message after the beep, or hang up and try again later. */
    machine: Type.Union([Type.Literal('leave-message'), Type.Literal('hangup')], { default: 'hangup' }),
    /** The flow (campaigns/scripts/<id>.yaml) that talks to the contact; a default per kind. */
    script: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
    /** Language for contacts whose row names none. */
    defaultLanguage: Type.String({ pattern: '^[a-z]{2}$', default: 'en' }),
    /** Dormant clients: no order for this many months. */
    dormantMonths: Type.Integer({ minimum: 1, maximum: 60, default: 6 }),
  },
  { additionalProperties: false },
)

export type CampaignSettingsInput = Static<typeof CampaignSettingsSchema>

export type DialMode = 'agentless' | 'progressive' | 'preview' | 'predictive'

export interface CampaignSettings {
  defaultCountry: string
  /** ISO 4217; undefined: the country's (src/lists/values.ts: campaignCurrency). */
  currency?: string
  requireConsent: boolean
  window: { start: string; end: string; days: string[]; holidays: string[] }
  maxAttempts: number
  maxAttemptsPerDay: number
  retryMinutes: Record<(typeof RETRY_OUTCOMES)[number], number>
  dialTemplate: string
  callerId: string | undefined
  maxLines: number
  callsPerSecond: number
  ringTimeoutSeconds: number
  mode: DialMode
  operatorsQueue: string | undefined
  connectWithinSeconds: number
  /** Ahead of inbound callers when 'vip'; undefined: as the queue says (src/campaigns/priority.ts). */
  priority?: 'normal' | 'vip'
  /** Predictive pacing's cap on abandoned calls per person answering; 0.03 when undefined. */
  maxAbandonRate?: number
  machine: 'leave-message' | 'hangup'
  script: string | undefined
  defaultLanguage: string
  dormantMonths: number
}

/** Abandoned: 72 hours before the person is called again (Ofcom's persistent-misuse policy). */
export const DEFAULT_RETRY_MINUTES: CampaignSettings['retryMinutes'] = { busy: 10, 'no-answer': 60, machine: 240, failed: 30, abandoned: 72 * 60 }

export class CampaignSettingsError extends Error {
  override readonly name = 'CampaignSettingsError'
  constructor(readonly problems: string[]) {
    super(problems.join('\n'))
  }
}

/** The settings with defaults filled in; a CampaignSettingsError names every bad field. */
export function campaignSettings(input: unknown): CampaignSettings {
  const withDefaults = Value.Default(CampaignSettingsSchema, structuredClone(input ?? {}))
  const problems = schemaIssues(CampaignSettingsSchema, withDefaults, 'campaign settings').map((i) =>
    i.field ? `settings.${i.field}: ${i.message.replace(`${i.field}: `, '')}` : `settings: ${i.message}`,
  )
  if (problems.length > 0) throw new CampaignSettingsError(problems)
  const s = withDefaults as CampaignSettingsInput
  if (s.currency !== undefined && !isCurrencyCode(s.currency)) throw new CampaignSettingsError([`settings.currency: ${s.currency} is not an ISO 4217 currency code (such as BAM, EUR)`])
  const w = s.window ?? {}
  if (w.start && w.end && w.start >= w.end) throw new CampaignSettingsError([`settings.window: start ${w.start} is not before end ${w.end}`])
  const perDayGiven = typeof input === 'object' && input !== null && 'maxAttemptsPerDay' in input
  if (perDayGiven && s.maxAttemptsPerDay > s.maxAttempts) throw new CampaignSettingsError([`settings.maxAttemptsPerDay: ${s.maxAttemptsPerDay} is more than maxAttempts ${s.maxAttempts}`])
  s.maxAttemptsPerDay = Math.min(s.maxAttemptsPerDay, s.maxAttempts)
  if ((s.mode === 'progressive' || s.mode === 'preview' || s.mode === 'predictive') && !s.operatorsQueue) {
    throw new CampaignSettingsError([`settings.operatorsQueue: mode '${s.mode}' needs the queue whose agents take the calls`])
  }
  return {
    defaultCountry: s.defaultCountry,
    ...(s.currency !== undefined ? { currency: s.currency } : {}),
    requireConsent: s.requireConsent,
    window: { start: w.start ?? '08:00', end: w.end ?? '21:00', days: w.days ?? ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'], holidays: w.holidays ?? [] },
    maxAttempts: s.maxAttempts,
    maxAttemptsPerDay: s.maxAttemptsPerDay,
    retryMinutes: { ...DEFAULT_RETRY_MINUTES, ...s.retryMinutes },
    dialTemplate: s.dialTemplate,
    callerId: s.callerId,
    maxLines: s.maxLines,
    callsPerSecond: s.callsPerSecond,
    ringTimeoutSeconds: s.ringTimeoutSeconds,
    mode: s.mode ?? (s.operatorsQueue ? 'progressive' : 'agentless'),
    operatorsQueue: s.operatorsQueue,
    connectWithinSeconds: s.connectWithinSeconds,
    ...(s.priority !== undefined ? { priority: s.priority } : {}),
    ...(s.maxAbandonRate !== undefined ? { maxAbandonRate: s.maxAbandonRate } : {}),
    machine: s.machine,
    script: s.script,
    defaultLanguage: s.defaultLanguage,
    dormantMonths: s.dormantMonths,
  }
}
