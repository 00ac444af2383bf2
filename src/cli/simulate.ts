/**
 * `npm run simulate -- [options]`: a campaign in virtual time, paced by the dialer's own
 * pacing code (src/dialer/pacing) over a discrete-event model of calls and operators
 * (src/dialer/simulation; no FreeSWITCH, Postgres or Redis). Prints a table, or one JSON
 * object with --json.
 *
 *   --mode progressive|predictive|vicidial-adapt   (default predictive)
 *   --compare              every mode on the same seed
 *   --agents 30            or a sweep: --agents 10,20,30 ("how many operators for this list?")
 *   --contacts 20000 --hours 8 --seed 1
 *   --human-rate 0.30 --machine-rate 0.10 --busy-rate 0.10 --no-answer-rate 0.40 --fail-rate 0.10
 *   --shift-at 4 --shift-human-rate 0.15    from hour 4 on, another share of people answering
 *                                           (no-answer takes up the difference)
 *   --ring-mean 7 --ring-cv 0.5 --ring-timeout 30 --amd 3
 *   --talk-mean 120 --talk-cv 0.8 --wrap 20
 *   --max-abandon 0.03 --connect-within 2
 *   --max-lines 0 (four per operator) --cps 0 (no limit) --max-attempts 3
 *   --vicidial-method ADAPT_HARD_LIMIT|ADAPT_AVERAGE|ADAPT_TAPERED
 */
import type { PacingMode, VicidialMethod } from '../dialer/pacing/snapshot.js'
import { DEFAULT_SIMULATION, type OutcomeMix, type SimulationConfig } from '../dialer/simulation/config.js'
import { simulate, type SimulationResult } from '../dialer/simulation/simulate.js'
import { textTable } from './text-table.js'
import { parseCommandLine } from './usage.js'

const MODES: PacingMode[] = ['progressive', 'predictive', 'vicidial-adapt']

const USAGE = `
usage: npm run simulate -- [options]

A campaign in virtual time, paced by the dialer's own pacing code (no FreeSWITCH, Postgres or Redis).

  --mode progressive|predictive|vicidial-adapt   (default predictive)
  --compare              every mode on the same seed
  --agents 30            or a sweep: --agents 10,20,30 ("how many operators for this list?")
  --contacts 20000 --hours 8 --seed 1
  --human-rate 0.30 --machine-rate 0.10 --busy-rate 0.10 --no-answer-rate 0.40 --fail-rate 0.10
  --shift-at 4 --shift-human-rate 0.15    from hour 4 on, another share of people answering
  --ring-mean 7 --ring-cv 0.5 --ring-timeout 30 --amd 3
  --talk-mean 120 --talk-cv 0.8 --wrap 20
  --max-abandon 0.03 --connect-within 2
  --max-lines 0 (four per operator) --cps 0 (no limit) --max-attempts 3
  --vicidial-method ADAPT_HARD_LIMIT|ADAPT_AVERAGE|ADAPT_TAPERED
  --json                 one JSON object instead of the table
  -h, --help             this text
`

const { values: o } = parseCommandLine('npm run simulate', USAGE, {
  options: {
    mode: { type: 'string', default: 'predictive' },
    compare: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    agents: { type: 'string', default: String(DEFAULT_SIMULATION.agents) },
    contacts: { type: 'string', default: String(DEFAULT_SIMULATION.contacts) },
    hours: { type: 'string', default: String(DEFAULT_SIMULATION.hours) },
    seed: { type: 'string', default: String(DEFAULT_SIMULATION.seed) },
    'human-rate': { type: 'string', default: String(DEFAULT_SIMULATION.rates.human) },
    'machine-rate': { type: 'string', default: String(DEFAULT_SIMULATION.rates.machine) },
    'busy-rate': { type: 'string', default: String(DEFAULT_SIMULATION.rates.busy) },
    'no-answer-rate': { type: 'string', default: String(DEFAULT_SIMULATION.rates.noAnswer) },
    'fail-rate': { type: 'string', default: String(DEFAULT_SIMULATION.rates.failed) },
    'shift-at': { type: 'string' },
    'shift-human-rate': { type: 'string' },
    'ring-mean': { type: 'string', default: String(DEFAULT_SIMULATION.ringMeanSeconds) },
    'ring-cv': { type: 'string', default: String(DEFAULT_SIMULATION.ringCv) },
    'ring-timeout': { type: 'string', default: String(DEFAULT_SIMULATION.ringTimeoutSeconds) },
    amd: { type: 'string', default: String(DEFAULT_SIMULATION.amdSeconds) },
    'talk-mean': { type: 'string', default: String(DEFAULT_SIMULATION.talkMeanSeconds) },
    'talk-cv': { type: 'string', default: String(DEFAULT_SIMULATION.talkCv) },
    wrap: { type: 'string', default: String(DEFAULT_SIMULATION.wrapSeconds) },
    'max-abandon': { type: 'string', default: String(DEFAULT_SIMULATION.maxAbandonRate) },
    'connect-within': { type: 'string', default: String(DEFAULT_SIMULATION.connectWithinSeconds) },
    'max-lines': { type: 'string', default: String(DEFAULT_SIMULATION.maxLines) },
    cps: { type: 'string', default: String(DEFAULT_SIMULATION.callsPerSecond) },
    'max-attempts': { type: 'string', default: String(DEFAULT_SIMULATION.maxAttempts) },
    'vicidial-method': { type: 'string', default: 'ADAPT_HARD_LIMIT' },
  },
})

function fail(message: string): never {
  console.error(message)
  process.exit(2)
}

