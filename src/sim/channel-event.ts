/**
 * Builds the events a channel fires: the channel's data headers (state, profile, codec,
 * other leg, variables) in the order the transcripts show, between a module's own first
 * headers and the event's specific ones.
 */
import { profileHeaders } from './caller-profile.js'
import type { SimChannel } from './channel.js'
import { EVENTS_WITH_VARIABLES, SimEvent, type HeaderList } from './event.js'

export interface EventOptions {
  /** Headers placed right after Event-Sequence (Bridge-A-Unique-ID, Hangup-Cause ...). */
  before?: HeaderList
  /** Headers after the variables (Application-*, Playback-*, DTMF-* ...). */
  after?: HeaderList
  /** Key into EVENT_ORIGINS when it differs from the event name. */
  origin?: string
  /** Put a `Channel-*` copy of the profile first (the connect reply's CHANNEL_DATA). */
  channelProfile?: boolean
  subclass?: string
}

/** The event `name` of `ch`, starting with the headers `first`. */
export function buildChannelEvent(ch: SimChannel, first: HeaderList, name: string, options: EventOptions): SimEvent {
  const h: HeaderList = [...first]
  if (options.before) h.push(...options.before)
  if (options.channelProfile) h.push(...profileHeaders('Channel', ch.profile))
  h.push(
    ['Channel-State', ch.runningState],
    ['Channel-Call-State', ch.callState],
    ['Channel-State-Number', String(ch.stateNumber)],
    ['Channel-Name', ch.name],
    ['Unique-ID', ch.uuid],
    ['Call-Direction', ch.profile.direction],
    ['Presence-Call-Direction', ch.profile.direction],
    ['Channel-HIT-Dialplan', 'true'],
  )
  if (ch.presenceId) h.push(['Channel-Presence-ID', ch.presenceId])
  h.push(['Channel-Call-UUID', ch.uuid], ['Answer-State', ch.answerState])
  if (ch.hangupCause !== undefined) h.push(['Hangup-Cause', ch.hangupCause])
  // Codec headers appear once media is negotiated (at once for loopback channels).
  const c = ch.codec
  if (c) {
    h.push(
      ['Channel-Read-Codec-Name', c.name],
      ['Channel-Read-Codec-Rate', c.rate],
      ['Channel-Read-Codec-Bit-Rate', c.bitRate],
      ['Channel-Write-Codec-Name', c.name],
      ['Channel-Write-Codec-Rate', c.rate],
      ['Channel-Write-Codec-Bit-Rate', c.bitRate],
    )
  }
  h.push(...profileHeaders('Caller', ch.profile))
  if (ch.otherLeg) {
    h.push(['Other-Type', ch.otherLeg.type], ...profileHeaders('Other-Leg', ch.otherLeg.channel.profile, { other: true }))
  }
  if (EVENTS_WITH_VARIABLES.has(name)) for (const [k, v] of ch.vars) h.push([`variable_${k}`, v])
  if (options.after) h.push(...options.after)
  return new SimEvent(name, h)
}
