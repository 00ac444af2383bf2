/**
 * checkPrompts on temporary prompt directories of WAVs made with node-wav: every prompt of
 * the flow, in every language, in the format FreeSWITCH plays as is (16-bit PCM, mono,
 * 8 or 16 kHz); each fault names the flow file, the node, the language and the WAV.
 */
import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import wav from 'node-wav'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { fixtureText } from '../../../tests/fixtures/flows/fixtures.js'
import { parseFlow } from './load.js'
import { checkPrompts } from './prompts-check.js'
import { promptsOf } from './refs.js'
import type { Flow } from './schema.js'

const flow: Flow = parseFlow(fixtureText('good', 'default.yaml'), 'flows/default.yaml')
const ids = [...new Set(Object.values(flow.nodes).flatMap((n) => promptsOf(n).map((u) => u.id)))]

/** A tenth of a second of a quiet tone. */
function tone(sampleRate: number, channels = 1): Float32Array[] {
  const samples = Math.round(sampleRate / 10)
  return Array.from({ length: channels }, () => Float32Array.from({ length: samples }, (_, i) => 0.1 * Math.sin(i / 4)))
}

const good = (): Buffer => wav.encode(tone(8000), { sampleRate: 8000, bitDepth: 16 })

let dir: string
const wavPath = (language: string, id: string): string => path.join(dir, language, `${id}.wav`)
const put = (language: string, id: string, bytes: Buffer): Promise<void> => writeFile(wavPath(language, id), bytes)

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'prompts-'))
  for (const language of flow.languages) {
    await mkdir(path.join(dir, language))
    for (const id of ids) await put(language, id, good())
  }
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('checkPrompts', () => {
  it('finds nothing wrong when every prompt is there, 8 or 16 kHz', async () => {
    await put('ru', 'welcome', wav.encode(tone(16000), { sampleRate: 16000, bitDepth: 16 }))
    expect(await checkPrompts(flow, dir)).toEqual([])
  })

  it('reports a missing prompt with file, node, language and WAV', async () => {
    await unlink(wavPath('ru', 'goodbye'))
    expect(await checkPrompts(flow, dir)).toEqual([
      {
        file: 'flows/default.yaml',
        node: 'goodbye',
        field: 'prompt',
        language: 'ru',
        prompt: 'goodbye',
        wav: wavPath('ru', 'goodbye'),
        message: `prompt 'goodbye' (ru): ${wavPath('ru', 'goodbye')} is missing`,
      },
    ])
  })

  it("requires the language node's prompt in every language too", async () => {
    await unlink(wavPath('en', 'choose-language'))
    const problems = await checkPrompts(flow, dir)
    expect(problems).toMatchObject([{ node: 'pick-language', language: 'en', prompt: 'choose-language' }])
  })

  it('reports a stereo prompt', async () => {
    await put('en', 'main-menu', wav.encode(tone(8000, 2), { sampleRate: 8000, bitDepth: 16 }))
    const [p, ...rest] = await checkPrompts(flow, dir)
    expect(rest).toEqual([])
    expect(p).toMatchObject({ node: 'main-menu', language: 'en', wav: wavPath('en', 'main-menu') })
    expect(p!.message).toMatch(/^prompt 'main-menu' \(en\): .*main-menu\.wav is stereo; prompts are 16-bit PCM, mono, 8000 or 16000 Hz \(convert it with: sox/)
  })

  it('reports a 44.1 kHz prompt', async () => {
    await put('ru', 'connecting', wav.encode(tone(44100), { sampleRate: 44100, bitDepth: 16 }))
    expect(await checkPrompts(flow, dir)).toMatchObject([{ node: 'to-sales', field: 'announce', language: 'ru', message: expect.stringContaining('connecting.wav is 44100 Hz;') as unknown }])
  })

  it('reports a 32-bit float prompt, a 32-bit integer one and an 8-bit one', async () => {
    await put('en', 'welcome', wav.encode(tone(8000), { sampleRate: 8000, float: true }))
    await put('en', 'closed', wav.encode(tone(8000), { sampleRate: 8000, bitDepth: 32 }))
    await put('en', 'goodbye', wav.encode(tone(8000), { sampleRate: 8000, bitDepth: 8 }))
    const messages = (await checkPrompts(flow, dir)).map((p) => [p.node, p.message.replace(/;.*/, '')])
    expect(messages).toEqual([
      ['welcome', `prompts[0] 'welcome' (en): ${wavPath('en', 'welcome')} is 32-bit float`],
      ['closed-message', `prompts[0] 'closed' (en): ${wavPath('en', 'closed')} is 32-bit`],
      ['goodbye', `prompt 'goodbye' (en): ${wavPath('en', 'goodbye')} is 8-bit`],
    ])
  })

  it('lists every fault of one file together', async () => {
    await put('en', 'welcome', wav.encode(tone(44100, 2), { sampleRate: 44100, float: true }))
    const [p] = await checkPrompts(flow, dir)
    expect(p!.message).toContain('welcome.wav is 32-bit float, stereo and 44100 Hz;')
  })

  it('reports a file that is not a WAV, and one node-wav cannot decode', async () => {
    await put('en', 'thank-you', Buffer.from('ID3 an mp3 renamed to .wav'))
    const odd = good()
    await put('en', 'no-input', odd.subarray(0, odd.length - 1))
    const problems = await checkPrompts(flow, dir)
    expect(problems.map((p) => [p.prompt, p.message.replace(/^.*\.wav /, '')])).toEqual([
      ['no-input', expect.stringMatching(/^cannot be decoded \(.+\)$/) as unknown],
      ['thank-you', 'is not a WAV file (no RIFF/WAVE header)'],
    ])
  })

  it('reports a missing language directory once', async () => {
    await rm(path.join(dir, 'ru'), { recursive: true })
    expect(await checkPrompts(flow, dir)).toEqual([
      { file: 'flows/default.yaml', language: 'ru', wav: path.join(dir, 'ru'), message: `no prompts in 'ru': ${path.join(dir, 'ru')} is not a directory` },
    ])
  })

  it('names every node using a prompt, reporting the file once', async () => {
    const shared = parseFlow(fixtureText('good', 'default.yaml').replace('prompts: [closed]', 'prompts: [goodbye]'), 'flows/shared.yaml')
    await unlink(wavPath('en', 'goodbye'))
    const problems = await checkPrompts(shared, dir)
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatchObject({ node: 'closed-message', field: 'prompts[0]' })
    expect(problems[0]!.message).toMatch(/is missing \(also used by 'goodbye'\)$/)
  })

  it('requires the extra ids (say fragments) in each language asked', async () => {
    await put('en', 'digit-1', good())
    const problems = await checkPrompts(flow, dir, { extraIds: (language) => ['digit-1', ...(language === 'ru' ? ['rubles'] : [])] })
    expect(problems.map((p) => [p.language, p.node, p.message])).toEqual([
      ['ru', undefined, `prompt 'digit-1' (ru, needed though no node names it): ${wavPath('ru', 'digit-1')} is missing`],
      ['ru', undefined, `prompt 'rubles' (ru, needed though no node names it): ${wavPath('ru', 'rubles')} is missing`],
    ])
  })
})
