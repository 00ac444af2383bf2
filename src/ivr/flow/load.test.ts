/**
 * parseFlow and loadFlows: YAML and JSON flows load, every problem of every file comes out
 * in one FlowError whose message has one line per problem, and two flows cannot share a
 * destination number or an id.
 */
import { mkdtemp, readdir, rm, writeFile, copyFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { BAD_FLOWS, CLASHING_FLOWS, GOOD_FLOWS, fixtureText } from '../../../tests/fixtures/flows/fixtures.js'
import { FlowError, loadFlows, parseFlow } from './load.js'

async function refusal(p: Promise<unknown>): Promise<FlowError> {
  const e: unknown = await p.then(
    () => undefined,
    (err: unknown) => err,
  )
  if (!(e instanceof FlowError)) throw new Error(`expected a FlowError, got ${String(e)}`)
  return e
}

describe('parseFlow', () => {
  it('loads a YAML flow with every node kind, defaulting nothing it was given', () => {
    const flow = parseFlow(fixtureText('good', 'default.yaml'), 'flows/default.yaml')
    expect(flow).toMatchObject({ id: 'default', source: 'flows/default.yaml', start: 'welcome', recording: 'all', languages: ['en', 'ru'] })
    expect(new Set(Object.values(flow.nodes).map((n) => n.type))).toEqual(
      new Set(['play', 'menu', 'collect', 'say', 'language', 'condition', 'lookup', 'route', 'record', 'set', 'goto', 'hangup']),
    )
    expect(flow.nodes['main-menu']).toMatchObject({ type: 'menu', options: { '1': 'account', '*': 'main-menu' } })
  })

  it("loads a JSON flow, recording 'all' when the file does not say", () => {
    const flow = parseFlow(fixtureText('good', 'support.json'), 'flows/support.json')
    expect(flow).toMatchObject({ id: 'support', recording: 'all', source: 'flows/support.json' })
  })

  it('chooses the syntax by extension', () => {
    const yaml = fixtureText('good', 'default.yaml')
    expect(() => parseFlow(yaml, 'flows/default.yml')).not.toThrow()
    expect(() => parseFlow(yaml, 'flows/default.json')).toThrow(/^flows\/default\.json: JSON syntax error/)
    expect(() => parseFlow(yaml, 'flows/default.txt')).toThrow("flows/default.txt: a flow file must end in .yaml, .yml or .json")
  })

  it('says an empty file is empty', () => {
    expect(() => parseFlow('# nothing yet\n', 'flows/new.yaml')).toThrow('flows/new.yaml: the file is empty')
  })

  it('refuses a file that is not a mapping', () => {
    expect(() => parseFlow('- a\n- b\n', 'flows/list.yaml')).toThrow("flows/list.yaml: expected a mapping (key: value), got a list")
  })

  it('throws one FlowError listing every problem, one per line, file and node first', () => {
    let error: unknown
    try {
      parseFlow(fixtureText('bad', 'many-mistakes.yaml'), 'flows/many-mistakes.yaml')
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(FlowError)
    const lines = (error as FlowError).message.split('\n')
    expect(lines).toHaveLength((error as FlowError).problems.length)
    expect(lines).toContain("flows/many-mistakes.yaml: node 'main-menu': option '1' leads to 'acount', which does not exist")
    expect(lines).toContain('flows/many-mistakes.yaml: node \'ask\': min 8 is more than max 4: no answer could be right')
    expect(lines[0]).toMatch(/^flows\/many-mistakes\.yaml: numbers\[0\]: expected text/)
  })
})

describe('loadFlows', () => {
  let tmp: string | undefined
  afterEach(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true })
    tmp = undefined
  })

  it('loads every flow of a directory, sorted by file name', async () => {
    const flows = await loadFlows(GOOD_FLOWS)
    expect(flows.map((f) => [f.id, f.source])).toEqual([
      ['default', path.join(GOOD_FLOWS, 'default.yaml')],
      ['support', path.join(GOOD_FLOWS, 'support.json')],
    ])
  })

  it('takes only .yaml, .yml and .json files', async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'flows-'))
    await copyFile(path.join(GOOD_FLOWS, 'default.yaml'), path.join(tmp, 'b.yml'))
    await copyFile(path.join(GOOD_FLOWS, 'support.json'), path.join(tmp, 'a.json'))
    await writeFile(path.join(tmp, 'README.md'), '# not a flow\n')
    await writeFile(path.join(tmp, 'draft.yaml.bak'), 'id: [\n')
    expect((await loadFlows(tmp)).map((f) => path.basename(f.source))).toEqual(['a.json', 'b.yml'])
  })

  it('refuses every bad fixture, all in one FlowError', async () => {
    const error = await refusal(loadFlows(BAD_FLOWS))
    const files = new Set(error.problems.map((p) => path.basename(p.file)))
    expect([...files].sort()).toEqual((await readdir(BAD_FLOWS)).sort())
    for (const p of error.problems) expect(error.message).toContain(`${p.file}: `)
  })

  it('refuses two flows answering one number, naming both files (+ or not), and two flows with one id', async () => {
    const error = await refusal(loadFlows(CLASHING_FLOWS))
    expect(error.problems).toEqual([
      {
        file: path.join(CLASHING_FLOWS, 'b.yaml'),
        field: 'numbers',
        message: `number '3725550100' is already answered by ${path.join(CLASHING_FLOWS, 'a.yaml')} (flow 'line-a'); a number belongs to one flow`,
      },
      {
        file: path.join(CLASHING_FLOWS, 'c.yaml'),
        field: 'id',
        message: `id 'line-a' is already the id of ${path.join(CLASHING_FLOWS, 'a.yaml')}; flow ids must differ`,
      },
    ])
  })

  it('says when the directory cannot be read', async () => {
    const error = await refusal(loadFlows('/nonexistent/flows'))
    expect(error.problems[0]).toMatchObject({ file: '/nonexistent/flows' })
    expect(error.message).toMatch(/^\/nonexistent\/flows: the flows directory cannot be read \(ENOENT/)
  })
})
