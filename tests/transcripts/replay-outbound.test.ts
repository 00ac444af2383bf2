/**
 * Replays FreeSWITCH's side of the outbound-socket transcripts to our OutboundServer and
 * Call over TCP; each scenario drives our Call API the way the recorded app did, and the
 * test checks what our code made of FreeSWITCH's replies and events.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Call, DtmfPress } from '../../src/esl/call.js'
import { dialString, leg } from '../../src/esl/dial-string.js'
import { CallEnded } from '../../src/esl/results.js'
import { loadTranscript } from '../helpers/transcripts.js'
import { OUTBOUND_CASES } from './replay-cases.js'
import { afterFailedBridge, beforeBridge, controlClient, nextEvent, ok, outboundServer, resumeOn, until, within, type Harness } from './replay-harness.js'
import { Replay } from './replay-peer.js'

const cleanup: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c()
})

/** Starts our server(s) and the replay of `conns`; registers both for cleanup. */
async function replayOutbound(name: string, harness: Harness, conns: string[]): Promise<Replay> {
  const replay = await Replay.start(loadTranscript(name), Object.fromEntries(conns.map((c) => [c, { port: harness.server.port }])))
  cleanup.push(() => harness.server.close(), () => replay.close())
  return replay
}

function collectDtmf(call: Call): DtmfPress[] {
  const presses: DtmfPress[] = []
  call.on('dtmf', (p) => presses.push(p))
  return presses
}

