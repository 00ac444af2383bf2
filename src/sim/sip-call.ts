/**
 * An inbound SIP call as mod_sofia presents it (the shape of the sipp transcript, and of a
 * carrier's call in production): one `sofia/<profile>/<user>@<host>:<port>` channel with
 * the sip_* variables of its INVITE, transferred from the `public` context to `default`,
 * no codec until media is negotiated (early media first, then the answer), RFC 2833 DTMF.
 */
import { randomUUID } from 'node:crypto'
import { runScript, type CallerScript } from './caller-script.js'
import { SimChannel, type ChannelEndpoint } from './channel.js'
import type { SimSwitch } from './switch.js'

export interface SipCallOptions {
  /** The caller's user part (a number for a carrier call). */
  from: string
  fromName?: string
  to: string
  fromHost?: string
  fromPort?: number
  profile?: string
  subject?: string
  uuid?: string
  script?: CallerScript
}

export interface SipCall {
  channel: SimChannel
  done: Promise<void>
}

const SWITCH_HOST = '127.0.0.1'
const SWITCH_PORT = 5060

class SofiaEndpoint implements ChannelEndpoint {
  readonly dtmfSource = 'RTP' as const
  private readonly mediaPort = 16384 + Math.floor(Math.random() * 16000) * 2
  private hungUpByUs = true

  constructor(private readonly remote: { host: string; port: number; tag: string }) {}

  onMedia(ch: SimChannel): void {
    const v = (k: string, value: string): void => ch.setVar(k, value)
    v('remote_video_media_flow', 'inactive')
    v('remote_text_media_flow', 'inactive')
    v('remote_audio_media_flow', 'sendrecv')
    v('audio_media_flow', 'sendrecv')
    v('rtp_audio_recv_pt', '0')
    v('rtp_use_codec_name', 'PCMU')
    v('rtp_use_codec_rate', '8000')
    v('rtp_use_codec_ptime', '20')
    v('rtp_use_codec_channels', '1')
    v('rtp_last_audio_codec_string', 'PCMU@8000h@20i@1c')
    v('read_codec', 'PCMU')
    v('original_read_codec', 'PCMU')
    v('read_rate', '8000')
    v('original_read_rate', '8000')
    v('write_codec', 'PCMU')
    v('write_rate', '8000')
    v('dtmf_type', 'rfc2833')
    v('local_media_ip', SWITCH_HOST)
    v('local_media_port', String(this.mediaPort))
    v('advertised_media_ip', SWITCH_HOST)
    v('rtp_use_timer_name', 'soft')
    v('rtp_use_pt', '0')
    v('rtp_use_ssrc', String(Math.floor(Math.random() * 2 ** 32)))
    v('rtp_2833_send_payload', '101')
    v('rtp_2833_recv_payload', '101')
    v('remote_media_ip', this.remote.host)
    v('remote_media_port', '6000')
    v('endpoint_disposition', 'EARLY MEDIA')
    ch.codec = { name: 'PCMU', rate: '8000', bitRate: '64000' }
  }

  onAnswered(ch: SimChannel): void {
    ch.setVar('rtp_local_sdp_str', localSdp(this.mediaPort))
    // The caller's ACK arrives just after the answer and fills in the dialog.
    ch.sw.clock.setTimeout(() => {
      if (!ch.isUp) return
      const tag = randomTag()
      ch.setVar('sip_to_tag', tag)
      ch.setVar('sip_cseq', '1')
      ch.setVar('sip_full_via', `SIP/2.0/UDP ${this.remote.host}:${this.remote.port};branch=z9hG4bK-${this.remote.tag}`)
      ch.setVar('sip_full_to', `<sip:${ch.profile.destination}@${SWITCH_HOST}:${SWITCH_PORT}>;tag=${tag}`)
    }, 5)
  }

  /** The caller hung up (a BYE from them) rather than us. */
  callerHungUp(): void {
    this.hungUpByUs = false
  }

