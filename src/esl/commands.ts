/**
 * The text of commands we write to an event socket. Every piece that could come from
 * outside is checked here, at the bottom layer, so no caller can smuggle a newline (a new
 * header or command) into the stream.
 */
export class UnsafeCommandError extends Error {
  override name = 'UnsafeCommandError'
  constructor(
    readonly field: string,
    readonly value: string,
    reason: string,
  ) {
    super(`${field} ${reason}: ${JSON.stringify(value.length > 80 ? value.slice(0, 80) + '…' : value)}`)
  }
}

const LINE_BREAK = /[\r\n\0]/

/** Rejects text that would end the header line it is written into. */
export function singleLine(field: string, value: string): string {
  if (LINE_BREAK.test(value)) throw new UnsafeCommandError(field, value, 'must not contain a line break or NUL')
  return value
}

const APP_NAME = /^[a-z][a-z0-9_]*$/

/** `sendmsg` executing a dialplan application on the socket's channel. */
export function executeCommand(app: string, arg: string, eventUuid: string, loops?: number): string {
  if (!APP_NAME.test(app)) throw new UnsafeCommandError('application name', app, 'must be a dptools name like play_and_get_digits')
  let text = `sendmsg\ncall-command: execute\nexecute-app-name: ${app}\n`
  if (arg !== '') text += `execute-app-arg: ${singleLine(`${app} argument`, arg)}\n`
  if (loops !== undefined && loops > 1) text += `loops: ${loops}\n`
  return `${text}Event-UUID: ${eventUuid}\n\n`
}

const HANGUP_CAUSE = /^[A-Z][A-Z_]{2,40}$/

export function hangupCommand(cause: string): string {
  if (!HANGUP_CAUSE.test(cause)) throw new UnsafeCommandError('hangup cause', cause, 'must be a FreeSWITCH cause like NORMAL_CLEARING')
  return `sendmsg\ncall-command: hangup\nhangup-cause: ${cause}\n\n`
}

export function apiCommand(command: string): string {
  return `api ${singleLine('api command', command)}\n\n`
}

/** Event names the socket may subscribe to, e.g. `CUSTOM avmd::beep`. */
export function eventCommand(format: 'plain' | 'json', names: string[]): string {
  for (const n of names) {
    if (!/^[A-Za-z0-9_:]+$/.test(n)) throw new UnsafeCommandError('event name', n, 'is not an event name')
  }
  return `event ${format} ${names.join(' ')}\n\n`
}
