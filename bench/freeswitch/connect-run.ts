/**
 * One mode of the connect benchmark: the same operators set up one way (their line mode and
 * their phone), one progressive telesales campaign of contacts who answer at once, run to its
 * end. Progressive: the dialer calls one contact per free operator (src/dialer/attempts.ts,
 * claimDue), so no contact waits for an operator to come free and every mode is paced alike.
 *
 * Connect time, per contact, on FreeSWITCH's own clock: CHANNEL_ANSWER of the contact's leg
 * that runs the app (the attempt's call UUID) -> that leg joining the operator's conference
 * (always-connected) or its CHANNEL_BRIDGE to the operator's phone (ringing).
 */
import { eq, inArray } from 'drizzle-orm'
import { contactNumber } from '../../src/bundle/extensions.js'
import type { ScratchDatabase } from '../../src/db/scratch-database.js'
import { attempts, contacts } from '../../src/db/schema/index.js'
import { middayZone, OPEN_WINDOW } from '../../tests/helpers/calling-window.js'
import { percentile } from '../capacity.js'
import type { BenchApp } from './app.js'
import type { ConnectWatch } from './connect-watch.js'
import { cpuSeconds } from './proc.js'

export interface ModeSpec {
  /** How the table names it. */
  name: string
  lineMode: 'always-connected' | 'ringing'
  /** The operators' phones: loopback/<phone>-<agent>/default (src/bundle/extensions.ts, or the benchmark's own). */
  phone: string
  calls: number
  connectWithinSeconds: number
}

export interface ModeResult {
  spec: ModeSpec
  operators: number
  /** Attempts the dialer made. */
  dialled: number
  /** Contacts who answered (CHANNEL_ANSWER of their leg seen). */
  answered: number
  /** Contacts who talked with an operator (joined or bridged). */
  talking: number
  /** Attempts the dialer counted abandoned (the 2-second rule), and its abandon rate. */
  abandoned: number
  abandonRate: number | null
  /** Contacts neither put through nor abandoned: lost. */
  lost: number
  lostCauses: Map<string, number>
  /** The dialer's attempts by outcome (GET /campaigns/:id). */
  byOutcome: Record<string, number>
  connect: Spread
  /** The connect time split: answer -> the contact leg's conference/bridge application starts (the app's part), then -> talking (the switch's). */
  appPart: Spread
  switchPart: Spread
  /** Contacts that talked another way than the mode means (a bridge in always-connected mode, ...). */
  otherWay: number
  seconds: number
  appCpuPercent: number
  fsCpuPercent: number
}

export interface Spread {
  n: number
  p50: number
  p95: number
  p99: number
  max: number
  mean: number
}

function spread(values: number[]): Spread {
  const v = values.slice().sort((a, b) => a - b)
  return { n: v.length, p50: percentile(v, 50), p95: percentile(v, 95), p99: percentile(v, 99), max: v.at(-1) ?? NaN, mean: v.length ? v.reduce((s, x) => s + x, 0) / v.length : NaN }
}

export interface ModeContext {
  app: BenchApp
  db: ScratchDatabase
  watch: ConnectWatch
  operators: string[]
  fsPid: number
  /** Contact numbers of this mode start here (contactNumber's index, unique over the run). */
  firstIndex: number
  log: (line: string) => void
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

async function call(app: BenchApp, method: string, url: string, body?: unknown, ok = [200]): Promise<Record<string, unknown>> {
  const r = await app.http(method, url, body)
  if (!ok.includes(r.status)) throw new Error(`${method} ${url}: ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`)
  return r.json as Record<string, unknown>
}

/** Operators whose line's conference FreeSWITCH still has (line-<id>-<the line's first 8>, src/lines). */
async function openLines(watch: ConnectWatch, operators: string[]): Promise<string[]> {
  const rooms = [...(await watch.api('conference list summary')).matchAll(/^\+OK Conference (\S+)/gm)].map((m) => m[1]!)
  return operators.filter((id) => rooms.some((r) => r.startsWith(`line-${id}-`)))
}

async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await check()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error(`connect benchmark: ${what}: not within ${ms / 1000} s`)
    await sleep(200)
  }
}

/**
 * The operators logged out, set to the mode (line mode, phone), logged in and available;
 * always-connected ones with their line open. A line's conference is gone before its operator
 * logs in again: a new line joining the old room while it ends would end with it.
 */
async function setUpOperators(ctx: ModeContext, spec: ModeSpec): Promise<void> {
  for (const id of ctx.operators) await call(ctx.app, 'POST', `/agents/${id}/logout`, undefined, [200, 404, 409])
  await until('the old lines gone after the logout', async () => ((await openLines(ctx.watch, ctx.operators)).length === 0 ? true : undefined))
  for (const id of ctx.operators) {
    await call(ctx.app, 'PATCH', `/agents/${id}`, { lineMode: spec.lineMode, endpoint: `loopback/${spec.phone}-${id}/default` })
    await call(ctx.app, 'POST', `/agents/${id}/login`)
  }
  if (spec.lineMode === 'always-connected') {
    await until('every operator\'s line open', async () => {
      const open = await openLines(ctx.watch, ctx.operators)
      return open.length === ctx.operators.length ? true : undefined
    })
  }
  for (const id of ctx.operators) {
    await until(`operator ${id} available`, async () => ((await call(ctx.app, 'GET', `/agents/${id}`)).state === 'available' ? true : undefined), 10_000)
  }
}

