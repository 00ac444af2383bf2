/**
 * One test per check, each on a fixture of tests/fixtures/flows/bad named after its mistake:
 * the flow is refused, and the problem names the file, the node and what is wrong.
 */
import { describe, expect, it } from 'vitest'
import { fixtureText } from '../../../tests/fixtures/flows/fixtures.js'
import { parseFlow } from './load.js'
import { FlowError, type FlowProblem } from './problems.js'

/** The problems of bad/<name>, loaded as flows/<name>. */
function problemsOf(name: string): FlowProblem[] {
  try {
    parseFlow(fixtureText('bad', name), `flows/${name}`)
  } catch (e) {
    if (e instanceof FlowError) return e.problems
    throw e
  }
  throw new Error(`${name} was accepted`)
}

/** The one problem of bad/<name>: a fixture has one mistake, and one message for it. */
function problemOf(name: string): FlowProblem {
  const problems = problemsOf(name)
  expect(problems, problems.map((p) => p.message).join('\n')).toHaveLength(1)
  return problems[0]!
}

describe('syntax', () => {
  it('reports a YAML syntax error with its line', () => {
    const problems = problemsOf('syntax-error.yaml')
    expect(problems[0]!.file).toBe('flows/syntax-error.yaml')
    expect(problems[0]!.node).toBeUndefined()
    expect(problems[0]!.message).toMatch(/^YAML syntax error at line 10, column 1: All mapping items must start at the same column/)
  })

  it('reports a JSON syntax error with its line and column', () => {
    const p = problemOf('syntax-error.json')
    expect(p.file).toBe('flows/syntax-error.json')
    expect(p.message).toMatch(/^JSON syntax error at line 6, column 3: Expected ',' or '}' after property value/)
  })

  it("explains that a menu key '*' must be quoted in YAML", () => {
    expect(problemOf('unquoted-star-key.yaml').message).toMatch(/^YAML syntax error at line 13, column \d+: .*a key '\*' must be quoted/)
  })
})

describe('file-level schema', () => {
  it('reports a missing id', () => {
    expect(problemOf('missing-id.yaml')).toEqual({ file: 'flows/missing-id.yaml', field: 'id', message: "'id' is missing" })
  })

  it('reports a bad language code by its position in the list', () => {
    const p = problemOf('bad-language-code.yaml')
    expect(p.node).toBeUndefined()
    expect(p.field).toBe('languages[1]')
    expect(p.message).toBe("languages[1]: 'RU' is not a language code (two lower-case letters, such as 'en')")
  })

  it('reports a defaultLanguage that is not one of the languages', () => {
    expect(problemOf('default-language-not-offered.yaml')).toMatchObject({ field: 'defaultLanguage', message: "defaultLanguage 'et' is not one of languages (en, ru)" })
  })

  it('reports an unknown top-level field, with the field meant', () => {
    expect(problemOf('unknown-top-level-field.yaml')).toMatchObject({
      field: 'descripton',
      message: "'descripton' is not a field of a flow file; did you mean 'description'?",
    })
  })

  it('asks for quotes around a number YAML read as a number', () => {
    const p = problemsOf('many-mistakes.yaml').find((x) => x.field === 'numbers[0]')
    expect(p?.message).toMatch(/^numbers\[0\]: expected text, got the number 1031; put it in quotes/)
  })
})

describe('node ids', () => {
  it('refuses a node id no reference could name', () => {
    const text = fixtureText('good', 'support.json').replaceAll('"read-back"', '"read back"')
    const problems = problemsFromText(text)
    expect(problems).toContainEqual({ file: 'flows/edited.yaml', node: 'read back', message: "'read back' is not a node id (letters, digits, '-' and '_', at most 64)" })
  })

  it('refuses a node that is not a mapping', () => {
    const text = fixtureText('good', 'support.json').replace('"bye": { "type": "hangup" }', '"bye": "hangup"')
    expect(problemsFromText(text)).toEqual([{ file: 'flows/edited.yaml', node: 'bye', message: "expected a mapping with a type and its fields, got 'hangup'" }])
  })
})

