/**
 * Queue hand-off on the real switch: callers wait in the queue `operators` with hold music,
 * a few operators (phones loopback/answers-<id>/default, which answer at once) serve them;
 * each conversation lasts a moment, then the operator hangs up (the benchmark kills the
 * operator's own phone leg, loopback/answers-<id>-b). A hand-off runs from that hang-up
 * (FreeSWITCH's own hang-up time of the leg) to CHANNEL_BRIDGE of the next caller to that
 * operator. In between: the bridge's end reaches the app over the caller's socket, the queue's
 * Lua script in Redis frees the operator and picks the next caller, the app breaks that
 * caller's music and bridges them, FreeSWITCH rings the operator's phone (a new loopback
 * call) which answers at once, and the bridge is up.
 *
 * Operators log in paused (POST /agents/:id/login, /pause) while the callers come in, so
 * every caller is waiting before the first offer; then they resume (POST /agents/:id/resume).
 * The first offer to each operator follows the resume, not a call: timed apart.
 */
import { percentile } from '../capacity.js'
import type { BenchApp } from './app.js'
import { eventMs, type CallOutcome, type CallScript, type LoadDriver, type PlacedCall, type SwitchEvent } from './driver.js'
import { cpuSeconds } from './proc.js'

export interface HandoffResult {
  operators: number
  callers: number
  /** Callers bridged to an operator. */
  served: number
  lost: number
  lostCauses: Map<string, number>
  handoffs: number
  p50Ms: number
  p99Ms: number
  maxMs: number
  /** The same hand-offs on this process's clock, in ms steps: uuid_kill sent -> CHANNEL_BRIDGE received. */
  local: { p50Ms: number; p99Ms: number; maxMs: number }
  /** resume (HTTP request sent) -> the first CHANNEL_BRIDGE received, one per operator (our clock). */
  resumeToBridgeMs: number[]
  /** The hand-off in steps, medians and p99 (ms), for the hand-offs where every step was seen. */
  steps: Array<{ step: string; p50Ms: number; p99Ms: number }>
  /** From the resume to the last caller's bridge. */
  seconds: number
  appCpuPercent: number
  fsCpuPercent: number
}

export interface HandoffContext {
  driver: LoadDriver
  app: BenchApp
  fsPid: number
  operators: string[]
  /** One number per caller: known clients with a language (straight to the main menu). */
  numbers: string[]
  keyDelayMs: number
  talkMs: [number, number]
  log: (line: string) => void
}

interface Hangup {
  leg: string
  sentAt: number
  /** FreeSWITCH's hang-up time of the operator's leg, ms. */
  at?: number
}