  onHangup(ch: SimChannel): void {
    const seconds = Math.max(0, (ch.sw.nowUs() - (ch.profile.answeredUs || ch.sw.nowUs())) / 1e6)
    const packets = Math.round(seconds * 50)
    ch.setVar('sip_hangup_disposition', this.hungUpByUs ? 'send_bye' : 'recv_bye')
    const stats: Array<[string, number | string]> = [
      ['in_raw_bytes', packets * 160],
      ['in_media_bytes', packets * 160],
      ['in_packet_count', packets],
      ['in_media_packet_count', packets],
      ['in_skip_packet_count', 0],
      ['in_jitter_packet_count', 0],
      ['in_dtmf_packet_count', 0],
      ['in_cng_packet_count', 0],
      ['in_flush_packet_count', 0],
      ['in_largest_jb_size', 0],
      ['in_jitter_min_variance', '0.00'],
      ['in_jitter_max_variance', '0.00'],
      ['in_jitter_loss_rate', '0.00'],
      ['in_jitter_burst_rate', '0.00'],
      ['in_mean_interval', '0.00'],
      ['in_flaw_total', 0],
      ['in_quality_percentage', '100.00'],
      ['in_mos', '4.50'],
      ['out_raw_bytes', packets * 172],
      ['out_media_bytes', packets * 172],
      ['out_packet_count', packets],
      ['out_media_packet_count', packets],
      ['out_skip_packet_count', 0],
      ['out_dtmf_packet_count', 0],
      ['out_cng_packet_count', 0],
      ['rtcp_packet_count', 0],
      ['rtcp_octet_count', 0],
    ]
    for (const [k, value] of stats) ch.setVar(`rtp_audio_${k}`, String(value))
  }
}

