/**
 * `npm run chaos`: the fault scenarios and the load run, with a table of what was injected
 * and what came of it (calls or attempts before and after, lost, duplicated, time to
 * recover), written to docs/RELIABILITY.md between its markers with the command and date.
 *
 * The fault scenarios are the tests in tests/faults and tests/hostile, run by vitest with
 * CHAOS_REPORT set: each writes its row (tests/faults/chaos-report.ts). So the table shows
 * what the tests checked, not a second implementation of them.
 *
 *   npm run chaos                 faults, then the load run (1,000 calls, 10 virtual minutes)
 *   npm run chaos -- --quick      faults, then a small load run (200 calls, 4 minutes)
 *   npm run chaos -- --no-load    faults only
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ChaosRow } from '../tests/faults/chaos-report.js'
import { textTable } from '../src/cli/text-table.js'
import { loadTable, runLoad, type LoadResult } from './load.js'
import { exitWithHelp } from '../src/cli/usage.js'

exitWithHelp(`
usage: npm run chaos [-- --quick | --no-load]

The fault scenarios (tests/faults, tests/hostile) and the load run, with a table of what was
injected and what came of it, written to docs/RELIABILITY.md.

  --quick      a small load run (200 calls, 4 minutes)
  --no-load    the faults only
  -h, --help   this text
`)

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '..')
const doc = path.join(root, 'docs/RELIABILITY.md')
const quick = process.argv.includes('--quick')
const withLoad = !process.argv.includes('--no-load')

const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-'))
console.log('fault scenarios (vitest tests/faults tests/hostile) ...')
const run = spawnSync(process.execPath, [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', 'tests/faults', 'tests/hostile'], {
  cwd: root,
  env: { ...process.env, CHAOS_REPORT: reportDir },
  stdio: ['ignore', 'inherit', 'inherit'],
})
const rows: ChaosRow[] = fs
  .readdirSync(reportDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(fs.readFileSync(path.join(reportDir, f), 'utf8')) as ChaosRow)
  .sort((a, b) => a.scenario.localeCompare(b.scenario))

let load: LoadResult | undefined
if (withLoad) {
  const options = quick ? { calls: 200, minutes: 4, agents: 50, warmupMinutes: 2, seed: 1 } : { calls: 1000, minutes: 10, agents: 250, warmupMinutes: 3, seed: 1 }
  console.log(`load: ${options.calls} concurrent calls for ${options.minutes} virtual minutes ...`)
  load = await runLoad(options)
  rows.push({
    scenario: `load: ${options.calls} concurrent calls, ${options.minutes} min (virtual time)`,
    injected: `${load.placed} calls through lookup, language menu and a queue with ${options.agents} agents; each ended call replaced at once`,
    before: `warm (minute ${options.warmupMinutes}): heap ${load.warmHeapMB.toFixed(1)} MB, ${load.sockets.warm} sockets, ${load.timers.warm} timers`,
    after: `end: heap ${load.endHeapMB.toFixed(1)} MB (x${load.heapRatio.toFixed(3)}), ${load.sockets.end} sockets, ${load.timers.end} timers; drained: ${load.sockets.drained} sockets; ${load.registered} of ${load.placed} in the register`,
    lost: load.placed - load.registered,
    duplicated: 0,
    recoverMs: 0,
  })
}

const table = textTable(
  ['scenario', 'injected', 'before', 'after', 'lost', 'duplicated', 'time to recover'],
  rows.map((r) => [r.scenario, r.injected, r.before, r.after, String(r.lost), String(r.duplicated), r.recoverMs > 0 ? `${(r.recoverMs / 1000).toFixed(2)} s` : '-']),
)
console.log(`\n${table}`)
if (load) console.log(`\nload, minute by minute:\n${loadTable(load)}`)

const date = new Date().toISOString().slice(0, 10)
const cmd = `npm run chaos${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`
const section = [
  '<!-- chaos:start -->',
  `Measured ${date} with \`${cmd}\` on ${os.cpus().length} cores, Node ${process.version}; tests ${run.status === 0 ? 'passed' : 'FAILED'}.`,
  '',
  table,
  ...(load ? ['', `Load, minute by minute (${load.wallSeconds.toFixed(0)} s of wall time):`, '', loadTable(load)] : []),
  '<!-- chaos:end -->',
].join('\n')
const current = fs.existsSync(doc) ? fs.readFileSync(doc, 'utf8') : '# Reliability\n\n<!-- chaos:start -->\n<!-- chaos:end -->\n'
const next = current.replace(/<!-- chaos:start -->[\s\S]*<!-- chaos:end -->/, section)
fs.writeFileSync(doc, next)
console.log(`\nwritten to ${path.relative(root, doc)}`)
fs.rmSync(reportDir, { recursive: true, force: true })
process.exit(run.status === 0 && rows.every((r) => r.lost === 0 && r.duplicated === 0) ? 0 : 1)
