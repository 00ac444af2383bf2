/**
 * Runs a channel's dialplan applications: one at a time in the order asked for, nested
 * inside the socket app, with CHANNEL_EXECUTE / CHANNEL_EXECUTE_COMPLETE around each and
 * the current_application* variables FreeSWITCH keeps.
 */
import { randomUUID } from 'node:crypto'
import type { SimChannel } from './channel.js'
import type { AppOutcome, RunningApp, StopReason } from './channel-types.js'
import type { HeaderList } from './event.js'
import { drainSessionEvents } from './session-events.js'

export class AppRunner {
  /** Running applications, outermost first (`socket`, then what it runs). */
  private readonly stack: RunningApp[] = []
  private queue: Promise<unknown> = Promise.resolve()
  /** Applications running now (the socket app and what runs inside it). */
  private readonly running = new Set<Promise<unknown>>()

  constructor(private readonly ch: SimChannel) {}

  /** Queues an application behind those asked for before it. */
  execute(app: string, arg: string, appUuid: string = randomUUID()): Promise<AppOutcome> {
    const run = this.queue.then(() => this.runApp(app, arg, appUuid))
    this.queue = run.catch(() => undefined)
    return run
  }

  /** Runs an application now, nested in the current one (the socket app's inner apps). */
  async runApp(app: string, arg: string, appUuid: string = randomUUID(), via: 'dialplan' | 'sendmsg' = 'dialplan'): Promise<AppOutcome> {
    const ch = this.ch
    const impl = ch.sw.apps.get(app)
    if (!ch.isUp && app !== 'socket') return { response: '_none_' }
    ch.vars.delete('current_application_response')
    // Applications sent by sendmsg run through the loop of the `loops` header.
    if (via === 'sendmsg') {
      ch.setVar('current_loop', '1')
      ch.setVar('total_loops', '1')
      ch.setVar('current_application', app)
      ch.setVar('current_application_data', arg)
    } else {
      ch.setVar('current_application_data', arg)
      ch.setVar('current_application', app)
    }
    const appHeaders: HeaderList = [['Application', app]]
    if (arg !== '') appHeaders.push(['Application-Data', arg])
    ch.fire('CHANNEL_EXECUTE', { after: [...appHeaders, ['Application-UUID', appUuid]] })
    ch.breakFlag = 0
    ch.setVar('current_application', app)
    const running: RunningApp = { name: app, arg, uuid: appUuid, controller: new AbortController() }
    this.stack.push(running)
    drainSessionEvents(ch)
    ch.emit('app', app)
    let response = '_none_'
    const work = impl ? impl(ch, arg, running.controller.signal) : Promise.resolve('_none_')
    this.running.add(work)
    try {
      response = await work
    } finally {
      this.running.delete(work)
      this.stack.splice(this.stack.indexOf(running), 1)
    }
    // The response is whatever the channel's current_application_response says by now:
    // park reports the playback a uuid_broadcast ran inside it, as FreeSWITCH does.
    if (response !== '_none_') ch.setVar('current_application_response', response)
    response = ch.getVar('current_application_response') ?? '_none_'
    ch.history.push({ app, arg, response })
    ch.fire('CHANNEL_EXECUTE_COMPLETE', {
      after: [...appHeaders, ['Application-Response', response], ['Application-UUID', appUuid]],
    })
    if (via === 'sendmsg') {
      ch.vars.delete('current_loop')
      ch.vars.delete('total_loops')
    }
    drainSessionEvents(ch)
    return { response }
  }

  /** The innermost running application (inside `socket`, the one sent by sendmsg). */
  get current(): RunningApp | undefined {
    return this.stack[this.stack.length - 1]
  }

  /** Stops every running application, innermost first. */
  abortAll(reason: StopReason): void {
    for (const app of [...this.stack].reverse()) app.controller.abort(reason)
  }

  /** Resolves when no application runs on the channel. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled(Array.from(this.running))
  }
}
