/**
 * Reads the commands a client writes to FreeSWITCH's event socket: a command line, header
 * lines, a blank line, then a body of Content-Length bytes if that header is present.
 * esl-lite's FreeSwitchParser frames the other direction (it drops the command line, which
 * has no `: `), so the simulator reads commands with this small reader instead.
 */
export interface EslCommand {
  /** The first line, e.g. `sendmsg`, `api uuid_kill <uuid>`, `event plain ALL`. */
  line: string
  /** Header names in lower case (FreeSWITCH matches them case-insensitively). */
  headers: Map<string, string>
  body: string
}

export class CommandReader {
  private buffer: Buffer = Buffer.alloc(0)

  /** Feeds bytes; returns every command completed by them. */
  push(chunk: Buffer): EslCommand[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk])
    const out: EslCommand[] = []
    for (;;) {
      // Stray line breaks between commands are skipped, as FreeSWITCH does.
      let start = 0
      while (start < this.buffer.length && (this.buffer[start] === 0x0a || this.buffer[start] === 0x0d)) start++
      if (start > 0) this.buffer = this.buffer.subarray(start)
      const end = this.buffer.indexOf('\n\n')
      if (end < 0) return out
      const lines = this.buffer.subarray(0, end).toString('utf8').replace(/\r/g, '').split('\n')
      const headers = new Map<string, string>()
      for (const l of lines.slice(1)) {
        const i = l.indexOf(':')
        if (i > 0) headers.set(l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim())
      }
      const length = Number(headers.get('content-length') ?? 0)
      if (this.buffer.length < end + 2 + length) return out
      const body = this.buffer.subarray(end + 2, end + 2 + length).toString('utf8')
      this.buffer = this.buffer.subarray(end + 2 + length)
      out.push({ line: (lines[0] ?? '').trim(), headers, body })
    }
  }

  get pendingBytes(): number {
    return this.buffer.length
  }
}
