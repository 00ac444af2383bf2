/* global window, document, fetch, EventSource, location, URLSearchParams */
// What every page shares: calling the API, building elements, formatting, the live stream.
;(function () {
  'use strict'

  /** Calls the API with the session cookie; throws an Error with the API's message. */
  async function api(method, url, body) {
    const init = { method, headers: { accept: 'application/json' }, credentials: 'same-origin' }
    if (body !== undefined) {
      init.headers['content-type'] = 'application/json'
      init.body = JSON.stringify(body)
    }
    const res = await fetch(url, init)
    if (res.status === 401 && !url.startsWith('/auth/login')) {
      location.href = '/login?next=' + encodeURIComponent(location.pathname)
      throw new Error(t('common.loggedOut'))
    }
    const text = await res.text()
    let data = null
    try {
      data = text ? JSON.parse(text) : null
    } catch {
      data = null
    }
    if (!res.ok) {
      const err = new Error((data && data.message) || res.status + ' ' + res.statusText)
      err.status = res.status
      err.code = data && data.error
      throw err
    }
    return data
  }

  /** el('td', { class: 'x', text: 'y' }, child ...) */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag)
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue
      if (k === 'text') node.textContent = v
      else if (k === 'class') node.className = v
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v)
      else node.setAttribute(k, v === true ? '' : String(v))
    }
    for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) node.append(c instanceof window.Node ? c : String(c))
    return node
  }

  // The user's language: the page embeds its dictionary as data (<script type="application/json" id="i18n">).
  const i18n = (() => {
    try {
      return JSON.parse(document.getElementById('i18n').textContent)
    } catch {
      return { lang: 'en', locale: 'en-GB', messages: {} }
    }
  })()
  // The first of the user's locale and its fallbacks this browser has data for (month names
  // that are not the root locale's "M01"): Debian's chromium has none for bs-BA.
  const hasData = (l) => {
    try {
      return !/M\d\d/.test(new Intl.DateTimeFormat(l, { month: 'long', timeZone: 'UTC' }).format(Date.UTC(2026, 0, 15)))
    } catch {
      return false
    }
  }
  const locale = [i18n.locale || 'en-GB', ...(i18n.fallbacks || [])].find(hasData) || i18n.locale || 'en-GB'

  /** cc.t("<area>.<key>", { name }): the text in the user's language (the key itself when none). */
  function t(key, vars) {
    const text = Object.prototype.hasOwnProperty.call(i18n.messages, key) ? i18n.messages[key] : key
    if (!vars) return text
    return text.replace(/\{(\w+)\}/g, (whole, name) => (vars[name] === undefined || vars[name] === null ? whole : String(vars[name])))
  }

  /** A code from the API (a state, a status, an outcome) in words: its key under `prefix`, else the code. */
  const label = (prefix, code) => {
    if (code === null || code === undefined || code === '') return ''
    const key = prefix + '.' + code
    return Object.prototype.hasOwnProperty.call(i18n.messages, key) ? i18n.messages[key] : String(code)
  }

  /** Dates and numbers as the user's locale writes them (Intl); '' or '–' for none. */
  const when = (iso) => (iso === null || iso === undefined || iso === '' ? null : new Date(iso))
  const fmt = {
    date: (iso) => (when(iso) ? when(iso).toLocaleDateString(locale, { dateStyle: 'medium' }) : ''),
    dateTime: (iso) => (when(iso) ? when(iso).toLocaleString(locale, { dateStyle: 'short', timeStyle: 'medium' }) : ''),
    time: (iso) => (when(iso) ? when(iso).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' }) : ''),
    number: (n, digits) =>
      n === null || n === undefined || n === '' || Number.isNaN(Number(n))
        ? '–'
        : Number(n).toLocaleString(locale, digits === undefined ? { maximumFractionDigits: 20 } : { minimumFractionDigits: digits, maximumFractionDigits: digits }),
    money: (n, currency) => (n === null || n === undefined || n === '' ? '–' : fmt.number(n, 2) + (currency ? ' ' + currency : '')),
    percent: (r, digits) =>
      r === null || r === undefined ? '–' : Number(r).toLocaleString(locale, { style: 'percent', minimumFractionDigits: digits === undefined ? 1 : digits, maximumFractionDigits: digits === undefined ? 1 : digits }),
  }

  const pct = (r, digits) => (r === null || r === undefined ? '–' : fmt.number(r * 100, digits === undefined ? 1 : digits) + ' %')

  function duration(ms) {
    if (ms === null || ms === undefined) return '–'
    const s = Math.max(0, Math.round(ms / 1000))
    const h = Math.floor(s / 3600)
    const m = Math.floor((s % 3600) / 60)
    const r = s % 60
    return (h ? h + ':' + String(m).padStart(2, '0') : String(m)) + ':' + String(r).padStart(2, '0')
  }

  const time = fmt.time
  const dateTime = fmt.dateTime
  /** A compact table in its scrolling wrapper: the header cells, then a <tr> per row. */
  const table = (headers, rows) =>
    el('div', { class: 'table-wrap' }, el('table', { class: 'compact' }, el('thead', {}, el('tr', {}, headers.map((h) => el('th', { text: h })))), el('tbody', {}, rows)))

  /** How a call in the register ended: in its queue, at its route, or (a campaign call) its attempt. */
  const callOutcome = (r) => label('common.outcome', r.queueOutcome || r.routeResult || r.campaignOutcome || '')

  const money = (n, currency) => (n === null || n === undefined ? '–' : fmt.number(n, 2) + ' ' + (currency || ''))

  /** Listens to /live/events: handlers by event name; the dot in the header shows the link. */
  function live(handlers) {
    const dot = document.getElementById('live')
    const source = new EventSource('/live/events')
    source.onopen = () => {
      if (dot) dot.className = 'live on'
    }
    source.onerror = () => {
      if (dot) dot.className = 'live off'
    }
    // The session ended (logged out elsewhere, expired): to the login, and back here after.
    source.addEventListener('ended', () => {
      source.close()
      location.href = '/login?next=' + encodeURIComponent(location.pathname)
    })
    for (const [name, handle] of Object.entries(handlers)) {
      source.addEventListener(name, (e) => {
        try {
          handle(JSON.parse(e.data))
        } catch (err) {
          window.console.error(err)
        }
      })
    }
    return source
  }

  const user = () => ({ username: document.body.dataset.username, role: document.body.dataset.role, agent: document.body.dataset.agent || null })

  const logout = document.getElementById('logout')
  if (logout) {
    logout.addEventListener('click', async () => {
      try {
        await api('POST', '/auth/logout')
      } finally {
        location.href = '/login'
      }
    })
  }

  // The header's language picker: saved on the user (PUT /auth/me/language), then the page again in it.
  const picker = document.getElementById('language')
  if (picker) {
    picker.addEventListener('change', async () => {
      try {
        await api('PUT', '/auth/me/language', { language: picker.value })
        location.reload()
      } catch (err) {
        picker.value = i18n.lang
        window.alert(err.message)
      }
    })
  }

  const param = (name) => new URLSearchParams(location.search).get(name)

  window.cc = { api, el, table, callOutcome, pct, duration, time, dateTime, money, live, user, param, t, fmt, label, lang: i18n.lang, locale }
})()
