/**
 * (e) Event filters on an inbound control connection subscribed the way esl-lite does
 * (one `event json <name>` per name, CUSTOM first, `event json CUSTOM <subclass> ` with a
 * trailing space): the replies to `filter` and `filter delete`, and which events still
 * arrive. Then one `event json` line naming CUSTOM before other names (they are taken as
 * CUSTOM subclasses).
 */
import { randomUUID } from 'node:crypto'
import type { RecordingScenario, ScenarioContext } from '../recording-session.js'
import type { ScriptedPeer } from '../scripted-peer.js'

export const inboundEventFilters: RecordingScenario = {
  name: 'inbound-event-filters',
  title: 'FreeSWITCH inbound event socket: filter / filter delete on a control connection subscribed as esl-lite does',
  description: [
    'inb1: auth; event json CUSTOM; event json CHANNEL_EXECUTE_COMPLETE; event json BACKGROUND_JOB; event json CHANNEL_HANGUP_COMPLETE;',
    '  event json CUSTOM avmd::beep (trailing space, as esl-lite sends it); filter Event-Name BACKGROUND_JOB;',
    '  filter Event-Name CHANNEL_HANGUP_COMPLETE; then per step a call X/Y/Z: bgapi originate {origination_uuid=..}loopback/5001/default &park,',
    '  0.5 s, api uuid_kill: (X) with both filters; filter delete Event-Name BACKGROUND_JOB; (Y); filter delete Event-Name; (Z);',
    '  filter Event-Name (no value); filter delete all; exit.',
    'inb2 (after inb1 closed): auth; event json CHANNEL_EXECUTE_COMPLETE CUSTOM BACKGROUND_JOB CHANNEL_HANGUP_COMPLETE; call W; exit.',
  ],
  extensions: () => ({ '5001': [['answer'], ['park']] }),
  async run(ctx) {
    const inb1 = await ctx.inbound()
    await inb1.waitFor('auth/request', (m) => m.type === 'auth/request')
    await inb1.command('auth ClueCon')
    for (const name of ['CUSTOM', 'CHANNEL_EXECUTE_COMPLETE', 'BACKGROUND_JOB', 'CHANNEL_HANGUP_COMPLETE']) await inb1.command(`event json ${name}`)
    await inb1.command('event json CUSTOM avmd::beep ')
    await inb1.command('filter Event-Name BACKGROUND_JOB')
    await inb1.command('filter Event-Name CHANNEL_HANGUP_COMPLETE')
    await call(ctx, inb1, 'X (filters BACKGROUND_JOB and CHANNEL_HANGUP_COMPLETE)')
    await inb1.command('filter delete Event-Name BACKGROUND_JOB')
    await call(ctx, inb1, 'Y (filter CHANNEL_HANGUP_COMPLETE left)')
    await inb1.command('filter delete Event-Name')
    await call(ctx, inb1, 'Z (no filter left)')
    await inb1.command('filter Event-Name')
    await inb1.command('filter delete all')
    await inb1.command('exit')
    await inb1.ended

    const inb2 = await ctx.inbound()
    await inb2.waitFor('auth/request', (m) => m.type === 'auth/request')
    await inb2.command('auth ClueCon')
    await inb2.command('event json CHANNEL_EXECUTE_COMPLETE CUSTOM BACKGROUND_JOB CHANNEL_HANGUP_COMPLETE')
    await call(ctx, inb2, 'W (one event line, CUSTOM before BACKGROUND_JOB and CHANNEL_HANGUP_COMPLETE)')
    await inb2.command('exit')
    await inb2.ended
  },
}

/** A call through the control connection's own bgapi, killed 0.5 s later; notes what arrived. */
async function call(ctx: ScenarioContext, inb: ScriptedPeer, label: string): Promise<void> {
  const uuid = randomUUID()
  const from = inb.mark()
  const reply = await inb.command(`bgapi originate {origination_uuid=${uuid}}loopback/5001/default &park`)
  // The job's result is not seen when filtered out: wait until the call is up instead.
  await waitUntil(ctx, async () => (await ctx.cli(`uuid_exists ${uuid}`)) === 'true')
  await ctx.sleep(500)
  await inb.api(`uuid_kill ${uuid}`)
  await ctx.sleep(1000)
  const seen = inb.received
    .slice(from)
    .flatMap((m) => (m.event ? [`${m.event['Event-Name']}${m.event['Channel-Name'] ? `(${m.event['Channel-Name']})` : ''}`] : []))
  ctx.note(`call ${label}: Job-UUID ${reply.header('Job-UUID')}; events that arrived: ${seen.join(', ') || 'none'}`, inb.conn)
}

async function waitUntil(ctx: ScenarioContext, ok: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if (await ok()) return
    await ctx.sleep(100)
  }
  throw new Error('the call did not come up')
}
