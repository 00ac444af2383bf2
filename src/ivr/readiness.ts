/**
 * Whether loaded flows can run: every prompt they name, and the spoken-number fragments
 * their `say` nodes need, recorded in every language they speak; every queue they route to
 * configured. The app refuses to start
 * otherwise, and `npm run flows:check` prints the same list.
 */
import { checkPrompts } from './flow/prompts-check.js'
import { loadFlows } from './flow/load.js'
import { FlowError, type FlowProblem } from './flow/problems.js'
import type { Flow } from './flow/schema.js'
import { QUEUE_PROMPTS } from '../queue/waiter.js'
import { fragmentIds, SAY_LANGUAGES, type Language } from './say/index.js'

const canSay = (language: string): language is Language => (SAY_LANGUAGES as readonly string[]).includes(language)

export async function readinessProblems(flows: Flow[], promptsDir: string, queues?: string[]): Promise<FlowProblem[]> {
  const problems: FlowProblem[] = []
  for (const flow of flows) {
    if (queues) {
      for (const [id, node] of Object.entries(flow.nodes)) {
        if (node.type !== 'route') continue
        node.chain.forEach((t, i) => {
          if ('queue' in t && !queues.includes(t.queue)) {
            problems.push({ file: flow.source, node: id, field: `chain[${i}]`, message: `queue '${t.queue}' is not in the queues file (there: ${queues.join(', ') || 'none'})` })
          }
        })
      }
    }
    const sayNode = Object.entries(flow.nodes).find(([, n]) => n.type === 'say')?.[0]
    if (sayNode) {
      for (const language of flow.languages.filter((l) => !canSay(l))) {
        problems.push({ file: flow.source, node: sayNode, message: `numbers, money and dates cannot be said in '${language}' (they can in ${SAY_LANGUAGES.join(', ')})` })
      }
    }
    const queued = Object.values(flow.nodes).some((n) => n.type === 'route' && n.chain.some((t) => 'queue' in t))
    // Waiting callers hear their place and the expected wait spoken: the fragments are needed then too.
    const speaks = sayNode !== undefined || queued
    const extraIds = (language: string): string[] => [...(queued ? QUEUE_PROMPTS : []), ...(speaks && canSay(language) ? fragmentIds(language) : [])]
    problems.push(...(await checkPrompts(flow, promptsDir, { extraIds })))
  }
  return problems
}

/** Loads the flows in `flowsDir` and checks their prompts and queues: a FlowError lists every problem. */
export async function loadReadyFlows(flowsDir: string, promptsDir: string, queues?: string[], kind: 'inbound' | 'script' = 'inbound'): Promise<Flow[]> {
  const flows = await loadFlows(flowsDir, kind)
  const problems = await readinessProblems(flows, promptsDir, queues)
  if (problems.length > 0) throw new FlowError(problems)
  return flows
}