export async function runMode(ctx: ModeContext, spec: ModeSpec): Promise<ModeResult> {
  const { app, db, watch } = ctx
  await setUpOperators(ctx, spec)
  const campaign = await call(
    app,
    'POST',
    '/campaigns',
    {
      name: `connect ${spec.name}`,
      kind: 'telesales',
      settings: {
        mode: 'progressive',
        operatorsQueue: 'operators',
        connectWithinSeconds: spec.connectWithinSeconds,
        dialTemplate: 'loopback/{number}/default',
        window: OPEN_WINDOW,
        ringTimeoutSeconds: 10,
        maxAttempts: 1,
        maxLines: 50,
        callsPerSecond: 50,
      },
    },
    [201],
  )
  const id = Number(campaign.id)
  const zone = middayZone()
  await db.db.insert(contacts).values(
    Array.from({ length: spec.calls }, (_, i) => ({ campaignId: id, phone: contactNumber('person', ctx.firstIndex + i), name: `Contact ${i}`, timezone: zone, language: 'en' })),
  )

  const fs0 = cpuSeconds(ctx.fsPid)
  const app0 = cpuSeconds(app.pid)
  const t0 = Date.now()
  await call(app, 'POST', `/campaigns/${id}/start`)
  // Until every contact's attempt has ended; a run that stops moving for 60 s is cut short.
  let figures: Record<string, unknown> = {}
  let lastDone = -1
  let movedAt = Date.now()
  let printedAt = Date.now()
  for (;;) {
    await sleep(500)
    figures = await call(app, 'GET', `/campaigns/${id}`)
    const byOutcome = ((figures.attempts as { byOutcome?: Record<string, number> }).byOutcome ?? {}) as Record<string, number>
    const done = Object.entries(byOutcome).reduce((s, [o, n]) => s + (o === 'in-progress' ? 0 : n), 0)
    if (done !== lastDone) {
      lastDone = done
      movedAt = Date.now()
    }
    if (Date.now() - printedAt > 15_000) {
      printedAt = Date.now()
      ctx.log(`    ${done}/${spec.calls} attempts ended after ${Math.round((Date.now() - t0) / 1000)} s`)
    }
    if (done >= spec.calls) break
    if (Date.now() - movedAt > 60_000) {
      ctx.log(`    no attempt ended for 60 s (${done}/${spec.calls}): the mode is cut short`)
      break
    }
  }
  const seconds = (Date.now() - t0) / 1000
  const fsUsed = cpuSeconds(ctx.fsPid) - fs0
  const appUsed = cpuSeconds(app.pid) - app0
  await call(app, 'POST', `/campaigns/${id}/stop`, undefined, [200, 409])

  const rows = await db.db
    .select({ callUuid: attempts.callUuid, outcome: attempts.outcome, cause: attempts.cause, agentId: attempts.agentId })
    .from(attempts)
    .where(inArray(attempts.contactId, db.db.select({ id: contacts.id }).from(contacts).where(eq(contacts.campaignId, id))))
  const expected = spec.lineMode === 'always-connected' ? 'join' : 'bridge'
  const connect: number[] = []
  const appPart: number[] = []
  const switchPart: number[] = []
  const lostCauses = new Map<string, number>()
  const lose = (why: string): void => void lostCauses.set(why, (lostCauses.get(why) ?? 0) + 1)
  let answered = 0
  let abandoned = 0
  let otherWay = 0
  for (const r of rows) {
    const at = watch.answered.get(r.callUuid)
    const talk = watch.talked.get(r.callUuid)
    if (at !== undefined) answered++
    if (r.outcome === 'abandoned') abandoned++
    if (talk && at !== undefined) {
      if (talk.how !== expected) otherWay++
      connect.push(talk.at - at)
      const started = watch.executed.get(r.callUuid)
      if (started !== undefined && started >= at && started <= talk.at) {
        appPart.push(started - at)
        switchPart.push(talk.at - started)
      }
      if (r.outcome !== 'human') lose(`talked, yet the attempt says ${r.outcome ?? 'in progress'}`)
    } else if (r.outcome !== 'abandoned') {
      lose(`${r.outcome ?? 'in progress'}${r.cause ? ` (${r.cause})` : ''}${at === undefined ? ', never answered' : ', never put through'}`)
    }
  }
  if (rows.length < spec.calls) lostCauses.set('never dialled', spec.calls - rows.length)
  const lost = [...lostCauses.values()].reduce((s, n) => s + n, 0)
  return {
    spec,
    operators: ctx.operators.length,
    dialled: rows.length,
    answered,
    talking: connect.length,
    abandoned,
    abandonRate: (figures.abandonRate as number | null | undefined) ?? null,
    lost,
    lostCauses,
    byOutcome: ((figures.attempts as { byOutcome?: Record<string, number> }).byOutcome ?? {}) as Record<string, number>,
    connect: spread(connect),
    appPart: spread(appPart),
    switchPart: spread(switchPart),
    otherWay,
    seconds,
    appCpuPercent: (appUsed / seconds) * 100,
    fsCpuPercent: (fsUsed / seconds) * 100,
  }
}
