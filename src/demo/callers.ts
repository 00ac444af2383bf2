/**
 * The demo's caller mix: who phones in and what they do once the IVR answers (keys at the
 * menus, hanging up). The same steps drive the simulator's scripted callers and, with
 * `--freeswitch`, loopback callers on the real switch (real-callers.ts).
 */
import type { ScriptStep } from '../sim/caller-script.js'
import { SAMPLE_CLIENTS } from './sample-data.js'

/** A small deterministic generator, so a seed replays the same callers. */
export function random(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

/** Waits for the next menu (play_and_get_digits), listens a while, presses `digit`. */
const menu = (digit: string, waitMs = 1500): ScriptStep[] => [{ app: 'play_and_get_digits' }, { wait: waitMs }, { dtmf: digit }]

export interface DemoCaller {
  kind: string
  weight: number
  /** The caller's number; `n` is the caller's place in the run (1, 2 ...). */
  from: (n: number) => string
  steps: ScriptStep[]
}

/** The kinds of caller the demo mixes, with what each does once the IVR answers. */
export const CALLERS: DemoCaller[] = [
  { kind: 'key client', weight: 3, from: () => SAMPLE_CLIENTS.key.phone, steps: [] },
  { kind: 'client with overdue debt', weight: 2, from: () => SAMPLE_CLIENTS.debtor.phone, steps: [] },
  { kind: 'new caller', weight: 3, from: (n) => `+3876200${String(n).padStart(4, '0')}`, steps: menu('2') },
  { kind: 'client without a manager', weight: 1, from: () => SAMPLE_CLIENTS.noManager.phone, steps: [] },
  { kind: 'retail: hears prices, then an operator', weight: 3, from: () => SAMPLE_CLIENTS.retail.phone, steps: [...menu('2'), ...menu('0')] },
  { kind: 'retail: asks for the balance, hangs up', weight: 2, from: () => SAMPLE_CLIENTS.retail.phone, steps: [...menu('3'), { app: 'play_and_get_digits' }, { wait: 800 }, { hangup: true }] },
  { kind: 'retail: places an order', weight: 2, from: () => SAMPLE_CLIENTS.retail.phone, steps: menu('1', 600) },
  { kind: 'retail: stays silent', weight: 1, from: () => SAMPLE_CLIENTS.retail.phone, steps: [] },
  { kind: 'marketer: chooses Portuguese, presses 9 twice, then 0', weight: 1, from: () => SAMPLE_CLIENTS.marketer.phone, steps: [...menu('3'), ...menu('9'), ...menu('9'), ...menu('0')] },
]

export function pickCaller(rnd: () => number): DemoCaller {
  const total = CALLERS.reduce((s, c) => s + c.weight, 0)
  let r = rnd() * total
  for (const c of CALLERS) if ((r -= c.weight) < 0) return c
  return CALLERS[0]!
}
