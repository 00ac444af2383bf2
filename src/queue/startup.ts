/**
 * The queues an app process starts with: the table queue_settings, seeded from the queues
 * file on the first start. main.ts needs them before the app runs, to check that every
 * queue the IVR flows route to exists.
 */
import type { Logger } from 'pino'
import type { Config } from '../config.js'
import { openDatabase } from '../db/database.js'
import type { QueueSettings } from './config.js'
import { readQueueSettings, seedQueueSettings } from './settings-store.js'

export async function queuesForStart(config: Config, log: Logger, seed: QueueSettings[]): Promise<QueueSettings[]> {
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, log, poolSize: 1 })
  try {
    await seedQueueSettings(database.db, seed)
    return await readQueueSettings(database.db)
  } finally {
    await database.close()
  }
}
