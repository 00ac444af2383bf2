/** /health names FreeSWITCH, Postgres and Redis, each up or down; 503 when FreeSWITCH is configured and unreachable. */
import net from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startTestApp, type TestApp } from './test-app.js'
import { startApp, type App } from '../../src/app.js'
import { buildHttpServer } from '../../src/http/server.js'
import { silentLogger } from '../../src/log.js'

let t: TestApp
let app: App

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = net.createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()))
  const { port } = s.address() as net.AddressInfo
  await new Promise((r) => s.close(r))
  return port
}

beforeAll(async () => {
  t = await startTestApp()
  const port = await closedPort()
  app = await startApp({
    config: { ...t.app.config, instanceId: 'health', eslListen: { host: '127.0.0.1', port: 0 }, freeswitch: [{ host: '127.0.0.1', port, password: 'ClueCon' }] },
    log: silentLogger,
    clock: t.clock,
    flow: async () => {},
  })
})

afterAll(async () => {
  await app?.stop(0)
  await t?.close()
})

it('is open to anyone and says 503 with FreeSWITCH down when no node answers', async () => {
  const server = buildHttpServer(app)
  try {
    const res = await server.inject({ method: 'GET', url: '/health' })
    expect(res.statusCode).toBe(503)
    expect(res.json()).toMatchObject({
      status: 'unavailable',
      freeswitch: { status: 'down', nodes: [{ node: expect.stringMatching(/^127\.0\.0\.1:\d+$/), status: 'down' }] },
      database: { status: 'up' },
      redis: { status: 'up' },
    })
    // It names no secret.
    expect(res.body).not.toContain('ClueCon')
  } finally {
    await server.close()
  }
})
