/**
 * The pages' languages: dictionaries in src/web/i18n/<lang>/<area>.json (flat objects,
 * {"key": "Text with {name}"}), known in code as "<area>.<key>". The server translates the
 * page shells with them; each page embeds its user's dictionary for cc.t in the browser.
 * Dates and numbers follow the language's Intl locale.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * `fallbacks`: locales written the same way, for a browser whose Intl lacks the locale's data
 * (Debian's chromium formats bs-BA as the root locale: 2026-11-20, 1,234.50).
 */
export const LANGUAGES: Record<'en' | 'bs' | 'ru' | 'pt', { locale: string; name: string; fallbacks: readonly string[] }> = {
  en: { locale: 'en-GB', name: 'English', fallbacks: [] },
  bs: { locale: 'bs-BA', name: 'Bosanski', fallbacks: ['sr-Latn-BA', 'hr-HR'] },
  ru: { locale: 'ru-RU', name: 'Русский', fallbacks: [] },
  pt: { locale: 'pt-PT', name: 'Português', fallbacks: [] },
}

export type Language = keyof typeof LANGUAGES
export const LANGUAGE_CODES = Object.keys(LANGUAGES) as Language[]
export const DEFAULT_LANGUAGE: Language = 'en'

export const isLanguage = (v: unknown): v is Language => typeof v === 'string' && Object.hasOwn(LANGUAGES, v)

export type Vars = Record<string, string | number | null | undefined>
/** A translator for one language: key "<area>.<key>", then the {placeholders}' values. */
export interface Translator {
  (key: string, vars?: Vars): string
  lang: Language
  locale: string
}

/**
 * The dictionaries' directory: next to this module from the sources; from dist/web the copy
 * the build makes (or, failing that, the sources').
 */
export function i18nDirectory(): string {
  const here = path.dirname(fileURLToPath(import.meta.url))
  const candidates = [path.join(here, 'i18n'), path.resolve(here, '../../src/web/i18n')]
  const found = candidates.find((d) => fs.existsSync(path.join(d, 'en')))
  if (!found) throw new Error(`the pages' dictionaries are missing (looked in ${candidates.join(', ')})`)
  return found
}

/** Every language's flat "area.key" map, read from disk: one file per area. */
export function readDictionaries(dir = i18nDirectory()): Record<Language, Record<string, string>> {
  const out = {} as Record<Language, Record<string, string>>
  for (const lang of LANGUAGE_CODES) {
    const map: Record<string, string> = {}
    const langDir = path.join(dir, lang)
    const files = fs.existsSync(langDir) ? fs.readdirSync(langDir).filter((f) => f.endsWith('.json')).sort() : []
    for (const file of files) {
      const area = file.slice(0, -'.json'.length)
      let parsed: unknown
      try {
        parsed = JSON.parse(fs.readFileSync(path.join(langDir, file), 'utf8'))
      } catch (err) {
        throw new Error(`i18n/${lang}/${file} is not valid JSON: ${(err as Error).message}`)
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`i18n/${lang}/${file} must be a flat object of strings`)
      for (const [key, value] of Object.entries(parsed)) {
        if (typeof value !== 'string') throw new Error(`i18n/${lang}/${file}: "${key}" must be a string`)
        map[`${area}.${key}`] = value
      }
    }
    out[lang] = map
  }
  return out
}

let loaded: Record<Language, Record<string, string>> | undefined
/** The dictionaries, read once per process; a key missing in a language falls back to English. */
export function dictionaries(): Record<Language, Record<string, string>> {
  if (!loaded) {
    const raw = readDictionaries()
    loaded = {} as Record<Language, Record<string, string>>
    for (const lang of LANGUAGE_CODES) loaded[lang] = { ...raw.en, ...raw[lang] }
  }
  return loaded
}

/** Fills {name} placeholders; an unknown placeholder is left as it is, so it shows. */
export function interpolate(text: string, vars?: Vars): string {
  if (!vars) return text
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (vars[name] === undefined || vars[name] === null ? whole : String(vars[name])))
}

/** The text for a key in a language (English if that language lacks it, the key itself if none has it). */
export function translate(lang: Language, key: string, vars?: Vars): string {
  const text = dictionaries()[isLanguage(lang) ? lang : DEFAULT_LANGUAGE][key]
  return interpolate(text ?? key, vars)
}

export function translator(lang: Language | null | undefined): Translator {
  const l = isLanguage(lang) ? lang : DEFAULT_LANGUAGE
  const t = ((key: string, vars?: Vars) => translate(l, key, vars)) as Translator
  t.lang = l
  t.locale = LANGUAGES[l].locale
  return t
}

/**
 * The dictionary a page embeds for the browser, as the text of a <script type="application/json">
 * block: not executed (the CSP allows no inline script anyway), and `<` escaped so no text can
 * close the element.
 */
export function embeddedDictionary(lang: Language): string {
  const l = isLanguage(lang) ? lang : DEFAULT_LANGUAGE
  return JSON.stringify({ lang: l, locale: LANGUAGES[l].locale, fallbacks: LANGUAGES[l].fallbacks, messages: dictionaries()[l] })
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

/**
 * The language an Accept-Language header asks for among ours, by its q-values; Croatian and
 * Serbian (Latin) readers get Bosnian, the closest we have. None: English.
 */
export function fromAcceptLanguage(header: string | undefined | null): Language {
  if (!header) return DEFAULT_LANGUAGE
  const asked = header
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';')
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)).find(Boolean)
      return { tag: tag.trim().toLowerCase(), q: q ? Number(q[1]) : 1, i }
    })
    .filter((a) => a.tag && a.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i)
  for (const { tag } of asked) {
    const primary = tag.split('-')[0]
    if (isLanguage(primary)) return primary
    if (primary === 'hr' || primary === 'sr' || primary === 'sh') return 'bs'
  }
  return DEFAULT_LANGUAGE
}
