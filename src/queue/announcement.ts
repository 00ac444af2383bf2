/**
 * What a waiting caller is told every so often: their place, the expected wait, and the keys
 * they may press (a message, a callback), as prompt ids in their language.
 */
import type { PromptLibrary } from '../ivr/prompts.js'
import type { QueueSettings } from './config.js'
import type { QueueStore } from './store.js'

/** Average handling time assumed before a queue has answered anything today, ms. */
const DEFAULT_HANDLE_MS = 180_000

/** The prompts of the announcement, or undefined when the caller has no place to be told (being offered). */
export async function announcement(store: QueueStore, prompts: PromptLibrary, queue: QueueSettings, entry: string, language: string): Promise<string[] | undefined> {
  const { position } = await store.position(entry)
  if (position <= 0) return undefined
  const ids = ['queue-position', ...(prompts.fragments(language, { kind: 'number', value: position }) ?? [])]
  const minutes = await expectedWaitMinutes(store, queue, position)
  if (minutes !== undefined) ids.push('queue-wait-minutes', ...(prompts.fragments(language, { kind: 'number', value: minutes }) ?? []))
  for (const [key, action] of Object.entries(queue.keys).sort()) {
    const digit = /[0-9]/.test(key) ? prompts.fragments(language, { kind: 'digits', value: key }) : undefined
    if (digit) ids.push(action === 'voicemail' ? 'queue-press-voicemail' : 'queue-press-callback', ...digit)
  }
  return ids
}

/** Position x average handling time / agents serving, in whole minutes (at least 1). */
async function expectedWaitMinutes(store: QueueStore, queue: QueueSettings, position: number): Promise<number | undefined> {
  const [day, members] = await Promise.all([store.queueDay(queue.name), store.members(queue.name)])
  const serving = (await Promise.all(members.map((m) => store.agent(m)))).filter((a) => a && a.state !== 'paused' && a.state !== 'logged-out').length
  if (serving === 0) return undefined
  const handleMs = (day.handled > 0 ? day.talkMs / day.handled : DEFAULT_HANDLE_MS) + queue.wrapUpSeconds * 1000
  return Math.max(1, Math.ceil((position * handleMs) / serving / 60_000))
}
