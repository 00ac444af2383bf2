import { pino, type Logger } from 'pino'

export type { Logger }

/** JSON logs on stdout; `call` binds the call UUID so every line of a call carries it. */
export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { pid: process.pid, ...bindings } })
}

export function callLogger(parent: Logger, callUuid: string): Logger {
  return parent.child({ call: callUuid })
}

/** A logger that drops everything: for tests and benchmarks that measure, not read. */
export const silentLogger: Logger = pino({ level: 'silent' })
