/**
 * Reads dial strings and originate arguments the way FreeSWITCH does: an optional
 * `{a=1,b='x y'}` block for every leg, legs joined by `,` (rung together) or `|` (one
 * after another), each with an optional `[leg=vars]` block; quotes protect separators.
 */
export interface DialLeg {
  endpoint: string
  vars: Map<string, string>
}

export interface DialString {
  vars: Map<string, string>
  /** Groups tried one after another; the legs of a group ring together. */
  groups: DialLeg[][]
}

export function parseDialString(text: string): DialString {
  let rest = text.trim()
  const vars = new Map<string, string>()
  if (rest.startsWith('{') || rest.startsWith('<')) {
    const close = closing(rest, rest[0] === '{' ? '}' : '>')
    parseVars(rest.slice(1, close), vars)
    rest = rest.slice(close + 1)
  }
  const groups = splitOutside(rest, '|').map((group) =>
    splitOutside(group, ',')
      .filter((l) => l.trim() !== '')
      .map((l) => {
        const legVars = new Map<string, string>()
        let endpoint = l.trim()
        if (endpoint.startsWith('[')) {
          const close = closing(endpoint, ']')
          parseVars(endpoint.slice(1, close), legVars)
          endpoint = endpoint.slice(close + 1)
        }
        return { endpoint, vars: legVars }
      }),
  )
  return { vars, groups: groups.filter((g) => g.length > 0) }
}

function parseVars(block: string, into: Map<string, string>): void {
  for (const pair of splitOutside(block, ',')) {
    const eq = pair.indexOf('=')
    if (eq <= 0) continue
    let value = pair.slice(eq + 1)
    if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) value = value.slice(1, -1)
    into.set(pair.slice(0, eq).trim(), value)
  }
}

function closing(text: string, close: string): number {
  let quote = false
  for (let i = 1; i < text.length; i++) {
    const c = text[i]
    if (c === "'") quote = !quote
    else if (!quote && c === close) return i
  }
  return text.length
}

function splitOutside(text: string, sep: string): string[] {
  const out: string[] = []
  let cur = ''
  let quote = false
  let depth = 0
  for (const c of text) {
    if (c === "'") quote = !quote
    else if (!quote && (c === '{' || c === '[' || c === '<')) depth++
    else if (!quote && (c === '}' || c === ']' || c === '>')) depth--
    if (!quote && depth === 0 && c === sep) {
      out.push(cur)
      cur = ''
    } else cur += c
  }
  out.push(cur)
  return out
}

/** Splits api arguments on spaces outside single quotes and braces (originate's reading). */
export function splitArgs(text: string): string[] {
  return splitOutside(text.trim(), ' ')
    .filter((a) => a !== '')
    .map((a) => (a.length >= 2 && a.startsWith("'") && a.endsWith("'") ? a.slice(1, -1) : a))
}

export type Endpoint =
  | { tech: 'loopback'; exten: string; context: string }
  | { tech: 'user'; user: string }
  | { tech: 'sofia'; profile: string; gateway?: string; number: string }
  | { tech: 'error'; cause: string }
  | { tech: 'unknown'; raw: string }

export function parseEndpoint(raw: string): Endpoint {
  const parts = raw.split('/')
  switch (parts[0]) {
    case 'loopback':
      return { tech: 'loopback', exten: parts[1] ?? '', context: parts[2] ?? 'default' }
    case 'user':
      return { tech: 'user', user: (parts[1] ?? '').split('@')[0] ?? '' }
    case 'error':
      return { tech: 'error', cause: (parts[1] ?? 'normal_clearing').toUpperCase() }
    case 'sofia':
      if (parts[1] === 'gateway') return { tech: 'sofia', profile: 'external', gateway: parts[2], number: parts.slice(3).join('/') }
      return { tech: 'sofia', profile: parts[1] ?? 'internal', number: parts.slice(2).join('/') }
    default:
      return { tech: 'unknown', raw }
  }
}