export async function runHandoffs(ctx: HandoffContext): Promise<HandoffResult> {
  const { driver, app, operators } = ctx
  for (const id of operators) {
    const r = await app.http('POST', `/agents/${id}/login`)
    if (r.status !== 200) throw new Error(`agent ${id} could not log in: ${r.status} ${JSON.stringify(r.json)}`)
    const p = await app.http('POST', `/agents/${id}/pause`, { reason: 'benchmark' })
    if (p.status !== 200) throw new Error(`agent ${id} could not pause: ${p.status} ${JSON.stringify(p.json)}`)
  }

  // Callers: the main menu, 0 (an operator), then they wait: they are in when the music starts.
  let waiting = 0
  const script: CallScript = {
    patient: true,
    onPrompt(call, file) {
      if (/\/main-menu\.wav$/.test(file) && call.count('main-menu') === 1) call.press('0', ctx.keyDelayMs)
      if (file.startsWith('local_stream://') && call.count('music') === 1) waiting++
    },
  }
  const placed: PlacedCall[] = []
  for (const number of ctx.numbers) {
    placed.push(driver.place('5000', number, script))
    await new Promise((r) => setTimeout(r, 100))
  }
  const outcomes: Promise<CallOutcome>[] = placed.map((c) => c.done)
  let finished = 0
  for (const o of outcomes) void o.then(() => finished++)
  const until = Date.now() + 120_000
  while (waiting + finished < placed.length && Date.now() < until) await new Promise((r) => setTimeout(r, 200))
  ctx.log(`  ${waiting} callers waiting in the queue, ${finished} gone before`)

  // Every bridge to an operator: served; after a moment, the operator hangs up.
  const bridges = new Map<string, number[]>(operators.map((o) => [o, []]))
  const received = new Map<string, number[]>(operators.map((o) => [o, []]))
  const hangups = new Map<string, Hangup[]>(operators.map((o) => [o, []]))
  const byLeg = new Map<string, Hangup>()
  let served = 0
  const stopBridges = driver.onBridge((e: SwitchEvent) => {
    const other = `${String(e['Other-Leg-Channel-Name'] ?? '')} ${String(e['Other-Leg-Destination-Number'] ?? '')}`
    const op = operators.find((o) => new RegExp(`answers-${o}(\\b|-)`).test(other))
    if (!op) return
    bridges.get(op)!.push(eventMs(e))
    received.get(op)!.push(Date.now())
    bridgedCaller.get(op)!.push({ at: eventMs(e), caller: String(e['Unique-ID']) })
    const caller = placed.find((c) => c.bLeg === String(e['Unique-ID']))
    if (caller && !caller.completed) {
      caller.completed = true
      served++
    }
    const agentA = String(e['Other-Leg-Unique-ID'] ?? '')
    const talk = ctx.talkMs[0] + Math.random() * (ctx.talkMs[1] - ctx.talkMs[0])
    setTimeout(() => {
      void (async () => {
        // The operator's own phone is the other loopback leg of the one bridged to the caller.
        const phone = await driver.api(`uuid_getvar ${agentA} other_loopback_leg_uuid`)
        const leg = /^[0-9a-f-]{36}$/.test(phone) ? phone : agentA
        const h: Hangup = { leg, sentAt: Date.now() }
        hangups.get(op)!.push(h)
        byLeg.set(leg, h)
        await driver.api(`uuid_kill ${leg}`)
      })()
    }, talk)
  })
  // The steps between: the bridge's end on the previous caller's channel (CHANNEL_UNBRIDGE),
  // the app's uuid_break of the next caller's music (FreeSWITCH's API event), the bridge
  // application starting on the next caller (CHANNEL_EXECUTE), the bridge up (CHANNEL_BRIDGE).
  const unbridges = new Map<string, number[]>(operators.map((o) => [o, []]))
  const bridgeStarts = new Map<string, Array<{ at: number; caller: string }>>(operators.map((o) => [o, []]))
  const breaks = new Map<string, number[]>()
  const bridgedCaller = new Map<string, Array<{ at: number; caller: string }>>(operators.map((o) => [o, []]))
  const opOf = (text: string): string | undefined => operators.find((o) => new RegExp(`answers-${o}(\\b|-)`).test(text))
  driver.subscribe('CHANNEL_UNBRIDGE', (e) => {
    const op = opOf(`${String(e['Other-Leg-Channel-Name'] ?? '')} ${String(e['Other-Leg-Destination-Number'] ?? '')}`)
    if (op) unbridges.get(op)!.push(eventMs(e))
  })
  driver.subscribe('CHANNEL_EXECUTE', (e) => {
    if (e['Application'] !== 'bridge') return
    const op = opOf(String(e['Application-Data'] ?? ''))
    if (op) bridgeStarts.get(op)!.push({ at: eventMs(e), caller: String(e['Unique-ID']) })
  })
  driver.subscribe('API', (e) => {
    if (e['API-Command'] !== 'uuid_break') return
    const caller = String(e['API-Command-Argument'] ?? '').split(' ')[0]!
    breaks.set(caller, [...(breaks.get(caller) ?? []), eventMs(e)])
  })
  const stopHangups = driver.onOtherHangup((e) => {
    const h = byLeg.get(String(e['Unique-ID']))
    if (!h) return
    const t = Number(e['Caller-Channel-Hangup-Time'])
    h.at = t > 0 ? t / 1000 : eventMs(e)
  })

  const fs0 = cpuSeconds(ctx.fsPid)
  const app0 = cpuSeconds(app.pid)
  const resumedAt = new Map<string, number>()
  const t0 = Date.now()
  await Promise.all(
    operators.map(async (id) => {
      resumedAt.set(id, Date.now())
      const r = await app.http('POST', `/agents/${id}/resume`)
      if (r.status !== 200) throw new Error(`agent ${id} could not resume: ${r.status} ${JSON.stringify(r.json)}`)
    }),
  )
  const results = await Promise.race([Promise.all(outcomes), new Promise<null>((r) => setTimeout(() => r(null), 600_000))])
  const seconds = (Date.now() - t0) / 1000
  const fsUsed = cpuSeconds(ctx.fsPid) - fs0
  const appUsed = cpuSeconds(app.pid) - app0
  stopBridges()
  stopHangups()
  const all = results ?? (await Promise.all(placed.map((c) => (c.fail('benchmark timeout'), c.done))))

  // Each hang-up of an operator, paired with that operator's next bridge.
  const handoffs: number[] = []
  const fromKill: number[] = []
  const firsts: number[] = []
  const parts: number[][] = [[], [], [], []]
  let lastBridge = t0
  for (const op of operators) {
    const b = bridges.get(op)!
    const r = received.get(op)!
    if (r[0] !== undefined) firsts.push(r[0] - resumedAt.get(op)!)
    for (const h of hangups.get(op)!) {
      const from = h.at ?? h.sentAt
      const next = b.find((t) => t > from)
      if (next === undefined) continue
      handoffs.push(next - from)
      const seen = received.get(op)!.find((t) => t > h.sentAt)
      if (seen !== undefined) fromKill.push(seen - h.sentAt)
      const unbridged = unbridges.get(op)!.find((t) => t >= from)
      const bridged = bridgedCaller.get(op)!.find((x) => x.at === next)
      const started = bridgeStarts.get(op)!.find((x) => x.at >= from && x.caller === bridged?.caller)
      const broke = unbridged === undefined || !bridged ? undefined : breaks.get(bridged.caller)?.find((t) => t >= unbridged)
      if (unbridged === undefined || started === undefined || broke === undefined || started.at < broke) continue
      parts[0]!.push(unbridged - from)
      parts[1]!.push(broke - unbridged)
      parts[2]!.push(started.at - broke)
      parts[3]!.push(next - started.at)
    }
    lastBridge = Math.max(lastBridge, ...b)
  }
  handoffs.sort((a, b) => a - b)
  fromKill.sort((a, b) => a - b)
  const lostCauses = new Map<string, number>()
  for (const o of all) if (!o.completed) lostCauses.set(o.lost ?? '?', (lostCauses.get(o.lost ?? '?') ?? 0) + 1)
  return {
    operators: operators.length,
    callers: placed.length,
    served,
    lost: all.filter((o) => !o.completed).length,
    lostCauses,
    handoffs: handoffs.length,
    p50Ms: percentile(handoffs, 50),
    p99Ms: percentile(handoffs, 99),
    maxMs: handoffs.at(-1) ?? NaN,
    local: { p50Ms: percentile(fromKill, 50), p99Ms: percentile(fromKill, 99), maxMs: fromKill.at(-1) ?? NaN },
    resumeToBridgeMs: firsts,
    steps: [
      'operator hangs up -> the bridge ends on the previous caller (CHANNEL_UNBRIDGE)',
      "-> the app's uuid_break of the next caller's music (API event)",
      '-> the bridge application starts on the next caller (CHANNEL_EXECUTE)',
      "-> the operator's phone answers, bridged (CHANNEL_BRIDGE)",
    ].map((step, i) => {
      const v = parts[i]!.slice().sort((a, b) => a - b)
      return { step: `${step} (${v.length} hand-offs)`, p50Ms: percentile(v, 50), p99Ms: percentile(v, 99) }
    }),
    seconds: (lastBridge - t0) / 1000 || seconds,
    appCpuPercent: (appUsed / seconds) * 100,
    fsCpuPercent: (fsUsed / seconds) * 100,
  }
}
