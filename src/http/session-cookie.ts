/**
 * The session cookie the pages use: HttpOnly (scripts cannot read it), SameSite=Lax (other
 * sites' forms and scripts do not send it), Path=/, Secure in production (behind TLS).
 * Programs send the same token as `Authorization: Bearer`.
 */
export const SESSION_COOKIE = 'cc_session'

/** The value of one cookie in a Cookie header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const at = part.indexOf('=')
    if (at < 0) continue
    if (part.slice(0, at).trim() !== name) continue
    const value = part.slice(at + 1).trim().replace(/^"(.*)"$/, '$1')
    try {
      return decodeURIComponent(value)
    } catch {
      return undefined
    }
  }
  return undefined
}

export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return [`${SESSION_COOKIE}=${token}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`, ...(secure ? ['Secure'] : [])].join('; ')
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', 0, secure)
}
