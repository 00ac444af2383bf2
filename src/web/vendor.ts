/**
 * Browser libraries the pages use, served from node_modules as they were installed (no copy
 * in the repository, no CDN: the pages' Content-Security-Policy allows scripts from 'self'
 * only). Each is read once at start; a library that is not installed answers 503 naming it.
 *
 *   GET /web/vendor/chart.umd.min.js   Chart.js 4 (UMD build: window.Chart), the reports' charts
 *   GET /web/vendor/jssip.min.js       JsSIP 3 (browser build: window.JsSIP), the softphone's SIP stack
 *
 * JsSIP is pinned at 3.12.0: the 3.13 packages no longer ship the browser build (dist/), and
 * the pages load plain scripts, with no bundler.
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { sendError } from '../http/errors.js'

export const CHART_JS = '/web/vendor/chart.umd.min.js'
export const JSSIP_JS = '/web/vendor/jssip.min.js'

/**
 * A file of an installed package, by its path from the package's CommonJS entry (their
 * `exports` name no file path); the text saying why when it cannot be read.
 */
function packageFile(pkg: string, fromEntry: string): Buffer | string {
  try {
    const entry = createRequire(import.meta.url).resolve(pkg)
    return fs.readFileSync(path.join(path.dirname(entry), fromEntry))
  } catch (err) {
    return `${pkg} is not installed (npm install): ${(err as Error).message}`
  }
}

export async function vendorRoutes(server: FastifyInstance): Promise<void> {
  const files: Array<[string, Buffer | string]> = [
    [CHART_JS, packageFile('chart.js', 'chart.umd.min.js')],
    // lib/JsSIP.js is the entry; the browser build is in dist/.
    [JSSIP_JS, packageFile('jssip', '../dist/jssip.min.js')],
  ]
  for (const [url, body] of files) {
    if (typeof body === 'string') server.log.error(body)
    server.get(url, { config: { access: 'public' }, schema: { hide: true }, logLevel: 'warn' }, async (_req, reply) => {
      if (typeof body === 'string') return sendError(reply, 503, 'pages-unavailable', body)
      return reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').send(body)
    })
  }
}
