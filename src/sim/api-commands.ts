/**
 * The api commands the simulator answers, with FreeSWITCH 1.11's reply texts as the
 * transcripts recorded them (trailing newline or not): status, originate, uuid_kill,
 * uuid_break, uuid_bridge, uuid_broadcast, uuid_record, uuid_transfer, uuid_getvar,
 * uuid_setvar, uuid_setvar_multi, uuid_exists, uuid_send_dtmf, uuid_recv_dtmf, show channels, hupall, version.
 */
import { startSessionRecording, stopSessionRecording } from './apps/record.js'
import type { SimChannel } from './channel.js'
import { localStamp } from './cdr-variables.js'
import { parseDialString, splitArgs } from './dial-string.js'
import { requestBreak } from './media-break.js'
import { originate } from './originate.js'
import type { SimSwitch } from './switch.js'

const NO_CHANNEL = '-ERR No such channel!\n'

export async function runApi(sw: SimSwitch, line: string): Promise<string> {
  const trimmed = line.trim()
  const space = trimmed.indexOf(' ')
  const name = space < 0 ? trimmed : trimmed.slice(0, space)
  const args = space < 0 ? '' : trimmed.slice(space + 1).trim()
  const a = args.split(/\s+/).filter(Boolean)
  const chan = (uuid: string | undefined): SimChannel | undefined => (uuid ? sw.channel(uuid) : undefined)
  switch (name) {
    case 'status':
      return status(sw)
    case 'version':
      return 'FreeSWITCH Version 1.11.1-release~64bit ( 64bit)\n'
    case 'originate':
      return apiOriginate(sw, args)
    case 'uuid_kill': {
      const ch = chan(a[0])
      if (!a[0]) return '-USAGE: <uuid> [cause]\n'
      if (!ch) return NO_CHANNEL
      // The channel's own thread hangs up after the api reply has gone.
      sw.afterReply(() => void ch.hangup(a[1] ?? 'NORMAL_CLEARING'))
      return '+OK\n'
    }
    case 'uuid_break': {
      const ch = chan(a[0])
      if (!a[0]) return '-USAGE: <uuid> [all]\n'
      if (!ch) return NO_CHANNEL
      sw.afterReply(() => requestBreak(ch, (a[1] ?? '').includes('all')))
      return '+OK\n'
    }
    case 'uuid_bridge': {
      const x = chan(a[0])
      const y = chan(a[1])
      if (!a[0] || !a[1]) return '-USAGE: <uuid> <other_uuid>\n'
      if (!x || !y) return '-ERR Invalid uuid\n'
      sw.afterReply(() => void sw.uuidBridge(x, y))
      return `+OK ${y.uuid}\n`
    }
    case 'uuid_broadcast': {
      const ch = chan(a[0])
      if (!a[0] || !a[1]) return '-USAGE: <uuid> <path> [aleg|bleg|holdb|both]\n'
      if (ch) {
        const legs = a[2] === 'bleg' ? [ch.partner] : a[2] === 'both' ? [ch, ch.partner] : [ch]
        for (const leg of legs) {
          if (!leg) continue
          // Played in between whatever the channel runs (park, a socket app), as FreeSWITCH does;
          // what one leg plays, the other side of a loopback pair or bridge hears.
          void leg.runApp('playback', a[1], undefined, 'sendmsg')
          const listener = leg.loopbackPeer ?? leg.partner
          const ms = sw.media.resolve(a[1]).durationMs
          if (listener && Number.isFinite(ms)) listener.speak(ms)
        }
      }
      return '+OK Message sent\n'
    }
    case 'uuid_record': {
      const ch = chan(a[0])
      if (!a[0] || !a[1] || !a[2]) return '-USAGE: <uuid> [start|stop] <path> [<limit>]\n'
      if (!ch) return '-ERR Cannot locate session!\n'
      if (a[1] === 'start') return startSessionRecording(ch, a[2]) ? '+OK Success\n' : '-ERR Cannot record session!\n'
      return stopSessionRecording(ch, a[2]) ? '+OK Success\n' : '-ERR Cannot stop record session!\n'
    }
    case 'uuid_transfer': {
      const ch = chan(a[0])
      if (!a[0] || !a[1]) return '-USAGE: <uuid> [-bleg|-both] <dest-exten> [<dialplan>] [<context>]\n'
      if (!ch) return NO_CHANNEL
      const dest = a[1].startsWith('-') ? a[2] : a[1]
      const actions = dest ? sw.dialplanFor(dest, a[a[1].startsWith('-') ? 4 : 3] ?? 'default') : undefined
      if (!actions) return '-ERR\n'
      sw.afterReply(() => void sw.transfer(ch, dest!, actions))
      return '+OK\n'
    }
    case 'uuid_getvar': {
      const ch = chan(a[0])
      if (!a[0] || !a[1]) return '-USAGE: <uuid> <var>\n'
      if (!ch) return NO_CHANNEL
      return ch.getVar(a[1]) ?? '_undef_'
    }
    case 'uuid_setvar': {
      const ch = chan(a[0])
      if (!a[0] || !a[1]) return '-USAGE: <uuid> <var> [value]\n'
      if (!ch) return NO_CHANNEL
      ch.setVar(a[1], a.slice(2).join(' ') || undefined)
      return '+OK\n'
    }
    case 'uuid_setvar_multi':
      return setvarMulti(sw, args)
    case 'uuid_exists':
      return chan(a[0]) ? 'true' : 'false'
    case 'uuid_send_dtmf': {
      const ch = chan(a[0])
      if (!a[0] || !a[1]) return '-USAGE: <uuid> <dtmf_data>\n'
      if (!ch) return '-ERR Cannot locate session!\n'
      // DTMF sent *to* a channel is heard by whatever is on its other side.
      const to = ch.loopbackPeer ?? ch.partner
      ch.setVar('last_dtmf_duration', '2000')
      sw.afterReply(() => void sw.sendDigits(to, a[1]!.replace(/@\d+$/, '')))
      return `+OK ${ch.uuid} sent DTMF ${a[1]}.\n`
    }
    case 'uuid_recv_dtmf': {
      // DTMF the channel receives as if its far end had pressed it (mod_commands.c).
      const ch = chan(a[0])
      if (!a[0] || !a[1]) return '-USAGE: <uuid> <dtmf_data>\n'
      if (!ch) return '-ERR Cannot locate session!\n'
      sw.afterReply(() => void sw.sendDigits(ch, a[1]!))
      return `+OK ${ch.uuid} received DTMF ${a[1]}.\n`
    }
    case 'hupall': {
      const cause = a[0] ?? 'MANAGER_REQUEST'
      for (const ch of sw.allChannels()) void ch.hangup(cause)
      return '+OK hangup all channels with cause ' + cause + '\n'
    }
    case 'show':
      if (a[0] === 'channels') return showChannels(sw, a.includes('json'))
      return '-USAGE: codec|endpoint|application|api|dialplan|file|timer|calls [count]|channels [count|like <match string>]|calls|detailed_calls|bridged_calls|detailed_bridged_calls|aliases|complete|chat|management|modules|nat_map|say|interfaces|interface_types|tasks|limits|status\n'
    default:
      return `-ERR ${name} Command not found!\n`
  }
}

