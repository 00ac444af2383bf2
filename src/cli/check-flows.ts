/**
 * `npm run flows:check`: loads the queues (QUEUES_FILE) and every flow in FLOWS_DIR (default
 * flows/), and checks that each prompt a flow names is recorded in each of its languages
 * under PROMPTS_DIR and each queue it routes to exists, as the app does before it takes calls. Prints every problem with its file and node; exits 1 if any.
 */
import { ConfigError, loadConfig } from '../config.js'
import { FlowError } from '../ivr/flow/problems.js'
import { loadReadyFlows } from '../ivr/readiness.js'
import { loadQueues, QueueConfigError } from '../queue/config.js'
import { exitWithHelp } from './usage.js'

exitWithHelp(`
usage: npm run flows:check

Loads the queues (QUEUES_FILE, default queues/queues.yaml), the IVR flows in FLOWS_DIR (default
flows/) and the campaign scripts in SCRIPTS_DIR (default campaigns/scripts), and checks that every
prompt they play is recorded under PROMPTS_DIR in each of their languages and every queue they route
to exists. Prints each problem with its file and node; exits 1 if there is any.

  -h, --help   this text
`)

try {
  const config = loadConfig()
  const queues = await loadQueues(config.queuesFile)
  console.log(`ok ${config.queuesFile}: queues ${queues.map((q) => `${q.name} (${q.strategy})`).join(', ')}`)
  const flows = await loadReadyFlows(config.flowsDir, config.promptsDir, queues.map((q) => q.name))
  const scripts = await loadReadyFlows(config.scriptsDir, config.promptsDir, queues.map((q) => q.name), 'script')
  for (const f of flows) {
    console.log(`ok ${f.source}: flow '${f.id}', ${Object.keys(f.nodes).length} nodes, numbers ${f.numbers.join(', ')}, languages ${f.languages.join(', ')}`)
  }
  for (const f of scripts) console.log(`ok ${f.source}: campaign script '${f.id}', ${Object.keys(f.nodes).length} nodes, languages ${f.languages.join(', ')}`)
} catch (err) {
  if (!(err instanceof FlowError || err instanceof ConfigError || err instanceof QueueConfigError)) throw err
  console.error(err.message)
  process.exit(1)
}
