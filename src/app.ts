/**
 * Composition root: builds the app's parts from the configuration and wires them
 * together. Edges (HTTP, CLI) get an App; domain code gets only the parts it needs.
 */
import type { Logger } from 'pino'
import { CallRegister } from './calls/call-register.js'
import { trackCall } from './calls/track-call.js'
import type { Config } from './config.js'
import { openDatabase, type Database } from './db/database.js'
import type { Call } from './esl/call.js'
import { ControlClient } from './esl/control-client.js'
import { OutboundServer } from './esl/outbound-server.js'
import { openRedis, type RedisHandle } from './redis/connection.js'
import type { Clock } from './time/clock.js'

/** What a call flow may be built from. */
export interface AppParts {
  config: Config
  log: Logger
  clock: Clock
  database: Database
  redis: RedisHandle
  register: CallRegister
}

export interface App extends AppParts {
  controls: ControlClient[]
  outbound: OutboundServer
  /** Stops taking calls, lets calls in progress finish up to `graceMs`, flushes records, closes. */
  stop(graceMs?: number): Promise<void>
}

export type CallFlow = (call: Call) => Promise<void>

export interface AppOptions {
  config: Config
  log: Logger
  clock: Clock
  /** What happens to a call FreeSWITCH hands us, or how to build that from the app's parts. */
  flow: CallFlow | { build(parts: AppParts): CallFlow | Promise<CallFlow> }
  /** Connect to the FreeSWITCH nodes' inbound event socket (default true). */
  control?: boolean
}

export async function startApp(options: AppOptions): Promise<App> {
  const { config, log, clock } = options
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, log })
  const redis = await openRedis({ url: config.redisUrl, dataDir: config.dataDir, log })
  const register = new CallRegister(database.db, log, clock, config.instanceId)
  const flow = typeof options.flow === 'function' ? options.flow : await options.flow.build({ config, log, clock, database, redis, register })
  const controls =
    options.control === false
      ? []
      : config.freeswitch.map((n) => new ControlClient({ host: n.host, port: n.port, password: n.password, log }))
  const outbound = await OutboundServer.listen({
    host: config.eslListen.host,
    port: config.eslListen.port,
    log,
    clock,
    handler: async (call) => {
      trackCall(call, register, clock)
      await flow(call)
    },
  })

  return {
    config,
    log,
    clock,
    database,
    redis,
    register,
    controls,
    outbound,
    async stop(graceMs = 0) {
      await outbound.close(graceMs)
      for (const c of controls) c.end()
      await register.flush()
      register.close()
      await redis.close()
      await database.close()
    },
  }
}
