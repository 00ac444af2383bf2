/**
 * The SIP account's secrets: the device password the app makes, and the digest a1-hash
 * FreeSWITCH authenticates with (mod_sofia's a1-hash user param), which is all the switch
 * ever gets: md5 of user:realm:password, bound to the realm.
 */
import { createHash, randomBytes } from 'node:crypto'

/** What a SIP user may be: it reaches FreeSWITCH commands (hash, sofia_contact) and the directory. */
export const SIP_USER = /^[A-Za-z0-9._-]{1,64}$/

export const isSipUser = (v: unknown): v is string => typeof v === 'string' && SIP_USER.test(v)

/** A fresh device secret: 144 random bits, URL-safe (no ':' or quote to upset a SIP stack). */
export function newSipSecret(): string {
  return randomBytes(18).toString('base64url')
}

/** FreeSWITCH's a1-hash: md5 hex of `user:realm:secret` (RFC 2617 HA1). */
export function ha1(user: string, realm: string, secret: string): string {
  return createHash('md5').update(`${user}:${realm}:${secret}`).digest('hex')
}
