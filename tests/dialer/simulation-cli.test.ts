/**
 * `npm run simulate`: the CLI's JSON (one object, or one per mode and team), its checks on
 * the flags, and the agents sweep. Short runs: a few operators for a few simulated minutes.
 */
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

function simulate(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/simulate.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

const FIELDS = ['mode', 'talkShare', 'occupancy', 'abandonRate', 'maxAbandonRateAnyHour', 'callsPlaced', 'humanAnswers', 'abandoned', 'contactsCompleted', 'meanWaitBetweenCallsSec', 'p95AnswerToAgentMs', 'wallSeconds']

describe('npm run simulate', () => {
  it('--json prints one object with the figures', () => {
    const r = simulate('--mode', 'predictive', '--agents', '4', '--contacts', '2000', '--hours', '0.2', '--seed', '3', '--json')
    expect(r.status, r.stderr).toBe(0)
    const o = JSON.parse(r.stdout) as Record<string, unknown>
    for (const f of FIELDS) expect(o, f).toHaveProperty(f)
    expect(o.mode).toBe('predictive')
    expect(o.callsPlaced as number).toBeGreaterThan(0)
    expect(o.talkShare as number).toBeGreaterThan(0)
  })

  it('--compare runs the three modes on the same seed; --agents sweeps team sizes', () => {
    const r = simulate('--compare', '--agents', '2,4', '--contacts', '1000', '--hours', '0.1', '--json')
    expect(r.status, r.stderr).toBe(0)
    const rows = JSON.parse(r.stdout) as Array<{ mode: string; agents: number }>
    expect(rows.map((x) => `${x.agents} ${x.mode}`)).toEqual(['2 progressive', '2 predictive', '2 vicidial-adapt', '4 progressive', '4 predictive', '4 vicidial-adapt'])
  })

  it('without --json prints a table', () => {
    const r = simulate('--agents', '2', '--contacts', '500', '--hours', '0.05')
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/\| operators \| mode +\| talk share/)
    expect(r.stdout).toMatch(/not the telephony path/)
  })

  it('a sweep says the smallest team that finishes the list', () => {
    const r = simulate('--agents', '1,3', '--contacts', '40', '--max-attempts', '1', '--hours', '1')
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/predictive: (1 operator|3 operators) finish the 40 contacts in \d+\.\d h/)
  })

  it('refuses bad flags with a message', () => {
    const bad = simulate('--mode', 'turbo')
    expect(bad.status).toBe(2)
    expect(bad.stderr).toMatch(/--mode must be one of progressive, predictive, vicidial-adapt/)
    const rates = simulate('--human-rate', '0.5', '--json')
    expect(rates.status).toBe(2)
    expect(rates.stderr).toMatch(/add up to 1/)
  })
})
