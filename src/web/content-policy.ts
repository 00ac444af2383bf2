/**
 * The pages' Content-Security-Policy: our own scripts only (no inline script runs), never
 * framed by another site, and connections to ourselves only, except that the pages with the
 * softphone (the operator console, the wallboard) may also open the WebSocket to the switch.
 * Media needs nothing here: the call's audio is a MediaStream, never a fetched URL.
 */

export function contentSecurityPolicy(connect: string[] = []): string {
  return `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; media-src 'self'; connect-src ${["'self'", ...connect].join(' ')}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`
}

/** The port of the switch's secure WebSocket when SOFTPHONE_WS_URL is not set (its wss-binding). */
export const DEFAULT_SOFTPHONE_WSS_PORT = 7443

/** A host name or address as a Host header may carry one (no port), else null. */
function hostName(hostHeader: string | undefined): string | null {
  const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$/.exec(hostHeader ?? '')
  return m ? m[1]! : null
}

/**
 * Where the softphone connects, as a CSP source (scheme, host and port; no path): the
 * configured SOFTPHONE_WS_URL, else wss://<the page's host>:7443. Null when neither is known
 * (a request without a usable Host header): then the page may open no socket but its own.
 */
export function softphoneSocketSource(configured: string | undefined, hostHeader: string | undefined): string | null {
  if (configured) {
    try {
      const u = new URL(configured)
      return u.protocol === 'ws:' || u.protocol === 'wss:' ? `${u.protocol}//${u.host}` : null
    } catch {
      return null
    }
  }
  const host = hostName(hostHeader)
  return host ? `wss://${host}:${DEFAULT_SOFTPHONE_WSS_PORT}` : null
}
