/**
 * (d) An answered caller bridged to a person whose phone rings 8 s (5007): with
 * transfer_ringback set on the caller's channel and instant_ringback=true in the dial
 * string, the caller hears the tone while the other side rings. The events on the socket
 * and on an observer; what the caller heard is checked outside ESL (a recording of the
 * caller's own leg, analysed for the 425 Hz tone) and said in a NOTE.
 */
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import wav from 'node-wav'
import { goertzelPower } from '../../../freeswitch/harness/audio.js'
import type { RecordingScenario } from '../recording-session.js'
import { finishLingering, leave, observer, order, placeCaller, takeCall, vars } from '../scenario-steps.js'

const RINGBACK = 'tone_stream://%(1000,4000,425);loops=-1'

export const transferRingback: RecordingScenario = {
  name: 'transfer-ringback',
  title: 'FreeSWITCH outbound event socket: transfer_ringback heard by an answered caller while the bridged person rings',
  description: [
    'extension 5007 rings 8 s (ring_ready, sleep 8000), then answers and parks. The caller (-a leg of loopback/5000, parked) is',
    '  recorded with fs_cli uuid_record <caller> start <file> before the bridge; after the call the file is analysed for 425 Hz.',
    `out1 commands: connect; myevents; linger; execute answer; execute set transfer_ringback=${RINGBACK};`,
    '  execute bridge {instant_ringback=true,origination_uuid=<G>,origination_caller_id_number=1001}loopback/5007/default;',
    '  2 s after CHANNEL_BRIDGE the person hangs up (fs_cli uuid_kill <G>); sendmsg hangup; exit after the linger notice.',
    'inb1 observes: event json CHANNEL_PROGRESS CHANNEL_PROGRESS_MEDIA CHANNEL_ANSWER CHANNEL_BRIDGE CHANNEL_UNBRIDGE CHANNEL_HANGUP_COMPLETE.',
  ],
  extensions: ({ app }) => ({
    '5000': [['socket', `${app} async full`]],
    '5007': [['ring_ready'], ['sleep', '8000'], ['answer'], ['park']],
  }),
  async run(ctx) {
    const inb = await observer(ctx, 'CHANNEL_PROGRESS CHANNEL_PROGRESS_MEDIA CHANNEL_ANSWER CHANNEL_BRIDGE CHANNEL_UNBRIDGE CHANNEL_HANGUP_COMPLETE')
    const caller = await placeCaller(ctx, '5000')
    const out = await ctx.outbound()
    await takeCall(out, ctx)
    await out.execute('answer').complete
    await out.execute('set', `transfer_ringback=${RINGBACK}`).complete
    const file = ctx.audio('recordings/caller-hears.wav')
    await ctx.cli(`uuid_record ${caller} start ${file}`)
    const person = randomUUID()
    ctx.note(`G = ${person} = origination_uuid of the called person's leg (loopback/5007-a)`)
    const from = out.mark()
    const bridgeStarted = Date.now()
    const bridge = out.execute('bridge', `{instant_ringback=true,origination_uuid=${person},origination_caller_id_number=1001}loopback/5007/default`)
    const bridged = await out.event('CHANNEL_BRIDGE', from, undefined, 20_000)
    ctx.note(`CHANNEL_BRIDGE ${Date.now() - bridgeStarted} ms after the bridge was sent; the socket got meanwhile: ${order(out, from, out.received.indexOf(bridged) + 1)}`, out.conn)
    await ctx.sleep(2000)
    await ctx.cli(`uuid_kill ${person}`)
    const done = await bridge.complete
    ctx.note(`bridge CHANNEL_EXECUTE_COMPLETE: ${vars(done, ['originate_disposition', 'DIALSTATUS', 'bridge_hangup_cause', 'transfer_ringback', 'instant_ringback'])}`, out.conn)
    await ctx.cli(`uuid_record ${caller} stop ${file}`)
    const end = out.mark()
    await out.command('sendmsg', [
      ['call-command', 'hangup'],
      ['hangup-cause', 'NORMAL_CLEARING'],
    ])
    await finishLingering(out, end)
    await inb.event('CHANNEL_HANGUP_COMPLETE', 0, (e) => e['Unique-ID'] === caller)
    await ctx.sleep(300)
    await leave(inb)
    ctx.note(`what the caller heard while the person's phone rang (its own leg's recording, 425 Hz per second): ${toneSeconds(file, 425, 10)}`)
  },
}

/** For each of the first `seconds` seconds of a WAV: the share of 20 ms frames where `freq` dominates. */
function toneSeconds(file: string, freq: number, seconds: number): string {
  if (!fs.existsSync(file)) return 'no recording was written'
  const decoded = wav.decode(fs.readFileSync(file))
  const samples = decoded.channelData[0] ?? new Float32Array(0)
  const rate = decoded.sampleRate
  const frame = Math.round(rate / 50)
  const out: string[] = []
  for (let s = 0; s < seconds && (s + 1) * rate <= samples.length; s++) {
    let toneFrames = 0
    for (let f = s * rate; f + frame <= (s + 1) * rate; f += frame) {
      const x = samples.subarray(f, f + frame)
      const energy = x.reduce((acc, v) => acc + v * v, 0)
      if (energy < 1e-4) continue
      if (goertzel(x, rate, freq) / energy > 0.5) toneFrames++
    }
    out.push(`${s}s:${Math.round((toneFrames * 100) / 50)}%`)
  }
  return out.join(' ')
}

/** Share of a frame's energy at one frequency (Goertzel), scaled so a pure tone gives ~1. */
function goertzel(x: Float32Array, rate: number, freq: number): number {
  return (goertzelPower(x, rate, freq) * 2) / x.length
}
