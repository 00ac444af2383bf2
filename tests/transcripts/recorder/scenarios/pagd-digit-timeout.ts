/**
 * (b) play_and_get_digits when the caller presses fewer digits than max and no
 * terminator: the digit timeout ends the read. With min=1 FreeSWITCH 1.11 promotes the
 * timeout to success internally (switch_play_and_get_digits) but read_result still says
 * `timeout`; with min=2 and one digit, read_result is `failure`, and the variable?
 */
import type { RecordingScenario, ScenarioContext } from '../recording-session.js'
import type { PeerMessage, ScriptedPeer } from '../scripted-peer.js'
import { finishLingering, placeCaller, takeCall, vars } from '../scenario-steps.js'

const RESULT_VARS = ['read_result', 'cc_digits', 'cc_digits_invalid', 'read_terminator_used']

export const pagdDigitTimeout: RecordingScenario = {
  name: 'pagd-digit-timeout',
  title: 'FreeSWITCH outbound event socket: play_and_get_digits ended by the digit timeout (fewer digits than max, no terminator)',
  description: [
    'three play_and_get_digits on one call, the caller presses 5 once in each (fs_cli uuid_send_dtmf <caller -a leg> 5), never #:',
    '  1. 1 4 1 3000 # <melody.wav> silence_stream://100 cc_digits \\d+ 2000 -- the digit 0.5 s after the prompt ended',
    '  2. 2 4 1 3000 # <melody.wav> silence_stream://100 cc_digits \\d+ 2000 -- min 2, one digit, 0.5 s after the prompt ended',
    '  3. 1 4 1 3000 # <melody.wav> silence_stream://100 cc_digits \\d+ 2000 -- the digit 1 s into the prompt (it stops the prompt)',
    'out1 commands: connect; myevents; linger; event plain PLAYBACK_START PLAYBACK_STOP; execute answer; the three play_and_get_digits;',
    '  sendmsg hangup NORMAL_CLEARING; exit after the linger notice. Results per play_and_get_digits in NOTE lines.',
  ],
  extensions: ({ app }) => ({ '5000': [['socket', `${app} async full`]] }),
  async run(ctx) {
    const caller = await placeCaller(ctx, '5000')
    const out = await ctx.outbound()
    await takeCall(out, ctx)
    await out.command('event plain PLAYBACK_START PLAYBACK_STOP')
    await out.execute('answer').complete
    const prompt = ctx.audio('audio/melody.wav')
    const args = (min: number): string => `${min} 4 1 3000 # ${prompt} silence_stream://100 cc_digits \\d+ 2000`
    await pressAfterPrompt(ctx, out, caller, args(1), '1 (min 1, digit after the prompt)')
    await pressAfterPrompt(ctx, out, caller, args(2), '2 (min 2, one digit)')
    // 3: the digit while the prompt plays.
    const from = out.mark()
    const pagd = out.execute('play_and_get_digits', args(1))
    await out.event('PLAYBACK_START', from)
    await ctx.sleep(1000)
    await ctx.cli(`uuid_send_dtmf ${caller} 5`)
    note(ctx, out, '3 (min 1, digit during the prompt)', await pagd.complete)
    const end = out.mark()
    await out.command('sendmsg', [
      ['call-command', 'hangup'],
      ['hangup-cause', 'NORMAL_CLEARING'],
    ])
    await finishLingering(out, end)
  },
}

async function pressAfterPrompt(ctx: ScenarioContext, out: ScriptedPeer, caller: string, args: string, label: string): Promise<void> {
  const from = out.mark()
  const pagd = out.execute('play_and_get_digits', args)
  await out.event('PLAYBACK_STOP', from)
  await ctx.sleep(500)
  await ctx.cli(`uuid_send_dtmf ${caller} 5`)
  note(ctx, out, label, await pagd.complete)
}

function note(ctx: ScenarioContext, out: ScriptedPeer, label: string, done: PeerMessage): void {
  ctx.note(`play_and_get_digits ${label}: Application-Response=${done.event?.['Application-Response']} ${vars(done, RESULT_VARS)}`, out.conn)
}
