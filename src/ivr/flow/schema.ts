/**
 * The shape of an IVR flow file (YAML or JSON), as TypeBox schemas: one schema for the
 * file and one per node type, so an error can name the node and the field that is wrong.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox'

const NodeId = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: "a node id (letters, digits, '-' and '_', at most 64)" })
const PromptId = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: "a prompt id (letters, digits, '-' and '_', at most 64)" })
export const VarName = Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_.]{0,63}$', description: "a variable name (letters, digits, '_' and '.', such as client.balance)" })
export const Digit = Type.String({ pattern: '^[0-9*#]$', description: 'one phone key (0-9, * or #)' })
const LanguageCode = Type.String({ pattern: '^[a-z]{2}$', description: "a language code (two lower-case letters, such as 'en')" })
const Ms = (max: number) => Type.Integer({ minimum: 0, maximum: max })

export const Scalar = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()])

/** A condition on variables, business hours, or a combination. */
export type Condition =
  | { var: string; eq?: unknown; ne?: unknown; gt?: number; gte?: number; lt?: number; lte?: number; in?: unknown[]; exists?: boolean; matches?: string }
  | { openNow: boolean }
  | { holiday: boolean }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }

export const ConditionSchema = Type.Recursive(
  (Self) =>
    Type.Union([
      Type.Object(
        {
          var: VarName,
          eq: Type.Optional(Scalar),
          ne: Type.Optional(Scalar),
          gt: Type.Optional(Type.Number()),
          gte: Type.Optional(Type.Number()),
          lt: Type.Optional(Type.Number()),
          lte: Type.Optional(Type.Number()),
          in: Type.Optional(Type.Array(Scalar)),
          exists: Type.Optional(Type.Boolean()),
          matches: Type.Optional(Type.String()),
        },
        { additionalProperties: false },
      ),
      Type.Object({ openNow: Type.Boolean() }, { additionalProperties: false }),
      Type.Object({ holiday: Type.Boolean() }, { additionalProperties: false }),
      Type.Object({ all: Type.Array(Self, { minItems: 1 }) }, { additionalProperties: false }),
      Type.Object({ any: Type.Array(Self, { minItems: 1 }) }, { additionalProperties: false }),
      Type.Object({ not: Self }, { additionalProperties: false }),
    ]),
  { $id: 'Condition' },
)

