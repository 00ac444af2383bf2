/**
 * Rules a schema cannot say: a collect whose min is above its max, a language nobody
 * recorded prompts for, a say of a variable nothing sets, an opening-hours condition in a
 * flow without hours, a regular expression that does not compile. They run on nodes that
 * passed the schema, and on the file's fields only where those have the right form.
 */
import { didYouMean, listOf, show, type FlowProblem } from './problems.js'
import type { Condition, FlowNode } from './schema.js'
import { BUILTIN_VARIABLES, spokenVariable, variablesSetBy } from './variables.js'

export interface RuleInput {
  file: string
  /** The flow's languages, when the file gives a valid list. */
  languages: string[] | undefined
  hasHours: boolean
  /** Nodes that passed the schema, by id. */
  nodes: Record<string, FlowNode>
}

export function ruleProblems({ file, languages, hasHours, nodes }: RuleInput): FlowProblem[] {
  const problems: FlowProblem[] = []
  const known = new Set([...BUILTIN_VARIABLES, ...variablesSetBy(Object.values(nodes))])
  for (const [id, node] of Object.entries(nodes)) {
    const add = (field: string, message: string): void => {
      problems.push({ file, node: id, field, message })
    }
    switch (node.type) {
      case 'collect':
        if (node.min > node.max) add('min', `min ${node.min} is more than max ${node.max}: no answer could be right`)
        if (node.regex !== undefined) {
          const bad = regexError(node.regex)
          if (bad) add('regex', `regex ${show(node.regex)} is not a valid regular expression (${bad})`)
        }
        break
      case 'language': {
        if (languages === undefined) break
        const offered = `the flow's languages (${languages.join(', ')})`
        for (const [digit, language] of Object.entries(node.options)) {
          if (!languages.includes(language)) add(`options.${digit}`, `option '${digit}' offers '${language}', which is not one of ${offered}`)
        }
        if (!languages.includes(node.default)) add('default', `default '${node.default}' is not one of ${offered}`)
        break
      }
      case 'say': {
        const { field, name } = spokenVariable(node)
        // contact.<field>: a campaign contact's fields, whatever the list carried.
        if (!known.has(name) && !name.startsWith('contact.')) {
          add(field, `says '${name}', which no set or collect node of this flow assigns and is not a built-in variable${didYouMean(name, known)}`)
        }
        break
      }
      case 'condition':
        node.cases.forEach((c, i) => {
          const when = `cases[${i}].when`
          if (!hasHours) {
            const asks = hoursAsked(c.when)
            if (asks.length > 0) add(when, `case ${i + 1} asks ${listOf(asks)} but the flow has no 'hours'`)
          }
          for (const pattern of patternsOf(c.when)) {
            const bad = regexError(pattern)
            if (bad) add(when, `case ${i + 1}: matches ${show(pattern)} is not a valid regular expression (${bad})`)
          }
        })
        break
      default:
        break
    }
  }
  return problems
}

function regexError(source: string): string | undefined {
  try {
    new RegExp(source)
    return undefined
  } catch (e) {
    return (e as Error).message.replace(/^Invalid regular expression: /, '')
  }
}

/** 'openNow' / 'holiday' wherever they appear in a condition. */
function hoursAsked(c: Condition): string[] {
  const asks = new Set<string>()
  walk(c, (leaf) => {
    if ('openNow' in leaf) asks.add('openNow')
    if ('holiday' in leaf) asks.add('holiday')
  })
  return [...asks]
}

function patternsOf(c: Condition): string[] {
  const patterns: string[] = []
  walk(c, (leaf) => {
    if ('var' in leaf && leaf.matches !== undefined) patterns.push(leaf.matches)
  })
  return patterns
}

function walk(c: Condition, visit: (leaf: Condition) => void): void {
  if ('all' in c) c.all.forEach((x) => walk(x, visit))
  else if ('any' in c) c.any.forEach((x) => walk(x, visit))
  else if ('not' in c) walk(c.not, visit)
  else visit(c)
}
