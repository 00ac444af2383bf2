/**
 * Replays FreeSWITCH's side of the transcripts our recorder made (the behaviours our app
 * relies on) to our OutboundServer and Call over TCP, and checks what our code made of
 * them: a bridge the caller ends keeps its result; play_and_get_digits digits typed
 * without a terminator are kept although read_result says `timeout`.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { dialString, leg } from '../../src/esl/dial-string.js'
import { loadTranscript, messages, type Transcript } from '../helpers/transcripts.js'
import { RECORDED_OUTBOUND_CASES } from './replay-cases.js'
import { beforeBridge, ok, outboundServer, resumeOn, within } from './replay-harness.js'
import { Replay } from './replay-peer.js'

const cleanup: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c()
})

/** The origination_uuid the recorded app put in its bridge's dial string. */
function recordedBridgeUuid(t: Transcript, conn: string): string {
  const sent = messages(t, conn).find((m) => m.dir === 'APP->FS' && m.raw.includes('execute-app-name: bridge'))
  const uuid = /origination_uuid=([0-9a-f-]{36})/.exec(sent?.raw.toString('utf8') ?? '')?.[1]
  if (!uuid) throw new Error(`${t.name}: no recorded bridge on ${conn}`)
  return uuid
}

const cases: Record<string, () => void> = {
  'bridge-caller-hangup': () => {
    it('reports the bridge as a conversation that took place when the caller hangs up during it', async () => {
      const t = loadTranscript('bridge-caller-hangup')
      const agent = recordedBridgeUuid(t, 'out1')
      const r: Record<string, unknown> = {}
      const h = await outboundServer(t, {
        out1: async (call) => {
          ok(await call.answer())
          r.bridge = ok(await call.bridge(dialString([leg('loopback/5001/default')], { vars: { origination_uuid: agent, origination_caller_id_number: '1001' } })))
        },
      })
      const replay = await Replay.start(t, { out1: { port: h.server.port } })
      cleanup.push(() => h.server.close(), () => replay.close())
      const call = await within(h.call('out1'), replay)
      const summary = await within(call.finished, replay)
      await within(replay.finished(), replay)

      expect(h.failures).toEqual([])
      expect(replay.errors).toEqual([])
      // socket_resume stays off after a bridge that connected: the conversation is not ours to resume.
      expect(replay.report('out1')).toMatchObject({ unconsumed: [], extras: [resumeOn(call.uuid), beforeBridge(call.uuid)], late: [] })
      // CHANNEL_HANGUP and UNBRIDGE came before the bridge's completion, which says SUCCESS.
      expect(r.bridge).toMatchObject({ ok: true, disposition: 'SUCCESS', dialStatus: 'SUCCESS', cause: 'NORMAL_CLEARING', hungUp: true })
      expect(call.hangupCause).toBe('NORMAL_CLEARING')
      expect(summary.final?.name).toBe('CHANNEL_HANGUP_COMPLETE')
    })
  },

  'pagd-digit-timeout': () => {
    it('keeps digits typed without a terminator (read_result timeout), drops too few (failure)', async () => {
      const t = loadTranscript('pagd-digit-timeout')
      const r: Record<string, unknown> = {}
      const req = {
        min: 1,
        max: 4,
        tries: 1,
        timeoutMs: 3000,
        digitTimeoutMs: 2000,
        terminators: '#',
        prompt: '/srv/fsw/audio/melody.wav',
        invalidPrompt: 'silence_stream://100',
        regex: '\\d+',
      }
      const h = await outboundServer(t, {
        out1: async (call) => {
          r.subscribed = await call.subscribe(['PLAYBACK_START', 'PLAYBACK_STOP'])
          ok(await call.answer())
          r.afterPrompt = ok(await call.playAndGetDigits(req))
          r.tooFew = ok(await call.playAndGetDigits({ ...req, min: 2 }))
          r.duringPrompt = ok(await call.playAndGetDigits(req))
          await call.hangup()
        },
      })
      const replay = await Replay.start(t, { out1: { port: h.server.port } })
      cleanup.push(() => h.server.close(), () => replay.close())
      const call = await within(h.call('out1'), replay)
      await within(call.finished, replay)
      await within(replay.finished(), replay)

      expect(h.failures).toEqual([])
      expect(replay.errors).toEqual([])
      expect(replay.report('out1')).toMatchObject({ unconsumed: [], extras: [resumeOn(call.uuid)], late: [] })
      expect(r.subscribed).toBe(true)
      expect(r.afterPrompt).toMatchObject({ digits: '5', result: 'timeout' })
      // FreeSWITCH leaves the single digit in the variable with read_result failure; it is not an answer.
      expect(r.tooFew).toMatchObject({ digits: '', result: 'failure' })
      expect(r.duringPrompt).toMatchObject({ digits: '5', result: 'timeout' })
    })
  },
}

for (const name of RECORDED_OUTBOUND_CASES) {
  describe(name, () => {
    const c = cases[name]
    if (c) c()
    else it('has a replay case', () => expect.fail(`no replay case for ${name}`))
  })
}

describe('recorded replay cases', () => {
  it('has a case for every transcript listed for this file', () => {
    expect(Object.keys(cases).sort()).toEqual([...RECORDED_OUTBOUND_CASES].sort())
  })
})
