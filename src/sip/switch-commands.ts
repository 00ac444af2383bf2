/**
 * The FreeSWITCH commands that carry the app's SIP accounts to a switch: mod_hash entries
 * read by freeswitch/conf/scripts/sip-directory.lua, and mod_sofia's registration lookup.
 * Realms "opencc_sip" and "opencc_sipname": mod_hash keys are `<realm>_<key>`, so neither
 * realm may be the other's prefix plus '_' (a user "name_x" would meet the name of "x").
 */
import { UnsafeCommandError } from '../esl/commands.js'
import { SIP_USER } from './secret.js'

const HASH_REALM = 'opencc_sip'
const NAME_REALM = 'opencc_sipname'

function user(field: string, v: string): string {
  if (!SIP_USER.test(v)) throw new UnsafeCommandError(field, v, "must be 1-64 letters, digits, '.', '_' or '-'")
  return v
}

function domain(v: string): string {
  if (!/^[A-Za-z0-9._:-]{1,255}$/.test(v)) throw new UnsafeCommandError('SIP domain', v, 'must be a host name or address')
  return v
}

/** `hash insert` of the account's a1-hash and display name (URL-encoded: no '/' or space reaches the command). */
export function publishCommands(sipUser: string, a1: string, displayName: string): string[] {
  const u = user('sipUser', sipUser)
  if (!/^[0-9a-f]{32}$/.test(a1)) throw new UnsafeCommandError('a1-hash', a1, 'must be 32 lower-case hex digits')
  return [`hash insert/${HASH_REALM}/${u}/${a1}`, `hash insert/${NAME_REALM}/${u}/${encodeURIComponent(displayName)}`]
}

export function withdrawCommands(sipUser: string): string[] {
  const u = user('sipUser', sipUser)
  return [`hash delete/${HASH_REALM}/${u}`, `hash delete/${NAME_REALM}/${u}`]
}

export const domainCommand = 'global_getvar domain'

/** `sofia_contact *\/<user>@<domain>` (any profile): a contact when registered, `error/user_not_registered` when not. */
export function contactCommand(sipUser: string, sipDomain: string): string {
  return `sofia_contact */${user('sipUser', sipUser)}@${domain(sipDomain)}`
}

export const isNotRegistered = (answer: string): boolean => answer.trim() === '' || answer.startsWith('error/')
