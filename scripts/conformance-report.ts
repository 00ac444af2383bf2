/**
 * `npx tsx scripts/conformance-report.ts <transcript> [max]`: drives the simulator through
 * one golden transcript (as tests/transcripts/sim-conformance.test.ts does) and lists every
 * difference from what FreeSWITCH said, per connection. For working on the simulator.
 */
import { differences, runScenario } from '../tests/transcripts/conformance.js'

const name = process.argv[2]
if (!name) {
  console.error('usage: tsx scripts/conformance-report.ts <transcript name> [max differences]')
  process.exit(2)
}
const r = await runScenario(name)
for (const [conn, recorded] of r.recorded) {
  const mode = conn.startsWith('out') || conn.startsWith('conn') ? 'exact' : 'per-channel'
  const simulated = r.simulated.get(conn) ?? []
  const d = differences(recorded, simulated, mode)
  console.log(`== ${conn} (${mode}): recorded ${recorded.length}, simulated ${simulated.length}, ${d.length} differences`)
  for (const x of d.slice(0, Number(process.argv[3] ?? 40))) console.log('  ', x)
}
