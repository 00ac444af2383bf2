/**
 * The dictionaries (src/web/i18n/<lang>/<area>.json) are complete: every key in every
 * language with the same {placeholders} and a text, translated rather than copied, and every
 * key the pages' code uses (cc.t / t / user.t / label in src/web/static/*.js and
 * src/web/*.ts) exists. No browser.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { embeddedDictionary, i18nDirectory, interpolate, LANGUAGE_CODES, readDictionaries, translate } from '../../src/web/i18n.js'

const ROOT = path.resolve(import.meta.dirname, '../..')
const dir = i18nDirectory()
const dicts = readDictionaries(dir)
const areas = (lang: string): string[] =>
  fs
    .readdirSync(path.join(dir, lang))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort()
const placeholders = (s: string): string[] => [...new Set([...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))].sort()

/** Keys used in code: literal first arguments of t(...), both sides of a t(cond ? 'a' : 'b'), and label('prefix', ...) prefixes. */
function usedKeys(): { keys: Map<string, string>; prefixes: Map<string, string> } {
  const files = [
    ...fs.readdirSync(path.join(ROOT, 'src/web/static')).filter((f) => f.endsWith('.js')).map((f) => path.join(ROOT, 'src/web/static', f)),
    ...fs.readdirSync(path.join(ROOT, 'src/web')).filter((f) => f.endsWith('.ts')).map((f) => path.join(ROOT, 'src/web', f)),
  ]
  const keys = new Map<string, string>()
  const prefixes = new Map<string, string>()
  for (const file of files) {
    const src = fs.readFileSync(file, 'utf8')
    const where = path.relative(ROOT, file)
    for (const m of src.matchAll(/\bt\(\s*(['"])([a-z][\w-]*\.[\w .-]*?)\1(\s*\+)?/g)) {
      if (m[3]) prefixes.set(m[2]!.replace(/\.$/, ''), where)
      else keys.set(m[2]!, where)
    }
    for (const m of src.matchAll(/\bt\(\s*[^'"()]*\?\s*(['"])([^'"]+)\1\s*:\s*(['"])([^'"]+)\3/g)) {
      keys.set(m[2]!, where)
      keys.set(m[4]!, where)
    }
    for (const m of src.matchAll(/\blabel\(\s*(['"])([^'"]+)\1\s*,/g)) prefixes.set(m[2]!, where)
  }
  return { keys, prefixes }
}

describe('the dictionaries', () => {
  it('have the same areas and keys in every language', () => {
    expect(areas('en').length).toBeGreaterThan(0)
    for (const lang of LANGUAGE_CODES) {
      expect(areas(lang), `areas of ${lang}`).toEqual(areas('en'))
      const missing = Object.keys(dicts.en).filter((k) => !(k in dicts[lang]))
      const extra = Object.keys(dicts[lang]).filter((k) => !(k in dicts.en))
      expect(missing, `keys missing in ${lang}`).toEqual([])
      expect(extra, `keys in ${lang} but not in en`).toEqual([])
    }
  })

  it('give every key a text with the same {placeholders} as the English one', () => {
    const problems: string[] = []
    for (const lang of LANGUAGE_CODES) {
      for (const [key, en] of Object.entries(dicts.en)) {
        const text = dicts[lang][key]
        if (text === undefined) continue
        if (text.trim() === '') problems.push(`${lang} ${key}: empty`)
        else if (placeholders(text).join() !== placeholders(en).join()) problems.push(`${lang} ${key}: {${placeholders(text).join(', ')}} where en has {${placeholders(en).join(', ')}}`)
      }
    }
    expect(problems).toEqual([])
  })

  it('are translated, not English copies', () => {
    for (const lang of LANGUAGE_CODES.filter((l) => l !== 'en')) {
      for (const area of areas('en')) {
        const keys = Object.keys(dicts.en).filter((k) => k.startsWith(area + '.'))
        const same = keys.filter((k) => dicts[lang][k] === dicts.en[k])
        // Some texts are the same in every language (UTF-8, "Status"); most are not.
        expect(same.length, `${lang}/${area}.json: ${same.length} of ${keys.length} texts as in English (${same.slice(0, 5).join(', ')})`).toBeLessThanOrEqual(Math.max(1, keys.length / 2))
      }
    }
  })

  it('hold every key the pages use', () => {
    const { keys, prefixes } = usedKeys()
    expect(keys.size).toBeGreaterThan(100)
    const unknown = [...keys].filter(([k]) => !(k in dicts.en)).map(([k, where]) => `${k} (${where})`)
    expect(unknown).toEqual([])
    const emptyPrefixes = [...prefixes].filter(([p]) => !Object.keys(dicts.en).some((k) => k.startsWith(p + '.'))).map(([p, where]) => `${p}. (${where})`)
    expect(emptyPrefixes).toEqual([])
  })
})

describe('translate', () => {
  it('fills placeholders, falls back to English, then to the key', () => {
    expect(translate('bs', 'common.agentNamed', { id: 'ivan' })).toBe('agent ivan')
    expect(translate('ru', 'operator.saved', { what: 'x' })).toBe('Сохранено: x.')
    expect(translate('pt', 'no.such.key')).toBe('no.such.key')
    expect(interpolate('{a} and {b}', { a: 1 })).toBe('1 and {b}')
  })

  it('embeds a dictionary no text can break out of', () => {
    const json = embeddedDictionary('ru')
    expect(json).not.toMatch(/[<>&]/)
    expect(JSON.parse(json)).toMatchObject({ lang: 'ru', locale: 'ru-RU', messages: { 'common.logOut': 'Выйти' } })
  })
})
