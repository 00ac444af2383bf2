/**
 * A channel's caller profile and the `<Prefix>-*` headers FreeSWITCH renders from it
 * (switch_caller_profile_event_set_data): `Caller-*` on every channel event,
 * `Channel-*` in the connect reply, `Other-Leg-*` after a bridge.
 */
import type { HeaderList } from './event.js'

export interface CallerProfile {
  direction: 'inbound' | 'outbound'
  logicalDirection: 'inbound' | 'outbound'
  dialplan: string
  callerIdName: string
  callerIdNumber: string
  origCallerIdName: string
  origCallerIdNumber: string
  calleeIdName: string
  calleeIdNumber: string
  ani: string
  destination: string
  uuid: string
  source: string
  context: string
  channelName: string
  /** Timestamps in microseconds since the epoch; 0 when the thing has not happened. */
  createdUs: number
  answeredUs: number
  progressUs: number
  progressMediaUs: number
  hangupUs: number
  transferUs: number
  bridgedUs: number
  /** `<epoch>:<uuid>:uuid_br:<other>` after a uuid_bridge, `...:bl_xfer:...` after a transfer. */
  transferSource?: string
  /** SIP channels: the authenticated user, the peer's address, the redirecting number. */
  username?: string
  networkAddr?: string
  rdnis?: string
  /** Which caller profile of the channel this is (2 after a transfer). */
  profileIndex?: number
}

export function profileHeaders(prefix: string, p: CallerProfile, options: { other?: boolean } = {}): HeaderList {
  // FreeSWITCH leaves out the identity fields that are empty.
  const h: HeaderList = [
    [`${prefix}-Direction`, p.direction],
    [`${prefix}-Logical-Direction`, p.logicalDirection],
    [`${prefix}-Username`, p.username ?? ''],
    [`${prefix}-Dialplan`, p.dialplan],
    [`${prefix}-Caller-ID-Name`, p.callerIdName],
    [`${prefix}-Caller-ID-Number`, p.callerIdNumber],
    [`${prefix}-Orig-Caller-ID-Name`, p.origCallerIdName],
    [`${prefix}-Orig-Caller-ID-Number`, p.origCallerIdNumber],
    [`${prefix}-Callee-ID-Name`, p.calleeIdName],
    [`${prefix}-Callee-ID-Number`, p.calleeIdNumber],
    [`${prefix}-Network-Addr`, p.networkAddr ?? ''],
    [`${prefix}-ANI`, p.ani],
    [`${prefix}-Destination-Number`, p.destination],
    [`${prefix}-Unique-ID`, p.uuid],
    [`${prefix}-Source`, p.source],
    [`${prefix}-Transfer-Source`, options.other ? '' : (p.transferSource ?? '')],
    [`${prefix}-Context`, p.context],
    [`${prefix}-RDNIS`, p.rdnis ?? ''],
    [`${prefix}-Channel-Name`, p.channelName],
  ].filter(([, v]) => v !== '') as HeaderList
  // The other leg's copy has no Profile-Index (nor Transfer-Source).
  if (!options.other) h.push([`${prefix}-Profile-Index`, String(p.profileIndex ?? 1)])
  h.push(
    [`${prefix}-Profile-Created-Time`, String(p.createdUs)],
    [`${prefix}-Channel-Created-Time`, String(p.createdUs)],
    [`${prefix}-Channel-Answered-Time`, String(p.answeredUs)],
    [`${prefix}-Channel-Progress-Time`, String(p.progressUs)],
    [`${prefix}-Channel-Progress-Media-Time`, String(p.progressMediaUs)],
    [`${prefix}-Channel-Hangup-Time`, String(p.hangupUs)],
    [`${prefix}-Channel-Transfer-Time`, String(p.transferUs)],
    [`${prefix}-Channel-Resurrect-Time`, '0'],
    [`${prefix}-Channel-Bridged-Time`, String(p.bridgedUs)],
    [`${prefix}-Channel-Last-Hold`, '0'],
    [`${prefix}-Channel-Hold-Accum`, '0'],
    [`${prefix}-Screen-Bit`, 'true'],
    [`${prefix}-Privacy-Hide-Name`, 'false'],
    [`${prefix}-Privacy-Hide-Number`, 'false'],
  )
  return h
}
