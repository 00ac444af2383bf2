/**
 * What the softphone needs from the server: JsSIP's browser build served like Chart.js, and a
 * Content-Security-Policy that lets the console and the wallboard open the WebSocket to the
 * switch (SOFTPHONE_WS_URL, else wss://<the page's host>:7443) and nothing more. No browser:
 * the real-switch browser tests drive the phone itself.
 */
import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contentSecurityPolicy, softphoneSocketSource } from '../../src/web/content-policy.js'
import { JSSIP_JS, vendorRoutes } from '../../src/web/vendor.js'

describe('the JsSIP browser build', () => {
  const server = Fastify()
  beforeAll(async () => {
    await server.register(vendorRoutes)
    await server.ready()
  })
  afterAll(() => server.close())

  it('is served as a script that defines window.JsSIP', async () => {
    const res = await server.inject({ method: 'GET', url: `${JSSIP_JS}?v=1` })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('text/javascript')
    // The IIFE build: a global JsSIP with the UA and the WebSocket interface the softphone uses.
    expect(res.body).toMatch(/^[\s\S]{0,600}var JsSIP=/)
    expect(res.body).toContain('WebSocketInterface')
  })
})

describe('the softphone socket in the pages’ policy', () => {
  it('takes the origin of SOFTPHONE_WS_URL, without its path', () => {
    expect(softphoneSocketSource('wss://sip.example.com:7443/ws', 'cc.example.com')).toBe('wss://sip.example.com:7443')
    expect(softphoneSocketSource('ws://127.0.0.1:5066', undefined)).toBe('ws://127.0.0.1:5066')
    // The default port is the scheme's: no port in the source either.
    expect(softphoneSocketSource('wss://sip.example.com/', undefined)).toBe('wss://sip.example.com')
  })

  it('without it, is the page’s host on the switch’s wss port', () => {
    expect(softphoneSocketSource(undefined, 'cc.example.com:3000')).toBe('wss://cc.example.com:7443')
    expect(softphoneSocketSource(undefined, '[::1]:3000')).toBe('wss://[::1]:7443')
    expect(softphoneSocketSource(undefined, '10.0.0.5')).toBe('wss://10.0.0.5:7443')
  })

  it('lets no Host header add anything else to the policy', () => {
    expect(softphoneSocketSource(undefined, "evil.com; script-src *")).toBeNull()
    expect(softphoneSocketSource(undefined, 'a b')).toBeNull()
    expect(softphoneSocketSource(undefined, undefined)).toBeNull()
  })

  it('adds the socket to connect-src only', () => {
    const policy = contentSecurityPolicy(['wss://sip.example.com:7443'])
    expect(policy).toContain("connect-src 'self' wss://sip.example.com:7443;")
    expect(policy).toContain("script-src 'self';")
    expect(contentSecurityPolicy()).toContain("connect-src 'self';")
  })
})
