/**
 * Browser libraries the pages use, served from node_modules as they were installed (no copy
 * in the repository, no CDN: the pages' Content-Security-Policy allows scripts from 'self'
 * only). Each is read once at start; a library that is not installed answers 503 naming it.
 *
 *   GET /web/vendor/chart.umd.min.js   Chart.js 4 (UMD build: window.Chart), the reports' charts
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { sendError } from '../http/errors.js'

export const CHART_JS = '/web/vendor/chart.umd.min.js'

/** The UMD build next to the package's CommonJS entry (its `exports` name no file path). */
function chartJs(): Buffer | string {
  try {
    const entry = createRequire(import.meta.url).resolve('chart.js')
    return fs.readFileSync(path.join(path.dirname(entry), 'chart.umd.min.js'))
  } catch (err) {
    return `chart.js is not installed (npm install): ${(err as Error).message}`
  }
}

export async function vendorRoutes(server: FastifyInstance): Promise<void> {
  const chart = chartJs()
  if (typeof chart === 'string') server.log.error(chart)
  server.get(CHART_JS, { config: { access: 'public' }, schema: { hide: true }, logLevel: 'warn' }, async (_req, reply) => {
    if (typeof chart === 'string') return sendError(reply, 503, 'pages-unavailable', chart)
    return reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').send(chart)
  })
}
