/**
 * (g) A dialer leg to an answering machine (5002) runs avmd and, instead of a playback,
 * play_and_get_digits. When avmd hears the beep the app sends `uuid_break <uuid>`
 * (without `all`): does that end the play_and_get_digits, and what does its
 * EXECUTE_COMPLETE say? Then the same with `uuid_break <uuid> all` 1 s into a second one.
 */
import { randomUUID } from 'node:crypto'
import type { RecordingScenario } from '../recording-session.js'
import { finishLingering, order, takeCall, vars } from '../scenario-steps.js'

const RESULT_VARS = ['read_result', 'ivr_digit', 'playback_terminator_used']

export const avmdPagdBreak: RecordingScenario = {
  name: 'avmd-pagd-break',
  title: 'FreeSWITCH outbound event socket: uuid_break while play_and_get_digits runs, on a dialer leg with avmd (answering machine)',
  description: [
    'fs_cli -x "bgapi originate {origination_uuid=<X>,origination_caller_id_number=5550100}loopback/5002/default \'&socket(127.0.0.1:8084 async full)\'"',
    '  (X = loopback/5002-a, outbound direction, runs the socket app; loopback/5002-b runs 5002 = the machine: greeting, 1 s beep, 20 s).',
    'out1 commands: connect; myevents json; linger; event json PLAYBACK_START PLAYBACK_STOP; event json CUSTOM avmd::beep avmd::start avmd::stop; execute avmd_start;',
    '  execute play_and_get_digits 1 1 1 3000 # <hold-music-8s.wav> silence_stream://250 ivr_digit \\d;',
    '  on avmd::beep: api uuid_break <X>; (after that play_and_get_digits completed) execute avmd_stop;',
    '  execute play_and_get_digits (the same); 1 s after its PLAYBACK_START: api uuid_break <X> all;',
    '  sendmsg hangup NORMAL_CLEARING; exit after the linger notice. Timings and results in NOTE lines.',
  ],
  extensions: () => ({
    '5002': [['answer'], ['speak', 'flite|kal|Please leave a message'], ['playback', 'tone_stream://%(1000,0,1000)'], ['sleep', '20000'], ['hangup']],
  }),
  async run(ctx) {
    const x = randomUUID()
    await ctx.cli(`bgapi originate {origination_uuid=${x},origination_caller_id_number=5550100}loopback/5002/default '&socket(${ctx.app} async full)'`)
    const out = await ctx.outbound()
    await takeCall(out, ctx, { json: true })
    await out.command('event json PLAYBACK_START PLAYBACK_STOP')
    await out.command('event json CUSTOM avmd::beep avmd::start avmd::stop')
    await out.execute('avmd_start').complete
    const args = `1 1 1 3000 # ${ctx.audio('audio/moh/hold-music-8s.wav')} silence_stream://250 ivr_digit \\d`

    const from = out.mark()
    const first = out.execute('play_and_get_digits', args)
    const beep = await out.waitFor('avmd::beep', (m) => m.event?.['Event-Subclass'] === 'avmd::beep', from, 20_000)
    const breakAt = Date.now()
    const breakMark = out.mark()
    await out.api(`uuid_break ${x}`)
    ctx.note(`avmd::beep (${beep.event?.['Beep-Status']}), then api uuid_break ${x} (no "all")`, out.conn)
    const done1 = await first.complete
    ctx.note(
      `play_and_get_digits 1 completed ${Date.now() - breakAt} ms after uuid_break: Application-Response=${done1.event?.['Application-Response']} ${vars(done1, RESULT_VARS)}; after the break the socket got: ${order(out, breakMark, out.received.indexOf(done1) + 1)}`,
      out.conn,
    )
    await out.execute('avmd_stop').complete

    const from2 = out.mark()
    const second = out.execute('play_and_get_digits', args)
    await out.event('PLAYBACK_START', from2)
    await ctx.sleep(1000)
    const break2At = Date.now()
    const break2Mark = out.mark()
    await out.api(`uuid_break ${x} all`)
    const done2 = await second.complete
    ctx.note(
      `play_and_get_digits 2 completed ${Date.now() - break2At} ms after uuid_break all: Application-Response=${done2.event?.['Application-Response']} ${vars(done2, RESULT_VARS)}; after the break the socket got: ${order(out, break2Mark, out.received.indexOf(done2) + 1)}`,
      out.conn,
    )
    const end = out.mark()
    await out.command('sendmsg', [
      ['call-command', 'hangup'],
      ['hangup-cause', 'NORMAL_CLEARING'],
    ])
    await finishLingering(out, end)
  },
}
