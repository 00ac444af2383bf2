/**
 * What a node points at: the nodes it can go to next, and the prompts it plays. Links are
 * read from raw data, not only from nodes that passed the schema, so that one node with a
 * wrong field does not make every node after it look unreachable.
 */
import type { FlowNode } from './schema.js'

export interface Link {
  /** The field holding the reference: 'next', 'options.3', 'cases[0].next'. */
  field: string
  /** How to call it in a message: 'next', "option '3'", 'case 1'. */
  label: string
  target: string
}

export function linksOf(node: unknown): Link[] {
  if (node === null || typeof node !== 'object') return []
  const n = node as Record<string, unknown>
  const links: Link[] = []
  const add = (field: string, label: string, target: unknown): void => {
    if (typeof target === 'string') links.push({ field, label, target })
  }
  if (n.type === 'menu' && n.options !== null && typeof n.options === 'object') {
    for (const [digit, target] of Object.entries(n.options)) add(`options.${digit}`, `option '${digit}'`, target)
  }
  if (Array.isArray(n.cases)) {
    n.cases.forEach((c: unknown, i) => {
      if (c !== null && typeof c === 'object') add(`cases[${i}].next`, `case ${i + 1}`, (c as Record<string, unknown>).next)
    })
  }
  for (const field of ['next', 'fallback', 'else', 'onFail']) add(field, field, n[field])
  return links
}

export interface PromptUse {
  field: string
  id: string
}

/** Every prompt id a node names, with the field naming it. */
export function promptsOf(node: FlowNode): PromptUse[] {
  const uses: PromptUse[] = []
  const one = (field: string, id: string | undefined): void => {
    if (id !== undefined) uses.push({ field, id })
  }
  const many = (field: string, ids: string[] | undefined): void => ids?.forEach((id, i) => uses.push({ field: `${field}[${i}]`, id }))
  switch (node.type) {
    case 'play':
      many('prompts', node.prompts)
      break
    case 'menu':
      one('prompt', node.prompt)
      one('noInputPrompt', node.noInputPrompt)
      one('invalidPrompt', node.invalidPrompt)
      break
    case 'collect':
      one('prompt', node.prompt)
      one('noInputPrompt', node.noInputPrompt)
      one('invalidPrompt', node.invalidPrompt)
      break
    case 'say':
      many('before', node.before)
      many('after', node.after)
      break
    case 'language':
    case 'record':
      one('prompt', node.prompt)
      break
    case 'route':
      one('announce', node.announce)
      break
    case 'hangup':
      one('prompt', node.prompt)
      break
    case 'condition':
    case 'lookup':
    case 'set':
    case 'goto':
    case 'save':
      break
  }
  return uses
}
