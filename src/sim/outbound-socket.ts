/**
 * The simulator's side of the `socket` dialplan application: FreeSWITCH connects to the
 * app server for one channel and takes its commands (`connect`, `myevents`, `linger`,
 * `resume`, `sendmsg` execute/hangup, `api` ...). In async mode sendmsg is answered at once
 * and the applications run in order; in static mode the reply waits for the application.
 */
import { randomUUID } from 'node:crypto'
import net from 'node:net'
import type { SimChannel } from './channel.js'
import type { EslCommand } from './command-reader.js'
import { EslSession } from './esl-session.js'
import type { SimSwitch } from './switch.js'
import { switchTrue } from './variables.js'
import { waitFor } from './wait.js'

/** The events `myevents` turns on (mod_event_socket.c). */
const MYEVENTS = [
  'CHANNEL_ANSWER',
  'CHANNEL_APPLICATION',
  'CHANNEL_BRIDGE',
  'CHANNEL_CREATE',
  'CHANNEL_DATA',
  'CHANNEL_DESTROY',
  'CHANNEL_EXECUTE',
  'CHANNEL_EXECUTE_COMPLETE',
  'CHANNEL_HANGUP',
  'CHANNEL_HANGUP_COMPLETE',
  'CHANNEL_ORIGINATE',
  'CHANNEL_UUID',
  'CHANNEL_OUTGOING',
  'CHANNEL_PARK',
  'CHANNEL_PROGRESS',
  'CHANNEL_PROGRESS_MEDIA',
  'CHANNEL_STATE',
  'CHANNEL_UNBRIDGE',
  'CHANNEL_UNPARK',
  'DETECTED_SPEECH',
  'DTMF',
  'NOTALK',
  'TALK',
]

export interface SocketMode {
  async: boolean
  full: boolean
}

export class OutboundSocketSession extends EslSession {
  private connected = false
  private lingerSeconds: number | undefined
  private lingerSent = false
  private resume = false
  private parked = false
  private myevents = false
  private inner: Promise<unknown> = Promise.resolve()
  /** Applications queued by sendmsg but not started; dropped when the app goes away. */
  private queued = 0
  private dropQueued = false
  /** Resolves when the socket app must return (hangup, app gone, channel taken away). */
  readonly controlEnded: Promise<'hangup' | 'closed' | 'detached'>
  private endControl!: (why: 'hangup' | 'closed' | 'detached') => void
  private hangupSeen = false
  /** The app's connection has ended (closed, or FreeSWITCH dropped it). */
  private gone = false

  private constructor(
    sw: SimSwitch,
    socket: net.Socket,
    readonly channel: SimChannel,
    readonly mode: SocketMode,
  ) {
    super(sw, socket)
    this.controlEnded = new Promise((resolve) => (this.endControl = resolve))
    channel.once('hangingUp', () => this.lagHangupEvents())
    channel.once('hangup', () => void this.onHangup())
    channel.once('gone', () => this.afterHangupComplete())
  }

  /** Connects to the app server; undefined when nothing listens there (the dialplan goes on). */
  static connect(sw: SimSwitch, channel: SimChannel, host: string, port: number, mode: SocketMode): Promise<OutboundSocketSession | undefined> {
    return sw.clock.track(
      new Promise((resolve) => {
        // Half-open allowed: when the app shuts down its side, FreeSWITCH still says goodbye.
        const socket = net.connect({ host, port, allowHalfOpen: true })
        socket.once('connect', () => resolve(new OutboundSocketSession(sw, socket, channel, mode)))
        socket.once('error', () => resolve(undefined))
      }),
    )
  }

  /** The channel was taken by uuid_bridge or a transfer: the socket app ends, the session stays. */
  detach(): void {
    this.dropQueued = true
    this.endControl('detached')
  }

  /** Resolves when the application running inside the socket app has finished. */
  settled(): Promise<unknown> {
    return this.inner
  }

