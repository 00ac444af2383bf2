/**
 * The simulator against the golden transcripts: driven by the same commands and the same
 * operator actions (the NOTE lines: fs_cli originate, uuid_send_dtmf, uuid_kill, an app
 * crashing), it must say what FreeSWITCH 1.11.1 said, message for message. On outbound
 * sockets the whole sequence must match; on inbound sessions (which see every channel)
 * each channel's events and the non-channel replies must match in order. "Match" means
 * the same kinds in the same order, reply texts, event names, header names in the same
 * order, states, causes, applications and responses, result variables, and the same set
 * of channel variables.
 */
import { describe, expect, it } from 'vitest'
import { transcriptNames } from '../helpers/transcripts.js'
import { differences, runScenario } from './conformance.js'

/**
 * Where the simulator is known to differ, stated exactly so that any change shows. Each
 * comes from one observation in the recordings that we could not reduce to a rule.
 */
const KNOWN: Record<string, string[]> = {
  'dialer-originate-socket': [
    // The socket app parks the channel when it next polls for `connect` (0-1.5 ms after the
    // reply): whether an app that subscribes within that time sees CHANNEL_PARK is a race.
    // Here it did (1.4 ms); in avmd-machine, app-crash and the others it did not, and our
    // recorder subscribes 50 ms after `connect`. We park at once (the usual outcome).
    'out2 #3 text/event-plain CHANNEL_PARK: recorded text/event-plain CHANNEL_PARK, simulated command/reply',
  ],
  'inbound-originate-bridge': [
    // FreeSWITCH had noted the bridge on X before the explicit uuid_record stop; in
    // hold-and-break the same variables appear only at the unbridge, as we set them.
    'inb1 loopback/5001-a#1: #6 text/event-json RECORD_STOP: variables differ (only recorded: bridge_to last_bridge_to last_sent_callee_id_name last_sent_callee_id_number; only simulated: -)',
    // The -b leg of a loopback pair whose -a leg was uuid_bridged and then killed ended its
    // park before hanging up; the other pair in the same recording hung up first.
    'inb1 loopback/5001-b#1: #3 text/event-json CHANNEL_EXECUTE_COMPLETE: recorded text/event-json CHANNEL_EXECUTE_COMPLETE, simulated text/event-json CHANNEL_HANGUP',
  ],
}

describe('simulator conformance with the FreeSWITCH 1.11.1 transcripts', () => {
  for (const name of transcriptNames()) {
    it(name, async () => {
      const { recorded, simulated } = await runScenario(name)
      const found: string[] = []
      for (const [conn, shapes] of recorded) {
        const mode = conn.startsWith('out') || conn.startsWith('conn') ? 'exact' : 'per-channel'
        for (const d of differences(shapes, simulated.get(conn) ?? [], mode)) found.push(`${conn} ${d}`)
      }
      expect(found).toEqual(KNOWN[name] ?? [])
    })
  }
})
