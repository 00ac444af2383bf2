/**
 * Recordings, never without authorisation: listen (streamed, with HTTP Range so a player can
 * seek) and download. By catalogue id (GET /recordings/:id) or by the path the catalogue
 * holds (GET /recordings/file/<yyyy>/<mm>/<dd>/<name>.wav); either way the file is resolved
 * strictly inside the recordings directory (safe-path.ts), and only a catalogued recording is
 * served. Supervisors and admins hear every call; an operator only the calls they answered.
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { and, eq, type SQL } from 'drizzle-orm'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { App } from '../app.js'
import { DESK } from '../auth/access.js'
import { calls, recordings } from '../db/schema/index.js'
import { ownCalls } from './calls.js'
import { sendError } from './errors.js'
import { parseRange } from './range.js'
import { pathProblem, resolveInside } from './safe-path.js'
import { errors, idParams } from './schemas.js'

const TYPES: Record<string, string> = { '.wav': 'audio/wav', '.mp3': 'audio/mpeg', '.ogg': 'audio/ogg', '.opus': 'audio/ogg' }

const audio = { 200: { type: 'string', description: 'the audio file' }, 206: { type: 'string', description: 'the bytes asked for (Range)' }, ...errors(400, 404, 416) }
const rangeHeaders = { type: 'object', properties: { range: { type: 'string', maxLength: 200, description: 'bytes=<first>-[<last>] or bytes=-<suffix>' } } } as const

type Row = { id: number; path: string; callUuid: string }

export async function recordingRoutes(server: FastifyInstance, { app }: { app: App }): Promise<void> {
  const { db } = app.database
  const directory = app.config.recordingsDir
  const config = { access: DESK }

  /** The catalogued recording `where` names, among those `req`'s user may hear. */
  const find = async (req: FastifyRequest, where: SQL): Promise<Row | undefined> => {
    const mine = ownCalls(req.user!)
    const [row] = await db
      .select({ id: recordings.id, path: recordings.path, callUuid: recordings.callUuid })
      .from(recordings)
      .leftJoin(calls, eq(calls.callUuid, recordings.callUuid))
      .where(and(where, mine))
      .limit(1)
    return row
  }

  const serve = async (req: FastifyRequest, reply: FastifyReply, row: Row, attachment: boolean): Promise<FastifyReply> => {
    const resolved = await resolveInside(directory, row.path)
    if ('refused' in resolved) {
      // The catalogue itself names a path outside: nobody gets that file.
      req.log.warn({ recording: row.id, path: row.path }, `recordings: refused a catalogued path (${resolved.refused})`)
      return sendError(reply, 404, 'recording-unavailable', `recording ${row.id} cannot be served`)
    }
    if ('missing' in resolved) return sendError(reply, 404, 'recording-missing', `the file of recording ${row.id} is not in the recordings directory (yet)`)
    const info = await stat(resolved.file).catch(() => undefined)
    if (!info?.isFile()) return sendError(reply, 404, 'recording-missing', `the file of recording ${row.id} is not in the recordings directory (yet)`)
    const size = info.size
    const ext = path.extname(resolved.file).toLowerCase()
    const range = parseRange(req.headers.range, size)
    if ('unsatisfiable' in range) {
      reply.header('content-range', `bytes */${size}`)
      return sendError(reply, 416, 'range-not-satisfiable', `the range ${req.headers.range ?? ''} is outside the file's ${size} bytes`)
    }
    const name = `call-${row.callUuid.replace(/[^A-Za-z0-9-]/g, '')}-${row.id}${ext}`
    reply
      .header('content-type', TYPES[ext] ?? 'application/octet-stream')
      .header('accept-ranges', 'bytes')
      .header('cache-control', 'private, no-store')
      .header('x-content-type-options', 'nosniff')
      .header('content-disposition', `${attachment ? 'attachment' : 'inline'}; filename="${name}"`)
    if ('whole' in range) return reply.code(200).header('content-length', String(size)).send(size === 0 ? '' : createReadStream(resolved.file))
    return reply
      .code(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
      .header('content-length', String(range.end - range.start + 1))
      .send(createReadStream(resolved.file, { start: range.start, end: range.end }))
  }

  const byId = (attachment: boolean) => async (req: FastifyRequest<{ Params: { id: number } }>, reply: FastifyReply) => {
    const row = await find(req, eq(recordings.id, req.params.id))
    if (!row) return sendError(reply, 404, 'unknown-recording', `there is no recording ${req.params.id}${req.user!.role === 'operator' ? ' of a call you answered' : ''}`)
    return serve(req, reply, row, attachment)
  }

  server.get<{ Params: { id: number } }>('/recordings/:id', { config, schema: { summary: 'Listen: the audio, streamed, with Range for seeking', params: idParams, headers: rangeHeaders, produces: ['audio/wav'], response: audio } }, byId(false))
  server.get<{ Params: { id: number } }>('/recordings/:id/download', { config, schema: { summary: 'Download the audio as a file', params: idParams, headers: rangeHeaders, produces: ['audio/wav'], response: audio } }, byId(true))

  server.get<{ Params: { '*': string }; Querystring: { download?: boolean } }>(
    '/recordings/file/*',
    {
      config,
      schema: {
        summary: 'A recording by its path in the recordings directory (as the catalogue holds it)',
        querystring: { type: 'object', additionalProperties: false, properties: { download: { type: 'boolean', default: false } } },
        headers: rangeHeaders,
        produces: ['audio/wav'],
        response: audio,
      },
    },
    async (req, reply) => {
      const relative = req.params['*']
      const problem = pathProblem(relative)
      if (problem) return sendError(reply, 400, 'bad-path', problem)
      const row = await find(req, eq(recordings.path, relative))
      if (!row) return sendError(reply, 404, 'unknown-recording', `no recording ${req.user!.role === 'operator' ? 'of a call you answered ' : ''}is at ${relative}`)
      return serve(req, reply, row, req.query.download === true)
    },
  )
}
