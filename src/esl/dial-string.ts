/**
 * Pure builders for FreeSWITCH dial strings and originate commands. Values that came from
 * outside (numbers, caller ids, names, list fields) are validated against an allow-list so
 * they cannot change the dial string's structure: no `,` `|` (more legs), `{` `}` `[` `]`
 * (more variables), `'` (quoting), `^^` (separator change), `$` (variable/API expansion),
 * `;` (URI parameters), control characters or newlines (new commands).
 */
import { UnsafeCommandError } from './commands.js'

export type VariableValue = string | number | boolean
export type Variables = Record<string, VariableValue | undefined>

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/
/** A SIP header set on the INVITE (sip_h_X-Name): header names have hyphens. */
const SIP_HEADER_VAR = /^sip_h_X-[A-Za-z0-9-]{1,56}$/
/** Letters and digits of any script, space and a few harmless punctuation marks. */
const SAFE_VALUE = /^[\p{L}\p{M}\p{N} ._\-+@#*/:]*$/u
const MAX_VALUE = 256

export function variableName(name: string): string {
  if (!VAR_NAME.test(name) && !SIP_HEADER_VAR.test(name)) {
    throw new UnsafeCommandError('channel variable name', name, 'must be letters, digits and _ (not starting with a digit), or sip_h_X-<header>')
  }
  return name
}

/** Renders one value, quoted when it holds a space; rejects anything outside the allow-list. */
export function variableValue(field: string, value: VariableValue): string {
  const text = typeof value === 'string' ? value : String(value)
  if (text.length > MAX_VALUE) throw new UnsafeCommandError(field, text, `is longer than ${MAX_VALUE} characters`)
  if (!SAFE_VALUE.test(text)) {
    const bad = Array.from(text).find((c) => !SAFE_VALUE.test(c)) ?? ''
    throw new UnsafeCommandError(field, text, `contains a character not allowed in a dial string (${JSON.stringify(bad)})`)
  }
  if (text.trim() !== text) throw new UnsafeCommandError(field, text, 'must not start or end with a space')
  return text.includes(' ') ? `'${text}'` : text
}

/** `{a=1,b='x y'}` (all legs) or `[a=1]` (one leg); empty string when there is nothing to set. */
export function variableBlock(vars: Variables, scope: 'global' | 'leg' = 'global'): string {
  const parts: string[] = []
  for (const [name, value] of Object.entries(vars)) {
    if (value === undefined) continue
    parts.push(`${variableName(name)}=${variableValue(name, value)}`)
  }
  if (parts.length === 0) return ''
  return scope === 'global' ? `{${parts.join(',')}}` : `[${parts.join(',')}]`
}

const PHONE = /^\+?[0-9]{1,20}$/

/** A dialable number: digits with an optional leading `+` (E.164 normalisation happens earlier). */
export function dialableNumber(field: string, raw: string): string {
  if (!PHONE.test(raw)) throw new UnsafeCommandError(field, raw, 'must be digits with an optional leading + (at most 20)')
  return raw
}

const TEMPLATE = /^[A-Za-z0-9_.\-/@:]*\{number\}[A-Za-z0-9_.\-/@:]*$/

/**
 * Fills an endpoint template such as `sofia/gateway/carrier/{number}` or
 * `loopback/{number}/default` with a validated number.
 */
export function endpointFromTemplate(template: string, number: string): string {
  if (!TEMPLATE.test(template)) {
    throw new UnsafeCommandError('dial-string template', template, 'must contain {number} once and only letters, digits and _ . - / @ :')
  }
  return template.replace('{number}', dialableNumber('number', number))
}

const ENDPOINT = /^[A-Za-z0-9_.\-/@:+]+$/

/** An endpoint given by configuration (an agent's `user/1001`, `sofia/gateway/gw/123`). */
export function endpoint(field: string, raw: string): string {
  if (!ENDPOINT.test(raw) || !raw.includes('/')) {
    throw new UnsafeCommandError(field, raw, 'must look like tech/target (letters, digits, _ . - / @ : +)')
  }
  return raw
}

/** One leg: `[leg vars]endpoint`. */
export function leg(target: string, vars: Variables = {}): string {
  return `${variableBlock(vars, 'leg')}${endpoint('endpoint', target)}`
}

/** A dial string for `bridge` or `originate`: legs rung together (`,`) or one after another (`|`). */
export function dialString(legs: string[], options: { vars?: Variables; mode?: 'together' | 'sequential' } = {}): string {
  if (legs.length === 0) throw new UnsafeCommandError('dial string', '', 'needs at least one leg')
  const sep = options.mode === 'sequential' ? '|' : ','
  return `${variableBlock(options.vars ?? {})}${legs.join(sep)}`
}

const HOST_PORT = /^[A-Za-z0-9_.-]+:\d{1,5}$/

/**
 * `originate <dial string> '&socket(host:port async full)'`: the answered call is handed
 * to our outbound socket server. The app argument is quoted, or originate cuts it at the
 * first space and FreeSWITCH falls back to a static socket (see the transcripts).
 */
export function originateToSocket(dial: string, socketAddress: string): string {
  if (!HOST_PORT.test(socketAddress)) throw new UnsafeCommandError('socket address', socketAddress, 'must be host:port')
  return `originate ${dial} '&socket(${socketAddress} async full)'`
}

/** `originate <dial string> &park()`: the answered leg waits for uuid_bridge or a transfer. */
export function originateToPark(dial: string): string {
  return `originate ${dial} &park()`
}

const UUID = /^[0-9a-fA-F-]{8,64}$/

/** A channel UUID as it reaches an api command. */
export function channelUuid(raw: string): string {
  if (!UUID.test(raw)) throw new UnsafeCommandError('channel uuid', raw, 'is not a UUID')
  return raw
}

const ROOM = /^[A-Za-z0-9_.-]{1,80}@[A-Za-z0-9_.-]{1,40}$/
const MEMBER_FLAGS = /^[a-z_-]+(\|[a-z_-]+)*$/

/** A conference `room@profile` with member flags (`endconf|moderator`), as `conference` takes it. */
export function conferenceTarget(room: string, flags = ''): string {
  if (!ROOM.test(room)) throw new UnsafeCommandError('conference', room, 'must be room@profile of letters, digits, _ . -')
  if (flags !== '' && !MEMBER_FLAGS.test(flags)) throw new UnsafeCommandError('conference flags', flags, 'must be flag|flag')
  return flags === '' ? room : `${room}+flags{${flags}}`
}

/** `originate <dial string> &conference(room@profile+flags{...})`: the answered call joins a conference. */
export function originateToConference(dial: string, room: string, flags = ''): string {
  return `originate ${dial} &conference(${conferenceTarget(room, flags)})`
}

/** `originate <dial string> &eavesdrop(<uuid>)`: the answered call listens in on a channel. */
export function originateToEavesdrop(dial: string, target: string): string {
  return `originate ${dial} &eavesdrop(${channelUuid(target)})`
}
