/**
 * What a campaign's settings name must exist: its operators' queue (with at least one agent
 * among its members), its script, a calling window that opens. The schema (settings.ts)
 * checks the shape; this checks the settings against the call center, at creation, at start
 * and when edited, so a misspelt queue is refused rather than left running with 0 calls.
 */
import type { CampaignKind } from '../db/schema/index.js'
import { queuesOf, type QueueSettings } from '../queue/config.js'
import { nextWindowStart } from '../dialer/window.js'
import type { CampaignSettings } from './settings.js'

/** The script a campaign kind runs when its settings name none; kinds without one go to operators. */
export const DEFAULT_SCRIPT: Partial<Record<CampaignKind, string>> = {
  informational: 'informational',
  'payment-reminder': 'payment-reminder',
  survey: 'survey',
}

export interface CallCenterFacts {
  /** The queues this app serves; undefined when it runs none. */
  queues: QueueSettings[] | undefined
  /** Ids of the campaign scripts loaded; undefined when unknown (not checked). */
  scripts: string[] | undefined
  /** The agents table: who a queue's groups and ids stand for. */
  agents: Array<{ id: string; groups: string[] }>
}

/** Every problem, each naming its field; empty when the campaign can run. */
export function settingsProblems(kind: CampaignKind, s: CampaignSettings, facts: CallCenterFacts, now: Date): string[] {
  const problems: string[] = []
  const script = s.script ?? DEFAULT_SCRIPT[kind]
  if (s.script && facts.scripts && !facts.scripts.includes(s.script)) {
    problems.push(`settings.script: there is no script '${s.script}' (scripts: ${facts.scripts.join(', ') || 'none'})`)
  }
  if (!script && !s.operatorsQueue) problems.push(`settings.operatorsQueue: a ${kind} campaign puts answered calls through to operators: name their queue`)
  if (s.operatorsQueue) {
    const queue = facts.queues?.find((q) => q.name === s.operatorsQueue)
    if (!queue) {
      const names = facts.queues?.map((q) => q.name).join(', ')
      problems.push(`settings.operatorsQueue: there is no queue '${s.operatorsQueue}' (queues: ${names || 'none'})`)
    } else if (!facts.agents.some((a) => queuesOf(a, [queue]).length > 0)) {
      problems.push(`settings.operatorsQueue: queue '${queue.name}' has no agents among its members (${describeMembers(queue)})`)
    }
  }
  // Tried at UTC and at the far ends of the world's offsets: a window that opens somewhere.
  const opens = ['Etc/GMT+12', 'UTC', 'Etc/GMT-14'].some((tz) => nextWindowStart(s.window, tz, now) !== undefined)
  if (!opens) problems.push(`settings.window: never opens in the next two weeks (days ${s.window.days.join(', ')}; holidays ${s.window.holidays.join(', ') || 'none'})`)
  return problems
}

function describeMembers(q: QueueSettings): string {
  const parts = [...q.members.groups.map((g) => `group ${g}`), ...q.members.agents.map((a) => `agent ${a}`)]
  return parts.join(', ')
}
