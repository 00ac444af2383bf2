/**
 * Whether loaded flows can run: every prompt they name, and the spoken-number fragments
 * their `say` nodes need, recorded in every language they speak. The app refuses to start
 * otherwise, and `npm run flows:check` prints the same list.
 */
import { checkPrompts } from './flow/prompts-check.js'
import { loadFlows } from './flow/load.js'
import { FlowError, type FlowProblem } from './flow/problems.js'
import type { Flow } from './flow/schema.js'
import { fragmentIds, SAY_LANGUAGES, type Language } from './say/index.js'

const canSay = (language: string): language is Language => (SAY_LANGUAGES as readonly string[]).includes(language)

export async function readinessProblems(flows: Flow[], promptsDir: string): Promise<FlowProblem[]> {
  const problems: FlowProblem[] = []
  for (const flow of flows) {
    const sayNode = Object.entries(flow.nodes).find(([, n]) => n.type === 'say')?.[0]
    if (sayNode) {
      for (const language of flow.languages.filter((l) => !canSay(l))) {
        problems.push({ file: flow.source, node: sayNode, message: `numbers, money and dates cannot be said in '${language}' (they can in ${SAY_LANGUAGES.join(', ')})` })
      }
    }
    const extraIds = (language: string): string[] => (sayNode && canSay(language) ? fragmentIds(language) : [])
    problems.push(...(await checkPrompts(flow, promptsDir, { extraIds })))
  }
  return problems
}

/** Loads the flows in `flowsDir` and checks their prompts: a FlowError lists every problem. */
export async function loadReadyFlows(flowsDir: string, promptsDir: string): Promise<Flow[]> {
  const flows = await loadFlows(flowsDir)
  const problems = await readinessProblems(flows, promptsDir)
  if (problems.length > 0) throw new FlowError(problems)
  return flows
}