const cases: Record<string, () => void> = {
  'outbound-ivr-call': () => {
    it('collects a digit, records until the caller hangs up, ends the lingering session', async () => {
      const t = loadTranscript('outbound-ivr-call')
      const r: Record<string, unknown> = {}
      let presses: DtmfPress[] = []
      const h = await outboundServer(t, {
        conn1: async (call) => {
          presses = collectDtmf(call)
          r.subscribed = await call.subscribe(['PLAYBACK_START', 'PLAYBACK_STOP', 'RECORD_START', 'RECORD_STOP'])
          ok(await call.answer())
          r.greeting = ok(await call.playback('tone_stream://%(200,100,440)'))
          r.digits = ok(await call.playAndGetDigits({ min: 1, max: 1, tries: 3, timeoutMs: 5000, terminators: '#', prompt: 'tone_stream://%(100,0,600)', regex: '\\d' }))
          r.session = ok(await call.recordSession(`/srv/fsw/recordings/${call.uuid}-session.wav`))
          ok(await call.playback('tone_stream://%(300,100,523,659)'))
          r.message = ok(await call.record({ path: `/srv/fsw/recordings/${call.uuid}-record.wav`, maxSeconds: 20, silenceThreshold: 200, silenceSeconds: 5 }))
        },
      })
      const replay = await replayOutbound('outbound-ivr-call', h, ['conn1'])
      const call = await within(h.call('conn1'), replay)
      const summary = await within(call.finished, replay)
      await within(replay.finished(), replay)

      expect(h.failures).toEqual([])
      expect(replay.errors).toEqual([])
      expect(replay.report('conn1')).toMatchObject({ unconsumed: [], extras: [resumeOn(call.uuid)], late: [], closedByApp: false })
      expect(call.uuid).toBe('e28fc7de-852b-4216-86ea-cc6ebb8bf32e')
      expect(call.callerNumber).toBe('1001')
      expect(r.subscribed).toBe(true)
      expect(r.greeting).toMatchObject({ response: 'FILE PLAYED', terminator: undefined })
      expect(r.digits).toMatchObject({ digits: '1', result: 'success' })
      expect(presses).toEqual([{ digit: '1', durationMs: 250, source: 'UNKNOWN' }])
      expect(r.session).toMatchObject({ app: 'record_session', response: '_none_' })
      expect(r.message).toMatchObject({ hungUp: true, silenceStopped: false, ms: 980 })
      expect(call.pendingCommands).toBe(0)
      expect(call.hangupCause).toBe('NORMAL_CLEARING')
      expect(summary.hangupCause).toBe('NORMAL_CLEARING')
      expect(summary.final?.name).toBe('CHANNEL_HANGUP_COMPLETE')
      expect(summary.answeredAt).toBeDefined()
    })
  },

  'outbound-app-hangup': () => {
    it('reports a timed-out and a successful play_and_get_digits, then hangs up itself', async () => {
      const t = loadTranscript('outbound-app-hangup')
      const r: Record<string, unknown> = {}
      const digits = { min: 1, max: 1, terminators: '#', prompt: 'tone_stream://%(100,0,600)', regex: '\\d' }
      const h = await outboundServer(t, {
        conn1: async (call) => {
          ok(await call.answer())
          ok(await call.playback('tone_stream://%(200,100,440)'))
          r.first = ok(await call.playAndGetDigits({ ...digits, tries: 1, timeoutMs: 1500 }))
          r.second = ok(await call.playAndGetDigits({ ...digits, tries: 3, timeoutMs: 5000 }))
          await call.hangup()
          r.endedBeforeReturn = call.ended
        },
      })
      const replay = await replayOutbound('outbound-app-hangup', h, ['conn1'])
      const call = await within(h.call('conn1'), replay)
      const summary = await within(call.finished, replay)
      await within(replay.finished(), replay)

      expect(h.failures).toEqual([])
      expect(replay.errors).toEqual([])
      expect(replay.report('conn1')).toMatchObject({ unconsumed: [], extras: [resumeOn(call.uuid)], late: [] })
      expect(r.first).toMatchObject({ digits: '', result: 'failure' })
      expect(r.second).toMatchObject({ digits: '1', result: 'success' })
      // hangup() resolves only once FreeSWITCH reported the channel gone.
      expect(r.endedBeforeReturn).toBe(true)
      expect(summary.hangupCause).toBe('NORMAL_CLEARING')
      expect(summary.final?.get('Hangup-Cause')).toBe('NORMAL_CLEARING')
    })
  },

  'outbound-caller-hangup': () => {
    it('ends the running playback with CallEnded when the caller hangs up; nothing stays pending', async () => {
      const t = loadTranscript('outbound-caller-hangup')
      const r: Record<string, unknown> = {}
      const h = await outboundServer(t, {
        conn1: async (call) => {
          await call.subscribe(['PLAYBACK_START', 'PLAYBACK_STOP', 'RECORD_START', 'RECORD_STOP'])
          ok(await call.answer())
          r.playback = await call.playback('tone_stream://%(1000,0,440);loops=20')
          r.pendingAfterHangup = call.pendingCommands
          // A command after the hangup must not be sent nor wait for anything.
          r.after = await call.playback('tone_stream://%(100,0,440)')
        },
      })
      const replay = await replayOutbound('outbound-caller-hangup', h, ['conn1'])
      const call = await within(h.call('conn1'), replay)
      const summary = await within(call.finished, replay)
      await within(replay.finished(), replay)

      expect(h.failures).toEqual([])
      expect(replay.errors).toEqual([])
      const report = replay.report('conn1')
      expect(report.unconsumed).toEqual([])
      // The recorded app (`linger 2`) sent nothing more; our Call sends `exit` after
      // CHANNEL_HANGUP_COMPLETE, which races FreeSWITCH's recorded close.
      expect(report.extras.filter((c) => c !== 'exit')).toEqual([resumeOn(call.uuid)])
      expect([...report.extras, ...report.late].filter((c) => c === 'exit')).toHaveLength(1)
      expect(r.playback).toBeInstanceOf(CallEnded)
      const ended = r.playback as CallEnded
      expect(ended.cause).toBe('NORMAL_CLEARING')
      expect(ended.completion?.response).toBe('PLAYBACK ERROR')
      expect(r.pendingAfterHangup).toBe(0)
      expect(r.after).toBeInstanceOf(CallEnded)
      expect(call.pendingCommands).toBe(0)
      expect(summary.hangupCause).toBe('NORMAL_CLEARING')
      expect(summary.final?.name).toBe('CHANNEL_HANGUP_COMPLETE')
    })
  },

  'outbound-sipp-rfc2833-dtmf': () => {
    it('reads an RFC 2833 digit from a real SIP caller', async () => {
      const t = loadTranscript('outbound-sipp-rfc2833-dtmf')
      const r: Record<string, unknown> = {}
      let presses: DtmfPress[] = []
      const h = await outboundServer(t, {
        conn1: async (call) => {
          presses = collectDtmf(call)
          ok(await call.answer())
          r.digits = ok(await call.playAndGetDigits({ min: 1, max: 1, tries: 1, timeoutMs: 8000, terminators: '#', prompt: 'silence_stream://250', regex: '\\d' }))
          await call.hangup()
        },
      })
      const replay = await replayOutbound('outbound-sipp-rfc2833-dtmf', h, ['conn1'])
      const call = await within(h.call('conn1'), replay)
      const summary = await within(call.finished, replay)
      await within(replay.finished(), replay)

      expect(h.failures).toEqual([])
      expect(replay.errors).toEqual([])
      expect(replay.report('conn1')).toMatchObject({ unconsumed: [], extras: [resumeOn(call.uuid)], late: [] })
      expect(call.channel.get('Channel-Name')).toBe('sofia/internal/sipp@127.0.0.1:5070')
      expect(r.digits).toMatchObject({ digits: '1', result: 'success' })
      expect(presses).toEqual([{ digit: '1', durationMs: 280, source: 'RTP' }])
      expect(summary.hangupCause).toBe('NORMAL_CLEARING')
    })
  },

  'outbound-json-events': () => {
    it('reads JSON events: a full playback, one stopped by the # terminator, hangup USER_BUSY', async () => {
      const t = loadTranscript('outbound-json-events')
      const r: Record<string, unknown> = {}
      let presses: DtmfPress[] = []
      const h = await outboundServer(
        t,
        {
          out1: async (call) => {
            presses = collectDtmf(call)
            const path = `/srv/fsw/recordings/${call.uuid}-json-session.wav`
            await call.subscribe(['PLAYBACK_START', 'PLAYBACK_STOP', 'RECORD_START', 'RECORD_STOP'])
            ok(await call.answer())
            ok(await call.recordSession(path))
            r.full = ok(await call.playback('/srv/fsw/audio/melody.wav'))
            r.interrupted = ok(await call.playback('/srv/fsw/audio/melody.wav', { terminators: '#' }))
            r.stop = ok(await call.stopRecordSession(path))
            await call.hangup('USER_BUSY')
          },
        },
        { eventFormat: 'json' },
      )
      const replay = await replayOutbound('outbound-json-events', h, ['out1'])
      const call = await within(h.call('out1'), replay)
      const summary = await within(call.finished, replay)
      await within(replay.finished(), replay)

      expect(h.failures).toEqual([])
      expect(replay.errors).toEqual([])
      expect(replay.report('out1')).toMatchObject({ unconsumed: [], extras: [resumeOn(call.uuid)], late: [] })
      expect(r.full).toMatchObject({ response: 'FILE PLAYED', terminator: undefined })
      expect(r.interrupted).toMatchObject({ response: 'FILE PLAYED', terminator: '#' })
      expect(presses.map((p) => [p.digit, p.source])).toEqual([
        ['1', 'UNKNOWN'],
        ['#', 'UNKNOWN'],
      ])
      expect(r.stop).toMatchObject({ app: 'stop_record_session', response: '_none_' })
      expect(call.hangupCause).toBe('USER_BUSY')
      expect(summary.hangupCause).toBe('USER_BUSY')
      expect(summary.final?.get('Hangup-Cause')).toBe('USER_BUSY')
      expect(summary.final?.variable('hangup_cause')).toBe('USER_BUSY')
    })
  },

  'bridge-to-agent': () => {
    it('reports the bridge to an agent killed over the socket, then three failed bridges', async () => {
      const t = loadTranscript('bridge-to-agent')
      const r: Record<string, unknown> = {}
      const agent = '4d0197c1-6437-4a4d-b50d-6f3746e30664'
      const bridged: Array<string | undefined> = []
      const h = await outboundServer(t, {
        out1: async (call) => {
          call.on('bridge', (other) => bridged.push(other))
          // The queue's agent hangs up: killed with `api uuid_kill` on this socket mid-bridge.
          call.once('bridge', (other) => void (r.kill = call.api(`uuid_kill ${other}`)))
          ok(await call.set('continue_on_fail', 'true'))
          ok(await call.set('hangup_after_bridge', 'false'))
          ok(await call.answer())
          r.b1 = ok(await call.bridge(dialString([leg('loopback/5001/default')], { vars: { origination_uuid: agent, origination_caller_id_number: '1001' } })))
          r.b2 = ok(await call.bridge(dialString([leg('user/1000')])))
          r.b3 = ok(await call.bridge(dialString([leg('error/user_busy')])))
          r.b4 = ok(await call.bridge(dialString([leg('loopback/5003/default')], { vars: { originate_timeout: 3 } })))
          await call.hangup()
        },
      })
      const replay = await replayOutbound('bridge-to-agent', h, ['out1'])
      const call = await within(h.call('out1'), replay)
      const summary = await within(call.finished, replay)
      await within(replay.finished(), replay)

      expect(h.failures).toEqual([])
      expect(replay.errors).toEqual([])
      // Each bridge turns socket_resume off (the conversation outlives the app); a failed one turns it back on.
      const failed = [beforeBridge(call.uuid), afterFailedBridge(call.uuid)]
      expect(replay.report('out1')).toMatchObject({ unconsumed: [], extras: [resumeOn(call.uuid), beforeBridge(call.uuid), ...failed, ...failed, ...failed], late: [] })
      expect(bridged).toEqual([agent])
      expect(await (r.kill as Promise<unknown>)).toMatchObject({ ok: true, text: '+OK\n' })
      expect(r.b1).toMatchObject({ ok: true, disposition: 'SUCCESS', dialStatus: 'SUCCESS', cause: 'NORMAL_CLEARING' })
      expect(r.b2).toMatchObject({ ok: false, disposition: 'USER_NOT_REGISTERED', dialStatus: 'USER_NOT_REGISTERED', cause: 'USER_NOT_REGISTERED' })
      expect(r.b3).toMatchObject({ ok: false, disposition: 'USER_BUSY', dialStatus: 'BUSY', cause: 'USER_BUSY' })
      expect(r.b4).toMatchObject({ ok: false, disposition: 'NO_ANSWER', dialStatus: 'NOANSWER', cause: 'NO_ANSWER' })
      expect(summary.hangupCause).toBe('NORMAL_CLEARING')
    })
  },

  'record-silence': () => {
    it('reports a recording stopped by silence, then a TTS prompt', async () => {
      const t = loadTranscript('record-silence')
      const r: Record<string, unknown> = {}
      const h = await outboundServer(t, {
        out1: async (call) => {
          await call.subscribe(['RECORD_START', 'RECORD_STOP', 'PLAYBACK_START', 'PLAYBACK_STOP'])
          ok(await call.answer())
          r.message = ok(await call.record({ path: `/srv/fsw/recordings/${call.uuid}.wav`, maxSeconds: 10, silenceThreshold: 200, silenceSeconds: 2 }))
          r.speak = ok(await call.execute('speak', 'flite|kal|Your balance is 120 dollars'))
          await call.hangup()
        },
      })
      const replay = await replayOutbound('record-silence', h, ['out1'])
      const call = await within(h.call('out1'), replay)
      const summary = await within(call.finished, replay)
      await within(replay.finished(), replay)

      expect(h.failures).toEqual([])
      expect(replay.errors).toEqual([])
      expect(replay.report('out1')).toMatchObject({ unconsumed: [], extras: [resumeOn(call.uuid)], late: [] })
      expect(r.message).toMatchObject({ path: `/srv/fsw/recordings/${call.uuid}.wav`, ms: 2960, silenceStopped: true, hungUp: false })
      expect(r.speak).toMatchObject({ app: 'speak', response: '_none_' })
      expect(summary.hangupCause).toBe('NORMAL_CLEARING')
    })
  },

  'avmd-machine': () => {
    it('delivers the avmd CUSTOM events on the socket, for an inbound and an originated leg', async () => {
      const t = loadTranscript('avmd-machine')
      const r: Record<string, unknown> = {}
      const custom: Record<string, Array<Record<string, string | undefined>>> = { out1: [], out2: [] }
      const watchAvmd = (conn: string, call: Call): void => {
        call.on('event', (e) => {
          if (e.name !== 'CUSTOM') return
          const pick = (n: string): string | undefined => e.get(n)
          custom[conn]!.push({ subclass: pick('Event-Subclass'), sequence: pick('Event-Sequence'), channel: pick('Channel-Name'), status: pick('Beep-Status'), detect: e.variable('avmd_detect') })
        })
      }
      const subclasses = ['CUSTOM', 'avmd::beep', 'avmd::start', 'avmd::stop']
      const h = await outboundServer(
        t,
        {
          out1: async (call) => {
            watchAvmd('out1', call)
            r.subscribed1 = await call.subscribe(subclasses)
            ok(await call.answer())
            // On an inbound channel avmd with defaults starts nothing (no avmd::start).
            r.plainStart = ok(await call.execute('avmd_start'))
            r.startsAfterPlain = custom.out1!.length
            ok(await call.execute('avmd_start', 'inbound_channel=1'))
            r.beepPlayback = ok(await call.playback('/srv/fsw/audio/beep.wav'))
            r.detect1 = await call.api(`uuid_getvar ${call.uuid} avmd_detect`)
            ok(await call.execute('avmd_stop'))
            await call.hangup()
          },
          out2: async (call) => {
            watchAvmd('out2', call)
            r.answeredAtStart = call.answeredAt === call.startedAt
            await call.subscribe(subclasses)
            const beep = nextEvent(call, 'CUSTOM', 'avmd::beep')
            ok(await call.execute('avmd_start'))
            await beep
            r.detect2 = await call.api(`uuid_getvar ${call.uuid} avmd_detect`)
            r.total2 = await call.api(`uuid_getvar ${call.uuid} avmd_total_time`)
            ok(await call.execute('avmd_stop'))
            ok(await call.playback('/srv/fsw/audio/melody.wav'))
            await call.hangup()
          },
        },
        { eventFormat: 'json' },
      )
      const replay = await replayOutbound('avmd-machine', h, ['out1', 'out2'])
      const [call1, call2] = await within(Promise.all([h.call('out1'), h.call('out2')]), replay)
      await within(Promise.all([call1.finished, call2.finished]), replay)
      await within(replay.finished(), replay)

      expect(h.failures).toEqual([])
      expect(replay.errors).toEqual([])
      for (const [conn, c] of [['out1', call1], ['out2', call2]] as const) expect(replay.report(conn)).toMatchObject({ unconsumed: [], extras: [resumeOn(c.uuid)], late: [] })
      expect(r.subscribed1).toBe(true)
      expect(r.plainStart).toMatchObject({ app: 'avmd_start', response: '_none_' })
      expect(r.startsAfterPlain).toBe(0)
      // Each avmd event twice with one Event-Sequence: a bare copy, then one with channel data.
      expect(custom.out1!.map((e) => [e.subclass, e.channel])).toEqual([
        ['avmd::start', undefined],
        ['avmd::start', 'loopback/5000-b'],
        ['avmd::beep', undefined],
        ['avmd::stop', undefined],
        ['avmd::stop', 'loopback/5000-b'],
      ])
      expect(r.beepPlayback).toMatchObject({ response: 'FILE PLAYED' })
      expect(r.detect1).toMatchObject({ ok: true, text: 'TRUE' })

      expect(call2.direction).toBe('outbound')
      expect(call2.variable('campaign_id')).toBe('42')
      expect(r.answeredAtStart).toBe(true)
      const beeps = custom.out2!.filter((e) => e.subclass === 'avmd::beep')
      expect(beeps).toEqual([
        { subclass: 'avmd::beep', sequence: '3545', channel: undefined, status: 'DETECTED', detect: undefined },
        { subclass: 'avmd::beep', sequence: '3545', channel: 'loopback/5002-a', status: 'DETECTED', detect: 'TRUE' },
      ])
      expect(r.detect2).toMatchObject({ ok: true, text: 'TRUE' })
      expect(r.total2).toMatchObject({ ok: true, text: '[6339]' })
    })
  },

  'app-crash': () => {
    it('lets our side crash mid-playback; the peer sees the close; the control connection sees the aftermath', async () => {
      const t = loadTranscript('app-crash')
      const outcome: Record<string, unknown> = {}
      const servers: Record<string, Harness> = {}
      // Each call on a server of its own: "crashing" one (destroying its sockets) leaves the others.
      const crashing = (conn: string) => async (call: Call) => {
        ok(await call.answer())
        const started = nextEvent(call, 'CHANNEL_EXECUTE')
        const playing = call.playback('/srv/fsw/audio/moh/hold-music-8s.wav')
        await started
        await servers[conn]!.server.close()
        outcome[conn] = await playing
      }
      servers.out1 = await outboundServer(t, { out1: crashing('out1') }, { resume: false })
      servers.out2 = await outboundServer(t, { out2: crashing('out2') }, { resume: false })
      servers.out3 = await outboundServer(t, { out3: crashing('out3') })
      for (const s of Object.values(servers)) cleanup.push(() => s.server.close())
      const replay = await Replay.start(t, {
        inb1: {},
        out1: { port: servers.out1.server.port },
        out2: { port: servers.out2.server.port },
        out3: { port: servers.out3.server.port },
      })
      cleanup.push(() => replay.close())
      const control = controlClient(replay.port('inb1'))
      cleanup.push(async () => control.end())
      const socketApp: Array<[string | undefined, string | undefined]> = []
      const hangups: Array<[string | undefined, string | undefined, string | undefined]> = []
      control.onEvent('CHANNEL_EXECUTE_COMPLETE', (e) => {
        if (e.get('Application') === 'socket') socketApp.push([e.uuid, e.get('Application-Response')])
      })
      control.onEvent('CHANNEL_HANGUP_COMPLETE', (e) => hangups.push([e.uuid, e.get('Hangup-Cause'), e.variable('current_application')]))

      const calls = await within(Promise.all(['out1', 'out2', 'out3'].map((c) => servers[c]!.call(c))), replay)
      const summaries = await within(Promise.all(calls.map((c) => c.finished)), replay)
      await within(replay.finished('out1', 'out2', 'out3'), replay)
      await until(() => hangups.length === 6, replay)
      control.end()
      await within(replay.finished('inb1'), replay)

      expect(Object.values(servers).flatMap((s) => s.failures)).toEqual([])
      expect(replay.errors).toEqual([])
      for (const conn of ['out1', 'out2', 'out3']) {
        // We sent nothing when crashing (no exit, no hangup); linger is what the recorded app lacked.
        expect(replay.report(conn)).toMatchObject({ unconsumed: [], extras: ['linger'], late: [], closedByApp: true })
        expect(outcome[conn]).toBeInstanceOf(CallEnded)
        expect((outcome[conn] as CallEnded).cause).toBe('CONNECTION_LOST')
      }
      expect(summaries.map((s) => s.hangupCause)).toEqual(['CONNECTION_LOST', 'CONNECTION_LOST', 'CONNECTION_LOST'])
      expect(replay.report('inb1')).toMatchObject({ unconsumed: ['exit'], late: [], closedByApp: true })
      // Without resume the playback ran to its end; with resume it was cut (PLAYBACK ERROR).
      expect(socketApp).toEqual([
        [calls[0]!.uuid, 'FILE PLAYED'],
        [calls[1]!.uuid, 'FILE PLAYED'],
        [calls[2]!.uuid, 'PLAYBACK ERROR'],
      ])
      const socketLegs = hangups.filter(([uuid]) => calls.some((c) => c.uuid === uuid))
      expect(socketLegs).toEqual([
        [calls[0]!.uuid, 'NORMAL_CLEARING', 'playback'],
        [calls[1]!.uuid, 'NORMAL_CLEARING', 'hangup'],
        [calls[2]!.uuid, 'NORMAL_CLEARING', 'hangup'],
      ])
    })
  },
}

for (const name of OUTBOUND_CASES) {
  describe(name, () => {
    const c = cases[name]
    if (c) c()
    else it('has a replay case', () => expect.fail(`no replay case for ${name}`))
  })
}

describe('outbound replay cases', () => {
  it('has a case for every transcript listed for this file', () => {
    expect(Object.keys(cases).sort()).toEqual([...OUTBOUND_CASES].sort())
  })
})