const RouteTargetSchema = Type.Union([
  Type.Object({ queue: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  Type.Object({ agent: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  Type.Object({ manager: Type.Literal(true) }, { additionalProperties: false }),
  Type.Object({ group: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  Type.Object({ external: Type.String({ pattern: '^\\+?[0-9]{3,20}$', description: "a phone number (3 to 20 digits, optionally after '+')" }) }, { additionalProperties: false }),
])

/** What a `say` node speaks: the value is always a variable name. */
export const SaySpecSchema = Type.Union([
  Type.Object({ number: VarName }, { additionalProperties: false }),
  Type.Object({ money: VarName, currency: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  Type.Object({ date: VarName }, { additionalProperties: false }),
  Type.Object({ digits: VarName }, { additionalProperties: false }),
  Type.Object({ duration: VarName }, { additionalProperties: false }),
])

const common = {
  description: Type.Optional(Type.String()),
}

export const NodeSchemas = {
  play: Type.Object(
    { type: Type.Literal('play'), prompts: Type.Array(PromptId, { minItems: 1 }), interruptible: Type.Optional(Type.Boolean()), next: NodeId, ...common },
    { additionalProperties: false },
  ),
  menu: Type.Object(
    {
      type: Type.Literal('menu'),
      prompt: PromptId,
      // additionalProperties: false, or a key such as '12' would slip past the key pattern.
      options: Type.Record(Digit, NodeId, { minProperties: 1, additionalProperties: false }),
      noInputPrompt: Type.Optional(PromptId),
      invalidPrompt: Type.Optional(PromptId),
      timeoutMs: Type.Optional(Ms(60_000)),
      maxRetries: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
      fallback: NodeId,
      ...common,
    },
    { additionalProperties: false },
  ),
  collect: Type.Object(
    {
      type: Type.Literal('collect'),
      prompt: PromptId,
      variable: VarName,
      min: Type.Integer({ minimum: 1, maximum: 64 }),
      max: Type.Integer({ minimum: 1, maximum: 64 }),
      regex: Type.Optional(Type.String({ minLength: 1 })),
      terminator: Type.Optional(Digit),
      timeoutMs: Type.Optional(Ms(60_000)),
      digitTimeoutMs: Type.Optional(Ms(30_000)),
      invalidPrompt: Type.Optional(PromptId),
      noInputPrompt: Type.Optional(PromptId),
      maxRetries: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
      next: NodeId,
      fallback: NodeId,
      ...common,
    },
    { additionalProperties: false },
  ),
  say: Type.Object(
    {
      type: Type.Literal('say'),
      before: Type.Optional(Type.Array(PromptId)),
      say: SaySpecSchema,
      after: Type.Optional(Type.Array(PromptId)),
      next: NodeId,
      ...common,
    },
    { additionalProperties: false },
  ),
  language: Type.Object(
    {
      type: Type.Literal('language'),
      prompt: PromptId,
      // additionalProperties: false, or a key such as '12' would slip past the key pattern.
      options: Type.Record(Digit, LanguageCode, { minProperties: 1, additionalProperties: false }),
      /** A variable holding a language already known (e.g. client.language): no question asked. */
      useVariable: Type.Optional(VarName),
      default: LanguageCode,
      timeoutMs: Type.Optional(Ms(60_000)),
      maxRetries: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
      next: NodeId,
      ...common,
    },
    { additionalProperties: false },
  ),
  condition: Type.Object(
    {
      type: Type.Literal('condition'),
      cases: Type.Array(Type.Object({ when: ConditionSchema, next: NodeId }, { additionalProperties: false }), { minItems: 1 }),
      else: NodeId,
      ...common,
    },
    { additionalProperties: false },
  ),
  lookup: Type.Object(
    { type: Type.Literal('lookup'), next: NodeId, ...common },
    { additionalProperties: false },
  ),
  route: Type.Object(
    {
      type: Type.Literal('route'),
      announce: Type.Optional(PromptId),
      chain: Type.Array(RouteTargetSchema, { minItems: 1 }),
      ringTimeoutMs: Type.Optional(Ms(120_000)),
      /** Where the flow goes when nobody could take the call. */
      onFail: NodeId,
      ...common,
    },
    { additionalProperties: false },
  ),
  record: Type.Object(
    {
      type: Type.Literal('record'),
      prompt: PromptId,
      beep: Type.Optional(Type.Boolean()),
      maxSeconds: Type.Integer({ minimum: 1, maximum: 600 }),
      silenceSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 60 })),
      next: NodeId,
      ...common,
    },
    { additionalProperties: false },
  ),
  set: Type.Object(
    // additionalProperties: false, or a key such as 'bad name' would slip past the key pattern.
    { type: Type.Literal('set'), values: Type.Record(VarName, Scalar, { minProperties: 1, additionalProperties: false }), next: NodeId, ...common },
    { additionalProperties: false },
  ),
  goto: Type.Object({ type: Type.Literal('goto'), next: NodeId, ...common }, { additionalProperties: false }),
  /** Keeps what the caller told us: survey answers (question id -> variable) and a disposition. */
  save: Type.Object(
    {
      type: Type.Literal('save'),
      answers: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$', description: 'a question id' }), VarName, { minProperties: 1, additionalProperties: false })),
      disposition: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,39}$', description: 'a disposition such as promise-to-pay' })),
      next: NodeId,
      ...common,
    },
    { additionalProperties: false },
  ),
  hangup: Type.Object(
    { type: Type.Literal('hangup'), prompt: Type.Optional(PromptId), cause: Type.Optional(Type.String({ pattern: '^[A-Z_]{3,40}$', description: 'a hangup cause such as NORMAL_CLEARING' })), ...common },
    { additionalProperties: false },
  ),
} satisfies Record<string, TSchema>

export type NodeType = keyof typeof NodeSchemas
export const NODE_TYPES = Object.keys(NodeSchemas) as NodeType[]
export type FlowNode = { [K in NodeType]: Static<(typeof NodeSchemas)[K]> }[NodeType]
export type NodeOf<K extends NodeType> = Static<(typeof NodeSchemas)[K]>

const TimeRange = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-4]):[0-5][0-9]$', description: 'a time range such as 09:00-18:00' })

export const HoursSchema = Type.Object(
  {
    timezone: Type.String({ minLength: 1 }),
    // Every day must be listed (`sun: []` for a closed day); additionalProperties: false refuses 'monday'.
    weekly: Type.Record(
      Type.Union([Type.Literal('mon'), Type.Literal('tue'), Type.Literal('wed'), Type.Literal('thu'), Type.Literal('fri'), Type.Literal('sat'), Type.Literal('sun')]),
      Type.Array(TimeRange),
      { additionalProperties: false },
    ),
    holidays: Type.Optional(Type.Array(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'a date such as 2025-12-25' }))),
  },
  { additionalProperties: false },
)
export type BusinessHours = Static<typeof HoursSchema>

/** The file around the nodes; nodes are checked one by one against NodeSchemas. */
export const FlowFileSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: "a flow id (letters, digits, '-' and '_', at most 64)" }),
    description: Type.Optional(Type.String()),
    /** Destination numbers this flow answers; none for a campaign script (the dialer runs it). */
    numbers: Type.Array(Type.String({ pattern: '^\\+?[0-9]{1,20}$', description: "a phone number (digits, optionally after '+')" })),
    languages: Type.Array(LanguageCode, { minItems: 1 }),
    defaultLanguage: LanguageCode,
    recording: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('none'), Type.Literal('on-route')])),
    hours: Type.Optional(HoursSchema),
    start: NodeId,
    nodes: Type.Record(Type.String(), Type.Unknown(), { minProperties: 1 }),
  },
  { additionalProperties: false },
)

export interface Flow {
  id: string
  description?: string
  numbers: string[]
  languages: string[]
  defaultLanguage: string
  recording: 'all' | 'none' | 'on-route'
  hours?: BusinessHours
  start: string
  nodes: Record<string, FlowNode>
  /** Where the flow was loaded from (for error messages and the API). */
  source: string
}
