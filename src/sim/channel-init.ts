/**
 * What a new channel starts with: its caller profile and its first variables, in the
 * order FreeSWITCH sets them for a loopback, an originated or a SIP channel.
 */
import type { CallerProfile } from './caller-profile.js'
import type { SimChannel } from './channel.js'

export interface ChannelInit {
  uuid?: string
  name: string
  direction: 'inbound' | 'outbound'
  callerIdName: string
  callerIdNumber: string
  destination: string
  calleeIdName?: string
  calleeIdNumber?: string
  context?: string
  source?: string
  vars?: Array<[string, string]>
  /** An originated leg lists its variables in another order (is_outbound, call_uuid ...). */
  originated?: boolean
  /** A SIP channel has no codec until media is negotiated; its variables come from mod_sofia. */
  sip?: boolean
}

/** The caller profile of a channel created at `nowUs`. */
export function initialProfile(init: ChannelInit, uuid: string, nowUs: number): CallerProfile {
  return {
    direction: init.direction,
    logicalDirection: init.direction,
    dialplan: 'xml',
    callerIdName: init.callerIdName,
    callerIdNumber: init.callerIdNumber,
    origCallerIdName: init.callerIdName,
    origCallerIdNumber: init.callerIdNumber,
    calleeIdName: init.calleeIdName ?? 'Outbound Call',
    calleeIdNumber: init.calleeIdNumber ?? (init.context ?? 'default'),
    ani: init.callerIdNumber,
    destination: init.destination,
    uuid,
    source: init.source ?? 'mod_loopback',
    context: init.context ?? 'default',
    channelName: init.name,
    createdUs: nowUs,
    answeredUs: 0,
    progressUs: 0,
    progressMediaUs: 0,
    hangupUs: 0,
    transferUs: 0,
    bridgedUs: 0,
  }
}

/** Sets a new channel's first variables (and drops a SIP channel's codec until it has media). */
export function setInitialVariables(ch: SimChannel, init: ChannelInit): void {
  const codecs = (): void => {
    ch.setVar('read_codec', 'L16')
    ch.setVar('read_rate', '8000')
    ch.setVar('write_codec', 'L16')
    ch.setVar('write_rate', '8000')
  }
  ch.setVar('direction', init.direction)
  if (init.originated) {
    ch.setVar('is_outbound', 'true')
    ch.setVar('session_id', String(ch.sw.nextSessionId()))
    codecs()
    ch.setVar('channel_name', init.name)
    ch.setVar('uuid', ch.uuid)
    ch.setVar('call_uuid', ch.uuid)
  } else if (init.sip) {
    ch.codec = undefined
    ch.setVar('uuid', ch.uuid)
    ch.setVar('session_id', String(ch.sw.nextSessionId()))
  } else {
    ch.setVar('uuid', ch.uuid)
    ch.setVar('session_id', String(ch.sw.nextSessionId()))
    ch.setVar('channel_name', init.name)
    codecs()
  }
  for (const [k, v] of init.vars ?? []) ch.setVar(k, v)
}