describe('node type', () => {
  it('reports a node without a type, listing the types', () => {
    const p = problemOf('node-without-type.yaml')
    expect(p).toMatchObject({ file: 'flows/node-without-type.yaml', node: 'welcome', field: 'type' })
    expect(p.message).toMatch(/^'type' is missing; it is one of play, menu, .* and hangup$/)
  })

  it('reports an unknown type with the type meant', () => {
    expect(problemOf('unknown-node-type.yaml')).toMatchObject({ node: 'main-menu', field: 'type', message: "unknown type 'manu'; did you mean 'menu'?" })
  })
})

describe('node-level schema', () => {
  it('reports a missing required field', () => {
    expect(problemOf('node-missing-field.yaml')).toMatchObject({ node: 'welcome', field: 'next', message: "'next' is missing" })
  })

  it('reports a field of the wrong type and a number out of range', () => {
    const problems = problemsOf('node-wrong-type.yaml')
    expect(problems).toEqual([
      { file: 'flows/node-wrong-type.yaml', node: 'main-menu', field: 'timeoutMs', message: "timeoutMs: expected a whole number, got text ('5s')" },
      { file: 'flows/node-wrong-type.yaml', node: 'main-menu', field: 'maxRetries', message: 'maxRetries: 20 is more than the maximum, 10' },
    ])
  })

  it('reports an unknown field with the field meant', () => {
    const problems = problemsOf('node-unknown-field.yaml')
    expect(problems.map((p) => [p.node, p.field, p.message])).toEqual([
      ['welcome', 'next', "'next' is missing"],
      ['welcome', 'nxt', "'nxt' is not a field of a play node; did you mean 'next'?"],
    ])
  })

  it('refuses a menu key that is not one key on the phone', () => {
    expect(problemOf('menu-key-not-a-digit.yaml')).toMatchObject({ node: 'main-menu', field: 'options.12', message: "options: '12' is not one phone key (0-9, * or #)" })
  })

  it('refuses a set of a name that is no variable name, and a value that is no scalar', () => {
    const text = fixtureText('good', 'default.yaml').replace('values: { queue.reason: sales, priority: 2 }', "values: { 'queue reason': sales, priority: [2] }")
    expect(problemsFromText(text).map((p) => [p.node, p.field, p.message])).toEqual([
      ['sales', 'values.priority', 'values.priority: expected text, a number, true/false or null, got a list'],
      ['sales', 'values.queue reason', "values: 'queue reason' is not a variable name (letters, digits, '_' and '.', such as client.balance)"],
    ])
  })

  it('explains a union (route target) by the variant meant', () => {
    expect(problemOf('route-target-misspelt.yaml')).toMatchObject({
      node: 'to-sales',
      field: 'chain[0]',
      message: "chain[0]: expected one of queue, agent, manager: true, group or external, got 'queu'; did you mean 'queue'?",
    })
  })

  it('reports a bad value inside a union variant by its own field', () => {
    const text = fixtureText('good', 'default.yaml').replace('{ var: client.overdueDebt, lte: 0 }', '{ var: client.overdueDebt, lte: zero }')
    const problems = problemsFromText(text)
    expect(problems).toEqual([
      expect.objectContaining({ node: 'open-check', field: 'cases[1].when.all[1].lte', message: "cases[1].when.all[1].lte: expected a number, got text ('zero')" }),
    ])
  })
})

describe('references', () => {
  it('reports a start that is no node', () => {
    expect(problemOf('start-points-nowhere.yaml')).toEqual({
      file: 'flows/start-points-nowhere.yaml',
      field: 'start',
      message: "start 'welcom' is not a node; did you mean 'welcome'?",
    })
  })

  it('reports a next that points to no node (and follows the near miss, so no cascade)', () => {
    expect(problemOf('next-points-nowhere.yaml')).toEqual({
      file: 'flows/next-points-nowhere.yaml',
      node: 'welcome',
      field: 'next',
      message: "next leads to 'acount', which does not exist; did you mean 'account'?",
    })
  })

  it('reports a menu option that points to no node', () => {
    const p = problemOf('option-points-nowhere.yaml')
    expect(p).toMatchObject({ node: 'main-menu', field: 'options.3' })
    expect(p.message).toBe("option '3' leads to 'acount', which does not exist; did you mean 'account'?")
  })

  it('reports menu and collect fallback, cases[].next, else and onFail references to no node', () => {
    expect(problemsOf('references-point-nowhere.yaml').map((p) => [p.node, p.field, p.message])).toEqual([
      ['menu', 'fallback', "fallback leads to 'hangup', which does not exist"],
      ['ask', 'fallback', "fallback leads to 'operator', which does not exist"],
      ['check', 'cases[0].next', "case 1 leads to 'vip', which does not exist"],
      ['check', 'else', "else leads to 'lobby', which does not exist"],
      ['to-sales', 'onFail', "onFail leads to 'voicemail', which does not exist"],
    ])
  })
})

