/**
 * Production entry point: `npm start`. Reads the configuration, starts the app against
 * the configured FreeSWITCH nodes, and shuts down gracefully on SIGTERM/SIGINT.
 */
import path from 'node:path'
import { startApp } from './app.js'
import { ConfigError, loadConfig } from './config.js'
import { basicFlow } from './demo/basic-flow.js'
import { createLogger } from './log.js'
import { realClock } from './time/clock.js'

async function main(): Promise<void> {
  let config
  try {
    config = loadConfig()
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message)
      process.exit(2)
    }
    throw err
  }
  const log = createLogger(config.logLevel, { instance: config.instanceId })
  const prompts = {
    greeting: path.join(config.promptsDir, 'en', 'demo-welcome.wav'),
    goodbye: path.join(config.promptsDir, 'en', 'demo-goodbye.wav'),
  }
  const app = await startApp({ config, log, clock: realClock, flow: async (call) => void (await basicFlow(call, prompts)) })
  let stopping = false
  const shutdown = (signal: string): void => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'shutting down: no new calls, finishing calls in progress')
    app.stop(30_000).then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
}

void main()
