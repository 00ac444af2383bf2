/**
 * (a) The caller hangs up while the socket app's `bridge` is up: in what order the
 * bridging channel reports the hangup, the unbridge and the bridge's completion, and what
 * the completion's result variables say.
 */
import { randomUUID } from 'node:crypto'
import type { RecordingScenario } from '../recording-session.js'
import { finishLingering, leave, observer, order, placeCaller, takeCall, vars } from '../scenario-steps.js'

export const bridgeCallerHangup: RecordingScenario = {
  name: 'bridge-caller-hangup',
  title: 'FreeSWITCH outbound event socket: the caller hangs up during the app\'s bridge to an agent',
  description: [
    'the app answers and bridges to loopback/5001 (the agent answers at once); 1.5 s after CHANNEL_BRIDGE the caller (the',
    'parked -a leg of loopback/5000) is killed with fs_cli uuid_kill. out1 = the socket (myevents plain, linger), inb1 = an observer',
    '(event json CHANNEL_BRIDGE CHANNEL_UNBRIDGE CHANNEL_HANGUP CHANNEL_EXECUTE_COMPLETE CHANNEL_HANGUP_COMPLETE) that sees the agent leg too.',
    'out1 commands: connect; myevents; linger; execute answer; execute bridge {origination_uuid=<G>,origination_caller_id_number=1001}loopback/5001/default;',
    '  (after the hangup) exit once the linger notice came.',
  ],
  extensions: ({ app }) => ({
    '5000': [['socket', `${app} async full`]],
    '5001': [['answer'], ['park']],
  }),
  async run(ctx) {
    const inb = await observer(ctx, 'CHANNEL_BRIDGE CHANNEL_UNBRIDGE CHANNEL_HANGUP CHANNEL_EXECUTE_COMPLETE CHANNEL_HANGUP_COMPLETE')
    const caller = await placeCaller(ctx, '5000')
    const out = await ctx.outbound()
    const socketUuid = await takeCall(out, ctx)
    await out.execute('answer').complete
    const agent = randomUUID()
    ctx.note(`G = ${agent} = origination_uuid of the agent leg (loopback/5001-a)`)
    const bridged = out.mark()
    const bridge = out.execute('bridge', `{origination_uuid=${agent},origination_caller_id_number=1001}loopback/5001/default`)
    await out.event('CHANNEL_BRIDGE', bridged)
    await ctx.sleep(1500)
    const killedAt = out.mark()
    await ctx.cli(`uuid_kill ${caller}`)
    const done = await bridge.complete
    ctx.note(`after the caller's hangup the socket got, in order: ${order(out, killedAt, out.received.indexOf(done) + 1)}`, out.conn)
    ctx.note(
      `bridge CHANNEL_EXECUTE_COMPLETE: Application-Response=${done.event?.['Application-Response']} ${vars(done, ['originate_disposition', 'DIALSTATUS', 'bridge_hangup_cause', 'last_bridge_hangup_cause', 'hangup_cause'])}`,
      out.conn,
    )
    await finishLingering(out, killedAt)
    await inb.event('CHANNEL_HANGUP_COMPLETE', 0, (e) => e['Unique-ID'] === agent)
    await inb.event('CHANNEL_HANGUP_COMPLETE', 0, (e) => e['Unique-ID'] === socketUuid)
    await ctx.sleep(300)
    await leave(inb)
  },
}
