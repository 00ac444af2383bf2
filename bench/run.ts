/**
 * `npm run bench`: prints the benchmark tables and writes them, with the command and the
 * date, to docs/BENCHMARKS.md (each benchmark's section between its markers is replaced).
 *   --quick          smaller inputs and fewer levels (a smoke run)
 *   --capacity-only  the capacity benchmark alone (parse and queue skipped)
 *   --queue-only     the queue benchmark alone (the other section is left as it is)
 *   --lists-only     the list-loading benchmark alone (--quick: 100,000 rows instead of 1,000,000)
 *   dialer-sim       the predictive-dialing simulation alone (or --dialer-only; --quick: 2 simulated hours)
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { capacityBenchmark } from './capacity.js'
import { DIALER_SIM_HEADER, dialerSimBenchmark, dialerSimCells } from './dialer-sim.js'
import { listLoadBenchmark } from './list-load.js'
import { parseBenchmark } from './parse.js'
import { queueLatencyBenchmark } from './queue-latency.js'
import { figure, textTable as table } from '../src/cli/text-table.js'
import { exitWithHelp } from '../src/cli/usage.js'

exitWithHelp(`
usage: npm run bench [-- options]

Prints the benchmark tables and writes them, with the command and the date, to docs/BENCHMARKS.md.

  --quick          smaller inputs and fewer levels (a smoke run)
  --levels=a,b,c   the capacity benchmark's concurrency levels
  --capacity-only  the capacity benchmark alone
  --queue-only     the queue benchmark alone
  --lists-only     the list-loading benchmark alone
  dialer-sim       the predictive-dialing simulation alone (or --dialer-only)
  -h, --help       this text
`)

const quick = process.argv.includes('--quick')
const levelsArg = process.argv.find((a) => a.startsWith('--levels='))
const here = path.dirname(fileURLToPath(import.meta.url))
const doc = path.resolve(here, '../docs/BENCHMARKS.md')

const fmt = figure

console.log(`benchmark on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown cpu'}), Node ${process.version}${quick ? ', quick run' : ''}`)
const onlyCapacity = process.argv.includes('--capacity-only')
const onlyQueue = process.argv.includes('--queue-only')
const onlyLists = process.argv.includes('--lists-only')
const onlyDialer = process.argv.includes('dialer-sim') || process.argv.includes('--dialer-only')
const date = new Date().toISOString().slice(0, 10)
const measured = `Measured ${date} with \`npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\` on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown cpu'}), Node ${process.version}.`

if (!onlyQueue && !onlyLists && !onlyDialer) {
  const parse = onlyCapacity ? [] : await parseBenchmark(quick ? 8 * 1024 * 1024 : 64 * 1024 * 1024, quick ? 3 : 5)
  const parseTable = table(
    ['format', 'events', 'MB', 'bare FreeSwitchParser (events/s)', 'ours: parse + dispatch + Call (events/s)', 'ratio (target >= 0.8)'],
    parse.map((r) => [r.format, fmt(r.events), fmt(r.megabytes, 1), fmt(r.bareEventsPerSecond), fmt(r.oursEventsPerSecond), fmt(r.ratio, 2)]),
  )
  console.log(`\nEvents parsed per second (best of rounds, same bytes)\n${parseTable}`)

  const levels = levelsArg ? levelsArg.slice(9).split(',').map(Number) : quick ? [250, 500] : [500, 1000, 2000, 3000, 4000]
  const capacity = await capacityBenchmark(levels, { rate: 200, holdSeconds: quick ? 4 : 10 })
  const capacityTable = table(
    ['target calls', 'held', 'new calls/s (ramp)', 'set samples', 'p50 ms', 'p99 ms', 'max ms', 'failed', 'app CPU %', 'simulator CPU %', 'app RSS MB'],
    capacity.map((r) => [
      r.targetCalls,
      r.heldCalls,
      fmt(r.callsPerSecond),
      fmt(r.samples),
      fmt(r.p50Ms, 2),
      fmt(r.p99Ms, 2),
      fmt(r.maxMs, 1),
      r.failed,
      fmt(r.appCpuPercent),
      fmt(r.simCpuPercent),
      fmt(r.rssMb),
    ]),
  )
  console.log(`\nConcurrent IVR calls held by one app process; control overhead of \`set\` while the others play prompts\n${capacityTable}`)
  const best = capacity.filter((r) => r.heldCalls >= r.targetCalls * 0.99 && r.p99Ms <= 20 && r.failed === 0).pop()
  console.log(`\nmost concurrent calls with p99 <= 20 ms: ${best ? best.targetCalls : 'none of the levels'}`)

  writeSection('bench', [
    measured,
    '',
    '### Events parsed per second',
    '',
    parseTable,
    '',
    '### Concurrent IVR calls in one app process, control overhead',
    '',
    capacityTable,
    '',
    `Most concurrent calls with p99 <= 20 ms and no failures: **${best ? best.targetCalls : 'none of the levels'}**.`,
  ])
}

if (!onlyCapacity && !onlyLists && !onlyDialer) {
  const q = await queueLatencyBenchmark(quick ? { agents: 10, callers: 100 } : { agents: 50, callers: 500 })
  const queueTable = table(
    ['agents', 'callers', 'served', 'failed', 'handoffs', 'same / cross instance', 'p50 ms', 'p99 ms', 'max ms', 'p99 same / cross ms', 'total s', 'calls/s', 'app CPU % (each instance)', 'simulator CPU %'],
    [
      [
        q.agents,
        q.callers,
        q.served,
        q.failed,
        fmt(q.handoffs),
        `${fmt(q.sameInstance)} / ${fmt(q.crossInstance)}`,
        fmt(q.p50Ms, 2),
        fmt(q.p99Ms, 2),
        fmt(q.maxMs, 1),
        `${fmt(q.sameP99Ms, 2)} / ${fmt(q.crossP99Ms, 2)}`,
        fmt(q.totalSeconds, 1),
        fmt(q.callsPerSecond, 1),
        q.appCpuPercent.map((c) => fmt(c)).join(' / '),
        fmt(q.simCpuPercent),
      ],
    ],
  )
  const met = q.handoffs > 0 && q.p99Ms <= 50 && q.failed === 0
  console.log(`\nQueue handoff: an agent's call ends -> the simulator receives the bridge to the next caller (2 app instances)\n${queueTable}`)
  console.log(`\nhandoff p99 <= 50 ms with no failures: ${met ? 'yes' : 'no'}`)
  writeSection('bench-queue', [
    measured,
    '',
    '### Queue handoff: agent free -> next caller bridged, 2 app instances',
    '',
    queueTable,
    '',
    `Handoff p99 <= 50 ms with no failures: **${met ? 'yes' : 'no'}**.`,
  ])
}

if (!onlyCapacity && !onlyQueue && !onlyDialer) {
  const rows = quick ? 100_000 : 1_000_000
  const l = await listLoadBenchmark(rows)
  const listTable = table(
    ['rows', 'MB', 'bare COPY s', 'bare COPY rows/s', 'loadList s', 'loadList rows/s', 'ratio', 'accepted', 'rejected', 'duplicates', 'do not call', 'node CPU %', 'PostgreSQL CPU %'],
    [
      [
        fmt(l.rows),
        fmt(l.megabytes, 1),
        fmt(l.copySeconds, 1),
        fmt(l.copyRowsPerSecond),
        fmt(l.loadSeconds, 1),
        fmt(l.loadRowsPerSecond),
        fmt(l.ratio, 2),
        fmt(l.totals.accepted),
        fmt(l.totals.rejected),
        fmt(l.totals.duplicates),
        fmt(l.totals.doNotCall),
        fmt(l.nodeCpuPercent),
        fmt(l.postgresCpuPercent),
      ],
    ],
  )
  const stages = `Alone, on the same file: scanner + csv-parse ${fmt(l.stages.parseSeconds, 1)} s; with the row checks (libphonenumber, time zones) ${fmt(l.stages.parseValidateSeconds, 1)} s.`
  const met = l.loadSeconds <= 60 && l.contacts === l.totals.accepted
  console.log(`\nLoading a dial list: loadList against a bare COPY of the same file\n${listTable}\n${stages}`)
  console.log(`\nwhole load <= 60 s: ${l.loadSeconds <= 60 ? 'yes' : 'no'}; contacts in the table = accepted: ${l.contacts === l.totals.accepted ? 'yes' : 'no'}`)
  writeSection('bench-lists', [
    measured,
    '',
    '### Loading a dial list: loadList against a bare COPY of the same file',
    '',
    listTable,
    '',
    `Planted by the generator: ${fmt(l.planted.bad)} bad rows, ${fmt(l.planted.duplicates)} repeated numbers, ${fmt(l.planted.doNotCall)} numbers on the do-not-call lists. ${stages}`,
    '',
    `Whole load of ${fmt(l.rows)} rows <= 60 s: **${met ? 'yes' : 'no'}** (${fmt(l.loadSeconds, 1)} s).`,
  ])
}

if (!onlyCapacity && !onlyQueue && !onlyLists) {
  const hours = quick ? 2 : 8
  console.log(`\nPredictive dialing: the campaign simulation, three pacing modes on the same seed (${hours} simulated hours each)`)
  const d = dialerSimBenchmark({ hours, onRow: (r) => console.log(`  ${r.scenario} / ${r.result.mode}: talk share ${r.result.talkShare.toFixed(3)}, abandon ${(r.result.abandonRate * 100).toFixed(2)} %, ${r.result.wallSeconds.toFixed(1)} s`) })
  const dialerTable = table(DIALER_SIM_HEADER, d.rows.map(dialerSimCells))
  const verdict = [
    `Abandon rate <= 3 % in every predictive run: **${d.abandonMet ? 'yes' : 'no'}**.`,
    `Predictive talk share on the default scenario >= 0.80 (ceiling 0.857): **${d.defaultTalkShare >= 0.8 ? 'yes' : 'no'}** (${d.defaultTalkShare.toFixed(3)}).`,
    `Predictive never below progressive and vicidial-adapt, at an abandon rate no higher than VICIdial's: **${d.neverWorse ? 'yes' : 'no'}**.`,
    `${hours} simulated hours of the default scenario (predictive) in <= 60 s: **${d.defaultWallSeconds <= 60 ? 'yes' : 'no'}** (${d.defaultWallSeconds.toFixed(1)} s).`,
  ]
  console.log(`\n${dialerTable}\n\n${verdict.join('\n')}`)
  writeSection('bench-dialer-sim', [
    measured,
    '',
    `### Predictive dialing: campaign simulation, ${hours} simulated hours, seed 1`,
    '',
    'A model of calls and operators in virtual time driving the dialer\'s own pacing code (src/dialer/pacing), not the telephony path; see docs/PACING.md. The same command with `npm run simulate -- --compare` for one scenario.',
    '',
    dialerTable,
    '',
    ...verdict.flatMap((v) => [v, '']).slice(0, -1),
  ])
}

/** Replaces the doc's section between `<!-- name:start -->` and `<!-- name:end -->` (appended when missing). */
function writeSection(name: string, lines: string[]): void {
  const [open, close] = [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`]
  const section = [open, ...lines, close].join('\n')
  const old = fs.existsSync(doc) ? fs.readFileSync(doc, 'utf8') : ''
  const start = old.indexOf(open)
  const end = old.indexOf(close)
  const updated = start >= 0 && end > start ? old.slice(0, start) + section + old.slice(end + close.length) : `${old}\n${section}\n`
  fs.writeFileSync(doc, updated)
  console.log(`\nwritten to ${path.relative(process.cwd(), doc)}`)
}
