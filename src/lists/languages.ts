/**
 * A contact's language as files write it (BS, Bosanski, hr, Русский, pt-BR) -> the code of the
 * prompts it is spoken with. Close languages we have no prompts for are spoken in the one we
 * have (Croatian, Serbian, Montenegrin -> Bosnian); the loader reports each such mapping.
 */
import { SAY_LANGUAGES } from '../ivr/say/index.js'

/** Names (English and native, Latin and Cyrillic) and three-letter codes -> ISO 639 code. */
const NAMES: Record<string, string> = {
  bos: 'bs', bosnian: 'bs', bosanski: 'bs', 'босански': 'bs', 'bošnjački': 'bs', bosnjacki: 'bs',
  hrv: 'hr', croatian: 'hr', hrvatski: 'hr', 'хрватски': 'hr',
  srp: 'sr', serbian: 'sr', srpski: 'sr', 'српски': 'sr',
  cnr: 'cnr', montenegrin: 'cnr', crnogorski: 'cnr', 'црногорски': 'cnr',
  rus: 'ru', russian: 'ru', 'русский': 'ru', 'ruski': 'ru', 'руски': 'ru',
  por: 'pt', portuguese: 'pt', 'português': 'pt', portugues: 'pt', portugalski: 'pt',
  eng: 'en', english: 'en', engleski: 'en', 'английский': 'en',
}

/** Languages with no prompts of their own, and the one their speakers understand. */
const CLOSE: Record<string, string> = { hr: 'bs', sr: 'bs', cnr: 'bs' }

const displayNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' })

export type LanguageResult =
  /** `language` is stored; `written` is the language the file named; `mapped` when they differ. */
  | { ok: true; language: string; written: string; mapped: boolean }
  | { ok: false; reason: string }

export function readLanguage(raw: string): LanguageResult {
  const text = raw.trim()
  const lower = text.toLowerCase()
  // A locale tag (bs-BA, pt_BR, sr-Latn) is its language.
  const tag = /^([a-z]{2,3})(?:[-_][a-z0-9]{2,8})*$/.exec(lower)
  let code = NAMES[lower]
  if (!code && tag) code = tag[1]!.length === 2 ? tag[1] : NAMES[tag[1]!]
  if (!code || displayNames.of(code) === undefined) {
    const shown = text.length > 20 ? `${text.slice(0, 17)}...` : text
    return { ok: false, reason: `language "${shown}" is unknown: write a code such as ${SAY_LANGUAGES.join(', ')} or a name such as Bosanski` }
  }
  const spoken = (SAY_LANGUAGES as readonly string[]).includes(code) ? code : CLOSE[code]
  return spoken && spoken !== code ? { ok: true, language: spoken, written: code, mapped: true } : { ok: true, language: code, written: code, mapped: false }
}
