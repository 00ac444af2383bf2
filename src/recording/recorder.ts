/**
 * Call recordings: where they go (<recordings>/<yyyy>/<mm>/<dd>/<call uuid>.wav), starting
 * them on a call, and cataloguing them in the `recordings` table once they are complete,
 * with the duration and size read from the file (node-wav) when this host can see it, else
 * from what FreeSWITCH reported (record_ms).
 */
import fs from 'node:fs/promises'
import path from 'node:path'
import wav from 'node-wav'
import type { Logger } from 'pino'
import type { Db } from '../db/database.js'
import { recordings } from '../db/schema/index.js'
import type { Call } from '../esl/call.js'
import { CallEnded, isOk } from '../esl/results.js'
import type { Clock } from '../time/clock.js'

export type RecordingKind = 'call' | 'message'

export interface RecorderOptions {
  db: Db
  /** Where FreeSWITCH writes recordings (and this host reads them, when it shares the directory). */
  directory: string
  log: Logger
  clock: Clock
}

export interface FileFacts {
  durationMs: number
  sizeBytes: number
  sampleRate: number
}

export interface MessageRequest {
  /** What the caller hears first (a file), then the beep. */
  greeting: string
  beep: boolean
  maxSeconds: number
  silenceSeconds: number
}

const BEEP = 'tone_stream://%(500,0,1000)'
/** A PCM WAV file's header alone: a file no larger holds no audio. */
const WAV_HEADER_BYTES = 44
const INSPECT_TRIES = 40
const INSPECT_EVERY_MS = 100

export class CallRecorder {
  private readonly messages = new Map<string, number>()

  constructor(private readonly options: RecorderOptions) {}

  /**
   * Takes a message: greeting, beep, record until silence, `#` or the time limit, catalogued
   * as a `message` recording. A caller who hangs up after speaking still leaves it.
   */
  async takeMessage(call: Call, req: MessageRequest): Promise<{ ms: number; hungUp: boolean } | CallEnded> {
    const hello = await call.playback(req.greeting, { terminators: 'none' })
    if (hello instanceof CallEnded) return hello
    if (req.beep) await call.playback(BEEP, { terminators: 'none' })
    const startedAt = new Date(this.options.clock.now())
    const n = (this.messages.get(call.uuid) ?? 0) + 1
    this.messages.set(call.uuid, n)
    void call.finished.then(() => this.messages.delete(call.uuid))
    const relative = this.relativePath(new Date(call.startedAt), call.uuid, `-message-${n}`)
    await call.set('playback_terminators', '#')
    const r = await call.record({ path: this.absolute(relative), maxSeconds: req.maxSeconds, silenceSeconds: req.silenceSeconds })
    if (!isOk(r)) return r instanceof CallEnded ? r : new CallEnded('RECORD_FAILED')
    await this.catalogue(call.uuid, 'message', relative, startedAt, r.ms)
    return { ms: r.ms, hungUp: r.hungUp }
  }

  /** `2026/11/23/<uuid>.wav`, or `...-message-1.wav` for a message. */
  relativePath(startedAt: Date, callUuid: string, suffix = ''): string {
    const d = startedAt.toISOString().slice(0, 10).split('-')
    return path.posix.join(d[0]!, d[1]!, d[2]!, `${callUuid}${suffix}.wav`)
  }

  absolute(relative: string): string {
    return path.join(this.options.directory, relative)
  }

  /** Records the whole call from now on; catalogued when the call ends. */
  async recordCall(call: Call): Promise<string | undefined> {
    const startedAt = new Date(this.options.clock.now())
    const relative = this.relativePath(new Date(call.startedAt), call.uuid)
    const r = await call.recordSession(this.absolute(relative))
    if (!isOk(r)) {
      call.log.warn({ result: r }, 'call recording did not start')
      return undefined
    }
    void call.finished.then((summary) => {
      const ms = Number(summary.final?.variable('record_ms'))
      void this.catalogue(call.uuid, 'call', relative, startedAt, Number.isFinite(ms) ? ms : undefined)
    })
    return relative
  }

  /** Catalogues a finished recording; reads the file when this host can see it. */
  async catalogue(callUuid: string, kind: RecordingKind, relative: string, startedAt: Date, reportedMs?: number): Promise<void> {
    const facts = await this.options.clock.track(this.inspect(relative))
    const row = {
      callUuid,
      kind,
      path: relative,
      startedAt,
      durationMs: facts?.durationMs ?? (reportedMs !== undefined ? Math.round(reportedMs) : null),
      sizeBytes: facts?.sizeBytes ?? null,
      sampleRate: facts?.sampleRate ?? null,
    }
    // The database may be away for a while (a restart, a failover): keep trying, for up to an
    // hour, rather than lose the recording's row. Only the writes are tracked, not the waits.
    const { clock, log, db } = this.options
    const giveUpAt = clock.now() + 3600_000
    for (let attempt = 1; ; attempt++) {
      try {
        await clock.track(db.insert(recordings).values(row))
        if (attempt > 1) log.info({ call: callUuid, attempts: attempt, recording: relative }, 'recording catalogued after the database came back')
        return
      } catch (err) {
        if (attempt === 1) log.warn({ call: callUuid, err: (err as Error).message, recording: relative }, 'recording not catalogued yet; retrying')
        if (clock.now() >= giveUpAt) {
          log.error({ call: callUuid, err: (err as Error).message, recording: relative }, 'could not catalogue a recording')
          return
        }
        await clock.sleep(Math.min(5000, 200 * 2 ** attempt))
      }
    }
  }

  /** Duration, size and rate of a WAV file, or undefined when it is not here (or not complete) in time. */
  async inspect(relative: string, tries = INSPECT_TRIES): Promise<FileFacts | undefined> {
    const file = this.absolute(relative)
    // FreeSWITCH finishes writing a moment after it reports the recording stopped, and fills in
    // the header's data size last: until then the header says no audio while the file holds
    // some (seen on a busy machine: a 5-s conversation catalogued as 0 ms).
    for (let i = 0; i < tries; i++) {
      try {
        const buf = await fs.readFile(file)
        const decoded = wav.decode(buf)
        const samples = decoded.channelData[0]?.length ?? 0
        if (samples > 0 || buf.length <= WAV_HEADER_BYTES) return { durationMs: Math.round((samples * 1000) / decoded.sampleRate), sizeBytes: buf.length, sampleRate: decoded.sampleRate }
      } catch {
        // Not there, or its header not written yet.
      }
      await new Promise((r) => setTimeout(r, INSPECT_EVERY_MS))
    }
    return undefined
  }
}
