/**
 * Tests pass on any day and at any hour. The suites that read the wall clock (the app as a
 * process dialling on the real clock) and the date policies the others rely on (calling
 * window, retries, dormant clients, today's figures) run again in their own vitest, under
 * libfaketime (Debian: apt-get install faketime), on dates that broke tests before or could:
 * a Sunday, midnight UTC, the night Europe/Sarajevo moves its clocks, New Year's Eve.
 *
 * The clock is moved by an offset (`faketime -f +N`), not set to a fixed start (`@date`):
 * every process then agrees on the time (an `@` start restarts at that moment in each child,
 * so the app process would run seconds behind the test that started it).
 */
import { spawn, spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** Pure policies and the small suites around them: quick, run on every date. */
const POLICIES = ['src/dialer/policy.test.ts', 'src/dialer/retry.test.ts', 'src/ivr/hours.test.ts', 'src/lists/dormant.test.ts', 'tests/lists/dormant.test.ts', 'src/queue/figures.test.ts']
/** The suites on the real clock (the app dials within a calling window): on the hardest date. */
const WALL_CLOCK = ['tests/faults/process.test.ts', 'tests/faults/control-drop.test.ts']

interface FakeDate {
  name: string
  at: string
  tz: string
  suites: string[]
}

const DATES: FakeDate[] = [
  // Sunday night: no Sunday in a default window, and Monday begins during the run.
  { name: 'a Sunday just before midnight UTC', at: '2026-12-06T23:59:45Z', tz: 'UTC', suites: [...POLICIES, ...WALL_CLOCK] },
  { name: 'midnight UTC', at: '2026-11-24T00:00:00Z', tz: 'UTC', suites: POLICIES },
  // 02:00 local becomes 03:00 at 01:00 UTC.
  { name: 'the spring-forward night in Europe/Sarajevo', at: '2026-03-29T00:59:50Z', tz: 'Europe/Sarajevo', suites: POLICIES },
  { name: "New Year's Eve 23:59", at: '2026-12-31T23:59:50Z', tz: 'Europe/Sarajevo', suites: POLICIES },
]

const FAKETIME = '/usr/bin/faketime'

function faketimeMissing(): string | undefined {
  const probe = spawnSync(FAKETIME, ['-f', '+0', 'true'])
  return probe.error || probe.status !== 0 ? `libfaketime is needed to run the suites on other dates (apt-get install faketime): ${probe.error?.message ?? probe.stderr}` : undefined
}

/** `args` under a clock moved to `at` (the offset taken now, so the run starts there). */
function atDate(at: string, tz: string, args: string[]): Promise<{ code: number | null; out: string }> {
  const offset = Math.round((Date.parse(at) - Date.now()) / 1000)
  return new Promise((resolve) => {
    const child = spawn(FAKETIME, ['-f', `${offset >= 0 ? '+' : ''}${offset}`, ...args], {
      cwd: ROOT,
      env: { ...process.env, TZ: tz, FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString()))
    child.stderr.on('data', (c: Buffer) => (out += c.toString()))
    child.on('exit', (code) => resolve({ code, out }))
  })
}

describe('the tests on any date', () => {
  it('faketime really moves the clock of a Node process and of its children', async () => {
    const missing = faketimeMissing()
    if (missing) throw new Error(missing)
    const script = "const {execFileSync}=require('child_process');console.log(Date.now(), execFileSync(process.execPath,['-e','console.log(Date.now())']).toString().trim(), new Date().getHours())"
    const r = await atDate('2026-03-29T00:59:50Z', 'Europe/Sarajevo', [process.execPath, '-e', script])
    expect(r.code, r.out).toBe(0)
    const [self, child, localHour] = r.out.trim().split(/\s+/).map(Number)
    for (const t of [self!, child!]) expect(Math.abs(t - Date.parse('2026-03-29T00:59:50Z'))).toBeLessThan(30_000)
    // Local time follows TZ: 01:59 in Sarajevo (or 03:00 once the clocks went forward).
    expect([1, 3]).toContain(localHour)
  }, 30_000)

  for (const d of DATES) {
    it(`pass on ${d.name} (${d.at}, TZ=${d.tz})`, async () => {
      const missing = faketimeMissing()
      if (missing) throw new Error(missing)
      const r = await atDate(d.at, d.tz, [process.execPath, path.join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', ...d.suites])
      // The failing tests' names and messages, if any.
      const failed = r.out.split('\n').filter((l) => /FAIL|AssertionError|Error:/.test(l))
      expect(failed.join('\n'), `on ${d.at} TZ=${d.tz}:\n${r.out.slice(-3000)}`).toBe('')
      expect(r.out).toMatch(new RegExp(`Test Files\\s+${d.suites.length} passed`))
      expect(r.code).toBe(0)
    }, 150_000)
  }
})