  protected override async handle(cmd: EslCommand): Promise<void> {
    if (this.closed) return
    const [verb = '', ...rest] = cmd.line.split(' ')
    const v = verb.toLowerCase()
    if (!this.connected) {
      // FreeSWITCH waits for `connect` first; anything else is dropped unanswered.
      if (v === 'connect') this.sendChannelData()
      return
    }
    switch (v) {
      case 'connect':
        this.sendChannelData()
        return
      case 'myevents': {
        if (this.myevents) return this.writer.reply('-ERR aready enabled.')
        this.myevents = true
        for (const n of MYEVENTS) this.names.add(n)
        if (/json/i.test(cmd.line)) this.format = 'json'
        this.onlyUuid = this.channel.uuid
        this.sw.addSink(this, this.channel.uuid)
        return this.writer.reply('+OK Events Enabled')
      }
      case 'resume':
        this.resume = true
        this.channel.setVar('socket_resume', 'true')
        return this.writer.reply('+OK')
      case 'sendmsg':
        return this.sendmsg(cmd, rest[0])
      case 'getvar': {
        const value = this.channel.getVar(rest[0] ?? '')
        return this.writer.reply(value ?? '-ERR command not found')
      }
      case 'divert_events':
        return this.writer.reply(rest[0] === 'on' ? '+OK events diverted' : '+OK events not diverted')
    }
    // Without `full`, an outbound socket stops here (mod_event_socket's guard).
    if (!this.mode.full && v !== 'exit') return this.writer.reply('-ERR command not found')
    switch (v) {
      case 'linger': {
        const n = Number(rest[0])
        if (rest[0] !== undefined && Number.isFinite(n) && n > 0) {
          this.lingerSeconds = n
          return this.writer.reply(`+OK will linger ${n} seconds`)
        }
        this.lingerSeconds = -1
        return this.writer.reply('+OK will linger')
      }
      case 'nolinger':
        this.lingerSeconds = undefined
        return this.writer.reply('+OK will not linger')
    }
    if (await this.common(cmd)) return
    this.writer.reply('-ERR command not found')
  }

  private sendChannelData(): void {
    this.connected = true
    const event = this.channel.event('CHANNEL_DATA', { channelProfile: true })
    let out = event.plain().replace(/\n$/, '')
    out += `Content-Type: command/reply\nReply-Text: %2BOK%0A\nSocket-Mode: ${this.mode.async ? 'async' : 'static'}\nControl: ${this.mode.full ? 'full' : 'single-channel'}\n\n`
    this.writer.raw(out)
    // The async socket app parks the channel as soon as it sees `connect` (it polls for it
    // about every millisecond): before an app that subscribes after the reply. Whether a
    // subscription sent within that millisecond sees CHANNEL_PARK is a race.
    if (this.mode.async) this.park()
  }

  private park(): void {
    if (this.parked || !this.channel.isUp) return
    this.parked = true
    this.channel.fire('CHANNEL_PARK')
  }

  /** The socket app ends: UNPARK if it parked the channel. */
  unpark(): void {
    if (!this.parked) return
    this.parked = false
    this.channel.fire('CHANNEL_UNPARK')
  }

  private async sendmsg(cmd: EslCommand, targetUuid: string | undefined): Promise<void> {
    const target = targetUuid && targetUuid !== this.channel.uuid ? this.sw.channel(targetUuid) : this.channel
    if (!target) return this.writer.reply(`-ERR invalid session id [${targetUuid}]`)
    const command = (cmd.headers.get('call-command') ?? '').toLowerCase()
    if (command === 'hangup') {
      this.writer.reply('+OK')
      // A static socket is dropped at once: nothing of the hangup reaches the app.
      if (!this.mode.async && target === this.channel) this.held = []
      void target.hangup(cmd.headers.get('hangup-cause') || 'NORMAL_CLEARING')
      return
    }
    if (command !== 'execute') return this.writer.reply('+OK')
    const app = cmd.headers.get('execute-app-name') ?? ''
    let arg = cmd.headers.get('execute-app-arg') ?? ''
    if (arg === '' && (cmd.headers.get('content-type') ?? '').startsWith('text/plain')) arg = cmd.body
    const loops = Math.max(1, Number(cmd.headers.get('loops') ?? 1) || 1)
    const appUuid = cmd.headers.get('event-uuid') ?? randomUUID()
    if (target !== this.channel) {
      this.writer.reply('+OK')
      void target.execute(app, arg, appUuid)
      return
    }
    if (!this.sw.apps.has(app)) {
      // Unknown application: FreeSWITCH hangs the channel up without EXECUTE events.
      this.writer.reply('+OK')
      void this.channel.hangup('DESTINATION_OUT_OF_ORDER')
      return
    }
    const run = async (): Promise<void> => {
      if (this.sw.frameMs > 0) await waitFor(this.sw.clock, this.sw.frameMs, new AbortController().signal).done
      for (let i = 0; i < loops; i++) {
        if (this.dropQueued && i === 0) return
        await this.channel.runApp(app, arg, appUuid, 'sendmsg')
      }
    }
    this.queued++
    const next = this.inner.then(async () => {
      this.queued--
      if (this.dropQueued) return
      await run()
    })
    this.inner = next.catch(() => undefined)
    if (this.mode.async) this.writer.reply('+OK')
    else {
      // Static mode: the reply waits for the application; its events follow the reply.
      this.held = []
      await next
      this.writer.reply('+OK')
      this.release()
    }
  }

