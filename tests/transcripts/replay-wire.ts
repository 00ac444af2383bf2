/**
 * Byte-level helpers of the replay peer: framing ESL messages (what our code writes and
 * what the transcripts hold), rewriting recorded messages (UUID and name substitutions,
 * with Content-Length kept exact), and the few messages the peer has to make up.
 */

/** One framed event-socket message: header lines, blank line, Content-Length body. */
export interface Framed {
  /** First header line; for a command the command itself (`sendmsg`, `api status`). */
  firstLine: string
  headers: Map<string, string>
  body: Buffer
  raw: Buffer
}

/** Frames as many complete messages as `buf` holds; returns them and the unread rest. */
export function frameAll(buf: Buffer): { messages: Framed[]; rest: Buffer } {
  const messages: Framed[] = []
  for (;;) {
    const end = buf.indexOf('\n\n')
    if (end < 0) break
    const lines = buf.subarray(0, end).toString('utf8').split('\n')
    const headers = new Map<string, string>()
    for (const l of lines) {
      const i = l.indexOf(': ')
      // Header names are case-insensitive on the wire (esl-lite writes `job-uuid`).
      if (i > 0) headers.set(l.slice(0, i).toLowerCase(), l.slice(i + 2))
    }
    const length = Number(headers.get('content-length') ?? 0)
    if (buf.length < end + 2 + length) break
    messages.push({ firstLine: lines[0] ?? '', headers, body: buf.subarray(end + 2, end + 2 + length), raw: buf.subarray(0, end + 2 + length) })
    buf = buf.subarray(end + 2 + length)
  }
  return { messages, rest: buf }
}

/** The message's Content-Length header against its real body length; undefined when they agree. */
export function framingError(raw: Buffer): string | undefined {
  const { messages, rest } = frameAll(raw)
  if (messages.length !== 1 || rest.length !== 0) return `message does not frame as exactly one message (${messages.length} + ${rest.length} bytes)`
  return undefined
}

export function replaceAll(buf: Buffer, from: string, to: string): Buffer {
  const needle = Buffer.from(from)
  let at = buf.indexOf(needle)
  if (at < 0) return buf
  const parts: Buffer[] = []
  let start = 0
  while (at >= 0) {
    parts.push(buf.subarray(start, at), Buffer.from(to))
    start = at + needle.length
    at = buf.indexOf(needle, start)
  }
  parts.push(buf.subarray(start))
  return Buffer.concat(parts)
}

/** Sets the outer Content-Length to the body's real length (after a length-changing rewrite). */
export function reframe(raw: Buffer): Buffer {
  const end = raw.indexOf('\n\n')
  if (end < 0) return raw
  const head = raw.subarray(0, end).toString('utf8')
  if (!/^Content-Length: /m.test(head)) return raw
  const body = raw.subarray(end + 2)
  const fixed = head.replace(/^Content-Length: \d+$/m, `Content-Length: ${body.length}`)
  return Buffer.concat([Buffer.from(fixed + '\n\n'), body])
}

/** A field of a recorded event (plain: URL-decoded header line; json: the object's value). */
export function eventField(raw: Buffer, name: string): string | undefined {
  const { messages } = frameAll(raw)
  const m = messages[0]
  if (!m) return undefined
  const type = m.headers.get('content-type')
  if (type === 'text/event-json') {
    const v = (JSON.parse(m.body.toString('utf8')) as Record<string, unknown>)[name]
    return v === undefined ? undefined : String(v)
  }
  if (type === 'text/event-plain') {
    const text = m.body.toString('utf8')
    const head = text.slice(0, text.indexOf('\n\n') < 0 ? text.length : text.indexOf('\n\n'))
    const line = head.split('\n').find((l) => l.startsWith(`${name}: `))
    if (line === undefined) return undefined
    try {
      return decodeURIComponent(line.slice(name.length + 2))
    } catch {
      return line.slice(name.length + 2)
    }
  }
  return m.headers.get(name.toLowerCase())
}

export function contentType(raw: Buffer): string | undefined {
  return frameAll(raw).messages[0]?.headers.get('content-type')
}

export function isReply(raw: Buffer): boolean {
  const type = contentType(raw)
  return type === 'command/reply' || type === 'api/response'
}

// --- messages the peer makes up ---------------------------------------------------------

/** A `command/reply` as FreeSWITCH writes it (Content-Type first, no body). */
export function commandReply(text: string, extra: Record<string, string> = {}): Buffer {
  let s = `Content-Type: command/reply\nReply-Text: ${text}\n`
  for (const [k, v] of Object.entries(extra)) s += `${k}: ${v}\n`
  return Buffer.from(s + '\n')
}

/**
 * A JSON BACKGROUND_JOB event carrying `body` for job `jobUuid`. `template` is a recorded
 * JSON BACKGROUND_JOB of the same transcript (its Core-UUID, host, calling function ...);
 * without one a minimal event with the fields esl-lite and FreeSWITCH's readers use.
 */
/** An api/response as FreeSWITCH writes it (Content-Type first). */
export function apiResponse(body: string): Buffer {
  return Buffer.from(`Content-Type: api/response\nContent-Length: ${Buffer.byteLength(body)}\n\n${body}`)
}

export function backgroundJob(template: Record<string, unknown> | undefined, jobUuid: string, command: string, body: string): Buffer {
  const [name, ...args] = command.split(' ')
  const data: Record<string, unknown> = { ...(template ?? { 'Event-Name': 'BACKGROUND_JOB', 'Event-Calling-File': 'mod_event_socket.c', 'Event-Calling-Function': 'api_exec' }) }
  data['Job-UUID'] = jobUuid
  data['Job-Command'] = name
  if (args.length > 0) data['Job-Command-Arg'] = args.join(' ')
  else delete data['Job-Command-Arg']
  data['Content-Length'] = String(Buffer.byteLength(body))
  data['_body'] = body
  // FreeSWITCH writes compact JSON with no trailing newline, as JSON.stringify does.
  const json = Buffer.from(JSON.stringify(data))
  return Buffer.concat([Buffer.from(`Content-Length: ${json.length}\nContent-Type: text/event-json\n\n`), json])
}

/** The status text a ping gets when the transcript never asked FreeSWITCH for one. */
export const PLAUSIBLE_STATUS =
  'UP 0 years, 0 days, 0 hours, 1 minutes, 0 seconds, 0 milliseconds, 0 microseconds\n' +
  'FreeSWITCH (Version 1.11.1-release  64bit) is ready\n0 session(s) since startup\n'
