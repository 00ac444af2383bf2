/**
 * Queue settings, as call-center managers write them in queues/queues.yaml: who serves each
 * queue, how the next agent is chosen, how long phones ring, wrap-up, announcements, and
 * what happens when the wait runs out or nobody is logged in. Checked at start; a mistake
 * names the file, the queue and the field.
 */
import { readFile } from 'node:fs/promises'
import { Type, type Static } from '@sinclair/typebox'
import YAML from 'yaml'
import { schemaIssues } from '../ivr/flow/shape.js'

export const STRATEGIES = ['longest-idle', 'round-robin', 'fewest-calls', 'skills', 'ring-all'] as const
export type Strategy = (typeof STRATEGIES)[number]

const Action = Type.Union(
  [
    Type.Literal('voicemail'),
    Type.Literal('callback'),
    Type.Literal('hangup'),
    Type.Object({ queue: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  ],
  { description: "voicemail, callback, hangup or { queue: <name> }" },
)
export type QueueAction = Static<typeof Action>

const Seconds = (min: number, max: number, description: string) => Type.Integer({ minimum: min, maximum: max, description })

const QueueSchema = Type.Object(
  {
    description: Type.Optional(Type.String()),
    strategy: Type.Optional(Type.Union(STRATEGIES.map((s) => Type.Literal(s)), { description: STRATEGIES.join(', ') })),
    /** Who serves the queue: routing groups of the agents table and/or agent ids. */
    members: Type.Object(
      { groups: Type.Optional(Type.Array(Type.String({ minLength: 1 }))), agents: Type.Optional(Type.Array(Type.String({ minLength: 1 }))) },
      { additionalProperties: false },
    ),
    ringTimeoutSeconds: Type.Optional(Seconds(5, 120, 'seconds an agent phone rings')),
    maxMissedOffers: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
    wrapUpSeconds: Type.Optional(Seconds(0, 600, 'seconds after a call before the next')),
    /** Wrap-up waits this long at most for the call's disposition (0: it does not wait); then the call is left to finish later. */
    dispositionMaxSeconds: Type.Optional(Seconds(0, 3600, 'seconds wrap-up waits at most for the disposition, 0 for not at all')),
    announceEverySeconds: Type.Optional(Seconds(0, 600, 'seconds between position announcements, 0 for none')),
    serviceLevelSeconds: Type.Optional(Seconds(1, 600, 'the service-level threshold')),
    maxWaitSeconds: Type.Optional(Seconds(10, 7200, 'the longest wait')),
    onMaxWait: Type.Optional(Action),
    onNoAgents: Type.Optional(Action),
    /** Keys a waiting caller may press. */
    keys: Type.Optional(
      Type.Record(Type.String({ pattern: '^[0-9*#]$' }), Type.Union([Type.Literal('voicemail'), Type.Literal('callback')]), { additionalProperties: false }),
    ),
    /** Answered campaign calls: in line with inbound callers (normal), or ahead of them (vip), when their campaign says neither. */
    campaignPriority: Type.Optional(Type.Union([Type.Literal('normal'), Type.Literal('vip')])),
    music: Type.Optional(Type.String({ pattern: '^[A-Za-z_]+://[^\\s,|{}\\[\\]\']+$', description: 'a playable stream such as local_stream://moh' })),
  },
  { additionalProperties: false },
)

const FileSchema = Type.Object({ queues: Type.Record(Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,47}$' }), QueueSchema, { minProperties: 1 }) }, { additionalProperties: false })

export interface QueueSettings {
  name: string
  description: string
  strategy: Strategy
  members: { groups: string[]; agents: string[] }
  ringTimeoutSeconds: number
  maxMissedOffers: number
  wrapUpSeconds: number
  /** Wrap-up lasts until the disposition is saved, this long at most (and wrapUpSeconds at least); 0: wrapUpSeconds. */
  dispositionMaxSeconds: number
  announceEverySeconds: number
  serviceLevelSeconds: number
  maxWaitSeconds: number
  onMaxWait: QueueAction
  onNoAgents: QueueAction
  keys: Record<string, 'voicemail' | 'callback'>
  music: string
  campaignPriority: 'normal' | 'vip'
}

export class QueueConfigError extends Error {
  override readonly name = 'QueueConfigError'
  constructor(readonly problems: string[]) {
    super(problems.join('\n'))
  }
}

export function parseQueues(text: string, file: string): QueueSettings[] {
  let data: unknown
  try {
    data = YAML.parse(text)
  } catch (err) {
    throw new QueueConfigError([`${file}: YAML syntax error: ${(err as Error).message}`])
  }
  return checkQueues(data, file)
}

/** The queues as the file holds them, `{ queues: { <name>: {...} } }` (also the stored settings): checked, with defaults. */
export function checkQueues(data: unknown, file: string): QueueSettings[] {
  const problems = schemaIssues(FileSchema, data, 'a queues file').map((i) => {
    const message = i.field && i.message.startsWith(`${i.field}: `) ? i.message.slice(i.field.length + 2) : i.message
    const m = /^queues\.([^.[]+)(?:\.(.*))?$/.exec(i.field ?? '')
    if (!m) return `${file}: ${i.field ? `${i.field}: ` : ''}${message}`
    return `${file}: queue '${m[1]}': ${m[2] ? `${m[2]}: ` : ''}${message}`
  })
  if (problems.length > 0) throw new QueueConfigError(problems)
  const raw = (data as Static<typeof FileSchema>).queues
  const queues = Object.entries(raw).map(([name, q]): QueueSettings => ({
    name,
    description: q.description ?? '',
    strategy: q.strategy ?? 'longest-idle',
    members: { groups: q.members.groups ?? [], agents: q.members.agents ?? [] },
    ringTimeoutSeconds: q.ringTimeoutSeconds ?? 15,
    maxMissedOffers: q.maxMissedOffers ?? 3,
    wrapUpSeconds: q.wrapUpSeconds ?? 10,
    // Off unless asked: agents who never save one (simulations, old settings) are not held.
    dispositionMaxSeconds: q.dispositionMaxSeconds ?? 0,
    announceEverySeconds: q.announceEverySeconds ?? 30,
    serviceLevelSeconds: q.serviceLevelSeconds ?? 20,
    maxWaitSeconds: q.maxWaitSeconds ?? 600,
    onMaxWait: q.onMaxWait ?? 'voicemail',
    onNoAgents: q.onNoAgents ?? 'voicemail',
    keys: q.keys ?? {},
    music: q.music ?? 'local_stream://moh',
    campaignPriority: q.campaignPriority ?? 'normal',
  }))
  for (const q of queues) {
    if (q.members.groups.length + q.members.agents.length === 0) problems.push(`${file}: queue '${q.name}': members: name at least one group or agent`)
    for (const [field, action] of [['onMaxWait', q.onMaxWait], ['onNoAgents', q.onNoAgents]] as const) {
      if (typeof action === 'object' && !raw[action.queue]) problems.push(`${file}: queue '${q.name}': ${field}: there is no queue '${action.queue}'`)
      if (typeof action === 'object' && action.queue === q.name) problems.push(`${file}: queue '${q.name}': ${field}: a queue cannot overflow into itself`)
    }
  }
  if (problems.length > 0) throw new QueueConfigError(problems)
  return queues
}

/** A queue's settings as the file (or the table) writes them, every field explicit. */
export function queueSpec(q: QueueSettings): Record<string, unknown> {
  const { name: _name, ...spec } = q
  return { ...spec, members: { groups: [...q.members.groups], agents: [...q.members.agents] }, keys: { ...q.keys } }
}

export async function loadQueues(file: string): Promise<QueueSettings[]> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    throw new QueueConfigError([`${file}: cannot be read (${(err as Error).message})`])
  }
  return parseQueues(text, file)
}

/** The queues an agent serves, from their id and routing groups. */
export function queuesOf(agent: { id: string; groups: string[] }, queues: QueueSettings[]): string[] {
  return queues.filter((q) => q.members.agents.includes(agent.id) || q.members.groups.some((g) => agent.groups.includes(g))).map((q) => q.name)
}
