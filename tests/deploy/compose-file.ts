/**
 * docker-compose.yml as Docker Compose reads it, for the deployment tests: the YAML with its
 * anchors and merge keys resolved, and Compose's variable interpolation
 * (https://docs.docker.com/reference/compose-file/interpolation/: ${VAR}, ${VAR:-default},
 * ${VAR-default}, ${VAR:?error}, ${VAR?error}, ${VAR:+alt}, nested defaults, $$ for a dollar).
 */
import fs from 'node:fs'
import path from 'node:path'
import YAML from 'yaml'
import { REPO } from './freeswitch-xml.js'

export const COMPOSE_FILE = path.join(REPO, 'docker-compose.yml')
export const ENV_EXAMPLE = path.join(REPO, '.env.example')

export interface Service {
  image?: string
  build?: string | { context: string; args?: Record<string, string> }
  profiles?: string[]
  environment?: Record<string, string>
  ports?: string[]
  volumes?: string[]
  networks?: string[] | Record<string, unknown>
  depends_on?: Record<string, { condition: string }>
  healthcheck?: { test: string[] | string }
  command?: string[] | string
  sysctls?: Record<string, number | string>
}

export interface ComposeFile {
  name?: string
  services: Record<string, Service>
  volumes?: Record<string, unknown>
  networks?: Record<string, { ipam?: { config?: Array<{ subnet?: string }> } } | null>
}

export function readCompose(): ComposeFile {
  // merge: true resolves "<<: *anchor", as Docker Compose does.
  return YAML.parse(fs.readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as ComposeFile
}

export class InterpolationError extends Error {}

export interface Reference {
  name: string
  /** ':-', '-', ':?', '?', ':+', '+' or '' (plain ${VAR} / $VAR). */
  op: string
  /** The default / error / alternative text, unexpanded. */
  arg: string
}

/** Every variable reference in a string, nested ones included. */
export function references(s: string): Reference[] {
  const refs: Reference[] = []
  let i = 0
  while (i < s.length) {
    if (s[i] !== '$') {
      i++
      continue
    }
    if (s[i + 1] === '$') {
      i += 2
      continue
    }
    if (s[i + 1] === '{') {
      const end = closing(s, i + 1)
      const body = s.slice(i + 2, end)
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:-|-|:\?|\?|:\+|\+)([\s\S]*))?$/.exec(body)
      if (!m) throw new InterpolationError(`bad reference \${${body}}`)
      refs.push({ name: m[1]!, op: m[2] ?? '', arg: m[3] ?? '' })
      if (m[3]) refs.push(...references(m[3]))
      i = end + 1
      continue
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i + 1))
    if (m) {
      refs.push({ name: m[0], op: '', arg: '' })
      i += 1 + m[0].length
    } else i++
  }
  return refs
}

function closing(s: string, open: number): number {
  let depth = 0
  for (let i = open; i < s.length; i++) {
    if (s[i] === '{') depth++
    else if (s[i] === '}' && --depth === 0) return i
  }
  throw new InterpolationError(`unterminated \${ in ${s}`)
}

/** Compose's interpolation of one string against an environment. */
export function interpolate(s: string, env: Record<string, string | undefined>): string {
  let out = ''
  let i = 0
  while (i < s.length) {
    if (s[i] !== '$') {
      out += s[i]
      i++
      continue
    }
    if (s[i + 1] === '$') {
      out += '$'
      i += 2
      continue
    }
    if (s[i + 1] === '{') {
      const end = closing(s, i + 1)
      const body = s.slice(i + 2, end)
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:-|-|:\?|\?|:\+|\+)([\s\S]*))?$/.exec(body)
      if (!m) throw new InterpolationError(`bad reference \${${body}}`)
      const [, name, op = '', arg = ''] = m
      const v = env[name!]
      const set = v !== undefined
      const nonEmpty = set && v !== ''
      switch (op) {
        case '':
          out += v ?? ''
          break
        case ':-':
          out += nonEmpty ? v : interpolate(arg, env)
          break
        case '-':
          out += set ? v : interpolate(arg, env)
          break
        case ':?':
          if (!nonEmpty) throw new InterpolationError(`${name}: ${interpolate(arg, env)}`)
          out += v
          break
        case '?':
          if (!set) throw new InterpolationError(`${name}: ${interpolate(arg, env)}`)
          out += v
          break
        case ':+':
          out += nonEmpty ? interpolate(arg, env) : ''
          break
        case '+':
          out += set ? interpolate(arg, env) : ''
          break
      }
      i = end + 1
      continue
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i + 1))
    if (m) {
      out += env[m[0]] ?? ''
      i += 1 + m[0].length
    } else {
      out += '$'
      i++
    }
  }
  return out
}

/** Every string anywhere in a YAML value. */
export function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.flatMap(strings)
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)])
  return []
}

/** A service's environment, interpolated. */
export function environmentOf(service: Service, env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), env)]))
}

/** The variables .env.example documents, set (NAME=...) or shown commented out (#NAME=...). */
export function documentedVariables(): Map<string, string | undefined> {
  const vars = new Map<string, string | undefined>()
  for (const line of fs.readFileSync(ENV_EXAMPLE, 'utf8').split('\n')) {
    const set = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line)
    if (set) vars.set(set[1]!, set[2])
    const shown = /^#([A-Z][A-Z0-9_]*)=/.exec(line)
    if (shown && !vars.has(shown[1]!)) vars.set(shown[1]!, undefined)
  }
  return vars
}
