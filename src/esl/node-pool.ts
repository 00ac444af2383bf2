/**
 * The FreeSWITCH nodes this instance may originate through. Each call goes to the connected
 * node with the fewest calls this instance is originating on it (its free capacity as far as
 * we can tell); a node whose control connection is down is out of rotation until it is back.
 */
import type { ControlClient, OriginateResult } from './control-client.js'
import type { CommandFailed } from './results.js'

export class NodePool {
  private readonly inFlight = new Map<ControlClient, number>()
  private turn = 0

  constructor(private readonly nodes: () => ControlClient[]) {}

  /** The node for the next originate, or undefined when none is connected. */
  pick(): ControlClient | undefined {
    const up = this.nodes().filter((n) => n.isUp)
    if (up.length === 0) return undefined
    const load = (n: ControlClient): number => this.inFlight.get(n) ?? 0
    const least = Math.min(...up.map(load))
    const candidates = up.filter((n) => load(n) === least)
    // Equal load: take turns, so two idle nodes share the calls.
    return candidates[this.turn++ % candidates.length]
  }

  /** Originates through the picked node, counting the call against it while it is placed. */
  async originate(dial: string, to: { socket: string } | 'park', timeoutMs?: number): Promise<{ node: ControlClient; result: OriginateResult | CommandFailed } | undefined> {
    const node = this.pick()
    if (!node) return undefined
    this.inFlight.set(node, (this.inFlight.get(node) ?? 0) + 1)
    try {
      return { node, result: await node.originate(dial, to, timeoutMs) }
    } finally {
      this.inFlight.set(node, (this.inFlight.get(node) ?? 1) - 1)
    }
  }

  /** Calls being placed on each node by this instance, by node name. */
  load(): Record<string, number> {
    return Object.fromEntries(this.nodes().map((n) => [n.node, this.inFlight.get(n) ?? 0]))
  }
}
