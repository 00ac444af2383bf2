/**
 * The control connection (inbound event socket) on the real switch: a refused password is
 * said as such, and only the events the app listens to cross the connection.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ControlClient } from '../../src/esl/control-client.js'
import { silentLogger } from '../../src/log.js'
import { aroundTests, World } from './harness/world.js'

let w: World

beforeAll(async () => {
  w = await World.start({ name: 'control' })
}, 120_000)

aroundTests(() => w)

afterEach(async () => {
  await w.killApps()
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('the control connection on the real switch', () => {
  // Finding 6: with a wrong FREESWITCH_PASSWORD the app said "re-established" every second.
  it('a wrong FREESWITCH_PASSWORD is named as such, and never passes for a connection coming back', async () => {
    const app = await w.startApp({ env: { FREESWITCH_PASSWORD: 'not-the-password' }, waitReady: false })
    await app.waitForLine((l) => typeof l.msg === 'string' && l.msg.includes('Server listening'))
    const refused = await app.waitForLine((l) => typeof l.msg === 'string' && l.msg.includes('refused the event-socket password'), 15_000)
    expect(refused.level).toBe(50)
    expect(refused.msg).toContain('FREESWITCH_PASSWORD')
    expect(JSON.stringify(refused)).not.toContain('not-the-password')
    await sleep(4000)
    expect(app.lines.filter((l) => l.msg === 'FreeSWITCH control connection re-established')).toEqual([])
    expect(app.lines.filter((l) => l.msg === 'FreeSWITCH control connection up')).toEqual([])
    const health = (await (await fetch(`http://127.0.0.1:${w.httpPort}/health`)).json()) as { freeswitch: unknown }
    expect(health.freeswitch).toMatchObject({ status: 'down', nodes: [{ node: w.sw.eslAddress, status: 'down', reason: 'password refused' }] })
    await w.stopApp(app)
  })

  it('an unreachable node is named as such', async () => {
    const app = await w.startApp({ env: { FREESWITCH_NODES: '127.0.0.1:1' }, waitReady: false })
    const line = await app.waitForLine((l) => typeof l.msg === 'string' && l.msg.includes('does not answer'), 15_000)
    expect(line.msg).toContain('FREESWITCH_NODES')
    await w.stopApp(app)
  })

  // Risk: esl-lite subscribes to every channel's EXECUTE_COMPLETE and CUSTOM events.
  it('receives only the events it listens to: channels executing applications send it nothing else', async () => {
    const control = new ControlClient({ host: '127.0.0.1', port: w.sw.ports.esl, password: w.sw.password, log: silentLogger, pingIntervalMs: 60_000 })
    try {
      const hangups: string[] = []
      control.onEvent('CHANNEL_HANGUP_COMPLETE', (e) => hangups.push(e.uuid ?? ''))
      for (let i = 0; i < 50 && !control.isUp; i++) await sleep(100)
      expect(control.isUp).toBe(true)
      await sleep(500)
      const before = control.channelEventsReceived
      // Answering machines: answer, speak, playback, sleep, hangup; mod_avmd-free but busy channels.
      const calls = await Promise.all([1, 2, 3].map((i) => w.driver.call(`+3876100000${i}`, '5002')))
      await Promise.all(calls.map((c) => w.driver.hungUp(c.aLeg, 30_000)))
      await sleep(500)
      expect(hangups).toHaveLength(6)
      expect(control.channelEventsReceived - before).toBe(6n)
    } finally {
      control.end()
    }
  })
})