/** Places an inbound SIP call; its dialplan runs at once (our socket app by default). */
export function placeSipCall(sw: SimSwitch, o: SipCallOptions): SipCall {
  const host = o.fromHost ?? SWITCH_HOST
  const port = o.fromPort ?? 5070
  const profileName = o.profile ?? 'external'
  const name = o.fromName ?? o.from
  const uri = `${o.from}@${host}:${port}`
  const tag = `${Math.floor(Math.random() * 1e5)}SIPpTag00${Math.floor(Math.random() * 10)}`
  const callId = `${Math.floor(Math.random() * 1e6)}-${Math.floor(Math.random() * 1e5)}@${host}`
  const now = sw.nowUs()
  const transfer = `${Math.floor(now / 1e6)}:${randomUUID()}:bl_xfer:${o.to}/default/XML`
  const vars: Array<[string, string]> = [
    ['sip_from_user', o.from],
    ['sip_from_port', String(port)],
    ['sip_from_uri', uri],
    ['sip_from_host', host],
    ['video_media_flow', 'disabled'],
    ['audio_media_flow', 'disabled'],
    ['text_media_flow', 'disabled'],
    ['channel_name', `sofia/${profileName}/${uri}`],
    ['sip_call_id', callId],
    ['sip_local_network_addr', SWITCH_HOST],
    ['sip_network_ip', host],
    ['sip_network_port', String(port)],
    ['sip_invite_stamp', String(now)],
    ['sip_received_ip', host],
    ['sip_received_port', String(port)],
    ['sip_via_protocol', 'udp'],
    ['sip_authorized', 'true'],
    ['sip_acl_authed_by', 'domains'],
    ['sip_from_user_stripped', o.from],
    ['sip_from_tag', tag],
    ['sofia_profile_name', profileName],
    ['sofia_profile_url', `sip:mod_sofia@${SWITCH_HOST}:${SWITCH_PORT}`],
    ['recovery_profile_name', profileName],
    ['sip_full_via', `SIP/2.0/UDP ${host}:${port};branch=z9hG4bK-${tag}`],
    ['sip_from_display', name],
    ['sip_full_from', `${name} <sip:${uri}>`],
    ['sip_full_to', `<sip:${o.to}@${SWITCH_HOST}:${SWITCH_PORT}>`],
    ['sip_req_user', o.to],
    ['sip_req_port', String(SWITCH_PORT)],
    ['sip_req_uri', `${o.to}@${SWITCH_HOST}:${SWITCH_PORT}`],
    ['sip_req_host', SWITCH_HOST],
    ['sip_to_user', o.to],
    ['sip_to_port', String(SWITCH_PORT)],
    ['sip_to_uri', `${o.to}@${SWITCH_HOST}:${SWITCH_PORT}`],
    ['sip_to_host', SWITCH_HOST],
    ['sip_contact_user', o.from],
    ['sip_contact_port', String(port)],
    ['sip_contact_uri', uri],
    ['sip_contact_host', host],
    ['rtp_use_codec_string', 'OPUS,G722,PCMU,PCMA,H264,VP8'],
  ]
  if (o.subject) vars.push(['sip_subject', o.subject])
  vars.push(
    ['sip_via_host', host],
    ['sip_via_port', String(port)],
    ['presence_id', `${o.from}@${host}`],
    ['switch_r_sdp', remoteSdp(host)],
    ['ep_codec_string', 'CORE_PCM_MODULE.PCMU@8000h@20i'],
    ['endpoint_disposition', 'DELAYED NEGOTIATION'],
    ['outside_call', 'true'],
    ['RFC2822_DATE', new Date(now / 1000).toUTCString().replace('GMT', '+0000')],
    ['export_vars', 'RFC2822_DATE'],
    ['max_forwards', '69'],
    ['transfer_history', transfer],
    ['transfer_source', transfer],
    ['DP_MATCH', `ARRAY::${o.to}|:${o.to}`],
  )
  const ch = new SimChannel(sw, {
    uuid: o.uuid,
    name: `sofia/${profileName}/${uri}`,
    direction: 'inbound',
    callerIdName: name,
    callerIdNumber: o.from,
    destination: o.to,
    calleeIdName: '',
    calleeIdNumber: '',
    source: 'mod_sofia',
    vars,
    sip: true,
  })
  ch.setVar('call_uuid', ch.uuid)
  Object.assign(ch.profile, { username: o.from, networkAddr: host, rdnis: o.to, transferSource: transfer, profileIndex: 2, dialplan: 'XML' })
  ch.presenceId = `${o.from}@${host}`
  const endpoint = new SofiaEndpoint({ host, port, tag })
  ch.endpoint = endpoint
  ch.runningState = 'CS_EXECUTE'
  ch.stateNumber = 4
  ch.callState = 'RINGING'
  const actions = sw.dialplanFor(o.to, 'default')
  if (actions) void ch.runDialplan(actions)
  else void ch.hangup('NO_ROUTE_DESTINATION')
  if (o.script) {
    // The script's hang-up is the caller's BYE.
    void runScript({ media: ch, own: ch, onHangup: () => endpoint.callerHungUp() }, o.script)
  }
  return { channel: ch, done: ch.gone.then(() => undefined) }
}

function remoteSdp(host: string): string {
  return (
    `v=0\r\no=user1 53655765 2353687637 IN IP4 ${host}\r\ns=-\r\nc=IN IP4 ${host}\r\nt=0 0\r\n` +
    'm=audio 6000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\n'
  )
}

function localSdp(port: number): string {
  return (
    `v=0\no=FreeSWITCH 1795317101 1795317102 IN IP4 ${SWITCH_HOST}\ns=FreeSWITCH\nc=IN IP4 ${SWITCH_HOST}\nt=0 0\n` +
    `m=audio ${port} RTP/AVP 0 101\na=rtpmap:0 PCMU/8000\na=rtpmap:101 telephone-event/8000\na=fmtp:101 0-15\na=ptime:20\na=sendrecv\n`
  )
}

function randomTag(): string {
  return randomUUID().replace(/-/g, '').slice(0, 13)
}
