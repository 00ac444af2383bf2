/**
 * Loading the flows at start-up: a bad flow stops the start with every problem of every
 * file at once, each naming the file, the node and what is wrong.
 */
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { FlowError, type FlowProblem } from './problems.js'
import type { Flow } from './schema.js'
import { formatOf, parseSource } from './source.js'
import { validateFlow } from './validate.js'

export { FlowError, formatProblem, type FlowProblem } from './problems.js'

/**
 * Parses and checks one flow; `source` is the file name used in messages and its extension
 * chooses the syntax (.yaml, .yml or .json). Throws a FlowError with all problems found.
 */
export function parseFlow(text: string, source: string): Flow {
  const parsed = parseSource(text, source)
  if (parsed.data === undefined) throw new FlowError(parsed.problems)
  const { flow, problems } = validateFlow(parsed.data, source)
  const all = [...parsed.problems, ...problems]
  if (all.length > 0 || flow === undefined) throw new FlowError(all)
  return flow
}

/**
 * Every *.yaml, *.yml and *.json flow in `dir`, by file name. Problems of all files, and
 * numbers or ids claimed by two flows, come out together in one FlowError.
 */
export async function loadFlows(dir: string, kind: 'inbound' | 'script' = 'inbound'): Promise<Flow[]> {
  let names: string[]
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && formatOf(e.name) !== undefined).map((e) => e.name)
  } catch (e) {
    throw new FlowError([{ file: dir, message: `the flows directory cannot be read (${(e as Error).message})` }])
  }
  const flows: Flow[] = []
  const problems: FlowProblem[] = []
  for (const name of names.sort()) {
    const file = path.join(dir, name)
    try {
      flows.push(parseFlow(await readFile(file, 'utf8'), file))
    } catch (e) {
      if (!(e instanceof FlowError)) throw e
      problems.push(...e.problems)
    }
  }
  for (const flow of flows) {
    // Inbound flows are found by the number dialled; a campaign script by its id.
    if (kind === 'inbound' && flow.numbers.length === 0) problems.push({ file: flow.source, field: 'numbers', message: 'an inbound flow needs at least one number it answers' })
    if (kind === 'script' && flow.numbers.length > 0) problems.push({ file: flow.source, field: 'numbers', message: 'a campaign script answers no numbers: the dialer runs it on the calls it makes' })
  }
  problems.push(...clashes(flows))
  if (problems.length > 0) throw new FlowError(problems)
  return flows
}

/** The campaign scripts in `dir`: flows the dialer runs on answered calls, found by id. */
export function loadScripts(dir: string): Promise<Flow[]> {
  return loadFlows(dir, 'script')
}

/**
 * A destination number answered by two flows (which one would take the call?), and two
 * flows with one id. Numbers compare without a leading '+': the switch may hand us either.
 */
function clashes(flows: Flow[]): FlowProblem[] {
  const problems: FlowProblem[] = []
  const byNumber = new Map<string, { flow: Flow; number: string }>()
  const byId = new Map<string, Flow>()
  for (const flow of flows) {
    for (const number of new Set(flow.numbers)) {
      const key = number.replace(/^\+/, '')
      const first = byNumber.get(key)
      if (first === undefined) byNumber.set(key, { flow, number })
      else if (first.flow !== flow) problems.push({ file: flow.source, field: 'numbers', message: `number '${number}' is already answered by ${first.flow.source} (flow '${first.flow.id}'); a number belongs to one flow` })
      else problems.push({ file: flow.source, field: 'numbers', message: `numbers '${first.number}' and '${number}' are the same number` })
    }
    const twin = byId.get(flow.id)
    if (twin !== undefined) problems.push({ file: flow.source, field: 'id', message: `id '${flow.id}' is already the id of ${twin.source}; flow ids must differ` })
    else byId.set(flow.id, flow)
  }
  return problems
}
