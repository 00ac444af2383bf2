/**
 * Replays FreeSWITCH's side of the inbound event-socket transcripts (and of the mixed
 * ones, where a control connection and outbound sockets interleave) to our ControlClient,
 * OutboundServer and SocketSession over TCP, and checks what our code made of them.
 */
import net from 'node:net'
import { once } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import type { Call } from '../../src/esl/call.js'
import { ControlEvent, type ControlClient } from '../../src/esl/control-client.js'
import { dialString, leg, type Variables } from '../../src/esl/dial-string.js'
import { PlainEvent, type EslEvent } from '../../src/esl/event.js'
import { CommandFailed } from '../../src/esl/results.js'
import { SocketSession, type Reply } from '../../src/esl/socket-session.js'
import { silentLogger } from '../../src/log.js'
import { loadTranscript, messages, transcriptNames, type Chunk, type Transcript } from '../helpers/transcripts.js'
import { INBOUND_CASES, OUTBOUND_CASES, RECORDED_OUTBOUND_CASES, SWITCH_RULE_CASES } from './replay-cases.js'
import { controlClient, nextEvent, ok, outboundServer, resumeOn, until, within } from './replay-harness.js'
import { Replay, type ConnOptions } from './replay-peer.js'
import { connectUuid, deferred } from './replay-script.js'
import { eventField } from './replay-wire.js'

const cleanup: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c()
})

async function replayOf(t: Transcript, conns: Record<string, ConnOptions>): Promise<Replay> {
  const replay = await Replay.start(t, conns)
  cleanup.push(() => replay.close())
  return replay
}

/** A ControlClient on the replay's inbound connection, up (its first status ping answered). */
async function upControl(replay: Replay, conn = 'inb1'): Promise<ControlClient> {
  const control = controlClient(replay.port(conn))
  cleanup.push(() => control.end())
  return control
}

async function waitUp(control: ControlClient, replay: Replay): Promise<void> {
  if (!control.isUp) await within(once(control, 'up'), replay)
}

/** Our SocketSession as a bare inbound client: sends the recorded commands itself. */
async function rawSession(port: number): Promise<{ session: SocketSession; events: EslEvent[]; notices: Array<string | undefined>; closed: Promise<void> }> {
  const socket = net.connect(port, '127.0.0.1')
  await once(socket, 'connect')
  const session = new SocketSession(socket, silentLogger)
  const events: EslEvent[] = []
  const notices: Array<string | undefined> = []
  const closed = deferred()
  session.attach({ onEvent: (e) => events.push(e), onDisconnectNotice: (d) => notices.push(d), onClose: () => closed.resolve() })
  cleanup.push(() => session.destroy())
  return { session, events, notices, closed: closed.promise }
}

const NO_CHANNEL = '00000000-0000-0000-0000-000000000000'

