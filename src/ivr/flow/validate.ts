/**
 * Checks a flow's data (already parsed from YAML or JSON) and returns every problem: the
 * file's fields and each node against the schema, then the graph (references to no node,
 * nodes never reached, loops the call cannot leave), then the rules of rules.ts and hours.ts.
 * Every check runs even when an earlier one failed, so one start-up lists all mistakes.
 */
import { Value } from '@sinclair/typebox/value'
import { hoursProblems } from './hours.js'
import { closest, didYouMean, listOf, show, type FlowProblem } from './problems.js'
import { linksOf } from './refs.js'
import { ruleProblems } from './rules.js'
import { FlowFileSchema, NODE_TYPES, NodeSchemas, type Flow, type FlowNode, type NodeType } from './schema.js'
import { schemaIssues, type Issue } from './shape.js'

export interface Validated {
  /** The flow, when there was no problem. */
  flow: Flow | undefined
  problems: FlowProblem[]
}

/** Flows that do not say: the README promises every call is recorded. */
const DEFAULT_RECORDING = 'all'

export function validateFlow(data: unknown, file: string): Validated {
  const problems: FlowProblem[] = schemaIssues(FlowFileSchema, data, 'a flow file').map((i) => ({ file, ...closedDayHint(i) }))
  if (!isRecord(data)) return { flow: undefined, problems }
  const rawNodes = isRecord(data.nodes) ? data.nodes : {}

  const nodes: Record<string, FlowNode> = {}
  // Nodes whose links we cannot trust: the graph checks give them the benefit of the doubt.
  const unsure = new Set<string>()
  for (const [id, raw] of Object.entries(rawNodes)) {
    const found = nodeProblems(id, raw).map((i) => ({ file, node: id, ...i }))
    if (found.length === 0) nodes[id] = raw as FlowNode
    if (found.some((p) => p.field === undefined || LINK_FIELD.test(p.field))) unsure.add(id)
    problems.push(...found)
  }

  const languages = data.languages
  if (typeof data.defaultLanguage === 'string' && Array.isArray(languages) && !languages.includes(data.defaultLanguage)) {
    const message = `defaultLanguage '${data.defaultLanguage}' is not one of languages (${languages.map(String).join(', ')})`
    problems.push({ file, field: 'defaultLanguage', message })
  }
  problems.push(...graphProblems(data.start, rawNodes, unsure, file))
  problems.push(
    ...ruleProblems({
      file,
      languages: Value.Check(FlowFileSchema.properties.languages, languages) ? languages : undefined,
      hasHours: data.hours !== undefined,
      nodes,
    }),
  )
  problems.push(...hoursProblems(data.hours, file))

  if (problems.length > 0) return { flow: undefined, problems: inFileOrder(problems, Object.keys(rawNodes)) }
  const header = data as Omit<Flow, 'recording' | 'nodes' | 'source'> & { recording?: Flow['recording'] }
  return { flow: { ...header, recording: header.recording ?? DEFAULT_RECORDING, nodes, source: file }, problems: [] }
}

/** Every day of hours.weekly must be written; say how to write a closed one. */
function closedDayHint(issue: Issue): Issue {
  const day = /^hours\.weekly\.([a-z]{3})$/.exec(issue.field ?? '')?.[1]
  return day !== undefined && issue.message.endsWith('is missing') ? { ...issue, message: `${issue.message} (write ${day}: [] for a day without opening hours)` } : issue
}

/** The file's own problems first, then each node's together, nodes as the file lists them. */
function inFileOrder(problems: FlowProblem[], ids: string[]): FlowProblem[] {
  const rank = (p: FlowProblem): number => (p.node === undefined ? -1 : ids.indexOf(p.node))
  return problems.map((p, i) => ({ p, i })).sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i).map(({ p }) => p)
}

const NodeIdSchema = NodeSchemas.goto.properties.next
/** Fields whose problems leave a node's links unknown. */
const LINK_FIELD = /^(type|next|fallback|else|onFail|cases|options)\b/

function nodeProblems(id: string, raw: unknown): { field?: string; message: string }[] {
  const problems: { field?: string; message: string }[] = []
  if (!Value.Check(NodeIdSchema, id)) problems.push({ message: `${show(id)} is not ${NodeIdSchema.description}` })
  if (!isRecord(raw)) return [...problems, { message: `expected a mapping with a type and its fields, got ${raw === null ? 'nothing' : show(raw)}` }]
  const types = listOf(NODE_TYPES)
  if (raw.type === undefined) return [...problems, { field: 'type', message: `'type' is missing; it is one of ${types}` }]
  if (typeof raw.type !== 'string' || !(NODE_TYPES as string[]).includes(raw.type)) {
    const guess = typeof raw.type === 'string' ? didYouMean(raw.type, NODE_TYPES) : ''
    return [...problems, { field: 'type', message: `unknown type ${show(raw.type)}${guess || `; it is one of ${types}`}` }]
  }
  const type = raw.type as NodeType
  return [...problems, ...schemaIssues(NodeSchemas[type], raw, `a ${type} node`)]
}

