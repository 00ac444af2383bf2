/**
 * The interpreter as a pure function: feed it events, check the effects it asks for and the
 * path it logs. No sockets, no database, no clock but the date passed in.
 */
import { describe, expect, it } from 'vitest'
import type { Flow, FlowNode } from './flow/schema.js'
import { initialState, step, type ClientInfo, type Effect, type FlowEvent, type FlowState } from './interpreter.js'

const MONDAY_NOON = new Date('2026-11-23T11:00:00Z') // 12:00 in Sarajevo
const SUNDAY_NOON = new Date('2026-11-22T11:00:00Z')

function flowOf(nodes: Record<string, FlowNode>, extra: Partial<Flow> = {}): Flow {
  return {
    id: 't',
    numbers: ['100'],
    languages: ['en', 'ru'],
    defaultLanguage: 'en',
    recording: 'none',
    start: Object.keys(nodes)[0]!,
    nodes,
    source: 'test.yaml',
    hours: { timezone: 'Europe/Sarajevo', weekly: { mon: ['08:00-20:00'], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] } },
    ...extra,
  }
}

/** Runs a flow from the start through the given events; returns every effect and the final state. */
function drive(flow: Flow, events: FlowEvent[], now = MONDAY_NOON): { state: FlowState; effects: Effect[]; rounds: Effect[][] } {
  let state = initialState(flow, '+38761100002')
  const rounds: Effect[][] = []
  for (const e of [{ type: 'start' } as FlowEvent, ...events]) {
    const r = step(flow, state, e, now)
    state = r.state
    rounds.push(r.effects)
  }
  return { state, effects: rounds.flat(), rounds }
}

const waits = (effects: Effect[]): Effect[] => effects.filter((e) => e.kind !== 'step' && e.kind !== 'language')
const path = (effects: Effect[]): Array<[string, string | undefined]> =>
  effects.flatMap((e) => (e.kind === 'step' ? [[e.step.node, e.step.result] as [string, string | undefined]] : []))

const client = (over: Partial<ClientInfo> = {}): ClientInfo => ({
  id: 7, name: 'Shop', type: 'retail', managerId: 'olga', overdueDebt: 0, balance: 12.5, currency: 'EUR', lastOrderDate: null, vip: false, language: 'ru', ...over,
})

const MENU: Record<string, FlowNode> = {
  menu: { type: 'menu', prompt: 'main', options: { '1': 'one', '2': 'bye' }, noInputPrompt: 'no-input', invalidPrompt: 'invalid', maxRetries: 2, fallback: 'operator' },
  one: { type: 'play', prompts: ['one'], next: 'bye' },
  operator: { type: 'route', chain: [{ queue: 'operators' }], onFail: 'bye' },
  bye: { type: 'hangup', prompt: 'goodbye' },
}

describe('menus', () => {
  it('asks once, follows the option pressed, and ends with a hangup', () => {
    const { state, effects } = drive(flowOf(MENU), [{ type: 'input', digits: '1' }, { type: 'played' }])
    expect(waits(effects)).toEqual([
      expect.objectContaining({ kind: 'collect', prompt: 'main', min: 1, max: 1 }),
      { kind: 'play', prompts: ['one'], interruptible: true },
      { kind: 'hangup', prompt: 'goodbye', cause: 'NORMAL_CLEARING' },
    ])
    expect(state).toMatchObject({ done: true, outcome: 'hangup' })
    expect(path(effects)).toContainEqual(['menu', 'option 1'])
  })

  it('tells a silent caller, then a wrong one, and gives up after the retries', () => {
    const { effects, state } = drive(flowOf(MENU), [
      { type: 'input', digits: '' },
      { type: 'played' },
      { type: 'input', digits: '9' },
      { type: 'played' },
      { type: 'input', digits: '' },
    ])
    const kinds = waits(effects).map((e) => (e.kind === 'play' ? `play:${e.prompts[0]}` : e.kind))
    expect(kinds).toEqual(['collect', 'play:no-input', 'collect', 'play:invalid', 'collect', 'route'])
    expect(path(effects).filter(([n]) => n === 'menu').map(([, r]) => r)).toEqual([undefined, 'no-input', 'invalid', 'no-input', 'retries-exhausted'])
    expect(state.node).toBe('operator')
  })

  it('takes a digit typed during an interruptible prompt as the menu choice, without asking', () => {
    const flow = flowOf({ hello: { type: 'play', prompts: ['hello'], next: 'menu' }, ...MENU })
    const { rounds } = drive(flow, [{ type: 'played', digit: '1' }])
    expect(waits(rounds[1]!)).toEqual([{ kind: 'play', prompts: ['one'], interruptible: true }])
  })

  it('ignores a digit typed during a prompt marked not interruptible', () => {
    const flow = flowOf({ hello: { type: 'play', prompts: ['hello'], interruptible: false, next: 'menu' }, ...MENU })
    const { rounds } = drive(flow, [{ type: 'played', digit: '1' }])
    expect(waits(rounds[1]!)).toEqual([expect.objectContaining({ kind: 'collect', prompt: 'main' })])
  })
})

