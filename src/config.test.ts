import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config.js'

describe('loadConfig', () => {
  it('has working defaults', () => {
    const c = loadConfig({}, '/srv/app')
    expect(c.eslListen).toEqual({ host: '127.0.0.1', port: 8084 })
    expect(c.freeswitch).toEqual([{ host: '127.0.0.1', port: 8021, password: 'ClueCon' }])
    expect(c.redisUrl).toBe('redis://127.0.0.1:6379')
    expect(c.databaseUrl).toBeUndefined()
    expect(c.recordingsDir).toBe('/srv/app/recordings')
  })

  it('reads several FreeSWITCH nodes', () => {
    const c = loadConfig({ FREESWITCH_NODES: 'fs1:8021, fs2:8022', FREESWITCH_PASSWORD: 's3cret' })
    expect(c.freeswitch.map((n) => `${n.host}:${n.port}`)).toEqual(['fs1:8021', 'fs2:8022'])
    expect(c.freeswitch[1]!.password).toBe('s3cret')
  })

  it('names every bad variable, its value and what is expected', () => {
    try {
      loadConfig({ ESL_LISTEN_PORT: 'abc', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', FREESWITCH_NODES: 'fs1' })
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError)
      const msg = (err as Error).message
      expect(msg).toContain("ESL_LISTEN_PORT must be a TCP port 0-65535 (got 'abc')")
      expect(msg).toContain('DATABASE_URL must start with postgres:')
      expect(msg).toContain("LOG_LEVEL must be one of")
      expect(msg).toContain("FREESWITCH_NODES must be a comma-separated list of host:port (bad entry 'fs1')")
    }
  })

  it('refuses the stock ESL password in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/FREESWITCH_PASSWORD must be set in production/)
  })
})
