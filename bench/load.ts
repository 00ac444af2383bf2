/**
 * Load: N concurrent simulated calls through the IVR (lookup, language) and a queue with hold
 * music, for M minutes of virtual time, against the app over real TCP, Postgres and Redis.
 * Each call that ends is replaced at once, so the level holds. Measures what a day-long run
 * would leak: the heap (after a forced GC) when warm and at the end, open sockets and timers
 * (the process's active resources), and whether every call reached the register.
 *
 *   node --expose-gc --import tsx bench/load.ts [--calls 1000] [--minutes 10] [--agents 250] [--json]
 */
import { parseCommandLine } from '../src/cli/usage.js'
import v8 from 'node:v8'
import vm from 'node:vm'
import { pathToFileURL } from 'node:url'
import { startCallCenter, type CallCenter } from '../tests/queue/harness.js'
import { textTable } from '../src/cli/text-table.js'
import { generator } from '../src/dialer/simulation/random.js'

export interface LoadOptions {
  calls: number
  minutes: number
  agents: number
  warmupMinutes: number
  seed: number
}

export interface LoadSample {
  minute: number
  live: number
  waiting: number
  heapMB: number
  sockets: number
  timers: number
}

export interface LoadResult {
  options: LoadOptions
  placed: number
  registered: number
  answered: number
  samples: LoadSample[]
  warmHeapMB: number
  endHeapMB: number
  heapRatio: number
  /** Open TCP sockets and timers: before the load, warm, at the end of the load, after the drain. */
  sockets: { before: number; warm: number; end: number; drained: number }
  timers: { before: number; warm: number; end: number; drained: number }
  wallSeconds: number
}

function resources(): { sockets: number; timers: number } {
  const all = process.getActiveResourcesInfo()
  return { sockets: all.filter((r) => r === 'TCPSocketWrap' || r === 'TCPServerWrap').length, timers: all.filter((r) => r === 'Timeout').length }
}

/** V8's gc(): the global one under --expose-gc, else switched on here (tests run without the flag). */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc
  if (exposed) return exposed
  v8.setFlagsFromString('--expose-gc')
  return vm.runInNewContext('gc') as () => void
}

async function heapMB(): Promise<number> {
  const gc = collector()
  // Twice, with a turn of the loop between: finalizers free more on the second pass.
  for (let i = 0; i < 2; i++) {
    gc()
    await new Promise((r) => setTimeout(r, 20))
  }
  return process.memoryUsage().heapUsed / 2 ** 20
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const started = Date.now()
  const rnd = generator(o.seed)
  const yaml = ['queues:', '  support:', '    members: { groups: [operators] }', '    wrapUpSeconds: 10', '    announceEverySeconds: 60', '    maxWaitSeconds: 7200', '    onMaxWait: voicemail'].join('\n')
  const agents = Array.from({ length: o.agents }, (_, i) => ({ id: `agent${String(i + 1).padStart(4, '0')}` }))
  const before = resources()
  const cc: CallCenter = await startCallCenter({ at: '2026-11-23T09:00:00Z', queuesYaml: yaml, agents, quietMs: 1, keepChannels: false })
  for (const { id } of agents) cc.phones.set(id, () => ({ ringMs: 1000 + rnd() * 3000, talkMs: 30_000 + rnd() * 150_000 }))
  for (const { id } of agents) await cc.apps[0]!.queues!.desk.login(id)

  const end = cc.clock.now() + o.minutes * 60_000
  let live = 0
  let n = 0
  const place = (): void => {
    if (cc.clock.now() >= end) return
    n++
    // Distinct callers, none a known client: each goes lookup -> language -> queue.
    const call = cc.call(`+3876${String(20_000_000 + n).padStart(8, '0')}`, 'support')
    live++
    void call.done.then(() => {
      live--
      place()
    })
  }
  // Arrivals spread over the first minute, then each end brings the next caller.
  for (let i = 0; i < o.calls; i++) cc.clock.setTimeout(place, Math.floor((i * 60_000) / o.calls))

  const samples: LoadSample[] = []
  let warm: { heap: number; sockets: number; timers: number } | undefined
  for (let minute = 1; minute <= o.minutes; minute++) {
    const at = cc.clock.now() + 60_000
    await cc.runUntil(() => cc.clock.now() >= at, 60_000)
    const waiting = (await cc.apps[0]!.queues!.store.waiting('support')).count
    const heap = await heapMB()
    const r = resources()
    samples.push({ minute, live, waiting, heapMB: heap, ...r })
    if (minute === o.warmupMinutes) warm = { heap, ...r }
  }
  const endHeap = samples.at(-1)!.heapMB
  const endRes = resources()
  // Drain: no new callers; everyone still on finishes (talk, or wait then talk).
  await cc.finish(6 * 60 * 60_000)
  const rows = await cc.rows()
  const drained = resources()
  const result: LoadResult = {
    options: o,
    placed: n,
    registered: rows.length,
    answered: rows.filter((r) => r.answeredBy !== null).length,
    samples,
    warmHeapMB: warm!.heap,
    endHeapMB: endHeap,
    heapRatio: endHeap / warm!.heap,
    sockets: { before: before.sockets, warm: warm!.sockets, end: endRes.sockets, drained: drained.sockets },
    timers: { before: before.timers, warm: warm!.timers, end: endRes.timers, drained: drained.timers },
    wallSeconds: (Date.now() - started) / 1000,
  }
  await cc.close()
  return result
}

export function loadTable(r: LoadResult): string {
  return textTable(
    ['minute', 'calls live', 'waiting', 'heap MB (after GC)', 'sockets', 'timers'],
    r.samples.map((s) => [String(s.minute), String(s.live), String(s.waiting), s.heapMB.toFixed(1), String(s.sockets), String(s.timers)]),
  )
}

const LOAD_USAGE = `
usage: npm run load [-- options]

N concurrent simulated calls through the IVR and a queue for M minutes of virtual time, against
the app over real TCP, Postgres and Redis; prints the heap, sockets and timers by minute.

  --calls 1000 --minutes 10 --agents 250 --warmup 3 --seed 1
  --json       one JSON object instead of the table
  -h, --help   this text
`

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseCommandLine('npm run load', LOAD_USAGE, {
    options: {
      calls: { type: 'string', default: '1000' },
      minutes: { type: 'string', default: '10' },
      agents: { type: 'string', default: '250' },
      warmup: { type: 'string', default: '3' },
      seed: { type: 'string', default: '1' },
      json: { type: 'boolean', default: false },
    },
  })
  const r = await runLoad({ calls: Number(values.calls), minutes: Number(values.minutes), agents: Number(values.agents), warmupMinutes: Number(values.warmup), seed: Number(values.seed) })
  if (values.json) console.log(JSON.stringify(r))
  else {
    console.log(loadTable(r))
    console.log(`\n${r.placed} calls placed, ${r.registered} in the register (${r.answered} answered by an agent); heap end/warm ${r.heapRatio.toFixed(3)}; sockets ${JSON.stringify(r.sockets)}; timers ${JSON.stringify(r.timers)}; ${r.wallSeconds.toFixed(0)} s wall`)
  }
  process.exit(0)
}
