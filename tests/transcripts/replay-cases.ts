/**
 * Which replay test file covers which golden transcript. Each test file builds one
 * `describe` per name of its list and checks it has a case for each; the inbound file
 * checks that together the lists (and SWITCH_RULE_CASES) cover every transcript in the
 * fixtures directory. sim-conformance.test.ts holds the simulator to all of them.
 */
export const OUTBOUND_CASES = [
  'app-crash',
  'avmd-machine',
  'bridge-to-agent',
  'outbound-app-hangup',
  'outbound-caller-hangup',
  'outbound-ivr-call',
  'outbound-json-events',
  'outbound-sipp-rfc2833-dtmf',
  'record-silence',
] as const

/** Recorded by our recorder (scripts/record-transcript.ts): replay-recorded.test.ts. */
export const RECORDED_OUTBOUND_CASES = ['bridge-caller-hangup', 'pagd-digit-timeout'] as const

export const INBOUND_CASES = [
  // The avmd events of the outbound recording, delivered on a control connection (onCustom).
  'avmd-machine',
  'dialer-originate-socket',
  'hold-and-break',
  'inbound-auth-fail-and-plain-events',
  'inbound-originate-bridge',
] as const

/**
 * Transcripts our recorder made to pin down a rule of the switch that the simulator must
 * follow, driven by scripted commands our app does not send in that form (its client
 * subscribes, filters and reconnects its own way): held to by sim-conformance only.
 */
export const SWITCH_RULE_CASES: Record<string, string> = {
  'inbound-event-filters': 'filter / filter delete replies and which events pass; CUSTOM before other names makes them subclasses',
  'inbound-auth-retry': 'wrong password on a reconnecting client; bare `auth`',
  'socket-resume-variable': 'what the dialplan does when the app goes away with socket_resume false (mid-bridge) or true (mid-playback)',
  'transfer-ringback': 'events while an answered caller hears transfer_ringback',
  'avmd-pagd-break': 'uuid_break with and without `all` while play_and_get_digits runs',
}
