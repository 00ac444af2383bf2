/**
 * Does a command our code wrote correspond to a command of the transcript? Same verb;
 * for `sendmsg` the same call-command, application and argument; for `api`/`bgapi` the
 * same api command. A match can carry substitutions for the bytes FreeSWITCH sends
 * afterwards (the transcript's Application-UUID becomes the Event-UUID our code sent),
 * and commands the transcript lacks can get the reply FreeSWITCH would have given.
 */
import type { CmdItem } from './replay-script.js'
import { apiResponse, commandReply, type Framed } from './replay-wire.js'

export interface OurCommand {
  line: string
  verb: string
  headers: Map<string, string>
}

export function ourCommand(f: Framed): OurCommand {
  return { line: f.firstLine, verb: verbOf(f.firstLine), headers: f.headers }
}

export const verbOf = (line: string): string => line.split(' ')[0] ?? ''

/**
 * Setup commands whose order does not matter to FreeSWITCH: our OutboundServer pipelines
 * myevents/linger/resume before the handler subscribes, the recorded apps interleaved them.
 */
export const REORDERABLE = new Set(['myevents', 'event', 'linger', 'nolinger', 'resume'])

export interface Match {
  /** [recorded, ours] byte substitutions for everything FreeSWITCH writes from now on. */
  replacements: Array<[string, string]>
  /** bgapi job: the transcript's Job-UUID (if it ran a bgapi) becomes ours. */
  job?: { ours: string; recorded: string | undefined; fromApi: boolean; command: string }
  /** What FreeSWITCH answers our command instead of the recorded reply. */
  reply?: Buffer[]
}

export type Side = 'outbound' | 'inbound'

/** Matches `ours` against transcript command `theirs`; `appUuid` finds a recorded Application-UUID. */
export function match(side: Side, ours: OurCommand, theirs: CmdItem, appUuid: (cmd: CmdItem, app: string) => string | undefined): Match | undefined {
  const theirVerb = verbOf(theirs.line)
  const header = (name: string): string | undefined => theirs.msg.headers.find(([k]) => k.toLowerCase() === name)?.[1]
  const none: Match = { replacements: [] }
  if (side === 'inbound' && ours.verb === 'bgapi' && (theirVerb === 'bgapi' || theirVerb === 'api')) {
    const command = apiText(ours.line)
    if (command !== apiText(theirs.line)) return undefined
    const jobUuid = ours.headers.get('job-uuid')
    // Without a job-uuid header FreeSWITCH picks the Job-UUID: the recorded one stands.
    if (jobUuid === undefined) return theirVerb === 'bgapi' ? none : undefined
    const recorded = theirVerb === 'bgapi' ? theirs.reply?.raw.toString('utf8').match(/^Job-UUID: (\S+)$/m)?.[1] : undefined
    return { replacements: [], job: { ours: jobUuid, recorded, fromApi: theirVerb === 'api', command } }
  }
  // `resume` and the channel variable socket_resume=true are one flag to mod_event_socket
  // (LFLAG_RESUME || socket_resume): our sessions set the variable; FreeSWITCH answers the api.
  if (side === 'outbound' && theirVerb === 'resume' && /^api uuid_setvar \S+ socket_resume true$/.test(ours.line)) {
    return { replacements: [], reply: [apiResponse('+OK\n')] }
  }
  if (ours.verb !== theirVerb) return undefined
  switch (ours.verb) {
    case 'sendmsg': {
      const cc = ours.headers.get('call-command')
      if (cc !== header('call-command')) return undefined
      if (cc === 'hangup') return ours.headers.get('hangup-cause') === header('hangup-cause') ? none : undefined
      if (cc !== 'execute') return undefined
      const app = ours.headers.get('execute-app-name') ?? ''
      if (app !== header('execute-app-name')) return undefined
      const replacements = argReplacements(app, ours.headers.get('execute-app-arg') ?? '', header('execute-app-arg') ?? '')
      if (replacements === undefined) return undefined
      const mine = ours.headers.get('event-uuid')
      // FreeSWITCH echoes the Event-UUID as Application-UUID, or makes one up when none was sent.
      const recorded = header('event-uuid') ?? appUuid(theirs, app)
      if (mine !== undefined && recorded !== undefined && mine !== recorded) replacements.push([recorded, mine])
      return { replacements }
    }
    case 'event': {
      const [, format, ...names] = ours.line.split(' ')
      const [, theirFormat, ...theirNames] = theirs.line.split(' ')
      if (format !== theirFormat) return undefined
      // esl-lite subscribes one event per command; the recorded apps sent one list.
      const same = side === 'inbound' ? names.every((n) => theirNames.includes(n)) : sameSet(names, theirNames)
      return same ? none : undefined
    }
    case 'linger':
      // `linger` and `linger 2` are the same command to match; the reply says which it was.
      return none
    case 'api':
      return apiText(ours.line) === apiText(theirs.line) ? none : undefined
    default:
      return ours.line === theirs.line ? none : undefined
  }
}

