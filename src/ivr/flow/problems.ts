/**
 * What is wrong with a flow file, said so that the person who wrote it can fix it: the
 * file, the node, the field, and a sentence. A FlowError carries every problem found, so
 * one start-up shows them all instead of one per attempt.
 */

export interface FlowProblem {
  /** The flow file, as it was given to the loader (e.g. flows/default.yaml). */
  file: string
  /** The node the problem is in, when it is in one. */
  node?: string
  /** Where in the file or node: 'options.3', 'cases[0].next', 'hours.timezone'. */
  field?: string
  message: string
}

/** One line: `flows/default.yaml: node 'main-menu': option '3' leads to ...`. */
export function formatProblem(p: FlowProblem): string {
  return p.node === undefined ? `${p.file}: ${p.message}` : `${p.file}: node '${p.node}': ${p.message}`
}

export class FlowError extends Error {
  override readonly name = 'FlowError'
  constructor(readonly problems: FlowProblem[]) {
    super(problems.map(formatProblem).join('\n'))
  }
}

/** Quotes a value for a message: strings in single quotes, the rest as JSON. */
export function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`
  if (value === undefined) return 'nothing'
  const json = JSON.stringify(value)
  return json.length > 60 ? `${json.slice(0, 57)}...` : json
}

/** Edit distance (insertions, deletions, substitutions, swaps of neighbours). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i]!
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      row[j] = Math.min(d[i - 1]![j]! + 1, row[j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1)
    }
  }
  return d[a.length]![b.length]!
}

/**
 * The candidate `word` was most likely meant to be, if one is close enough to be a typo:
 * up to one edit in four characters, at most three.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 4)))
  let best: string | undefined
  let bestDistance = Infinity
  for (const c of candidates) {
    if (c === word) continue
    const dist = distance(word.toLowerCase(), c.toLowerCase())
    if (dist < bestDistance) {
      best = c
      bestDistance = dist
    }
  }
  return bestDistance <= limit ? best : undefined
}

/** '; did you mean 'account'?' or nothing. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const c = closest(word, candidates)
  return c === undefined ? '' : `; did you mean '${c}'?`
}

/** 'a', 'a and b', 'a, b and c' (or 'a, b or c'). */
export function listOf(items: string[], conjunction: 'and' | 'or' = 'and'): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`
}
