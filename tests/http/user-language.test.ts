/**
 * The user's language: the first login takes the browser's Accept-Language (later logins keep
 * it), PUT /auth/me/language changes it, admins set it through /users; the pages follow it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromAcceptLanguage } from '../../src/web/i18n.js'
import { as, ensureUser, login, PASSWORD } from './session.js'
import { startTestApp, type TestApp } from './test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await startTestApp()
})
afterAll(async () => {
  await t.close()
})

const loginWith = async (username: string, acceptLanguage?: string) => {
  const res = await t.server.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD }, headers: acceptLanguage ? { 'accept-language': acceptLanguage } : {} })
  expect(res.statusCode, res.body).toBe(200)
  return res.json() as { token: string; user: { language: string | null } }
}

describe('Accept-Language', () => {
  it('picks ours by q-value, Croatian and Serbian readers get Bosnian, else English', () => {
    expect(fromAcceptLanguage('de-DE,ru;q=0.5,pt-BR;q=0.8')).toBe('pt')
    expect(fromAcceptLanguage('hr-HR,en;q=0.1')).toBe('bs')
    expect(fromAcceptLanguage('ru-RU')).toBe('ru')
    expect(fromAcceptLanguage('fr, de;q=0.9')).toBe('en')
    expect(fromAcceptLanguage(undefined)).toBe('en')
    expect(fromAcceptLanguage('bs;q=0, ru;q=0.2')).toBe('ru')
  })
})

describe('the user language', () => {
  it('is the browser language at the first login, then kept until changed', async () => {
    await ensureUser(t.app, 'lang-first', 'supervisor')
    expect((await loginWith('lang-first', 'bs-BA,bs;q=0.9,en;q=0.5')).user.language).toBe('bs')
    expect((await loginWith('lang-first', 'ru-RU')).user.language).toBe('bs')
    const me = await as(t.server, await login(t.server, 'lang-first'))({ method: 'GET', url: '/auth/me' })
    expect(me.json().user.language).toBe('bs')
  })

  it('stays unset after a login with no Accept-Language (a program), and English pages meanwhile', async () => {
    await ensureUser(t.app, 'lang-program', 'supervisor')
    const { token, user } = await loginWith('lang-program')
    expect(user.language).toBeNull()
    const page = await as(t.server, token)({ method: 'GET', url: '/wallboard' })
    expect(page.body).toContain('<html lang="en">')
  })

  it('is changed with PUT /auth/me/language, and the pages follow it', async () => {
    await ensureUser(t.app, 'lang-change', 'supervisor')
    const me = as(t.server, (await loginWith('lang-change', 'en')).token)
    const bad = await me({ method: 'PUT', url: '/auth/me/language', payload: { language: 'de' } })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().message).toContain('language')
    const ok = await me({ method: 'PUT', url: '/auth/me/language', payload: { language: 'ru' } })
    expect(ok.statusCode, ok.body).toBe(200)
    expect(ok.json().user.language).toBe('ru')
    const page = await me({ method: 'GET', url: '/wallboard' })
    expect(page.body).toContain('<html lang="ru">')
    expect(page.body).toContain('Выйти')
    expect(page.headers['content-security-policy']).toContain("script-src 'self'")
  })

  it('is set by an admin through /users, and refused when not one of ours', async () => {
    const id = await ensureUser(t.app, 'lang-admin-set', 'supervisor')
    const admin = as(t.server, await (async () => (await ensureUser(t.app, 'lang-admin', 'admin'), login(t.server, 'lang-admin')))())
    const patched = await admin({ method: 'PATCH', url: `/users/${id}`, payload: { language: 'pt' } })
    expect(patched.statusCode, patched.body).toBe(200)
    expect(patched.json().language).toBe('pt')
    expect((await admin({ method: 'PATCH', url: `/users/${id}`, payload: { language: 'xx' } })).statusCode).toBe(400)
    const created = await admin({ method: 'POST', url: '/users', payload: { username: 'lang-created', role: 'supervisor', password: PASSWORD, language: 'bs' } })
    expect(created.statusCode, created.body).toBe(201)
    expect(created.json().language).toBe('bs')
    // An admin's choice is not overridden by the browser at the next login.
    expect((await loginWith('lang-admin-set', 'ru')).user.language).toBe('pt')
  })

  it('gives the login page the browser language', async () => {
    const res = await t.server.inject({ method: 'GET', url: '/login', headers: { 'accept-language': 'pt-PT,pt;q=0.9' } })
    expect(res.body).toContain('<html lang="pt">')
    expect(res.body).toContain('id="i18n"')
  })
})
