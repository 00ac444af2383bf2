/**
 * `npx tsx scripts/record-transcript.ts <scenario ...|all> [--out <dir>]`: records golden ESL
 * transcripts from the real FreeSWITCH 1.11.1 bundle (a private instance per scenario),
 * through a recording proxy in front of its event socket and of the app's outbound-socket
 * port, into tests/fixtures/esl-transcripts (or --out). The scenarios live in
 * tests/transcripts/recorder/scenarios; tests/transcripts/sim-conformance.test.ts then holds
 * the simulator to what was recorded.
 */
import path from 'node:path'
import { exitWithHelp } from '../src/cli/usage.js'
import { FIXTURE_DIR } from '../tests/helpers/transcripts.js'
import { recordScenario } from '../tests/transcripts/recorder/recording-session.js'
import { SCENARIOS, scenarioNamed } from '../tests/transcripts/recorder/scenarios/index.js'

exitWithHelp(`
usage: tsx scripts/record-transcript.ts <${SCENARIOS.map((s) => s.name).join('|')}|all> [--out <dir>]

Records golden ESL transcripts from the real FreeSWITCH 1.11.1 bundle (a private instance per
scenario) into tests/fixtures/esl-transcripts, or --out <dir>.

  -h, --help   this text
`)
const args = process.argv.slice(2)
const outAt = args.indexOf('--out')
const outDir = outAt >= 0 ? path.resolve(args[outAt + 1] ?? '.') : FIXTURE_DIR
const names = args.filter((a, i) => a !== '--out' && !(outAt >= 0 && i === outAt + 1))
if (names.length === 0) {
  console.error(`usage: tsx scripts/record-transcript.ts <${SCENARIOS.map((s) => s.name).join('|')}|all> [--out <dir>]`)
  process.exit(2)
}
const chosen = names.includes('all') ? SCENARIOS : names.map((n) => scenarioNamed(n) ?? fail(`no scenario named ${n}`))
for (const scenario of chosen) {
  const started = Date.now()
  const files = await recordScenario(scenario, outDir)
  console.log(`${scenario.name}: ${files.jsonl} ${files.txt} (${((Date.now() - started) / 1000).toFixed(1)} s)`)
}

function fail(message: string): never {
  console.error(message)
  process.exit(2)
}
