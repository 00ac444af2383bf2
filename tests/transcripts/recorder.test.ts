/**
 * The transcript recorder against the real FreeSWITCH 1.11.1: one short scenario (an
 * inbound observer with plain events, a caller through the outbound socket playing a file
 * of the audio root, the app hanging up) written to a temporary directory. The files must
 * load with the transcripts loader, frame into whole messages with exact Content-Lengths,
 * say /srv/fsw/ and 127.0.0.1:8084 in place of this host's paths and port (URL-encoded in
 * plain events too), and the .txt must list the same chunks as the .jsonl.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { header, loadTranscript, messages, type Transcript } from '../helpers/transcripts.js'
import { recordScenario, type RecordingScenario } from './recorder/recording-session.js'
import { finishLingering, placeCaller, takeCall } from './recorder/scenario-steps.js'

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'recorder-test-'))
afterAll(() => fs.rmSync(out, { recursive: true, force: true }))

/** Where the scenario saw the host's own values, to check they were rewritten. */
const seen: { app?: string; beep?: string } = {}

const shortCall: RecordingScenario = {
  name: 'recorder-self-test',
  title: 'recorder self-test: one call through the outbound socket, observed in plain events',
  description: ['inb1 observes (event plain CHANNEL_EXECUTE_COMPLETE); out1 answers, plays beep.wav, hangs up.'],
  extensions: ({ app }) => ({ '5000': [['socket', `${app} async full`]] }),
  async run(ctx) {
    seen.app = ctx.app
    seen.beep = ctx.audio('audio/beep.wav')
    const inb = await ctx.inbound()
    await inb.waitFor('auth/request', (m) => m.type === 'auth/request')
    await inb.command('auth ClueCon')
    await inb.command('event plain CHANNEL_EXECUTE_COMPLETE')
    await placeCaller(ctx, '5000')
    const call = await ctx.outbound()
    await takeCall(call, ctx)
    await call.execute('answer').complete
    const played = await call.execute('playback', ctx.audio('audio/beep.wav')).complete
    ctx.note(`playback: Application-Response=${played.event?.['Application-Response']}`, call.conn)
    const end = call.mark()
    await call.command('sendmsg', [
      ['call-command', 'hangup'],
      ['hangup-cause', 'NORMAL_CLEARING'],
    ])
    await finishLingering(call, end)
    await inb.event('CHANNEL_EXECUTE_COMPLETE', 0, (e) => e.Application === 'socket')
    await inb.command('exit')
    await inb.ended
  },
}

describe('the transcript recorder on the real FreeSWITCH', () => {
  let t: Transcript
  let jsonl = ''
  let txt = ''

  it('records a scenario into files the transcripts loader reads', async () => {
    const files = await recordScenario(shortCall, out)
    jsonl = fs.readFileSync(files.jsonl, 'utf8')
    txt = fs.readFileSync(files.txt, 'utf8')
    t = loadTranscript('recorder-self-test', out)
    expect(t.meta).toMatchObject({ scenario: 'recorder-self-test', version: 'FreeSWITCH Version 1.11.1-release~64bit ( 64bit)' })
    expect(t.meta.dialplan).toEqual({ '5000': [['socket', '127.0.0.1:8084 async full']] })
    expect(new Set(t.chunks.map((c) => c.conn))).toEqual(new Set(['inb1', 'out1']))
    // The notes the simulator's conformance run acts on.
    expect(t.notes.some((n) => /^fs_cli -x "bgapi originate \{origination_uuid=[0-9a-f-]{36},.*\}loopback\/5000\/default &park" -> \+OK Job-UUID: [0-9a-f-]{36}$/.test(n.text))).toBe(true)
    expect(t.notes.map((n) => n.text)).toContain('playback: Application-Response=FILE PLAYED')
  }, 90_000)

  it('frames every direction of every connection into whole messages: the Content-Lengths are exact', () => {
    for (const conn of ['inb1', 'out1']) {
      const framed = messages(t, conn)
      for (const dir of ['FS->APP', 'APP->FS'] as const) {
        const sent = Buffer.concat(t.chunks.filter((c) => c.conn === conn && c.dir === dir).map((c) => c.bytes))
        const whole = Buffer.concat(framed.filter((m) => m.dir === dir).map((m) => m.raw))
        expect(whole.equals(sent), `${conn} ${dir}: bytes left over after framing`).toBe(true)
      }
      for (const m of framed.filter((x) => x.dir === 'FS->APP')) {
        const length = header(m, 'Content-Length')
        if (length !== undefined) expect(m.body.length).toBe(Number(length))
        if (header(m, 'Content-Type') === 'text/event-plain') expect(m.body.subarray(-2).toString()).toBe('\n\n')
      }
    }
    const disconnect = messages(t, 'out1').find((m) => header(m, 'Content-Disposition') === 'disconnect')
    expect(disconnect?.body.toString()).toBe('Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n')
  })

  it("says /srv/fsw/ and 127.0.0.1:8084 instead of this host's audio root and app port", () => {
    const all = t.chunks.map((c) => c.bytes.toString('utf8')).join('')
    const appPort = seen.app!.split(':')[1]!
    const root = path.dirname(path.dirname(seen.beep!))
    expect(seen.app).not.toBe('127.0.0.1:8084')
    expect(all).not.toContain(root)
    expect(all).not.toContain(`127.0.0.1%3A${appPort}`)
    expect(all).not.toContain(seen.app)
    expect(all).toContain('execute-app-arg: /srv/fsw/audio/beep.wav')
    // The socket app's data in a plain event is URL-encoded.
    expect(all).toContain('Application-Data: 127.0.0.1%3A8084%20async%20full')
    expect(jsonl).not.toContain(root)
    expect(txt).not.toContain(root)
  })

  it('lists in the .txt the chunks of the .jsonl, each with its length and end line', () => {
    const blocks = Array.from(txt.matchAll(/^#### (\d{4}) \S+ \+\d+\.\d{3}s (\S+) (FS->APP|APP->FS) len=(\d+)$/gm))
    expect(blocks.map((b) => [b[2], b[3], Number(b[4])])).toEqual(t.chunks.map((c) => [c.conn, c.dir, c.bytes.length]))
    expect(txt.match(/^#### end \d{4} final-LF=(yes|no\(added one LF for display\))$/gm)).toHaveLength(t.chunks.length)
    expect(txt.match(/^## NOTE /gm)).toHaveLength(t.notes.length)
    expect(txt.startsWith('# GOLDEN WIRE TRANSCRIPT: recorder self-test')).toBe(true)
  })
})