  private async onHangup(): Promise<void> {
    this.hangupSeen = true
    this.dropQueued = true
    await this.inner
    this.endControl('hangup')
    if (this.lingerSeconds === undefined) {
      // No linger: FreeSWITCH drops the session as soon as it sees the hangup.
      this.disconnect({ uuid: this.channel.uuid })
    }
  }

  /** hangupEventLagMs: the linger notice at once, the hangup events after the lag, as the real switch may. */
  private lagHangupEvents(): void {
    const lag = this.sw.hangupEventLagMs
    if (lag <= 0 || this.closed || this.lingerSeconds === undefined || this.held) return
    this.sendLinger()
    this.held = []
    void waitFor(this.sw.clock, lag, new AbortController().signal).done.then(() => {
      if (!this.closed) this.release()
    })
  }

  private sendLinger(): void {
    if (this.lingerSent || this.lingerSeconds === undefined) return
    this.lingerSent = true
    this.writer.linger({ uuid: this.channel.uuid, name: this.channel.name }, this.lingerSeconds)
  }

  private afterHangupComplete(): void {
    if (this.closed || this.lingerSeconds === undefined) return
    this.sendLinger()
    if (this.lingerSeconds > 0) {
      const lingerMs = this.lingerSeconds * 1000 + 500
      void waitFor(this.sw.clock, lingerMs, new AbortController().signal).done.then(() => this.disconnect({ uuid: this.channel.uuid }))
    }
  }

  /**
   * The app closed its side (FIN): FreeSWITCH's listener reads the end, says goodbye on the
   * half-open connection (an app that only shut down its writing reads it) and closes.
   */
  protected override onPeerEnd(): void {
    this.disconnect({ uuid: this.channel.uuid })
  }

  protected override onSocketClosed(): void {
    if (this.hangupSeen) return
    this.appGone()
  }

  /**
   * The app went away. With `resume` (or the channel variable socket_resume) the running
   * application is cut at once (CS_RESET); without it, what runs now goes on to its end.
   * Either way the dialplan then goes on.
   */
  private appGone(): void {
    if (this.gone) return
    this.gone = true
    this.dropQueued = true
    if (this.resumes()) {
      // The channel resets (CS_RESET pending) and the running application is cut.
      this.channel.stateNumber = 9
      const cur = this.channel.current
      if (cur && cur.name !== 'socket') cur.controller.abort('transfer')
    }
    void this.inner.then(() => {
      if (this.channel.stateNumber === 9) this.channel.stateNumber = 4
      this.endControl('closed')
    })
  }

  /** mod_event_socket: LFLAG_RESUME (the `resume` command) or a true socket_resume variable. */
  private resumes(): boolean {
    return this.resume || switchTrue(this.channel.getVar('socket_resume'))
  }

  protected override disconnect(withSession: { uuid: string } = { uuid: this.channel.uuid }): void {
    super.disconnect(withSession)
    if (!this.hangupSeen) this.appGone()
  }
}
