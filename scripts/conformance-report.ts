/**
 * `npx tsx scripts/conformance-report.ts <transcript> [max]`: drives the simulator through
 * one golden transcript (as tests/transcripts/sim-conformance.test.ts does) and lists every
 * difference from what FreeSWITCH said, per connection. For working on the simulator.
 */
import { exitWithHelp } from '../src/cli/usage.js'
import { differences, runScenario } from '../tests/transcripts/conformance.js'

const USAGE = 'usage: tsx scripts/conformance-report.ts <transcript name> [max differences]'
exitWithHelp(`
${USAGE}

Drives the simulator through one golden transcript (tests/fixtures/esl-transcripts) and lists
every difference from what FreeSWITCH said, per connection (at most max, default 40, each).

  -h, --help   this text
`)

const name = process.argv[2]
if (!name) {
  console.error(USAGE)
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
