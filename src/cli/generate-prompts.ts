/**
 * `npm run prompts [-- --force] [ids...]` (an id may end in `*`: `say-*`): builds prompts/<language>/<id>.wav from the
 * catalogs prompts/*.yaml (catalog.yaml: what flows say; say.yaml: the fragments numbers,
 * money and dates are spoken from) with espeak-ng and sox (8 kHz, 16-bit, mono), and
 * prompts/music/hold.wav from our synthesised hold music. Existing files are kept unless
 * --force. A developer tool: the generated files are committed.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import wav from 'node-wav'
import YAML from 'yaml'
import { holdMusic } from '../audio/hold-music.js'
import { exitWithHelp, exitWithUsageError } from './usage.js'

exitWithHelp(`
usage: npm run prompts [-- --force] [ids...]

Builds prompts/<language>/<id>.wav from the catalogs prompts/*.yaml with espeak-ng and sox
(8 kHz, 16-bit, mono), and prompts/music/hold.wav. Existing files are kept.

  ids          only these prompts; an id may end in * (say-*)
  --force      build again the files that exist
  -h, --help   this text
`)

interface Catalog {
  voices: Record<string, string>
  prompts: Record<string, Record<string, string>>
  /** id -> [language, text] segments, spoken one after another, the same file in every language. */
  multilingual: Record<string, Array<[string, string]>>
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../prompts')
const args = process.argv.slice(2)
const force = args.includes('--force')
const unknown = args.find((a) => a.startsWith('-') && a !== '--force')
if (unknown) exitWithUsageError('npm run prompts', `Unknown option '${unknown}'`)
const patterns = args.filter((a) => !a.startsWith('--')).map((a) => new RegExp(`^${a.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`))
const wanted = (id: string): boolean => patterns.length === 0 || patterns.some((p) => p.test(id))

function need(tool: string, install: string): void {
  if (spawnSync(tool, ['--version']).error) {
    console.error(`${tool} is needed to build spoken prompts (${install}).`)
    process.exit(2)
  }
}

const catalog: Catalog = { voices: {}, prompts: {}, multilingual: {} }
for (const file of fs.readdirSync(root).filter((f) => f.endsWith('.yaml')).sort()) {
  const part = YAML.parse(fs.readFileSync(path.join(root, file), 'utf8')) as Partial<Catalog>
  Object.assign(catalog.voices, part.voices ?? {})
  Object.assign(catalog.multilingual, part.multilingual ?? {})
  for (const [language, prompts] of Object.entries(part.prompts ?? {})) {
    for (const id of Object.keys(prompts)) {
      if (catalog.prompts[language]?.[id] !== undefined) throw new Error(`prompts/${file}: '${language}/${id}' is defined twice`)
    }
    catalog.prompts[language] = { ...catalog.prompts[language], ...prompts }
  }
}
let made = 0
let kept = 0
for (const [language, prompts] of Object.entries(catalog.prompts)) {
  const voice = catalog.voices[language]
  if (!voice) throw new Error(`prompts: no voice for language '${language}' (add it under voices:)`)
  fs.mkdirSync(path.join(root, language), { recursive: true })
  for (const [id, text] of Object.entries(prompts)) {
    if (!wanted(id)) continue
    const target = path.join(root, language, `${id}.wav`)
    if (fs.existsSync(target) && !force) {
      kept++
      continue
    }
    speak(voice, text, target, `${language}/${id}`)
    made++
  }
}
for (const [id, segments] of Object.entries(catalog.multilingual)) {
  if (!wanted(id)) continue
  const targets = Object.keys(catalog.prompts).map((language) => path.join(root, language, `${id}.wav`))
  if (targets.every((t) => fs.existsSync(t)) && !force) {
    kept += targets.length
    continue
  }
  const parts = segments.map(([language, text], i) => {
    const voice = catalog.voices[language]
    if (!voice) throw new Error(`prompts: no voice for language '${language}' in multilingual '${id}'`)
    const part = path.join(os.tmpdir(), `prompt-${process.pid}-${i}.wav`)
    speak(voice, text, part, `${id} (${language})`)
    return part
  })
  for (const target of targets) {
    fs.mkdirSync(path.dirname(target), { recursive: true })
    const sox = spawnSync('sox', [...parts, target])
    if (sox.status !== 0) throw new Error(`sox failed joining ${id}: ${sox.stderr.toString()}`)
    made++
  }
}

/** Speaks `text` with an espeak-ng voice into an 8 kHz 16-bit mono WAV. */
function speak(voice: string, text: string, target: string, what: string): void {
  need('espeak-ng', 'Debian/Ubuntu: apt-get install espeak-ng')
  need('sox', 'Debian/Ubuntu: apt-get install sox')
  const raw = path.join(os.tmpdir(), `prompt-${process.pid}-raw.wav`)
  const espeak = spawnSync('espeak-ng', ['-v', voice, '-s', '150', '-w', raw, text])
  if (espeak.status !== 0) throw new Error(`espeak-ng failed for ${what}: ${espeak.stderr.toString()}`)
  // Resample, normalise, and end every prompt with a short breath of silence. Fragments that
  // are strung together into numbers lose espeak's leading and trailing silence first, or
  // "two hundred and five" drags.
  const fragment = path.basename(target).startsWith('say-')
  const trim = fragment ? ['silence', '1', '0.01', '1%', 'reverse', 'silence', '1', '0.01', '1%', 'reverse'] : []
  const sox = spawnSync('sox', [raw, '-r', '8000', '-c', '1', '-b', '16', target, ...trim, 'norm', '-3', 'pad', '0', fragment ? '0.06' : '0.15'])
  if (sox.status !== 0) throw new Error(`sox failed for ${what}: ${sox.stderr.toString()}`)
}

const music = path.join(root, 'music', 'hold.wav')
if (!fs.existsSync(music) || force) {
  fs.mkdirSync(path.dirname(music), { recursive: true })
  fs.writeFileSync(music, wav.encode([holdMusic()], { sampleRate: 8000, float: false, bitDepth: 16 }))
  made++
}
console.log(`prompts: ${made} made, ${kept} kept (in ${root})`)
