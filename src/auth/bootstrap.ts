/**
 * The first start: with nobody in the users table, an admin is created, so someone can log in
 * and create the others. The password is ADMIN_PASSWORD when set; otherwise a random one,
 * printed once on standard output as a plain line of its own, never into the JSON log (logs
 * are shipped and kept; that line is for whoever started the service). Several instances
 * starting at once create one admin: the username is unique, the others find it taken.
 */
import type { Logger } from 'pino'
import { randomPassword } from './password.js'
import { isUserError, type UserStore } from './users.js'

export const FIRST_ADMIN = 'admin'

export async function ensureAdmin(
  store: UserStore,
  options: { password: string | undefined; log: Logger; print?: (line: string) => void },
): Promise<{ created: boolean; printed: boolean }> {
  if ((await store.count()) > 0) return { created: false, printed: false }
  const given = options.password
  const password = given ?? randomPassword()
  const made = await store.create({ username: FIRST_ADMIN, name: 'Administrator', role: 'admin', password })
  if (isUserError(made)) return { created: false, printed: false }
  if (given !== undefined) {
    options.log.info({ user: FIRST_ADMIN }, 'auth: no user yet; created the admin with ADMIN_PASSWORD')
    return { created: true, printed: false }
  }
  const print = options.print ?? ((line: string) => void process.stdout.write(`${line}\n`))
  print(`opencc: first start, created user '${FIRST_ADMIN}' with password ${password} (shown this once; log in and change it: POST /auth/password)`)
  options.log.warn({ user: FIRST_ADMIN }, 'auth: no user yet; created the admin with a random password, printed once on standard output (not in this log)')
  return { created: true, printed: true }
}