/**
 * References to no node, nodes not reachable from start, and traps: nodes from which no
 * path reaches a node that can end the call. A hangup ends it; a route may (a connected call
 * leaves the flow); a record does not. One mistake should make one message, so a reference
 * to a near-miss id is followed as if spelt right, a reference to no node counts as a way
 * out, and a node whose type or links are wrong (`unsure`) is assumed able to end the call.
 */
function graphProblems(start: unknown, nodes: Record<string, unknown>, unsure: Set<string>, file: string): FlowProblem[] {
  const problems: FlowProblem[] = []
  const ids = Object.keys(nodes)
  const exists = (id: string): boolean => Object.hasOwn(nodes, id)
  let from: string | undefined
  if (typeof start === 'string') {
    from = exists(start) ? start : closest(start, ids)
    if (!exists(start)) problems.push({ file, field: 'start', message: `start '${start}' is not a node${from === undefined ? `; the nodes are ${listOf(ids.map((i) => `'${i}'`))}` : `; did you mean '${from}'?`}` })
  }

  const next = new Map<string, string[]>()
  const mayEnd = new Set<string>()
  for (const id of ids) {
    const targets: string[] = []
    for (const link of linksOf(nodes[id])) {
      if (exists(link.target)) {
        targets.push(link.target)
        continue
      }
      const meant = closest(link.target, ids)
      if (meant !== undefined) targets.push(meant)
      problems.push({ file, node: id, field: link.field, message: `${link.label} leads to '${link.target}', which does not exist${meant === undefined ? '' : `; did you mean '${meant}'?`}` })
      mayEnd.add(id)
    }
    next.set(id, targets)
    const type = (nodes[id] as { type?: unknown } | null)?.type
    if (type === 'hangup' || type === 'route' || unsure.has(id)) mayEnd.add(id)
  }
  if (from === undefined) return problems

  const reached = reachable([from], (id) => next.get(id) ?? [])
  // What looks unreached may be reached once an unsure node is fixed: say nothing then.
  if (![...reached].some((id) => unsure.has(id))) {
    for (const id of ids) {
      if (!reached.has(id)) problems.push({ file, node: id, message: `is never reached from start '${from}'; link to it or remove it` })
    }
  }

  const previous = new Map<string, string[]>(ids.map((id) => [id, []]))
  for (const [source, targets] of next) for (const target of targets) previous.get(target)!.push(source)
  const canEnd = reachable([...mayEnd], (id) => previous.get(id) ?? [])
  const trapped = [...reached].filter((id) => !canEnd.has(id))
  for (const trap of traps(trapped, next)) {
    const records = trap.some((id) => (nodes[id] as { type?: unknown }).type === 'record')
    const why = records ? ' (a record node does not end the call)' : ''
    const message =
      trap.length === 1
        ? `the call can never leave this node: it only leads back to itself, never to a hangup or a route${why}`
        : `loop with no way out: ${listOf(trap.map((id) => `'${id}'`))} only lead to each other, never to a hangup or a route${why}`
    problems.push({ file, node: trap[0], message })
  }
  return problems
}

/**
 * The loops the call cannot leave: among nodes that cannot end the call, the groups that
 * only lead to each other (closed strongly connected components). Nodes that merely lead
 * into such a loop are not listed: giving each loop a way out frees them too.
 */
function traps(trapped: string[], next: Map<string, string[]>): string[][] {
  const inTrap = new Set(trapped)
  const reach = new Map(trapped.map((id) => [id, reachable([id], (n) => (next.get(n) ?? []).filter((m) => inTrap.has(m)))]))
  const found: string[][] = []
  const done = new Set<string>()
  for (const id of trapped) {
    const mine = reach.get(id)!
    if (done.has(id) || ![...mine].every((other) => reach.get(other)!.has(id))) continue
    mine.forEach((n) => done.add(n))
    found.push(trapped.filter((n) => mine.has(n)))
  }
  return found
}

/** Nodes reachable from `from` (included), in the order they are found. */
function reachable(from: string[], step: (id: string) => string[]): Set<string> {
  const seen = new Set<string>(from)
  const queue = [...from]
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    for (const n of step(id)) {
      if (!seen.has(n)) {
        seen.add(n)
        queue.push(n)
      }
    }
  }
  return seen
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}
