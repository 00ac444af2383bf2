/**
 * Every prompt a flow names must be recorded in every language of the flow, as
 * <promptsDir>/<language>/<id>.wav in the one format FreeSWITCH plays without resampling or
 * complaint: PCM, 16-bit, mono, 8000 or 16000 Hz. A caller who picks Russian must not hit
 * silence three menus in. That includes the `language` node's own prompt: it is played
 * again in the language already chosen when the caller comes back to it.
 */
import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import wav from 'node-wav'
import { listOf, type FlowProblem } from './problems.js'
import { promptsOf } from './refs.js'
import type { Flow } from './schema.js'
import { readWavFormat } from './wav-format.js'

export interface PromptProblem extends FlowProblem {
  language: string
  /** The prompt id; absent when a whole language is missing. */
  prompt?: string
  /** The WAV file (or language directory) looked for. */
  wav: string
}

export interface CheckPromptsOptions {
  /** Ids that must exist too in that language, though no node names them (say fragments). */
  extraIds?: (language: string) => string[]
}

interface Use {
  node?: string
  field?: string
}

export async function checkPrompts(flow: Flow, promptsDir: string, options: CheckPromptsOptions = {}): Promise<PromptProblem[]> {
  const uses = promptUses(flow)
  const problems: PromptProblem[] = []
  for (const language of flow.languages) {
    const dir = path.join(promptsDir, language)
    if (!(await isDirectory(dir))) {
      problems.push({ file: flow.source, language, wav: dir, message: `no prompts in '${language}': ${dir} is not a directory` })
      continue
    }
    const ids = new Map(uses)
    for (const id of options.extraIds?.(language) ?? []) if (!ids.has(id)) ids.set(id, [])
    const checked = await Promise.all([...ids].map(async ([id, users]) => ({ id, users, fault: await wavFault(path.join(dir, `${id}.wav`)) })))
    for (const { id, users, fault } of checked) {
      if (fault === undefined) continue
      const file = path.join(dir, `${id}.wav`)
      const [first, ...others] = users
      const also = others.length > 0 ? ` (also used by ${listOf(others.map((u) => `'${u.node}'`))})` : ''
      const what = first === undefined ? `prompt '${id}' (${language}, needed though no node names it)` : `${first.field} '${id}' (${language})`
      problems.push({ file: flow.source, node: first?.node, field: first?.field, language, prompt: id, wav: file, message: `${what}: ${file} ${fault}${also}` })
    }
  }
  return problems
}

/** Prompt id -> the nodes (and fields) naming it, nodes in file order, each node once. */
function promptUses(flow: Flow): Map<string, Use[]> {
  const uses = new Map<string, Use[]>()
  for (const [node, n] of Object.entries(flow.nodes)) {
    for (const { field, id } of promptsOf(n)) {
      const list = uses.get(id) ?? []
      if (!list.some((u) => u.node === node)) list.push({ node, field })
      uses.set(id, list)
    }
  }
  return uses
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory()
  } catch {
    return false
  }
}

const CONVERT = 'convert it with: sox <source> -r 8000 -c 1 -b 16 -e signed-integer <prompt>.wav'

/** What is wrong with the prompt file, as the end of a sentence; undefined when fine. */
async function wavFault(file: string): Promise<string | undefined> {
  let bytes: Buffer
  try {
    bytes = await readFile(file)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    return code === 'ENOENT' ? 'is missing' : `cannot be read (${code ?? (e as Error).message})`
  }
  const format = readWavFormat(bytes)
  if (typeof format === 'string') return format
  const faults: string[] = []
  if (format.audioFormat === 3) faults.push(`${format.bitsPerSample}-bit float`)
  else if (format.audioFormat !== 1) faults.push(`not plain PCM (format 0x${format.audioFormat.toString(16)})`)
  else if (format.bitsPerSample !== 16) faults.push(`${format.bitsPerSample}-bit`)
  if (format.channels !== 1) faults.push(format.channels === 2 ? 'stereo' : `${format.channels} channels`)
  if (format.sampleRate !== 8000 && format.sampleRate !== 16000) faults.push(`${format.sampleRate} Hz`)
  if (faults.length > 0) return `is ${listOf(faults)}; prompts are 16-bit PCM, mono, 8000 or 16000 Hz (${CONVERT})`
  if (!format.hasData) return 'has no audio (no data chunk)'
  try {
    // On a fresh ArrayBuffer: node-wav mixes up offsets when handed a slice of a pooled one.
    wav.decode(Buffer.from(new Uint8Array(bytes).buffer))
  } catch (e) {
    return `cannot be decoded (${(e as Error).message})`
  }
  return undefined
}