const cases: Record<string, () => void> = {
  'inbound-originate-bridge': () => {
    it('originates, bridges, records and kills through ControlClient; reports api errors', async () => {
      const t = loadTranscript('inbound-originate-bridge')
      const [x, y] = [String(t.meta.X), String(t.meta.Y)]
      const replay = await replayOf(t, { inb1: {} })
      const control = await upControl(replay)
      const dtmf: Array<string | undefined> = []
      const bridges: Array<string | undefined> = []
      const recordStops: Array<string | undefined> = []
      const hangups: Array<[string | undefined, string | undefined]> = []
      control.onEvent('DTMF', (e) => dtmf.push(e.get('DTMF-Digit')))
      control.onEvent('CHANNEL_BRIDGE', (e) => bridges.push(e.get('Other-Leg-Unique-ID')))
      control.onEvent('RECORD_STOP', (e) => recordStops.push(e.get('Record-Completion-Cause')))
      control.onEvent('CHANNEL_HANGUP_COMPLETE', (e) => hangups.push([e.uuid, e.get('Hangup-Cause')]))
      await waitUp(control, replay)

      const park = (target: string, vars: Variables = {}): ReturnType<ControlClient['originate']> => control.originate(dialString([leg(target)], { vars }), 'park')
      const r: Record<string, unknown> = {}
      r.first = await park('loopback/5001/default', { origination_uuid: x })
      r.busy = await park('error/user_busy')
      r.noExtension = await park('loopback/9999/default')
      r.noContext = await park('loopback/9999/esl_no_such_context')
      r.busyAgain = await park('error/user_busy')
      r.second = await park('loopback/5001/default', { origination_uuid: y })
      r.broadcast = await control.uuidBroadcast(x, 'tone_stream://%(500,0,440)', 'aleg')
      const path = `/srv/fsw/recordings/inbound-${x}.wav`
      r.recordStart = await control.uuidRecord(x, 'start', path)
      r.bridge = await control.uuidBridge(x, y)
      r.dtmf = await control.api(`uuid_send_dtmf ${y} 1`)
      r.recordStop = await control.uuidRecord(x, 'stop', path)
      r.kill = await control.uuidKill(x)
      r.killNobody = await control.uuidKill(NO_CHANNEL)
      r.unknown = await control.api('no_such_command')
      await until(() => [x, y].every((uuid) => hangups.some(([u]) => u === uuid)), replay)
      control.end()
      await within(replay.finished(), replay)

      expect(replay.errors).toEqual([])
      const report = replay.report('inb1')
      // esl-lite closes without `exit`; it subscribes one event per command, and our client
      // filters what it takes (filter Event-Name ...).
      expect(report).toMatchObject({ unconsumed: ['exit'], late: [], closedByApp: true })
      expect(report.extras.filter((c) => !c.startsWith('event json ') && !c.startsWith('filter '))).toEqual([])
      expect(r.first).toEqual({ ok: true, uuid: x })
      expect(r.busy).toEqual({ ok: false, cause: 'USER_BUSY' })
      expect(r.noExtension).toEqual({ ok: false, cause: 'NORMAL_CLEARING' })
      expect(r.noContext).toEqual({ ok: false, cause: 'NO_ROUTE_DESTINATION' })
      expect(r.busyAgain).toEqual({ ok: false, cause: 'USER_BUSY' })
      expect(r.second).toEqual({ ok: true, uuid: y })
      expect(r.broadcast).toEqual({ ok: true, text: '+OK Message sent' })
      expect(r.recordStart).toEqual({ ok: true, text: '+OK Success' })
      expect(r.bridge).toEqual({ ok: true, text: `+OK ${y}` })
      expect(r.dtmf).toEqual({ ok: true, text: `+OK ${y} sent DTMF 1.` })
      expect(r.recordStop).toEqual({ ok: true, text: '+OK Success' })
      expect(r.kill).toEqual({ ok: true, text: '+OK' })
      expect(r.killNobody).toEqual({ ok: false, text: '-ERR No such channel!' })
      expect(r.unknown).toEqual({ ok: false, text: '-ERR no_such_command Command not found!' })
      expect(bridges).toEqual([y])
      expect(dtmf).toEqual(['1'])
      expect(recordStops).toEqual(['success-maxtime'])
      // Killing X hangs up its bridged peer Y too; FreeSWITCH reported Y's leg first.
      expect(hangups.filter(([uuid]) => uuid === x || uuid === y)).toEqual([
        [y, 'NORMAL_CLEARING'],
        [x, 'NORMAL_CLEARING'],
      ])
    })
  },

  'hold-and-break': () => {
    it('queues two callers: hold music, agent variables and checks, break and bridge', async () => {
      const t = loadTranscript('hold-and-break')
      const onHold = { out1: deferred<Call>(), out2: deferred<Call>() }
      const r: Record<string, unknown> = {}
      const bridged: Record<string, Array<string | undefined>> = { out1: [], out2: [] }
      const caller = (conn: 'out1' | 'out2') => async (call: Call) => {
        call.on('bridge', (other) => bridged[conn]!.push(other))
        await call.subscribe(['PLAYBACK_START', 'PLAYBACK_STOP'])
        ok(await call.answer())
        void nextEvent(call, 'PLAYBACK_START').then(() => onHold[conn].resolve(call))
        r[`${conn}hold`] = ok(await call.playback('local_stream://moh'))
        // After uuid_bridge the socket stays: the call is the queue's until it ends.
        await call.finished
      }
      const h = await outboundServer(t, { out1: caller('out1'), out2: caller('out2') }, { eventFormat: 'json' })
      cleanup.push(() => h.server.close())
      const replay = await replayOf(t, { inb1: {}, out1: { port: h.server.port }, out2: { port: h.server.port } })
      const control = await upControl(replay)
      await waitUp(control, replay)
      const agent = (uuid: string, n: string): ReturnType<ControlClient['originate']> =>
        control.originate(dialString([leg('loopback/5001/default')], { vars: { origination_uuid: uuid, origination_caller_id_number: n, origination_caller_id_name: `Agent-${n}` } }), 'park')

      const caller1 = await within(onHold.out1.promise, replay)
      const agent1 = String(t.meta.agent_uuid)
      r.agent1 = await agent(agent1, '2001')
      r.broadcast = await control.uuidBroadcast(agent1, 'tone_stream://%(500,500,440)', 'aleg')
      r.setVar = await control.uuidSetVar(agent1, 'queue_name', 'sales')
      r.getVar = await control.uuidGetVar(agent1, 'queue_name')
      r.getUnset = await control.uuidGetVar(agent1, 'no_such_variable')
      r.getNoChannel = await control.uuidGetVar(NO_CHANNEL, 'queue_name')
      r.exists = await control.uuidExists(agent1)
      r.existsNot = await control.uuidExists(NO_CHANNEL)
      r.channels = await control.showChannels()
      r.status = await control.api('status')
      r.break1 = await control.uuidBreak(caller1.uuid)
      r.bridge1 = await control.uuidBridge(caller1.uuid, agent1)
      r.kill1 = await control.uuidKill(agent1)
      const summary1 = await within(caller1.finished, replay)

      const caller2 = await within(onHold.out2.promise, replay)
      const agent2 = '591e1831-c117-45a1-b083-068b390d6bef'
      r.agent2 = await agent(agent2, '2002')
      // Break and bridge back to back: the hold music ends with PLAYBACK ERROR.
      r.break2 = await control.uuidBreak(caller2.uuid)
      r.bridge2 = await control.uuidBridge(caller2.uuid, agent2)
      const summary2 = await within(caller2.finished, replay)
      await within(replay.finished('out1', 'out2'), replay)
      control.end()
      await within(replay.finished('inb1'), replay)

      expect(h.failures).toEqual([])
      expect(replay.errors).toEqual([])
      for (const conn of ['out1', 'out2']) expect(replay.report(conn)).toMatchObject({ unconsumed: [], extras: [resumeOn(connectUuid(t, conn)!)], late: [] })
      expect(replay.report('inb1')).toMatchObject({ unconsumed: ['exit'], late: [] })
      expect(r.agent1).toEqual({ ok: true, uuid: agent1 })
      expect(r.broadcast).toEqual({ ok: true, text: '+OK Message sent' })
      expect(r.setVar).toEqual({ ok: true, text: '+OK' })
      expect(r.getVar).toBe('sales')
      expect(r.getUnset).toBeUndefined()
      expect(r.getNoChannel).toBeInstanceOf(CommandFailed)
      expect((r.getNoChannel as CommandFailed).reply).toBe('-ERR No such channel!')
      expect(r.exists).toBe(true)
      expect(r.existsNot).toBe(false)
      const rows = r.channels as Array<Record<string, string>>
      expect(rows).toHaveLength(4)
      expect(rows.map((row) => row.uuid)).toEqual(expect.arrayContaining([caller1.uuid, agent1]))
      expect((r.status as { text: string }).text).toMatch(/^UP \d+ years.*\nFreeSWITCH \(Version 1\.11\.1/s)
      expect(r.break1).toEqual({ ok: true, text: '+OK' })
      expect(r.bridge1).toEqual({ ok: true, text: `+OK ${agent1}` })
      expect(r.kill1).toEqual({ ok: true, text: '+OK' })
      expect(r.out1hold).toMatchObject({ response: 'FILE PLAYED', terminator: undefined })
      expect(bridged.out1).toEqual([agent1])
      expect(summary1.hangupCause).toBe('NORMAL_CLEARING')
      expect(r.agent2).toEqual({ ok: true, uuid: agent2 })
      expect(r.break2).toEqual({ ok: true, text: '+OK' })
      expect(r.bridge2).toEqual({ ok: true, text: `+OK ${agent2}` })
      expect(r.out2hold).toMatchObject({ response: 'PLAYBACK ERROR' })
      expect(bridged.out2).toEqual([agent2])
      expect(summary2.hangupCause).toBe('NORMAL_CLEARING')
    })
  },

  'dialer-originate-socket': () => {
    it('dials: an unquoted socket app (static mode), a quoted one, no answer, busy', async () => {
      const t = loadTranscript('dialer-originate-socket')
      const [u1, u2, u3, u4] = [t.meta.X, t.meta.W, t.meta.Y, t.meta.Z].map(String) as [string, string, string, string]
      const r: Record<string, Record<string, unknown>> = { out1: {}, out2: {} }
      const playThenHangUp = (conn: string) => async (call: Call) => {
        r[conn]!.playback = ok(await call.playback('/srv/fsw/audio/melody.wav'))
        await call.hangup()
        r[conn]!.endedAfterHangup = call.ended
      }
      const h = await outboundServer(t, { out1: playThenHangUp('out1'), out2: playThenHangUp('out2') })
      cleanup.push(() => h.server.close())
      const replay = await replayOf(t, { inb1: {}, out1: { port: h.server.port }, out2: { port: h.server.port } })
      const control = await upControl(replay)
      const hangups: Array<[string | undefined, string | undefined]> = []
      control.onEvent('CHANNEL_HANGUP_COMPLETE', (e) => hangups.push([e.uuid, e.get('Hangup-Cause')]))
      await waitUp(control, replay)

      const vars = (uuid: string, timeout: number, contact: number): Variables => ({
        origination_uuid: uuid,
        origination_caller_id_number: '5550100',
        ignore_early_media: true,
        originate_timeout: timeout,
        campaign_id: 42,
        contact_id: contact,
      })
      const socket = { socket: '127.0.0.1:8084' }
      // The recorded dialer first wrote the socket app unquoted: FreeSWITCH cut its
      // arguments and ran it in static mode (what originateToSocket's quotes prevent).
      const unquoted = await control.api(`originate ${dialString([leg('loopback/5001/default')], { vars: vars(u1, 20, 7) })} &socket(127.0.0.1:8084 async full)`)
      const call1 = await within(h.call('out1'), replay)
      const summary1 = await within(call1.finished, replay)
      const quoted = await control.originate(dialString([leg('loopback/5001/default')], { vars: vars(u2, 20, 7) }), socket)
      const call2 = await within(h.call('out2'), replay)
      const summary2 = await within(call2.finished, replay)
      const noAnswer = await control.originate(dialString([leg('loopback/5003/default')], { vars: vars(u3, 3, 8) }), socket)
      const busy = await control.originate(dialString([leg('error/user_busy')], { vars: vars(u4, 20, 9) }), socket)
      await until(() => hangups.some(([uuid]) => uuid === u3), replay)
      control.end()
      await within(replay.finished(), replay)

      expect(h.failures).toEqual([])
      expect(replay.errors).toEqual([])
      expect(replay.report('inb1')).toMatchObject({ unconsumed: ['exit'], late: [] })
      expect(unquoted).toEqual({ ok: true, text: `+OK ${u1}` })
      expect(quoted).toEqual({ ok: true, uuid: u2 })
      expect(noAnswer).toEqual({ ok: false, cause: 'NO_ANSWER' })
      expect(busy).toEqual({ ok: false, cause: 'USER_BUSY' })

      // Static mode: linger refused, +OK only when the playback is done, no hangup events.
      expect(call1.uuid).toBe(u1)
      expect(call1.channel.get('Socket-Mode')).toBe('static')
      expect(call1.channel.get('Control')).toBe('single-channel')
      expect(replay.report('out1')).toMatchObject({ unconsumed: [], extras: [resumeOn(call1.uuid)], late: [] })
      expect(r.out1).toMatchObject({ playback: { response: 'FILE PLAYED' }, endedAfterHangup: true })
      expect(summary1.final).toBeUndefined()
      expect(summary1.hangupCause).toBe('NORMAL_CLEARING')

      expect(call2.uuid).toBe(u2)
      expect(call2.channel.get('Socket-Mode')).toBe('async')
      expect([call2.direction, call2.variable('campaign_id'), call2.variable('contact_id')]).toEqual(['outbound', '42', '7'])
      expect(replay.report('out2')).toMatchObject({ unconsumed: [], extras: [resumeOn(call2.uuid)], late: [] })
      expect(r.out2).toMatchObject({ playback: { response: 'FILE PLAYED' }, endedAfterHangup: true })
      expect(summary2.hangupCause).toBe('NORMAL_CLEARING')
      expect(summary2.final?.name).toBe('CHANNEL_HANGUP_COMPLETE')
      expect(hangups.filter(([uuid]) => uuid === u3).map(([, cause]) => cause)).toEqual(['NO_ANSWER'])
    })
  },

  'inbound-auth-fail-and-plain-events': () => {
    it('noauth: our SocketSession reads the refusals, the goodbye notice and the close', async () => {
      const t = loadTranscript('inbound-auth-fail-and-plain-events')
      const replay = await replayOf(t, { noauth: {} })
      const { session, notices, closed } = await rawSession(replay.port('noauth'))
      const beforeAuth = await session.send('api status\n\n')
      const wrong = await session.send('auth WrongPassword\n\n')
      await within(closed, replay)
      await within(replay.finished(), replay)

      expect(replay.errors).toEqual([])
      expect(replay.report('noauth')).toMatchObject({ unconsumed: [], extras: [], late: [] })
      expect(beforeAuth).toMatchObject({ ok: false, text: '-ERR command not found' })
      expect(wrong).toMatchObject({ ok: false, text: '-ERR invalid' })
      // An inbound goodbye has no Content-Disposition.
      expect(notices).toEqual([undefined])
      expect(session.isClosed).toBe(true)
    })

    it('noauth: ControlClient with a wrong password reports the connection down, never up', async () => {
      const t = loadTranscript('inbound-auth-fail-and-plain-events')
      // esl-lite authenticates first: the recorded pre-auth command is not ours to send.
      const replay = await replayOf(t, { noauth: { skip: (line) => line === 'api status' } })
      const control = controlClient(replay.port('noauth'), 'WrongPassword', 600)
      cleanup.push(() => control.end())
      let up = false
      control.on('up', () => (up = true))
      const [reason] = (await within(once(control, 'down'), replay)) as [string]
      await within(replay.finished(), replay)

      expect(replay.errors).toEqual([])
      expect(replay.report('noauth')).toMatchObject({ claimed: ['auth WrongPassword'], unconsumed: [], closedByApp: false })
      expect(up).toBe(false)
      expect(control.isUp).toBe(false)
      // FreeSWITCH hung up after the refused auth: the status ping was never answered.
      expect(reason).toMatch(/^FreeSwitchTimeoutError/)
    })

    it('plain: our SocketSession parses plain events, background jobs and the goodbye', async () => {
      const t = loadTranscript('inbound-auth-fail-and-plain-events')
      const z = String(t.meta.Z)
      const replay = await replayOf(t, { plain: {} })
      const { session, events, notices, closed } = await rawSession(replay.port('plain'))
      const send = async (line: string): Promise<Reply> => {
        const reply = await session.send(`${line}\n\n`)
        if (!reply) throw new Error(`no reply to ${line}`)
        return reply
      }
      const auth = await send('auth ClueCon')
      const subscribe = await send('event plain BACKGROUND_JOB CHANNEL_ANSWER CHANNEL_HANGUP_COMPLETE')
      const status = await send('bgapi status')
      const busy = await send('bgapi originate error/user_busy &park')
      const parked = await send(`bgapi originate {origination_uuid=${z}}loopback/5001/default &park`)
      const jobs = (): EslEvent[] => events.filter((e) => e.name === 'BACKGROUND_JOB')
      await until(() => jobs().length === 3, replay)
      const kill = await send(`api uuid_kill ${z}`)
      await until(() => events.filter((e) => e.name === 'CHANNEL_HANGUP_COMPLETE').length === 2, replay)
      const noevents = await send('noevents')
      const bye = await send('exit')
      await within(closed, replay)
      await within(replay.finished(), replay)

      expect(replay.errors).toEqual([])
      expect(replay.report('plain')).toMatchObject({ unconsumed: [], extras: [], late: [] })
      expect(auth).toMatchObject({ ok: true, text: '+OK accepted' })
      expect(subscribe).toMatchObject({ ok: true, text: '+OK event listener enabled plain' })
      const jobIds = [status, busy, parked].map((reply) => reply.headers.get('Job-UUID'))
      expect([status, busy, parked].map((reply) => reply.text)).toEqual(jobIds.map((id) => `+OK Job-UUID: ${id}`))
      expect(jobs().map((e) => e.get('Job-UUID'))).toEqual(jobIds)
      expect(jobs().map((e) => e.get('Job-Command'))).toEqual(['status', 'originate', 'originate'])
      expect(jobs()[0]!.content).toMatch(/^UP .*\nFreeSWITCH \(Version 1\.11\.1-release {2}64bit\) is ready\n/s)
      expect(jobs()[1]!.content).toBe('-ERR USER_BUSY\n')
      expect(jobs()[2]!.content).toBe(`+OK ${z}\n`)
      expect(jobs()[2]!.get('Job-Command-Arg')).toBe(`{origination_uuid=${z}}loopback/5001/default &park`)
      expect(events.filter((e) => e.name === 'CHANNEL_ANSWER')).toHaveLength(2)
      expect(events.every((e) => e instanceof PlainEvent)).toBe(true)
      expect(kill).toMatchObject({ ok: true, text: '+OK\n' })
      const hangups = events.filter((e) => e.name === 'CHANNEL_HANGUP_COMPLETE')
      expect(hangups.map((e) => e.get('Hangup-Cause'))).toEqual(['NORMAL_CLEARING', 'NORMAL_CLEARING'])
      expect(hangups.map((e) => e.get('Unique-ID'))).toContain(z)
      expect(noevents).toMatchObject({ ok: true, text: '+OK no longer listening for events' })
      expect(bye).toMatchObject({ ok: true, text: '+OK bye' })
      expect(notices).toEqual([undefined])
    })
  },

  'avmd-machine': () => {
    it('delivers the recorded avmd CUSTOM events to ControlClient.onCustom', async () => {
      const t = loadTranscript('avmd-machine')
      // The machine-detection events as the dialer's control connection would get them:
      // the bytes recorded on the originated leg's socket (JSON, same framing inbound).
      const avmd = messages(t, 'out2').filter((m) => m.dir === 'FS->APP' && eventField(m.raw, 'Event-Name') === 'CUSTOM')
      const session = syntheticInbound(
        'avmd-machine',
        avmd.map((m) => m.raw),
      )
      const replay = await replayOf(session, { inb1: {} })
      const control = await upControl(replay)
      const beeps: ControlEvent[] = []
      const starts: ControlEvent[] = []
      control.onCustom('avmd::beep', (e) => beeps.push(e))
      control.onCustom('avmd::start', (e) => starts.push(e))
      await waitUp(control, replay)
      await until(() => beeps.length === 2, replay)
      control.end()
      await within(replay.finished(), replay)

      expect(replay.errors).toEqual([])
      expect(replay.report('inb1')).toMatchObject({ claimed: ['auth ClueCon'], unconsumed: [] })
      expect(starts).toHaveLength(2)
      expect(beeps.map((e) => [e.name, e.get('Event-Subclass'), e.get('Beep-Status'), e.get('Frequency'), e.get('Event-Sequence')])).toEqual([
        ['CUSTOM', 'avmd::beep', 'DETECTED', '1000.009297', '3545'],
        ['CUSTOM', 'avmd::beep', 'DETECTED', '1000.009297', '3545'],
      ])
      // The first copy is bare, the second carries the channel's data.
      expect(beeps.map((e) => [e.uuid, e.get('Channel-Name'), e.variable('avmd_detect')])).toEqual([
        ['acdd65d6-7aca-42b0-8b0e-f5dd3d00d70f', undefined, undefined],
        ['acdd65d6-7aca-42b0-8b0e-f5dd3d00d70f', 'loopback/5002-a', 'TRUE'],
      ])
    })
  },
}

/**
 * An inbound session FreeSWITCH could have had: the greeting, our `auth`, its acceptance,
 * then `events` (recorded message bytes) each as one read.
 */
function syntheticInbound(name: string, events: Buffer[]): Transcript {
  const chunks: Chunk[] = []
  const add = (dir: Chunk['dir'], text: string | Buffer): void => {
    chunks.push({ seq: chunks.length, tMs: chunks.length, conn: 'inb1', dir, bytes: Buffer.from(text) })
  }
  add('FS->APP', 'Content-Type: auth/request\n\n')
  add('APP->FS', 'auth ClueCon\n\n')
  add('FS->APP', 'Content-Type: command/reply\nReply-Text: +OK accepted\n\n')
  for (const e of events) add('FS->APP', e)
  return { name: `${name} (synthetic inbound)`, meta: {}, chunks, notes: [] }
}

for (const name of INBOUND_CASES) {
  describe(name, () => {
    const c = cases[name]
    if (c) c()
    else it('has a replay case', () => expect.fail(`no replay case for ${name}`))
  })
}

describe('replay coverage', () => {
  it('has a case for every transcript listed for this file', () => {
    expect(Object.keys(cases).sort()).toEqual([...INBOUND_CASES].sort())
  })

  it('covers every golden transcript in one of the replay test files', () => {
    const covered = new Set<string>([...OUTBOUND_CASES, ...RECORDED_OUTBOUND_CASES, ...INBOUND_CASES, ...Object.keys(SWITCH_RULE_CASES)])
    const names = transcriptNames()
    expect(names).toHaveLength(20)
    expect(names.filter((n) => !covered.has(n))).toEqual([])
  })
})
