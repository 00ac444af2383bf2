/**
 * Where prompts are and how they are played: prompts/<language>/<id>.wav, several of them as
 * one `file_string://a.wav!b.wav` playback, numbers, money and dates from the spoken
 * fragments of src/ivr/say.
 */
import path from 'node:path'
import { SAY_CURRENCIES, sayFragments, SayError, type Currency, type Language } from './say/index.js'
import type { SayValue } from './interpreter.js'

export class PromptLibrary {
  constructor(readonly directory: string) {
    // play_and_get_digits takes its arguments separated by spaces; file_string by '!'.
    if (/[\s!]/.test(directory)) throw new Error(`PROMPTS_DIR must not contain spaces or '!' (got '${directory}')`)
  }

  file(language: string, id: string): string {
    return path.join(this.directory, language, `${id}.wav`)
  }

  /** One prompt as its file, several as one file_string:// playback. */
  playlist(language: string, ids: string[]): string {
    if (ids.length === 1) return this.file(language, ids[0]!)
    return `file_string://${ids.map((id) => this.file(language, id)).join('!')}`
  }

  /** The fragment ids that speak a value in a language; undefined when it cannot be said. */
  fragments(language: string, value: SayValue): string[] | undefined {
    try {
      const lang = language as Language
      switch (value.kind) {
        case 'number':
          return sayFragments(lang, { kind: 'number', value: value.value })
        case 'money':
          // A currency without spoken names is said as a plain number.
          if (!SAY_CURRENCIES.includes(value.currency as Currency)) return sayFragments(lang, { kind: 'number', value: Math.round(value.amount) })
          return sayFragments(lang, { kind: 'money', amount: Math.round(value.amount * 100) / 100, currency: value.currency as Currency })
        case 'date':
          return sayFragments(lang, { kind: 'date', date: value.date })
        case 'digits':
          return sayFragments(lang, { kind: 'digits', value: value.value })
      }
    } catch (err) {
      if (err instanceof SayError) return undefined
      throw err
    }
  }
}
