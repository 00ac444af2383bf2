/**
 * What the conformance test compares: each message reduced to a shape (kind, key headers,
 * header-name order, result values, the set of channel variables), and the differences
 * between what FreeSWITCH said and what the simulator said on one connection. UUIDs are
 * compared by identity (first appearance), not by value.
 */
import { eventHeaders, header, type WireMessage } from '../helpers/transcripts.js'
import { RECORDED_ROOT } from './recorded-host.js'

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g

/** A message reduced to what must match: kind, key headers, header-name order, result values. */
export interface Shape {
  kind: string
  names?: string
  values: Record<string, string>
  variables?: string[]
  /** The channel an event is about: its name and (renamed) Unique-ID. */
  channel?: { name: string; uuid: string }
}

const KEY_HEADERS = [
  'Content-Type',
  'Reply-Text',
  'Socket-Mode',
  'Control',
  'Content-Disposition',
  'Linger-Time',
  'Event-Name',
  'Event-Subclass',
  'Event-Calling-File',
  'Event-Calling-Function',
  'Channel-State',
  'Channel-Call-State',
  'Channel-State-Number',
  'Call-Direction',
  'Answer-State',
  'Hangup-Cause',
  'Application',
  'Application-Data',
  'Application-Response',
  'Playback-Status',
  'Playback-File-Type',
  'DTMF-Digit',
  'DTMF-Source',
  'Record-Completion-Cause',
  'Job-Command',
  'Other-Type',
]

/** Variables that carry results, compared by value. */
const KEY_VARIABLES = [
  'read_result',
  'ivr_digit',
  'originate_disposition',
  'DIALSTATUS',
  'originate_failed_cause',
  'bridge_hangup_cause',
  'playback_terminator_used',
  'silence_hits_exhausted',
  'hangup_cause',
  'current_application',
  'endpoint_disposition',
  'campaign_id',
  'contact_id',
]

export function shapeOf(m: WireMessage, normalise: (s: string) => string): Shape {
  const rename = normalise
  const values: Record<string, string> = {}
  const ev = eventHeaders(m)
  const all = ev ?? m.headers
  for (const [k, v] of all) if (KEY_HEADERS.includes(k) && values[k] === undefined) values[k] = rename(v)
  for (const [k, v] of m.headers) if (KEY_HEADERS.includes(k) && values[k] === undefined) values[k] = rename(v)
  if (!ev) {
    const body = m.body.toString('utf8')
    // Uptime, channel lists and measured durations (avmd_total_time `[6339]`) are timing, not protocol.
    const timing = body.startsWith('UP ') || body.startsWith('{"row_count"')
    if (body) values.body = rename(timing ? body.slice(0, 2) : body.replace(/^\[\d+\]$/, '[N]'))
    return { kind: header(m, 'Content-Type') ?? '?', values }
  }
  const nonVariables = ev.filter(([k]) => !k.startsWith('variable_'))
  const variables = ev.filter(([k]) => k.startsWith('variable_')).map(([k]) => k.slice(9))
  for (const [k, v] of ev) {
    if (k.startsWith('variable_') && KEY_VARIABLES.includes(k.slice(9))) values[k] = rename(v)
  }
  const uuid = ev.find(([k]) => k === 'Unique-ID')?.[1]
  const name = ev.find(([k]) => k === 'Channel-Name')?.[1]
  return {
    kind: `${header(m, 'Content-Type')} ${values['Event-Name'] ?? ''}`,
    names: nonVariables.map(([k]) => k).join(' '),
    values,
    variables: variables.sort(),
    channel: uuid !== undefined && name !== undefined ? { name, uuid: rename(uuid) } : undefined,
  }
}

/**
 * Differences between what FreeSWITCH said and what the simulator said on one connection.
 * `exact`: the whole sequence must match. `per-channel` (inbound sessions that see every
 * channel): messages that are not about a channel must match in order, and so must each
 * channel's own events; how two channels' events interleave is thread timing, not protocol.
 */
