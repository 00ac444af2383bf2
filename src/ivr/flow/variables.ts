/**
 * Which variables a `say` node may speak.
 *
 * The rule: a built-in variable (below), or a variable that some `set` node (a key of its
 * `values`) or `collect` node (its `variable`) of the same flow assigns. Anywhere in the
 * flow, not necessarily on every path to the `say`: checking paths would flag loops and
 * branches that are fine in practice, and a variable with no value when spoken is the
 * interpreter's to handle at run time. What a `set` assigns does not matter (the value of a
 * set is a constant today; should values become expressions, only the name still counts).
 * The check is there to catch typos such as client.balanse.
 */
import type { FlowNode, NodeOf } from './schema.js'

/**
 * Variables every call has, filled by the engine:
 * - caller.number: the caller's number (caller id);
 * - call.language: the language of the call, set by a `language` node or the default;
 * - client.*: the client record found by a `lookup` node (absent when none was found).
 */
export const BUILTIN_VARIABLES: readonly string[] = [
  'caller.number',
  'call.language',
  'client.id',
  'client.name',
  'client.type',
  'client.managerId',
  'client.overdueDebt',
  'client.balance',
  'client.currency',
  'client.lastOrderDate',
  'client.vip',
  'client.language',
]

/** The variables the flow's own `set` and `collect` nodes assign. */
export function variablesSetBy(nodes: Iterable<FlowNode>): Set<string> {
  const names = new Set<string>()
  for (const node of nodes) {
    if (node.type === 'set') Object.keys(node.values).forEach((name) => names.add(name))
    if (node.type === 'collect') names.add(node.variable)
  }
  return names
}

/** The variable a `say` node speaks, and which kind of saying holds it. */
export function spokenVariable(node: NodeOf<'say'>): { field: string; name: string } {
  const spec = node.say as Record<string, string>
  const kind = ['number', 'money', 'date', 'digits', 'duration'].find((k) => typeof spec[k] === 'string') ?? 'number'
  return { field: `say.${kind}`, name: spec[kind] ?? '' }
}