describe('graph', () => {
  it('reports every node not reachable from start', () => {
    expect(problemsOf('unreachable-node.yaml').map((p) => [p.node, p.message])).toEqual([
      ['old-promo', "is never reached from start 'welcome'; link to it or remove it"],
      ['old-promo-2', "is never reached from start 'welcome'; link to it or remove it"],
    ])
  })

  it('reports a loop with no way out, naming its nodes', () => {
    const p = problemOf('loop-without-exit.yaml')
    expect(p.node).toBe('main-menu')
    expect(p.message).toBe(
      "loop with no way out: 'main-menu', 'info', 'leave-message' and 'thanks' only lead to each other, never to a hangup or a route (a record node does not end the call)",
    )
  })

  it('reports a node that only leads back to itself', () => {
    const text = fixtureText('bad', 'unreachable-node.yaml').replace('next: bye\n  old-promo:', 'next: welcome\n  old-promo:').replace(/ {2}old-promo:[\s\S]*(?= {2}bye:)/, '')
    const problems = problemsFromText(text)
    expect(problems.map((p) => [p.node, p.message])).toEqual([
      ['welcome', 'the call can never leave this node: it only leads back to itself, never to a hangup or a route'],
      ['bye', "is never reached from start 'welcome'; link to it or remove it"],
    ])
  })

  it('takes a route as a way out', () => {
    const text = fixtureText('bad', 'loop-without-exit.yaml').replace("options: { '1': info, '2': leave-message }", "options: { '1': info, '2': leave-message, '0': operator }")
    const withRoute = `${text}  operator:\n    type: route\n    chain: [{ queue: support }]\n    onFail: main-menu\n`
    expect(() => parseFlow(withRoute, 'flows/loop.yaml')).not.toThrow()
  })
})

describe('node rules', () => {
  it('reports a menu digit given twice, even as 1 and "1"', () => {
    expect(problemOf('repeated-menu-digit.yaml')).toMatchObject({
      node: 'main-menu',
      field: 'options.1',
      message: "option '1' is given twice (on lines 12 and 14); only the second would be kept",
    })
  })

  it('reports a language digit given twice (JSON)', () => {
    expect(problemOf('repeated-language-digit.json')).toMatchObject({
      file: 'flows/repeated-language-digit.json',
      node: 'pick-language',
      message: "option '2' is given twice (both on line 11); only the second would be kept",
    })
  })

  it('reports a node id given twice', () => {
    expect(problemOf('repeated-node-id.yaml')).toMatchObject({ node: 'welcome', message: 'is defined twice (on lines 8 and 14); only the second would be kept' })
  })

  it('reports a collect whose min is above its max', () => {
    expect(problemOf('collect-min-above-max.yaml')).toMatchObject({ node: 'ask', field: 'min', message: 'min 8 is more than max 4: no answer could be right' })
  })

  it('reports a regex that does not compile', () => {
    expect(problemOf('invalid-regex.yaml')).toMatchObject({ node: 'ask', field: 'regex' })
    expect(problemOf('invalid-regex.yaml').message).toMatch(/^regex '\[0-9\+\$' is not a valid regular expression \(.*Unterminated character class\)$/)
  })

  it('reports a language option the flow has no prompts for', () => {
    expect(problemOf('language-not-offered.yaml')).toMatchObject({
      node: 'pick-language',
      field: 'options.3',
      message: "option '3' offers 'de', which is not one of the flow's languages (en, ru)",
    })
  })

  it('reports a say of a variable nothing sets, with the built-in meant', () => {
    expect(problemsOf('say-unknown-variable.yaml').map((p) => [p.node, p.field, p.message])).toEqual([
      ['balance', 'say.money', "says 'client.balanse', which no set or collect node of this flow assigns and is not a built-in variable; did you mean 'client.balance'?"],
      ['total', 'say.number', "says 'order.total', which no set or collect node of this flow assigns and is not a built-in variable"],
    ])
  })

  it('lets a say speak what a set or a collect of the flow assigns, anywhere in the flow', () => {
    const text = fixtureText('bad', 'say-unknown-variable.yaml')
      .replace('money: client.balanse', 'money: client.balance')
      .replace('  bye:\n', '  unused-but-reached:\n    type: set\n    values: { order.total: 0 }\n    next: bye\n  bye:\n')
      .replace('say: { number: order.total }\n    next: bye', 'say: { number: order.total }\n    next: unused-but-reached')
    expect(parseFlow(text, 'flows/say.yaml').nodes.total).toMatchObject({ type: 'say' })
  })

  it('reports an openNow condition in a flow without hours', () => {
    expect(problemOf('open-now-without-hours.yaml')).toMatchObject({ node: 'check', field: 'cases[0].when', message: "case 1 asks openNow but the flow has no 'hours'" })
  })
})

