/**
 * From the text of a flow file to plain data: YAML or JSON syntax errors with their line,
 * and keys given twice. Both parsers keep the last of two equal keys without a word, and a
 * menu digit or a node written twice is a mistake we must show, so repeated keys are found
 * on YAML's syntax tree (JSON is YAML too, as far as that search is concerned).
 */
import path from 'node:path'
import YAML, { isMap, isPair, isScalar, isSeq, LineCounter, type Node as YamlNode } from 'yaml'
import type { FlowProblem } from './problems.js'

export interface ParsedSource {
  data: unknown
  problems: FlowProblem[]
}

export type SourceFormat = 'yaml' | 'json'

export function formatOf(file: string): SourceFormat | undefined {
  const ext = path.extname(file).toLowerCase()
  if (ext === '.yaml' || ext === '.yml') return 'yaml'
  if (ext === '.json') return 'json'
  return undefined
}

export function parseSource(text: string, file: string): ParsedSource {
  const format = formatOf(file)
  if (format === undefined) return { data: undefined, problems: [{ file, message: 'a flow file must end in .yaml, .yml or .json' }] }
  const json = format === 'json' ? parseJson(text, file) : undefined
  if (json?.problem) return { data: undefined, problems: [json.problem] }
  const lines = new LineCounter()
  // uniqueKeys: false so that repeated keys come out of repeatedKeys() naming node and line.
  const doc = YAML.parseDocument(text, { uniqueKeys: false, lineCounter: lines })
  if (json) {
    // Valid JSON the YAML parser would not take (rare) only loses the repeated-key search.
    return { data: json.data, problems: doc.errors.length === 0 ? repeatedKeys(doc.contents, [], file, lines) : [] }
  }
  if (doc.errors.length > 0) return { data: undefined, problems: doc.errors.map((e) => yamlSyntax(e, text, file)) }
  if (doc.contents === null) return { data: undefined, problems: [{ file, message: 'the file is empty' }] }
  return { data: doc.toJS() as unknown, problems: repeatedKeys(doc.contents, [], file, lines) }
}

function yamlSyntax(e: YAML.YAMLError, text: string, file: string): FlowProblem {
  // The parser's message ends with " at line 3, column 5:" and a code excerpt; we say the
  // position first and keep the sentence.
  const pos = e.linePos?.[0]
  const where = pos ? `line ${pos.line}, column ${pos.col}: ` : ''
  if (e.code === 'MULTIPLE_DOCS') return { file, message: `YAML syntax error at ${where}a second document ('---'); a file holds one flow` }
  const sentence = (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, '')
  const line = pos ? (text.split('\n')[pos.line - 1] ?? '') : ''
  // An unquoted `*` is YAML's alias marker, the classic trap of a menu option '*'.
  const hint = /^\s*\*\s*:/.test(line) ? " (a key '*' must be quoted: '*': ...)" : ''
  return { file, message: `YAML syntax error at ${where}${sentence}${hint}` }
}

function parseJson(text: string, file: string): { data?: unknown; problem?: FlowProblem } {
  try {
    return { data: JSON.parse(text) as unknown }
  } catch (e) {
    const message = (e as Error).message
    // Node 20 says "... in JSON at position 41"; newer ones add "(line 3 column 5)".
    const at = /at position (\d+)/.exec(message)
    const sentence = message.replace(/\s*(in JSON )?at position \d+.*$/, '').replace(/,\s*".*" is not valid JSON$/, '')
    if (!at) return { problem: { file, message: `JSON syntax error: ${sentence}` } }
    const before = text.slice(0, Number(at[1]))
    const line = before.split('\n').length
    const col = before.length - before.lastIndexOf('\n')
    return { problem: { file, message: `JSON syntax error at line ${line}, column ${col}: ${sentence}` } }
  }
}

/** Keys written twice in one mapping, anywhere in the file. */
function repeatedKeys(node: unknown, at: string[], file: string, lines: LineCounter): FlowProblem[] {
  const problems: FlowProblem[] = []
  if (isSeq(node)) {
    node.items.forEach((item, i) => problems.push(...repeatedKeys(item, [...at, String(i)], file, lines)))
  } else if (isMap(node)) {
    const seen = new Map<string, number>()
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue
      // String(): the YAML keys 1 and "1" are different nodes but the same key once loaded.
      const key = String(pair.key.value)
      const line = lineOf(pair.key, lines)
      const first = seen.get(key)
      if (first === undefined) seen.set(key, line)
      else problems.push(repeated(at, key, first, line, file))
      problems.push(...repeatedKeys(pair.value, [...at, key], file, lines))
    }
  }
  return problems
}

function lineOf(node: YamlNode, lines: LineCounter): number {
  return node.range ? lines.linePos(node.range[0]).line : 0
}

function repeated(at: string[], key: string, first: number, second: number, file: string): FlowProblem {
  const lines = first === second ? `both on line ${first}` : `on lines ${first} and ${second}`
  const lost = 'only the second would be kept'
  if (at.length === 1 && at[0] === 'nodes') return { file, node: key, message: `is defined twice (${lines}); ${lost}` }
  if (at[0] === 'nodes' && at.length >= 2) {
    const node = at[1]!
    const field = [...at.slice(2), key].join('.')
    if (at.length === 3 && at[2] === 'options') return { file, node, field, message: `option '${key}' is given twice (${lines}); ${lost}` }
    return { file, node, field, message: `'${field}' is given twice (${lines}); ${lost}` }
  }
  const field = [...at, key].join('.')
  return { file, field, message: `'${field}' is given twice (${lines}); ${lost}` }
}