/**
 * The api command of an `api`/`bgapi` line, normalised: `&park()` and `&park` are the same
 * originate application to FreeSWITCH (ControlClient writes the first, the recordings the second).
 */
function apiText(line: string): string {
  return line
    .replace(/^(bg)?api /, '')
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/ &(\w+)\(\)$/, ' &$1')
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x))
}

/**
 * Equal arguments match. play_and_get_digits may differ in the variable name (our Call
 * collects into its own variable: FreeSWITCH then reports that name, so it is substituted)
 * and in the digit timeout our Call always passes (FreeSWITCH's default is the first timeout).
 */
function argReplacements(app: string, ours: string, theirs: string): Array<[string, string]> | undefined {
  if (ours === theirs) return []
  if (app !== 'play_and_get_digits') return undefined
  const a = ours.split(' ')
  const b = theirs.split(' ')
  if (a.length !== 10 || (b.length !== 9 && b.length !== 10)) return undefined
  for (const i of [0, 1, 2, 3, 4, 5, 6, 8]) if (a[i] !== b[i]) return undefined
  if ((b[9] ?? b[3]) !== a[9]) return undefined
  return a[7] === b[7] ? [] : [[b[7]!, a[7]!]]
}

/** What FreeSWITCH answers a setup command the transcript lacks; undefined if not one of those. */
export function setupReply(ours: OurCommand): string | undefined {
  switch (ours.verb) {
    case 'resume':
      return '+OK'
    case 'linger': {
      const secs = ours.line.split(' ')[1]
      return secs === undefined ? '+OK will linger' : `+OK will linger ${secs} seconds`
    }
    case 'nolinger':
      return '+OK will not linger'
    case 'myevents':
      return '+OK Events Enabled'
    case 'event':
      return `+OK event listener enabled ${ours.line.split(' ')[1] ?? 'plain'}`
    case 'exit':
      return '+OK bye'
    case 'filter':
      return filterReply(ours.line.slice('filter '.length))
    default:
      return undefined
  }
}

/**
 * Our outbound sessions set socket_resume (and, around bridges, hangup_after_bridge) on
 * their own channel: FreeSWITCH answers `+OK` (socket-resume-variable); a static socket
 * (`Control: single-channel`) takes no api command (as recorded for linger).
 */
export function sessionVarsReply(ours: OurCommand, singleChannel: boolean): Buffer | undefined {
  if (!/^api uuid_setvar(_multi)? \S+ (socket_resume|hangup_after_bridge)[ =]/.test(ours.line)) return undefined
  return singleChannel ? commandReply('-ERR command not found') : apiResponse('+OK\n')
}

/** mod_event_socket's reply to `filter <header> <value>` / `filter delete <header> [<value>]` (inbound-event-filters). */
function filterReply(args: string): string {
  const [first = '', ...rest] = args.split(' ')
  if (first.toLowerCase() === 'delete' && rest.length > 0) return `+OK filter deleted. [${rest[0]}][${rest.slice(1).join(' ')}]`
  if (rest.length === 0) return '-ERR invalid syntax'
  const [name, value] = first.toLowerCase() === 'add' ? [rest[0], rest.slice(1).join(' ')] : [first, rest.join(' ')]
  return `+OK filter added. [${name}]=[${value}]`
}
