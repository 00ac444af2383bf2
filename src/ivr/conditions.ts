/**
 * Evaluates a `condition` node's test against the call's variables and the moment: pure,
 * so flows are tested in simulated time.
 */
import type { BusinessHours, Condition } from './flow/schema.js'
import { isHoliday, isOpen } from './hours.js'

export type Vars = Record<string, string | number | boolean | null | undefined>

export interface ConditionContext {
  vars: Vars
  now: Date
  hours: BusinessHours | undefined
}

export function evaluate(c: Condition, ctx: ConditionContext): boolean {
  if ('all' in c) return c.all.every((x) => evaluate(x, ctx))
  if ('any' in c) return c.any.some((x) => evaluate(x, ctx))
  if ('not' in c) return !evaluate(c.not, ctx)
  // Without configured hours the center is always open and never on holiday.
  if ('openNow' in c) return (ctx.hours ? isOpen(ctx.hours, ctx.now) : true) === c.openNow
  if ('holiday' in c) return (ctx.hours ? isHoliday(ctx.hours, ctx.now) : false) === c.holiday
  const v = ctx.vars[c.var]
  const present = v !== undefined && v !== null && v !== ''
  if (c.exists !== undefined && present !== c.exists) return false
  if (c.eq !== undefined && !same(v, c.eq)) return false
  if (c.ne !== undefined && same(v, c.ne)) return false
  if (c.in !== undefined && !c.in.some((x) => same(v, x))) return false
  for (const [op, bound] of [
    ['gt', c.gt],
    ['gte', c.gte],
    ['lt', c.lt],
    ['lte', c.lte],
  ] as const) {
    if (bound === undefined) continue
    const n = Number(v)
    if (!present || !Number.isFinite(n)) return false
    if ((op === 'gt' && !(n > bound)) || (op === 'gte' && !(n >= bound)) || (op === 'lt' && !(n < bound)) || (op === 'lte' && !(n <= bound))) return false
  }
  if (c.matches !== undefined && !new RegExp(c.matches).test(present ? String(v) : '')) return false
  return true
}

/** Equality across the loose types variables arrive in (`'12'` and `12`, `'true'` and `true`). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a === undefined || a === null || b === undefined || b === null) return a === b
  return String(a) === String(b)
}
