/**
 * TypeBox's schema errors, said in words: "'next' is missing", "timeoutMs: expected a whole
 * number, got text ('3s')", "'nxt' is not a field of a play node; did you mean 'next'?".
 * JSON pointers become field names (cases[0].when.var) and a union (say spec, route target,
 * condition) is explained by the variant the author evidently meant, picked by its keys.
 */
import type { TSchema } from '@sinclair/typebox'
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors'
import { Value } from '@sinclair/typebox/value'
import { didYouMean, listOf, show } from './problems.js'
import { Digit, VarName } from './schema.js'

export interface Issue {
  /** The field, such as 'options.3' or 'cases[0].next'; undefined for the whole thing. */
  field?: string
  message: string
}

/**
 * Every way `value` misses `schema`. `what` names the thing for unknown fields: "a play node".
 */
export function schemaIssues(schema: TSchema, value: unknown, what: string): Issue[] {
  return translate([...Value.Errors(schema, value)], value, what)
}

function translate(errors: ValueError[], root: unknown, what: string): Issue[] {
  // TypeBox reports a missing property twice (missing, then not a string): keep the first.
  const missing = new Set(errors.filter((e) => e.type === ValueErrorType.ObjectRequiredProperty).map((e) => e.path))
  const issues: Issue[] = []
  const said = new Set<string>()
  for (const e of errors) {
    if (e.type !== ValueErrorType.ObjectRequiredProperty && missing.has(e.path)) continue
    for (const issue of explain(e, root, what)) {
      const key = `${issue.field ?? ''}\u0000${issue.message}`
      if (said.has(key)) continue
      said.add(key)
      issues.push(issue)
    }
  }
  return issues
}

function explain(e: ValueError, root: unknown, what: string): Issue[] {
  const segments = e.path.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
  const field = fieldName(root, segments)
  const parent = fieldName(root, segments.slice(0, -1))
  const key = segments[segments.length - 1] ?? ''
  const at = (message: string): Issue[] => [{ field, message: field === undefined ? message : `${field}: ${message}` }]
  const schema = e.schema as TSchema & Record<string, unknown>
  switch (e.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return [{ field, message: parent === undefined ? `'${key}' is missing` : `${parent}: '${key}' is missing` }]
    case ValueErrorType.ObjectAdditionalProperties:
      return [{ field, message: unknownKey(schema, key, parent, what) }]
    case ValueErrorType.Union:
      return union(e, root, what, field)
    case ValueErrorType.StringPattern:
      return at(`${show(e.value)} is not ${typeof schema.description === 'string' ? schema.description : `in the expected form (${String(schema.pattern)})`}`)
    case ValueErrorType.StringMinLength:
      return at('must not be empty')
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.IntegerMinimum:
      return at(`${show(e.value)} is less than the minimum, ${String(schema.minimum)}`)
    case ValueErrorType.NumberMaximum:
    case ValueErrorType.IntegerMaximum:
      return at(`${show(e.value)} is more than the maximum, ${String(schema.maximum)}`)
    case ValueErrorType.ArrayMinItems:
      return at(`needs at least ${String(schema.minItems)} ${schema.minItems === 1 ? 'entry' : 'entries'}`)
    case ValueErrorType.ObjectMinProperties:
      return at(`needs at least ${String(schema.minProperties)} ${schema.minProperties === 1 ? 'entry' : 'entries'}`)
    case ValueErrorType.String:
    case ValueErrorType.Number:
    case ValueErrorType.Integer:
    case ValueErrorType.Boolean:
    case ValueErrorType.Array:
    case ValueErrorType.Object:
    case ValueErrorType.Null:
    case ValueErrorType.Literal:
      return at(`expected ${expected(schema)}, got ${describe(e.value)}${quoteHint(schema, e.value)}`)
    default:
      return at(e.message)
  }
}

/** 'cases[0].when.var' from ['cases', '0', 'when', 'var']; arrays get brackets. */
function fieldName(root: unknown, segments: string[]): string | undefined {
  let name = ''
  let here: unknown = root
  for (const s of segments) {
    name += Array.isArray(here) ? `[${s}]` : name === '' ? s : `.${s}`
    here = here !== null && typeof here === 'object' ? (here as Record<string, unknown>)[s] : undefined
  }
  return name === '' ? undefined : name
}

/** Records keep their key schema's pattern but not its description: we put it back. */
const KEY_DESCRIPTIONS = new Map([Digit, VarName].map((s) => [s.pattern, s.description]))

