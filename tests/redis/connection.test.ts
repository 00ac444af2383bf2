/**
 * Redis from REDIS_URL; on a bare machine a private redis-server is started so the demo
 * runs; an unreachable remote Redis is an error that says what to do.
 */
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { silentLogger } from '../../src/log.js'
import { openRedis, RedisUnavailableError } from '../../src/redis/connection.js'

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port
      s.close(() => resolve(port))
    })
  })
}

describe('openRedis', () => {
  it('connects to REDIS_URL', async () => {
    const redis = await openRedis({ url: REDIS_URL, dataDir: os.tmpdir(), log: silentLogger })
    expect(await redis.ping()).toBe(true)
    const key = `test:conn:${process.pid}`
    await redis.client.set(key, 'v', 'EX', 10)
    expect(await redis.client.get(key)).toBe('v')
    await redis.close()
  })

  it('starts a private redis-server when nothing answers locally, and stops it on close', async () => {
    const port = await freePort()
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-'))
    const redis = await openRedis({ url: `redis://127.0.0.1:${port}`, dataDir, log: silentLogger })
    expect(await redis.ping()).toBe(true)
    const privatePort = Number(new URL(redis.url).port)
    await redis.close()
    await new Promise((r) => setTimeout(r, 300))
    const stillThere = await new Promise<boolean>((resolve) => {
      const s = net.connect(privatePort, '127.0.0.1')
      s.once('connect', () => (s.destroy(), resolve(true)))
      s.once('error', () => resolve(false))
    })
    expect(stillThere).toBe(false)
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  it('refuses an unreachable remote Redis with a message that says what to do', async () => {
    await expect(openRedis({ url: 'redis://192.0.2.1:6379', dataDir: os.tmpdir(), log: silentLogger })).rejects.toThrow(RedisUnavailableError)
    await expect(openRedis({ url: 'redis://192.0.2.1:6379', dataDir: os.tmpdir(), log: silentLogger })).rejects.toThrow(/set REDIS_URL/)
  })
})
