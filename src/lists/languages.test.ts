/** Languages as files write them: codes and names in any case, mapped to the prompts we have. */
import { describe, expect, it } from 'vitest'
import { readLanguage } from './languages.js'

describe('readLanguage', () => {
  it('reads codes and names (English and native) in any case', () => {
    for (const text of ['bs', 'BS', 'Bosanski', 'bosnian', 'Босански', 'bs-BA']) expect(readLanguage(text)).toEqual({ ok: true, language: 'bs', written: 'bs', mapped: false })
    expect(readLanguage('Русский')).toEqual({ ok: true, language: 'ru', written: 'ru', mapped: false })
    expect(readLanguage('Português')).toEqual({ ok: true, language: 'pt', written: 'pt', mapped: false })
    expect(readLanguage('ENGLISH')).toEqual({ ok: true, language: 'en', written: 'en', mapped: false })
  })

  it('maps close languages without prompts of their own to Bosnian', () => {
    expect(readLanguage('hr')).toEqual({ ok: true, language: 'bs', written: 'hr', mapped: true })
    expect(readLanguage('Hrvatski')).toEqual({ ok: true, language: 'bs', written: 'hr', mapped: true })
    expect(readLanguage('Srpski')).toEqual({ ok: true, language: 'bs', written: 'sr', mapped: true })
    expect(readLanguage('Српски')).toEqual({ ok: true, language: 'bs', written: 'sr', mapped: true })
    expect(readLanguage('Crnogorski')).toEqual({ ok: true, language: 'bs', written: 'cnr', mapped: true })
  })

  it('keeps other real language codes and refuses what is no language', () => {
    expect(readLanguage('de')).toEqual({ ok: true, language: 'de', written: 'de', mapped: false })
    expect(readLanguage('Klingonski')).toEqual({ ok: false, reason: 'language "Klingonski" is unknown: write a code such as en, ru, pt, bs or a name such as Bosanski' })
    expect(readLanguage('xx')).toMatchObject({ ok: false })
  })
})