function unknownKey(schema: Record<string, unknown>, key: string, parent: string | undefined, what: string): string {
  const pattern = Object.keys((schema.patternProperties as Record<string, unknown> | undefined) ?? {})[0]
  if (pattern !== undefined) {
    const rule = KEY_DESCRIPTIONS.get(pattern) ?? `a key matching ${pattern}`
    return `${parent === undefined ? '' : `${parent}: `}'${key}' is not ${rule}`
  }
  const known = Object.keys((schema.properties as Record<string, unknown> | undefined) ?? {})
  const suggestion = didYouMean(key, known)
  if (parent === undefined) return `'${key}' is not a field of ${what}${suggestion}`
  return `${parent}: '${key}' is not allowed here${suggestion || `; expected ${listOf(known.map((k) => `'${k}'`))}`}`
}

/**
 * A value matched none of a union's variants. An object is explained by the one variant
 * whose keys it uses; failing that we list the variants.
 */
function union(e: ValueError, root: unknown, what: string, field: string | undefined): Issue[] {
  const variants = ((e.schema as { anyOf?: TSchema[] }).anyOf ?? []) as (TSchema & Record<string, unknown>)[]
  const prefix = field === undefined ? '' : `${field}: `
  const value = e.value
  const objects = variants.every((v) => v.type === 'object')
  if (objects && isRecord(value)) {
    const keys = Object.keys(value)
    const users = variants.map((v, i) => i).filter((i) => propertiesOf(variants[i]!).some((k) => keys.includes(k)))
    if (users.length === 1) return translate([...(e.errors[users[0]!] ?? [])], root, what)
    const choices = `one of ${listOf(variants.map(shapeOf), 'or')}`
    if (users.length > 1) {
      const mixed = keys.filter((k) => users.some((i) => requiredOf(variants[i]!).includes(k)))
      return [{ field, message: `${prefix}${listOf(mixed.map((k) => `'${k}'`))} cannot be combined; use ${choices}` }]
    }
    const all = variants.flatMap(propertiesOf)
    const guess = keys.map((k) => didYouMean(k, all)).find((s) => s !== '') ?? ''
    const got = keys.length === 0 ? 'an empty mapping' : listOf(keys.map((k) => `'${k}'`))
    return [{ field, message: `${prefix}expected ${choices}, got ${got}${guess}` }]
  }
  if (objects) return [{ field, message: `${prefix}expected a mapping with one of ${listOf(variants.map(shapeOf), 'or')}, got ${describe(value)}` }]
  const kinds = variants.map((v) => (v.type === 'boolean' ? 'true/false' : expected(v)))
  return [{ field, message: `${prefix}expected ${listOf(kinds, 'or')}, got ${describe(value)}` }]
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

function propertiesOf(schema: Record<string, unknown>): string[] {
  return Object.keys((schema.properties as Record<string, unknown> | undefined) ?? {})
}

function requiredOf(schema: Record<string, unknown>): string[] {
  return (schema.required as string[] | undefined) ?? []
}

/** A variant of a union of objects, by its required keys: 'money + currency', 'manager: true'. */
function shapeOf(schema: Record<string, unknown>): string {
  const props = (schema.properties as Record<string, Record<string, unknown>> | undefined) ?? {}
  return requiredOf(schema)
    .map((k) => (props[k]?.const !== undefined ? `${k}: ${String(props[k].const)}` : k))
    .join(' + ')
}

function expected(schema: Record<string, unknown>): string {
  if (schema.const !== undefined) return show(schema.const)
  switch (schema.type) {
    case 'string':
      return 'text'
    case 'number':
      return 'a number'
    case 'integer':
      return 'a whole number'
    case 'boolean':
      return 'true or false'
    case 'array':
      return 'a list'
    case 'object':
      return 'a mapping (key: value)'
    case 'null':
      return 'null'
    default:
      return 'something else'
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (value === null) return 'nothing (null)'
  if (typeof value === 'string') return `text (${show(value)})`
  if (typeof value === 'number') return Number.isInteger(value) ? `the number ${value}` : `the fraction ${value}`
  if (typeof value === 'boolean') return String(value)
  if (Array.isArray(value)) return 'a list'
  return 'a mapping'
}

/** YAML reads 1000 and +3725550100 as numbers (dropping the +), yes/true as true: quoting keeps the text. */
function quoteHint(schema: Record<string, unknown>, value: unknown): string {
  if (schema.type !== 'string') return ''
  if (typeof value === 'number') return "; put it in quotes (YAML reads bare digits as a number and drops a leading '+')"
  if (typeof value === 'boolean') return '; put it in quotes'
  return ''
}
