/**
 * Makes sure the real Postgres and Redis the tests use are up, starting the machine's
 * own servers when they are not (DEVELOPERS.md). DATABASE_URL / REDIS_URL are honoured.
 * With the FreeSWITCH bundle installed, makes the keys its instances share (tests/freeswitch
 * start one switch per file); without it those tests fail, each saying how to install it.
 */
import { execSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { BUNDLE, prepareSharedCerts } from '../../src/bundle/freeswitch.js'

function reachable(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port })
    const done = (ok: boolean): void => {
      s.destroy()
      resolve(ok)
    }
    s.setTimeout(timeoutMs, () => done(false))
    s.once('connect', () => done(true))
    s.once('error', () => done(false))
  })
}

async function waitFor(host: string, port: number, what: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if (await reachable(host, port)) return
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`${what} did not come up on ${host}:${port}`)
}

export default async function setup(): Promise<void> {
  const pg = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test')
  const pgHost = pg.hostname
  const pgPort = Number(pg.port || 5432)
  if (!(await reachable(pgHost, pgPort))) {
    execSync('pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start', { stdio: 'inherit', shell: '/bin/bash' })
    await waitFor(pgHost, pgPort, 'PostgreSQL')
  }
  const redis = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
  const redisHost = redis.hostname
  const redisPort = Number(redis.port || 6379)
  if (!(await reachable(redisHost, redisPort))) {
    execSync(`redis-server --daemonize yes --bind 127.0.0.1 --port ${redisPort} --save "" --appendonly no`, { stdio: 'inherit' })
    await waitFor(redisHost, redisPort, 'Redis')
  }
  if (fs.existsSync(path.join(BUNDLE, 'bin', 'freeswitch'))) await prepareSharedCerts()
}
