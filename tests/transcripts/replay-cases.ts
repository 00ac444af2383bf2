/**
 * Which replay test file covers which golden transcript. Each test file builds one
 * `describe` per name of its list and checks it has a case for each; the inbound file
 * checks that together the lists cover every transcript in the fixtures directory.
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

export const INBOUND_CASES = [
  // The avmd events of the outbound recording, delivered on a control connection (onCustom).
  'avmd-machine',
  'dialer-originate-socket',
  'hold-and-break',
  'inbound-auth-fail-and-plain-events',
  'inbound-originate-bridge',
] as const
