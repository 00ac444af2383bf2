/**
 * Steps the recording scenarios share: placing a caller the way the golden transcripts
 * do (fs_cli bgapi originate of a loopback call whose -a leg parks), taking the call on
 * the outbound socket (`connect`, `myevents`, `linger`), an observing inbound session, and
 * ending a socket session cleanly. Each step leaves NOTE lines saying what it saw.
 */
import { randomUUID } from 'node:crypto'
import type { ScenarioContext } from './recording-session.js'
import type { PeerMessage, ScriptedPeer } from './scripted-peer.js'

/** A caller on `loopback/<ext>/default`: its -a leg (uuid) parks, the -b leg runs the extension. */
export async function placeCaller(ctx: ScenarioContext, ext: string, n = 1, extraVars = ''): Promise<string> {
  const uuid = randomUUID()
  await ctx.cli(
    `bgapi originate {origination_uuid=${uuid},origination_caller_id_number=100${n},origination_caller_id_name=ESL-Test-${n}${extraVars}}loopback/${ext}/default &park`,
  )
  return uuid
}

/** The app takes the call: connect, myevents (plain or json), linger. Returns the channel's UUID. */
export async function takeCall(out: ScriptedPeer, ctx: ScenarioContext, options: { json?: boolean; linger?: boolean } = {}): Promise<string> {
  const reply = await out.command('connect')
  const uuid = reply.header('Unique-ID') ?? ''
  ctx.note(`connect reply: Unique-ID=${uuid} Channel-Name=${decode(reply.header('Channel-Name'))} Call-Direction=${reply.header('Call-Direction')}`, out.conn)
  // The socket app parks the channel about 1 ms after `connect`: whether an app that subscribes
  // within that millisecond sees CHANNEL_PARK is a race. We subscribe after it, always.
  await ctx.sleep(50)
  await out.command(options.json ? 'myevents json' : 'myevents')
  if (options.linger !== false) await out.command('linger')
  return uuid
}

/** An inbound session that authenticates and subscribes (json) to `events`. */
export async function observer(ctx: ScenarioContext, events: string): Promise<ScriptedPeer> {
  const inb = await ctx.inbound()
  await inb.waitFor('auth/request', (m) => m.type === 'auth/request')
  await inb.command('auth ClueCon')
  await inb.command(`event json ${events}`)
  return inb
}

/** After the channel hung up: HANGUP_COMPLETE, the linger notice, then `exit` and FreeSWITCH's close. */
export async function finishLingering(out: ScriptedPeer, from = 0): Promise<void> {
  await out.event('CHANNEL_HANGUP_COMPLETE', from, undefined, 30_000)
  await out.waitFor('the linger notice', (m) => m.type === 'text/disconnect-notice', from)
  if (!out.closed) await out.command('exit')
  await out.ended
}

/** Ends an inbound session with `exit`. */
export async function leave(inb: ScriptedPeer): Promise<void> {
  await inb.command('exit')
  await inb.ended
}

/** `name=value` of the given variables of an event, for a NOTE. */
export function vars(m: PeerMessage, names: string[]): string {
  return names.map((n) => `${n}=${m.event?.[`variable_${n}`] ?? 'undefined'}`).join(' ')
}

/** The event names of messages from `from` on, in order (for a NOTE about the order). */
export function order(peer: ScriptedPeer, from: number, to = peer.received.length): string {
  return peer.received
    .slice(from, to)
    .map((m) => {
      const name = m.event?.['Event-Subclass'] ?? m.event?.['Event-Name'] ?? m.type
      return name.startsWith('CHANNEL_EXECUTE') ? `${name}(${m.event?.Application ?? ''})` : name
    })
    .join(', ')
}

function decode(v: string | undefined): string {
  try {
    return decodeURIComponent(v ?? '')
  } catch {
    return v ?? ''
  }
}
