/**
 * Framing of what FreeSWITCH sends, through esl-lite's FreeSwitchParser as we install it
 * (patches/esl-lite+3.2.0.patch): whatever the TCP read boundaries, every message comes out
 * whole and in order, including the `Content-Length: 0` linger notice, messages whose
 * header terminator is split between two reads, and header values that contain ': '.
 */
import { Readable } from 'node:stream'
import { FreeSwitchParser } from 'esl-lite'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { silentLogger } from '../log.js'

const reply = (text: string): string => `Content-Type: command/reply\nReply-Text: ${text}\n\n`
const event = (body: string): string => `Content-Length: ${Buffer.byteLength(body)}\nContent-Type: text/event-plain\n\n${body}`
const linger = 'Content-Type: text/disconnect-notice\nControlled-Session-UUID: u\nContent-Disposition: linger\nContent-Length: 0\n\n'

async function parse(chunks: Buffer[]): Promise<string[]> {
  const out: string[] = []
  for await (const m of FreeSwitchParser(Readable.from(chunks), silentLogger)) {
    if (m instanceof Error) out.push(`error:${m.message}`)
    else out.push(`${m.headers.contentType ?? ''}|${m.headers.replyText ?? ''}|${m.body.toString('utf8')}`)
  }
  return out
}

const message = fc.oneof(
  fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !/\n/.test(s) && s.trim() === s).map((t) => ({ wire: reply(`+OK ${t}: x`), expect: `command/reply|+OK ${t}: x|` })),
  fc.string({ maxLength: 60 }).map((b) => {
    const body = `Event-Name: X\nValue: ${encodeURIComponent(b)}\n\n`
    return { wire: event(body), expect: `text/event-plain||${body}` }
  }),
  fc.constant({ wire: linger, expect: 'text/disconnect-notice||' }),
)

describe('FreeSwitchParser framing', () => {
  it('keeps a Content-Length: 0 message (the linger notice)', async () => {
    expect(await parse([Buffer.from(linger + reply('+OK bye'))])).toEqual(['text/disconnect-notice||', 'command/reply|+OK bye|'])
  })

  it("keeps header values that contain ': ' (a bgapi reply)", async () => {
    const wire = 'Content-Type: command/reply\nReply-Text: +OK Job-UUID: 7f4db0c8-2a1c-4e5a-9b0e-1d2c3b4a5f60\nJob-UUID: 7f4db0c8-2a1c-4e5a-9b0e-1d2c3b4a5f60\n\n'
    expect(await parse([Buffer.from(wire)])).toEqual(['command/reply|+OK Job-UUID: 7f4db0c8-2a1c-4e5a-9b0e-1d2c3b4a5f60|'])
  })

  it('finds a header terminator split between two reads', async () => {
    const two = Buffer.from(reply('+OK') + reply('+OK will linger'))
    const cut = two.indexOf('\n\n') + 1
    expect(await parse([two.subarray(0, cut), two.subarray(cut)])).toEqual(['command/reply|+OK|', 'command/reply|+OK will linger|'])
  })

  it('property: any messages cut at any read boundaries come out whole and in order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 12 }), fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 30 }), async (msgs, cuts) => {
        const all = Buffer.from(msgs.map((m) => m.wire).join(''))
        const chunks: Buffer[] = []
        let at = 0
        for (const c of cuts) {
          if (at >= all.length) break
          chunks.push(all.subarray(at, at + c))
          at += c
        }
        if (at < all.length) chunks.push(all.subarray(at))
        expect(await parse(chunks)).toEqual(msgs.map((m) => m.expect))
      }),
      { numRuns: 500 },
    )
  })
})
