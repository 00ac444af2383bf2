/**
 * The FreeSWITCH simulator: a switch with channels and dptools applications, its inbound
 * event socket, and outbound `socket` connections to our app, all speaking the real ESL
 * wire protocol over TCP. Used by the demo, the tests, load tests and campaign simulation.
 */
import type { Logger } from 'pino'
import type { Clock } from '../time/clock.js'
import { InboundServer } from './inbound-server.js'
import { SimSwitch, type SimSwitchOptions } from './switch.js'

export { SimSwitch, type PlaceCallOptions, type PlacedCall, type DialplanActions } from './switch.js'
export { SimChannel } from './channel.js'
export type { CallerScript, ScriptStep } from './caller-script.js'
export type { Directory, PartyPlan } from './parties.js'
export { defaultDirectory } from './parties.js'
export { InboundServer } from './inbound-server.js'
export type { SipCall, SipCallOptions } from './sip-call.js'

export interface Simulator {
  sw: SimSwitch
  inbound: InboundServer
  /** host:port of the simulator's inbound event socket. */
  address: { host: string; port: number }
  close(): Promise<void>
}

export interface SimulatorOptions extends Omit<SimSwitchOptions, 'clock' | 'log'> {
  clock: Clock
  log?: Logger
  host?: string
  /** Inbound event-socket port (0: any free port). */
  port?: number
  password?: string
}

export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const sw = new SimSwitch(options)
  const host = options.host ?? '127.0.0.1'
  const inbound = await InboundServer.listen(sw, { host, port: options.port ?? 0, password: options.password })
  return {
    sw,
    inbound,
    address: { host, port: inbound.port },
    async close() {
      await sw.hangupAll()
      await inbound.close()
    },
  }
}