describe('business hours', () => {
  it('reports a time zone that is not an IANA zone, with the zone meant', () => {
    expect(problemOf('bad-timezone.yaml')).toEqual({
      file: 'flows/bad-timezone.yaml',
      field: 'hours.timezone',
      message: "hours.timezone: 'Europe/Talinn' is not a time zone; did you mean 'Europe/Tallinn'?",
    })
  })

  it('reports a range that ends before it starts, and an empty one', () => {
    expect(problemsOf('time-range-ends-before-start.yaml').map((p) => [p.field, p.message])).toEqual([
      ['hours.weekly.tue[0]', "hours.weekly.tue[0]: '22:00-06:00' ends before it starts; a range past midnight must be split: '22:00-24:00' on tue and '00:00-06:00' on the next day"],
      ['hours.weekly.wed[0]', "hours.weekly.wed[0]: '10:00-10:00' is empty: it ends when it starts"],
    ])
  })

  it('asks for every day of the week, saying how to write a closed one', () => {
    const text = fixtureText('good', 'default.yaml').replace("    sat: []\n", '')
    expect(problemsFromText(text)).toEqual([
      { file: 'flows/edited.yaml', field: 'hours.weekly.sat', message: "hours.weekly: 'sat' is missing (write sat: [] for a day without opening hours)" },
    ])
  })

  it('refuses an unknown day with the day meant', () => {
    const text = fixtureText('good', 'default.yaml').replace('    sat: []\n', '    sat: []\n    sund: []\n')
    expect(problemsFromText(text).map((p) => p.message)).toEqual(["hours.weekly: 'sund' is not allowed here; did you mean 'sun'?"])
  })

  it('reports a range past 24:00 and a holiday not in the calendar', () => {
    const text = fixtureText('good', 'default.yaml').replace("mon: ['09:00-18:00']", "mon: ['09:00-24:30']").replace("'2025-12-24'", "'2025-02-30'")
    expect(problemsFromText(text).map((p) => p.message)).toEqual([
      "hours.weekly.mon[0]: '09:00-24:30' ends after midnight; a day ends at 24:00",
      "hours.holidays[0]: '2025-02-30' is not a day of the calendar",
    ])
  })
})

describe('all problems at once', () => {
  it('reports every mistake of a file, each with its node, in file order', () => {
    expect(problemsOf('many-mistakes.yaml').map((p) => [p.node, p.field])).toEqual([
      [undefined, 'numbers[0]'],
      ['main-menu', 'options.1'],
      ['ask', undefined],
      ['ask', 'min'],
      ['bye', 'cause'],
    ])
  })
})

/** JSON is YAML enough for these edits of fixtures. */
function problemsFromText(text: string): FlowProblem[] {
  try {
    parseFlow(text, 'flows/edited.yaml')
  } catch (e) {
    if (e instanceof FlowError) return e.problems
    throw e
  }
  return []
}