describe('collect', () => {
  const flow = flowOf({
    ask: { type: 'collect', prompt: 'account', variable: 'account', min: 4, max: 6, regex: '1[0-9]+', invalidPrompt: 'invalid', maxRetries: 1, next: 'done', fallback: 'bye' },
    done: { type: 'say', say: { digits: 'account' }, next: 'bye' },
    bye: { type: 'hangup' },
  })

  it('stores valid digits in the variable and can say them back', () => {
    const { effects, state } = drive(flow, [{ type: 'input', digits: '12345' }])
    expect(state.vars['account']).toBe('12345')
    expect(waits(effects)[1]).toEqual({ kind: 'say', before: [], value: { kind: 'digits', value: '12345' }, after: [] })
  })

  it('refuses digits that miss the pattern or the length, then falls back', () => {
    const { effects, state } = drive(flow, [{ type: 'input', digits: '22345' }, { type: 'played' }, { type: 'input', digits: '12' }])
    expect(path(effects).filter(([n]) => n === 'ask').map(([, r]) => r)).toEqual([undefined, 'invalid', 'invalid', 'retries-exhausted'])
    expect(state.vars['account']).toBeUndefined()
    expect(state).toMatchObject({ done: true, node: 'bye' })
  })
})

describe('language', () => {
  const nodes: Record<string, FlowNode> = {
    lookup: { type: 'lookup', next: 'lang' },
    lang: { type: 'language', prompt: 'choose', useVariable: 'client.language', options: { '1': 'en', '2': 'ru' }, default: 'en', maxRetries: 1, next: 'bye' },
    bye: { type: 'hangup', prompt: 'goodbye' },
  }

  it('uses the language on file without asking', () => {
    const { effects, state } = drive(flowOf(nodes), [{ type: 'client', client: client({ language: 'ru' }) }])
    expect(waits(effects)).toEqual([{ kind: 'lookup' }, expect.objectContaining({ kind: 'hangup' })])
    expect(effects).toContainEqual({ kind: 'language', language: 'ru' })
    expect(state.language).toBe('ru')
    expect(state.vars['call.language']).toBe('ru')
  })

  it('asks when the language on file is not one the flow speaks, and takes the default after the retries', () => {
    const { effects, state } = drive(flowOf(nodes), [{ type: 'client', client: client({ language: 'de' }) }, { type: 'input', digits: '7' }, { type: 'input', digits: '' }])
    expect(waits(effects).filter((e) => e.kind === 'collect')).toHaveLength(2)
    expect(path(effects).filter(([n]) => n === 'lang').map(([, r]) => r)).toEqual([undefined, 'invalid', 'default:en'])
    expect(state.language).toBe('en')
  })
})

