/**
 * `npm run flows:check`: loads every flow in FLOWS_DIR (default flows/) and checks that each
 * prompt it names is recorded in each of its languages under PROMPTS_DIR, as the app does
 * before it takes calls. Prints every problem with its file and node; exits 1 if any.
 */
import { ConfigError, loadConfig } from '../config.js'
import { FlowError } from '../ivr/flow/problems.js'
import { loadReadyFlows } from '../ivr/readiness.js'

try {
  const config = loadConfig()
  const flows = await loadReadyFlows(config.flowsDir, config.promptsDir)
  for (const f of flows) {
    console.log(`ok ${f.source}: flow '${f.id}', ${Object.keys(f.nodes).length} nodes, numbers ${f.numbers.join(', ')}, languages ${f.languages.join(', ')}`)
  }
} catch (err) {
  if (!(err instanceof FlowError || err instanceof ConfigError)) throw err
  console.error(err.message)
  process.exit(1)
}