function num(name: keyof typeof o, { min = 0, max = Number.POSITIVE_INFINITY, integer = false } = {}): number {
  const raw = o[name]
  const n = Number(raw)
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    fail(`--${name} must be ${integer ? 'a whole number' : 'a number'} from ${min}${Number.isFinite(max) ? ` to ${max}` : ''} (got '${String(raw)}')`)
  }
  return n
}

const mode = o.mode as PacingMode
if (!MODES.includes(mode)) fail(`--mode must be one of ${MODES.join(', ')} (got '${o.mode}')`)
const method = o['vicidial-method'] as VicidialMethod
if (!['ADAPT_HARD_LIMIT', 'ADAPT_AVERAGE', 'ADAPT_TAPERED'].includes(method)) fail(`--vicidial-method must be ADAPT_HARD_LIMIT, ADAPT_AVERAGE or ADAPT_TAPERED (got '${method}')`)
const teams = (o.agents ?? '').split(',').map((a) => Number(a.trim()))
if (teams.length === 0 || teams.some((a) => !Number.isInteger(a) || a < 1 || a > 2000)) fail(`--agents must be a whole number from 1 to 2000, or several separated by commas (got '${o.agents}')`)

const rates: OutcomeMix = {
  human: num('human-rate', { max: 1 }),
  machine: num('machine-rate', { max: 1 }),
  busy: num('busy-rate', { max: 1 }),
  noAnswer: num('no-answer-rate', { max: 1 }),
  failed: num('fail-rate', { max: 1 }),
}
const sum = rates.human + rates.machine + rates.busy + rates.noAnswer + rates.failed
if (Math.abs(sum - 1) > 0.001) fail(`the outcome rates must add up to 1 (they add up to ${sum.toFixed(3)})`)
const phases: SimulationConfig['phases'] = []
if (o['shift-at'] !== undefined || o['shift-human-rate'] !== undefined) {
  if (o['shift-at'] === undefined || o['shift-human-rate'] === undefined) fail('--shift-at and --shift-human-rate go together')
  const human = num('shift-human-rate', { max: 1 })
  const noAnswer = rates.noAnswer + rates.human - human
  if (noAnswer < 0) fail(`--shift-human-rate ${human} is more than the no-answer rate can give up`)
  phases.push({ atHour: num('shift-at'), rates: { ...rates, human, noAnswer } })
}

const base: Partial<SimulationConfig> = {
  contacts: num('contacts', { min: 1, integer: true }),
  hours: num('hours', { min: 0.01, max: 24 * 31 }),
  seed: num('seed', { integer: true }),
  rates,
  phases,
  ringMeanSeconds: num('ring-mean', { min: 0.5 }),
  ringCv: num('ring-cv', { max: 5 }),
  ringTimeoutSeconds: num('ring-timeout', { min: 5, max: 120 }),
  amdSeconds: num('amd', { max: 30 }),
  talkMeanSeconds: num('talk-mean', { min: 1 }),
  talkCv: num('talk-cv', { max: 5 }),
  wrapSeconds: num('wrap', { max: 3600 }),
  maxAbandonRate: num('max-abandon', { max: 1 }),
  connectWithinSeconds: num('connect-within', { min: 0.5, max: 10 }),
  maxLines: num('max-lines', { integer: true }),
  callsPerSecond: num('cps'),
  maxAttempts: num('max-attempts', { min: 1, max: 20, integer: true }),
  vicidial: { method },
}

const modes = o.compare ? MODES : [mode]
const results: SimulationResult[] = []
for (const agents of teams) for (const m of modes) results.push(simulate({ ...base, agents, mode: m }))

if (o.json) {
  console.log(JSON.stringify(results.length === 1 ? results[0] : results, null, 2))
} else {
  const pct = (x: number, d = 1): string => `${(x * 100).toFixed(d)} %`
  console.log(
    textTable(
      ['operators', 'mode', 'talk share', 'occupancy', 'abandoned', 'worst hour', 'calls', 'people', 'reached', 'failed', 'left', 'list done at', 'wait between calls', 'p95 answer -> operator', 'wall'],
      results.map((r) => [
        r.agents,
        r.mode,
        pct(r.talkShare),
        pct(r.occupancy),
        `${pct(r.abandonRate, 2)} (${r.abandoned})`,
        pct(r.maxAbandonRateAnyHour, 2),
        r.callsPlaced.toLocaleString('en-US'),
        r.humanAnswers.toLocaleString('en-US'),
        r.contactsCompleted.toLocaleString('en-US'),
        r.contactsFailed.toLocaleString('en-US'),
        r.contactsLeft.toLocaleString('en-US'),
        r.listDoneAtHour === null ? `not in ${base.hours} h` : `${r.listDoneAtHour.toFixed(1)} h`,
        `${r.meanWaitBetweenCallsSec.toFixed(1)} s`,
        `${Math.round(r.p95AnswerToAgentMs)} ms`,
        `${r.wallSeconds.toFixed(1)} s`,
      ]),
    ),
  )
  if (teams.length > 1) {
    // "How many operators for this list?": the smallest team that finishes it within the hours, by mode.
    for (const m of modes) {
      const done = results.filter((r) => r.mode === m && r.listDoneAtHour !== null).sort((a, b) => a.agents - b.agents)[0]
      console.log(done ? `${m}: ${done.agents} operator${done.agents === 1 ? '' : 's'} finish the ${base.contacts} contacts in ${done.listDoneAtHour!.toFixed(1)} h` : `${m}: none of ${teams.join(', ')} operators finishes the ${base.contacts} contacts in ${base.hours} h`)
    }
  }
  console.log(`\nSimulated with the dialer's pacing code in virtual time (a model of calls and operators, not the telephony path). Seed ${base.seed}, ${base.contacts} contacts, ${base.hours} h.`)
}