describe('routing by what is known about the caller', () => {
  const nodes: Record<string, FlowNode> = {
    lookup: { type: 'lookup', next: 'open' },
    open: { type: 'condition', cases: [{ when: { openNow: true }, next: 'by-type' }], else: 'closed' },
    'by-type': {
      type: 'condition',
      cases: [
        { when: { var: 'client.overdueDebt', gt: 0 }, next: 'debt' },
        { when: { var: 'client.type', eq: 'key' }, next: 'manager' },
      ],
      else: 'queue',
    },
    debt: { type: 'say', before: ['you-owe'], say: { money: 'client.overdueDebt', currency: 'client.currency' }, next: 'manager' },
    manager: { type: 'route', chain: [{ manager: true }, { group: 'finance' }], onFail: 'queue' },
    queue: { type: 'route', chain: [{ queue: 'operators' }], onFail: 'closed' },
    closed: { type: 'hangup', prompt: 'closed' },
  }
  const flow = flowOf(nodes)

  it('tells a debtor what they owe, in their currency, before routing them', () => {
    const { effects } = drive(flow, [{ type: 'client', client: client({ overdueDebt: 250.75, currency: 'BAM' }) }])
    expect(waits(effects)).toEqual([{ kind: 'lookup' }, { kind: 'say', before: ['you-owe'], value: { kind: 'money', amount: 250.75, currency: 'BAM' }, after: [] }])
  })

  it('routes a key client along the chain and ends connected', () => {
    const { effects, state } = drive(flow, [{ type: 'client', client: client({ type: 'key' }) }, { type: 'routed', outcome: 'connected', target: 'agent:olga' }])
    expect(waits(effects)[1]).toMatchObject({ kind: 'route', chain: [{ manager: true }, { group: 'finance' }], ringTimeoutMs: 20_000 })
    expect(state).toMatchObject({ done: true, outcome: 'connected' })
    expect(path(effects).at(-1)).toEqual(['manager', 'connected:agent:olga'])
  })

  it('goes to onFail when nobody can take the call', () => {
    const { state, effects } = drive(flow, [{ type: 'client', client: client({ type: 'key' }) }, { type: 'routed', outcome: 'unavailable', result: 'agent:olga=busy' }])
    expect(state.node).toBe('queue')
    expect(waits(effects).at(-1)).toMatchObject({ kind: 'route', chain: [{ queue: 'operators' }] })
  })

  it('an unknown caller skips the client branches', () => {
    const { state } = drive(flow, [{ type: 'client', client: null }])
    expect(state.node).toBe('queue')
  })

  it('after hours, goes to the closed branch whoever calls', () => {
    const { state, effects } = drive(flow, [{ type: 'client', client: client({ type: 'key' }) }], SUNDAY_NOON)
    expect(state).toMatchObject({ done: true, node: 'closed' })
    expect(path(effects)).toContainEqual(['open', 'else'])
  })
})

describe('say', () => {
  it('says nothing, and moves on, when the value is missing', () => {
    const flow = flowOf({
      s: { type: 'say', before: ['balance'], say: { money: 'client.balance', currency: 'EUR' }, next: 'bye' },
      bye: { type: 'hangup' },
    })
    const { effects } = drive(flow, [])
    expect(waits(effects)).toEqual([{ kind: 'hangup', cause: 'NORMAL_CLEARING' }])
    expect(path(effects)).toContainEqual(['s', 'no-value'])
  })

  it('rounds a waiting time in seconds up to whole minutes', () => {
    const flow = flowOf({
      set: { type: 'set', values: { wait: 121 }, next: 's' },
      s: { type: 'say', say: { duration: 'wait' }, next: 'bye' },
      bye: { type: 'hangup' },
    })
    expect(waits(drive(flow, []).effects)[0]).toMatchObject({ value: { kind: 'number', value: 3 } })
  })
})

describe('the end of a call', () => {
  it('a hangup at any point ends the flow as the caller’s hangup', () => {
    const { state, rounds } = drive(flowOf(MENU), [{ type: 'hungup' }])
    expect(state).toMatchObject({ done: true, outcome: 'caller-hangup' })
    expect(rounds[1]).toEqual([])
  })

  it('an event the node cannot take is logged as an error and the call is hung up', () => {
    const { state, effects } = drive(flowOf(MENU), [{ type: 'recorded', ms: 10 }])
    expect(state.outcome).toBe('failed')
    expect(effects.at(-1)).toEqual({ kind: 'hangup', cause: 'NORMAL_TEMPORARY_FAILURE' })
    expect(effects).toContainEqual({ kind: 'step', step: expect.objectContaining({ kind: 'error', result: "node 'menu' (menu) cannot take a 'recorded' event" }) })
  })

  it('a loop with nothing to wait for is cut off rather than spinning', () => {
    const flow = flowOf({ a: { type: 'goto', next: 'b' }, b: { type: 'goto', next: 'a' } })
    const { state, effects } = drive(flow, [])
    expect(state.outcome).toBe('failed')
    expect(effects.find((e) => e.kind === 'step' && e.step.kind === 'error')).toMatchObject({ step: { result: expect.stringMatching(/^more than 200 steps/) } })
  })
})
