/**
 * The simplest queue: the caller hears an announcement and hold music until the wait
 * runs out. It keeps routing and the register honest (the call is "queued" to a named
 * queue) until the queue service with agents, positions and VIP priority takes its place.
 */
import type { Call } from '../esl/call.js'
import { CallEnded } from '../esl/results.js'
import type { Clock } from '../time/clock.js'
import type { QueueGateway } from './direct-router.js'
import type { CallerContext } from './router.js'

export interface HoldQueueOptions {
  clock: Clock
  /** Announcement played on entry, per language: a file path. */
  announcement: (language: string) => string
  /** What plays while waiting, e.g. `local_stream://moh`. */
  music: string
  maxWaitMs: number
}

export class HoldQueue implements QueueGateway {
  constructor(private readonly options: HoldQueueOptions) {}

  async enqueue(request: { call: Call; queue: string; caller: CallerContext }): Promise<{ result: 'abandoned' | 'timeout' }> {
    const { call } = request
    const hello = await call.playback(this.options.announcement(request.caller.language))
    if (hello instanceof CallEnded) return { result: 'abandoned' }
    const waiting = call.playback(this.options.music)
    const timer = this.options.clock.setTimeout(() => void call.api(`uuid_break ${call.uuid} all`), this.options.maxWaitMs)
    const r = await waiting
    this.options.clock.clearTimeout(timer)
    return { result: r instanceof CallEnded ? 'abandoned' : 'timeout' }
  }
}