async function apiOriginate(sw: SimSwitch, args: string): Promise<string> {
  const a = splitArgs(args)
  if (a.length < 2 || a.length > 7) {
    return '-USAGE: <call url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] [<cid_name>] [<cid_num>] [<timeout_sec>]\n'
  }
  const dial = parseDialString(a[0]!)
  if (a[6] && !dial.vars.has('originate_timeout')) dial.vars.set('originate_timeout', a[6])
  const outcome = await originate(sw, dial, { callerIdName: a[4], callerIdNumber: a[5] })
  if (!outcome.ok) return `-ERR ${outcome.cause}\n`
  const ch = outcome.channel
  const target = a[1]!
  // Unquoted, `&socket(host:port async full)` arrives cut at its first space: `&socket(host:port`.
  const app = /^&([a-z_]+)(?:\(([^)]*)\)?)?$/.exec(target)
  // The answered leg goes to its application (or extension) after originate returns.
  sw.afterReply(() => {
    ch.flipCallerId()
    if (app) void ch.runDialplan([[app[1]!, app[2] ?? '']])
    else {
      const actions = sw.dialplanFor(target, a[3] ?? 'default')
      if (actions) void ch.runDialplan(actions)
      else void ch.hangup('NO_ROUTE_DESTINATION')
    }
  })
  return `+OK ${ch.uuid}\n`
}

