/**
 * Test-side glue for the replay tests: our OutboundServer routing each call to the
 * scenario of its transcript connection, a ControlClient pointed at the replay peer, and
 * a timeout that says where the replay stalled.
 */
import { ControlClient } from '../../src/esl/control-client.js'
import type { Call } from '../../src/esl/call.js'
import { OutboundServer, type OutboundServerOptions } from '../../src/esl/outbound-server.js'
import { CallEnded, CommandFailed, type Outcome } from '../../src/esl/results.js'
import { silentLogger } from '../../src/log.js'
import { realClock } from '../../src/time/clock.js'
import type { Transcript } from '../helpers/transcripts.js'
import type { Replay } from './replay-peer.js'
import { connectUuid, deferred, type Deferred } from './replay-script.js'

/** What the recorded app did with one call; it records results for the test to assert. */
export type Scenario = (call: Call) => Promise<void>

export interface Harness {
  server: OutboundServer
  /** The Call our server made for a transcript connection. */
  call(conn: string): Promise<Call>
  /** Errors thrown by scenarios (OutboundServer would only log them). */
  failures: unknown[]
}

export async function outboundServer(
  t: Transcript,
  scenarios: Record<string, Scenario>,
  options: Pick<Partial<OutboundServerOptions>, 'resume' | 'eventFormat'> = {},
): Promise<Harness> {
  const connOf = new Map(Object.keys(scenarios).map((conn) => [connectUuid(t, conn), conn]))
  const calls = new Map<string, Deferred<Call>>(Object.keys(scenarios).map((conn) => [conn, deferred<Call>()]))
  const failures: unknown[] = []
  const server = await OutboundServer.listen({
    host: '127.0.0.1',
    port: 0,
    log: silentLogger,
    clock: realClock,
    ...options,
    handler: async (call) => {
      const conn = connOf.get(call.uuid)
      if (conn === undefined) {
        failures.push(new Error(`no scenario for call ${call.uuid}`))
        return
      }
      calls.get(conn)!.resolve(call)
      try {
        await scenarios[conn]!(call)
      } catch (err) {
        failures.push(err)
        throw err
      }
    },
  })
  return { server, call: (conn) => calls.get(conn)!.promise, failures }
}

export function controlClient(port: number, password = 'ClueCon', pingIntervalMs = 60_000): ControlClient {
  // A long ping interval: the first ping (at start) is what brings the client up.
  return new ControlClient({ host: '127.0.0.1', port, password, log: silentLogger, pingIntervalMs, commandTimeoutMs: 5000 })
}

/** Awaits `p`, failing with the replay's state if it takes longer than `ms`. */
export async function within<T>(p: Promise<T>, replay: Replay, ms = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`replay stalled after ${ms} ms:\n${replay.describe()}`)), ms)
  })
  try {
    return await Promise.race([p, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** The value, or a thrown error naming what the call reported instead. */
export function ok<T>(v: Outcome<T>): T {
  if (v instanceof CallEnded) throw new Error(`call ended (${v.cause})`)
  if (v instanceof CommandFailed) throw new Error(`${v.command} failed: ${v.reply}`)
  return v
}

/** Resolves with the first event named `name` on the call. */
export function nextEvent(call: Call, name: string, subclass?: string): Promise<void> {
  return new Promise((resolve) => {
    const on = (e: { name: string; get(n: string): string | undefined }): void => {
      if (e.name !== name || (subclass !== undefined && e.get('Event-Subclass') !== subclass)) return
      call.off('event', on)
      resolve()
    }
    call.on('event', on)
  })
}

/** Waits until `cond()` holds (events still being parsed on our side), failing like `within`. */
export async function until(cond: () => boolean, replay: Replay, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`condition not met after ${ms} ms:\n${replay.describe()}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

/**
 * What our outbound sessions send that the recorded apps did not (the replay peer answers
 * `+OK` as FreeSWITCH does): socket_resume on at the start (OutboundServer), off with
 * hangup_after_bridge before each bridge and on again after a failed one (Call.bridge).
 */
export const resumeOn = (uuid: string): string => `api uuid_setvar ${uuid} socket_resume true`
export const beforeBridge = (uuid: string): string => `api uuid_setvar_multi ${uuid} socket_resume=false;hangup_after_bridge=true`
export const afterFailedBridge = (uuid: string): string => `api uuid_setvar_multi ${uuid} socket_resume=true`
