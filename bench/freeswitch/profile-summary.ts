/**
 * Where a Node process's CPU went, from a V8 CPU profile (`node --cpu-prof`, as
 * `npm run bench:freeswitch -- --profile` runs the app): self time by package or source
 * directory, and the functions with the most self time.
 *
 *   npx tsx bench/freeswitch/profile-summary.ts <file.cpuprofile> [--top=25]
 */
import fs from 'node:fs'
import { textTable } from '../../src/cli/text-table.js'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

const file = process.argv[2]
if (!file) {
  console.error('usage: profile-summary.ts <file.cpuprofile> [--top=25]')
  process.exit(2)
}
const top = Number(process.argv.find((a) => a.startsWith('--top='))?.slice(6) ?? 25)
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile
const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const selfUs = new Map<number, number>()
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))

/** What a frame belongs to: a package, a node internal module, a directory of ours, or V8's own. */
function area(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)'
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (pkg) return pkg[1]!
  const internal = /^node:internal\/([^/]+(?:\/[^/.]+)?)/.exec(url)
  if (internal) return `node:${internal[1]}`
  if (url.startsWith('node:')) return url
  const ours = /\/(src|bench|tests)\/([^/]+)/.exec(url)
  if (ours) return `${ours[1]}/${ours[2]}`
  return url.replace(/^file:\/\//, '')
}

const parent = new Map<number, number>()
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
/** The nearest frame of our own code (src/) above a sample: what the time was spent for. */
function ours(id: number): string {
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const { functionName, url, lineNumber } = byId.get(at)!.callFrame
    const m = /\/src\/(.+)$/.exec(url)
    if (m && !url.includes('node_modules')) return `${functionName || '(anonymous)'} src/${m[1]}:${lineNumber + 1}`
  }
  return '(no frame of ours: library timers, sockets, GC)'
}
const forOurs = new Map<string, number>()
const areas = new Map<string, number>()
const functions = new Map<string, number>()
let total = 0
let idle = 0
for (const [id, us] of selfUs) {
  const n = byId.get(id)!
  const { functionName, url, lineNumber } = n.callFrame
  if (functionName === '(idle)') {
    idle += us
    continue
  }
  total += us
  const o = ours(id)
  forOurs.set(o, (forOurs.get(o) ?? 0) + us)
  const a = area(url, functionName)
  areas.set(a, (areas.get(a) ?? 0) + us)
  const fn = `${functionName || '(anonymous)'} ${url ? `${url.replace(/^.*\/(node_modules\/)?/, '')}:${lineNumber + 1}` : ''}`.trim()
  functions.set(fn, (functions.get(fn) ?? 0) + us)
}
const wall = (profile.endTime - profile.startTime) / 1e6
const pct = (us: number): string => `${((us / total) * 100).toFixed(1)} %`
const ms = (us: number): string => (us / 1000).toFixed(0)
console.log(`${file}: ${wall.toFixed(1)} s profiled, ${ms(total)} ms on the CPU (${((total / 1e6 / wall) * 100).toFixed(1)} % of a core), ${ms(idle)} ms idle`)
const sorted = (m: Map<string, number>): Array<[string, number]> => [...m.entries()].sort((a, b) => b[1] - a[1])
console.log(`\n${textTable(['self time in', 'ms', 'share'], sorted(areas).slice(0, top).map(([k, v]) => [k, ms(v), pct(v)]))}`)
console.log(`\n${textTable(['function', 'self ms', 'share'], sorted(functions).slice(0, top).map(([k, v]) => [k, ms(v), pct(v)]))}`)
console.log(`\n${textTable(['nearest function of ours (src/), with what it called', 'ms', 'share'], sorted(forOurs).slice(0, top).map(([k, v]) => [k, ms(v), pct(v)]))}`)
