/**
 * (c) The channel variable socket_resume instead of the `resume` command: what the
 * dialplan does when the app's TCP connection goes away (mod_event_socket.c checks
 * LFLAG_RESUME || socket_resume). Call 1: socket_resume=false (and hangup_after_bridge)
 * set before a bridge, the app goes away mid-bridge. Call 2: socket_resume=true while a
 * playback runs, the app goes away.
 */
import { randomUUID } from 'node:crypto'
import type { RecordingScenario, ScenarioContext } from '../recording-session.js'
import { leave, observer, placeCaller, takeCall } from '../scenario-steps.js'

export const socketResumeVariable: RecordingScenario = {
  name: 'socket-resume-variable',
  title: 'FreeSWITCH outbound event socket: the socket_resume channel variable when the app goes away (bridge, playback)',
  description: [
    'extension 5004 = socket, then a 440 Hz tone x3 (what the dialplan does after the app), hangup. Both calls: the app',
    '  destroys its TCP socket without exit (Node socket.destroy(): FIN). inb1 observes (event json CHANNEL_EXECUTE',
    '  CHANNEL_EXECUTE_COMPLETE CHANNEL_BRIDGE CHANNEL_UNBRIDGE CHANNEL_HANGUP CHANNEL_HANGUP_COMPLETE).',
    'call 1 (out1): connect; myevents; api uuid_setvar <B> socket_resume true; execute answer;',
    '  api uuid_setvar_multi <B> socket_resume=false;hangup_after_bridge=true;',
    '  execute bridge {origination_uuid=<G>,origination_caller_id_number=1001}loopback/5001/default; 1 s after CHANNEL_BRIDGE the app',
    '  crashes; 2 s later the agent hangs up (fs_cli uuid_kill <G>).',
    'call 2 (out2): connect; myevents; execute answer; api uuid_setvar <B> socket_resume true;',
    '  execute playback <hold-music-8s.wav>; 1 s after CHANNEL_EXECUTE playback the app crashes.',
    'The FreeSWITCH log lines of each socket channel (state changes, EXECUTE, hangup) are copied in as "FS log:" NOTE lines.',
  ],
  extensions: ({ app }) => ({
    '5004': [['socket', `${app} async full`], ['playback', 'tone_stream://%(500,500,440);loops=3'], ['hangup']],
    '5001': [['answer'], ['park']],
  }),
  async run(ctx) {
    const inb = await observer(ctx, 'CHANNEL_EXECUTE CHANNEL_EXECUTE_COMPLETE CHANNEL_BRIDGE CHANNEL_UNBRIDGE CHANNEL_HANGUP CHANNEL_HANGUP_COMPLETE')

    ctx.note('=== call 1: socket_resume=false, hangup_after_bridge=true, the app goes away mid-bridge ===')
    await placeCaller(ctx, '5004', 1)
    const out1 = await ctx.outbound()
    const b1 = await takeCall(out1, ctx, { linger: false })
    await out1.api(`uuid_setvar ${b1} socket_resume true`)
    await out1.execute('answer').complete
    await out1.api(`uuid_setvar_multi ${b1} socket_resume=false;hangup_after_bridge=true`)
    const agent = randomUUID()
    ctx.note(`G = ${agent} = origination_uuid of the agent leg (loopback/5001-a)`)
    const from = out1.mark()
    out1.execute('bridge', `{origination_uuid=${agent},origination_caller_id_number=1001}loopback/5001/default`)
    await out1.event('CHANNEL_BRIDGE', from)
    await ctx.sleep(1000)
    ctx.note('app crashes: socket.destroy() without sending exit', out1.conn)
    out1.crash()
    await ctx.sleep(2000)
    await ctx.cli(`uuid_kill ${agent}`)
    const gone1 = await inb.event('CHANNEL_HANGUP_COMPLETE', 0, (e) => e['Unique-ID'] === b1)
    ctx.note(`call 1: the socket channel hung up: Hangup-Cause=${gone1.event?.['Hangup-Cause']} last_app=${gone1.event?.variable_last_app} bridge_hangup_cause=${gone1.event?.variable_bridge_hangup_cause}`, inb.conn)
    await copyLog(ctx, b1)

    ctx.note('=== call 2: socket_resume=true while a playback runs, the app goes away ===')
    await placeCaller(ctx, '5004', 2)
    const out2 = await ctx.outbound()
    const b2 = await takeCall(out2, ctx, { linger: false })
    await out2.execute('answer').complete
    await out2.api(`uuid_setvar ${b2} socket_resume true`)
    const from2 = out2.mark()
    out2.execute('playback', ctx.audio('audio/moh/hold-music-8s.wav'))
    await out2.event('CHANNEL_EXECUTE', from2, (e) => e.Application === 'playback')
    await ctx.sleep(1000)
    ctx.note('app crashes: socket.destroy() without sending exit', out2.conn)
    const crashedAt = Date.now()
    out2.crash()
    const gone2 = await inb.event('CHANNEL_HANGUP_COMPLETE', 0, (e) => e['Unique-ID'] === b2, 20_000)
    ctx.note(`call 2: the socket channel hung up ${Date.now() - crashedAt} ms after the crash: last_app=${gone2.event?.variable_last_app} last_arg=${gone2.event?.variable_last_arg}`, inb.conn)
    await copyLog(ctx, b2)
    await ctx.sleep(500)
    await leave(inb)
  },
}

/** The switch's log lines of one channel that say what it did, as NOTEs. */
async function copyLog(ctx: ScenarioContext, uuid: string): Promise<void> {
  await ctx.sleep(300)
  const interesting = /State Change|EXECUTE \[|Hangup|hanging up|done playing|Channel \[/
  for (const line of ctx.logLines(new RegExp(`^${uuid} `))) {
    const text = line.slice(uuid.length + 1)
    if (interesting.test(text)) ctx.note(`FS log: ${text}`)
  }
}
