/* global window, document, location */
;(function () {
  'use strict'
  const { api, param, t } = window.cc
  const HOME = { admin: '/wallboard', supervisor: '/wallboard', 'campaign-manager': '/manager', operator: '/operator' }
  const form = document.getElementById('login-form')
  // Already logged in: straight to the page.
  window
    .fetch('/auth/me', { credentials: 'same-origin' })
    .then((r) => (r.ok ? r.json() : null))
    .then((me) => {
      if (me && me.user && !param('next')) location.href = HOME[me.user.role] || '/'
    })
    .catch(() => undefined)
  const error = document.getElementById('login-error')
  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    error.textContent = ''
    const data = new window.FormData(form)
    try {
      const r = await api('POST', '/auth/login', { username: String(data.get('username')), password: String(data.get('password')) })
      const next = param('next')
      // Only a path of this site: never another host.
      location.href = next && next.startsWith('/') && !next.startsWith('//') ? next : HOME[r.user.role] || '/'
    } catch (err) {
      // The API's refusals in the page's language; anything else as the server said it.
      const known = { 'bad-credentials': 'login.error.badCredentials', 'inactive-user': 'login.error.inactive', 'too-many-attempts': 'login.error.tooMany' }
      error.textContent = known[err.code] ? t(known[err.code]) : err.message
    }
  })
})()