/** uuid_setvar_multi <uuid> a=1;b=2 (an unknown channel gets the error and the usage, as FreeSWITCH writes both). */
function setvarMulti(sw: SimSwitch, args: string): string {
  const usage = '-USAGE: <uuid> <var>=<value>;<var>=<value>...\n'
  const space = args.indexOf(' ')
  if (space < 0) return usage
  const ch = sw.channel(args.slice(0, space))
  if (!ch) return `${NO_CHANNEL}${usage}`
  let out = ''
  let set = 0
  for (const pair of args.slice(space + 1).split(';')) {
    const eq = pair.indexOf('=')
    const name = eq < 0 ? pair : pair.slice(0, eq)
    if (name === '') {
      out += '-ERR No variable specified\n'
      continue
    }
    ch.setVar(name, eq < 0 ? undefined : pair.slice(eq + 1))
    set++
  }
  return set > 0 ? `${out}+OK\n` : `${out}${usage}`
}

function status(sw: SimSwitch): string {
  const up = sw.clock.now() - sw.startedAt
  const s = Math.floor(up / 1000)
  const uptime =
    `UP 0 years, ${Math.floor(s / 86400)} days, ${Math.floor(s / 3600) % 24} hours, ${Math.floor(s / 60) % 60} minutes, ` +
    `${s % 60} seconds, ${up % 1000} milliseconds, 0 microseconds`
  const count = sw.allChannels().length
  return (
    `${uptime}\nFreeSWITCH (Version 1.11.1-release  64bit) is ready\n${sw.sessionsSinceStart} session(s) since startup\n` +
    `${count} session(s) - peak ${sw.peakSessions}, last 5min ${sw.peakSessions} \n` +
    `0 session(s) per Sec out of max ${sw.sessionsPerSecond}, peak 0, last 5min 0 \n${sw.maxSessions} session(s) max\n` +
    'min idle cpu 0.00/99.00\nCurrent Stack Size/Max 240K/8192K'
  )
}

function showChannels(sw: SimSwitch, json: boolean): string {
  const rows = sw.allChannels().map((ch) => ({
    uuid: ch.uuid,
    direction: ch.profile.direction,
    created: localStamp(ch.profile.createdUs),
    created_epoch: String(Math.floor(ch.profile.createdUs / 1e6)),
    name: ch.name,
    state: ch.runningState,
    cid_name: ch.profile.callerIdName,
    cid_num: ch.profile.callerIdNumber,
    ip_addr: '',
    dest: ch.profile.destination,
    application: ch.current?.name ?? '',
    application_data: ch.current?.arg ?? '',
    dialplan: 'xml',
    context: ch.profile.context,
    read_codec: 'L16',
    read_rate: '8000',
    read_bit_rate: '128000',
    write_codec: 'L16',
    write_rate: '8000',
    write_bit_rate: '128000',
    secure: '',
    hostname: sw.hostname,
    presence_id: '',
    presence_data: '',
    accountcode: '',
    callstate: ch.callState,
    callee_name: ch.profile.calleeIdName,
    callee_num: ch.profile.calleeIdNumber,
    callee_direction: '',
    call_uuid: ch.getVar('call_uuid') ?? ch.uuid,
    sent_callee_name: '',
    sent_callee_num: '',
    initial_cid_name: ch.profile.origCallerIdName,
    initial_cid_num: ch.profile.origCallerIdNumber,
    initial_ip_addr: '',
    initial_dest: ch.profile.destination,
    initial_dialplan: 'xml',
    initial_context: ch.profile.context,
  }))
  if (json) return rows.length === 0 ? '{"row_count":0}' : JSON.stringify({ row_count: rows.length, rows })
  if (rows.length === 0) return '\n0 total.\n'
  const keys = Object.keys(rows[0]!)
  return `${keys.join(',')}\n${rows.map((r) => Object.values(r).join(',')).join('\n')}\n\n${rows.length} total.\n`
}
