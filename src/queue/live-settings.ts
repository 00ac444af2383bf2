/**
 * Keeps this instance's queues in step with the table queue_settings: a change made through
 * any instance is announced on Redis (pub/sub on the deployment's prefix) and read here at
 * once; a check of the table's signature every few seconds catches an announcement missed
 * (a Redis reconnect, a change made by SQL).
 */
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { Db } from '../db/database.js'
import type { RedisHandle } from '../redis/connection.js'
import { applyQueueSettings, type LiveQueues } from './apply-settings.js'
import { readQueueSettings, settingsSignature } from './settings-store.js'

const CHECK_MS = 5_000

export const queueSettingsChannel = (prefix: string): string => `${prefix}:queue-settings`

/** Tells every instance (this one too) that the queues' settings changed. */
export async function announceQueueChange(redis: Redis, prefix: string): Promise<void> {
  await redis.publish(queueSettingsChannel(prefix), String(Date.now()))
}

export class QueueSettingsSync {
  private signature = ''
  private subscriber: Redis | undefined
  private timer: NodeJS.Timeout | undefined
  private running: Promise<void> = Promise.resolve()

  constructor(
    private readonly o: { db: Db; redis: RedisHandle; prefix: string; queues: LiveQueues; log: Logger },
  ) {}

  /** `signature`: the table's when the running settings were read (a change since then is applied at once). */
  async start(signature: string): Promise<void> {
    this.signature = signature
    const sub = this.o.redis.duplicate()
    this.subscriber = sub
    sub.on('message', () => void this.refresh())
    // A reconnect may have missed announcements: look at once.
    sub.on('ready', () => void this.refresh())
    await sub.subscribe(queueSettingsChannel(this.o.prefix))
    this.timer = setInterval(() => void this.refresh(), CHECK_MS)
    this.timer.unref()
    await this.refresh()
  }

  /** Reads the table and applies it when it changed; calls run one after another. Resolves when applied. */
  refresh(): Promise<void> {
    this.running = this.running.then(() => this.check()).catch((err: unknown) => {
      this.o.log.warn({ err: (err as Error).message }, 'queues: could not apply changed settings; retrying at the next check')
    })
    return this.running
  }

  private async check(): Promise<void> {
    const signature = await settingsSignature(this.o.db)
    if (signature === this.signature || signature === '') return
    const next = await readQueueSettings(this.o.db)
    const r = await applyQueueSettings(this.o.queues, this.o.db, next)
    this.signature = signature
    this.o.log.info(r, 'queues: settings changed, applied')
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.subscriber?.disconnect()
    await this.running
  }
}