export function differences(recorded: Shape[], simulated: Shape[], mode: 'exact' | 'per-channel'): string[] {
  if (mode === 'exact') return compareSequence(renamed(recorded), renamed(simulated), '')
  const groups = (shapes: Shape[]): Map<string, Shape[]> => {
    const ordinal = new Map<string, string>()
    const perName = new Map<string, number>()
    const out = new Map<string, Shape[]>()
    for (const sh of shapes) {
      // Background jobs finish when their work does: ordered among themselves, not against replies.
      let key = sh.values['Event-Name'] === 'BACKGROUND_JOB' ? 'jobs' : 'switch'
      if (sh.channel) {
        const id = `${sh.channel.name}|${sh.channel.uuid}`
        if (!ordinal.has(id)) {
          const n = (perName.get(sh.channel.name) ?? 0) + 1
          perName.set(sh.channel.name, n)
          ordinal.set(id, `${sh.channel.name}#${n}`)
        }
        key = ordinal.get(id)!
      }
      if (!out.has(key)) out.set(key, [])
      out.get(key)!.push(sh)
    }
    return out
  }
  const r = groups(recorded)
  const s = groups(simulated)
  const diffs: string[] = []
  for (const key of new Set([...r.keys(), ...s.keys()])) diffs.push(...compareSequence(renamed(r.get(key) ?? []), renamed(s.get(key) ?? []), `${key}: `))
  return diffs
}

/** Gives the UUIDs of a sequence stable names by first appearance (u1, u2 ...). */
function renamed(shapes: Shape[]): Shape[] {
  const seen = new Map<string, string>()
  const r = (v: string): string =>
    v.replace(UUID, (u) => {
      let n = seen.get(u)
      if (!n) seen.set(u, (n = `u${seen.size + 1}`))
      return n
    })
  return shapes.map((sh) => ({
    ...sh,
    values: Object.fromEntries(Object.entries(sh.values).map(([k, v]) => [k, r(v)])),
  }))
}

function compareSequence(recorded: Shape[], simulated: Shape[], prefix: string): string[] {
  const diffs: string[] = []
  const n = Math.max(recorded.length, simulated.length)
  for (let i = 0; i < n; i++) {
    const a = recorded[i]
    const b = simulated[i]
    const where = `${prefix}#${i} ${a?.kind ?? '-'}`
    if (!a || !b || a.kind !== b.kind) {
      diffs.push(`${where}: recorded ${a?.kind ?? 'nothing'}, simulated ${b?.kind ?? 'nothing'}`)
      // Once the sequences part, the rest says nothing more.
      break
    }
    for (const k of new Set([...Object.keys(a.values), ...Object.keys(b.values)])) {
      if (a.values[k] !== b.values[k]) diffs.push(`${where}: ${k} recorded ${JSON.stringify(a.values[k])}, simulated ${JSON.stringify(b.values[k])}`)
    }
    if (a.names !== b.names) {
      const na = (a.names ?? '').split(' ')
      const nb = (b.names ?? '').split(' ')
      const onlyA = na.filter((x) => !nb.includes(x))
      const onlyB = nb.filter((x) => !na.includes(x))
      diffs.push(`${where}: headers differ (only recorded: ${onlyA.join(' ') || '-'}; only simulated: ${onlyB.join(' ') || '-'}${onlyA.length + onlyB.length === 0 ? '; order' : ''})`)
    }
    const va = new Set(a.variables ?? [])
    const vb = new Set(b.variables ?? [])
    const onlyA = [...va].filter((x) => !vb.has(x))
    const onlyB = [...vb].filter((x) => !va.has(x))
    if (onlyA.length + onlyB.length > 0) diffs.push(`${where}: variables differ (only recorded: ${onlyA.join(' ') || '-'}; only simulated: ${onlyB.join(' ') || '-'})`)
  }
  return diffs
}

/** Puts host-specific paths back to the recording host's. */
export function normaliser(root?: string): (s: string) => string {
  return (s) => (root ? s.split(root).join(RECORDED_ROOT) : s)
}
