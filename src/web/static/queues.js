/* global window, document */
// The queues page: a form per queue with every setting queues/queues.yaml holds, and one for
// a new queue (GET /queue-settings; PUT /queues/:name/settings; DELETE /queues/:name). Every
// app instance applies a saved change without a restart. Supervisors see the forms read-only.
;(function () {
  'use strict'
  const { api, el, t, fmt } = window.cc
  const box = document.getElementById('queue-forms')
  const pageError = document.getElementById('queues-error')
  const admin = box.dataset.admin === '1'

  // [field, min, max]: the bounds the server checks (src/queue/config.ts).
  const NUMBERS = [
    ['ringTimeoutSeconds', 5, 120],
    ['maxMissedOffers', 1, 20],
    ['wrapUpSeconds', 0, 600],
    ['dispositionMaxSeconds', 0, 3600],
    ['announceEverySeconds', 0, 600],
    ['serviceLevelSeconds', 1, 600],
    ['maxWaitSeconds', 10, 7200],
  ]
  const ACTIONS = ['voicemail', 'callback', 'hangup']
  const KEYS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#']
  const DEFAULTS = {
    description: '',
    strategy: 'longest-idle',
    members: { groups: [], agents: [] },
    ringTimeoutSeconds: 15,
    maxMissedOffers: 3,
    wrapUpSeconds: 10,
    dispositionMaxSeconds: 0,
    announceEverySeconds: 30,
    serviceLevelSeconds: 20,
    maxWaitSeconds: 600,
    onMaxWait: 'voicemail',
    onNoAgents: 'voicemail',
    keys: {},
    campaignPriority: 'normal',
    music: 'local_stream://moh',
  }
  let data = { queues: [], strategies: [], groups: [], agents: [] }

  const field = (label, control, hint) => el('label', {}, label, control, hint ? el('small', { class: 'muted', text: hint }) : null)

  function select(name, options, value) {
    const s = el('select', { name, 'data-testid': name }, options.map(([v, text]) => el('option', { value: v, text })))
    s.value = value
    return s
  }

  /** voicemail, callback, hangup, or another queue: `queue:<name>`. */
  function actionSelect(name, value, self) {
    const options = ACTIONS.map((a) => [a, t('queues.action.' + a)])
    for (const q of data.queues) if (q.name !== self) options.push(['queue:' + q.name, t('queues.action.queue', { name: q.name })])
    return select(name, options, typeof value === 'object' && value ? 'queue:' + value.queue : value)
  }

  function checks(name, legend, options, chosen) {
    const boxes = options.map(([v, text]) => el('label', { class: 'inline check' }, el('input', { type: 'checkbox', name, value: v, checked: chosen.includes(v) }), ' ' + text))
    return el('fieldset', { 'data-testid': name }, el('legend', { text: legend }), boxes.length ? boxes : el('span', { class: 'muted', text: t('queues.none') }))
  }

  /** The key a waiting caller presses for `what` ('' for none). */
  const keyFor = (keys, what) => Object.keys(keys).find((k) => keys[k] === what) || ''
  const keySelect = (name, value) => select(name, [['', t('queues.key.none')]].concat(KEYS.map((k) => [k, k])), value)

  function queueForm(stored) {
    const s = stored ? stored.settings : DEFAULTS
    const name = stored ? stored.name : ''
    const groups = [...new Set(data.groups.concat(s.members.groups))].sort()
    const agents = data.agents.map((a) => [a.id, a.name + ' (' + a.id + ')'])
    for (const id of s.members.agents) if (!data.agents.some((a) => a.id === id)) agents.push([id, id])
    const status = el('p', { class: 'muted', 'data-testid': 'queue-status', role: 'status' })
    const error = el('p', { class: 'error', 'data-testid': 'queue-error', role: 'alert' })
    const numbers = NUMBERS.map(([f, min, max]) =>
      field(t('queues.f.' + f), el('input', { type: 'number', name: f, min, max, step: 1, required: true, value: s[f], 'data-testid': f }), t('queues.range', { min, max })),
    )
    const inner = el(
      'fieldset',
      { class: 'plain', disabled: !admin },
      stored ? null : field(t('queues.f.name'), el('input', { name: 'name', required: true, maxlength: 48, pattern: '[a-z0-9][a-z0-9_\\-]{0,47}', placeholder: 'support', 'data-testid': 'name' }), t('queues.nameHint')),
      field(t('queues.f.description'), el('input', { name: 'description', maxlength: 500, value: s.description })),
      el(
        'div',
        { class: 'grid two' },
        field(t('queues.f.strategy'), select('strategy', data.strategies.map((x) => [x, t('queues.strategy.' + x)]), s.strategy)),
        field(t('queues.f.campaignPriority'), select('campaignPriority', [['normal', t('queues.priority.normal')], ['vip', t('queues.priority.vip')]], s.campaignPriority)),
      ),
      checks('groups', t('queues.f.groups'), groups.map((g) => [g, g]), s.members.groups),
      checks('agents', t('queues.f.agents'), agents, s.members.agents),
      el('div', { class: 'grid two' }, numbers),
      el(
        'div',
        { class: 'grid two' },
        field(t('queues.f.onMaxWait'), actionSelect('onMaxWait', s.onMaxWait, name)),
        field(t('queues.f.onNoAgents'), actionSelect('onNoAgents', s.onNoAgents, name)),
        field(t('queues.f.keyVoicemail'), keySelect('keyVoicemail', keyFor(s.keys, 'voicemail'))),
        field(t('queues.f.keyCallback'), keySelect('keyCallback', keyFor(s.keys, 'callback'))),
      ),
      field(t('queues.f.music'), el('input', { name: 'music', maxlength: 200, value: s.music }), t('queues.musicHint')),
    )
    const form = el('form', { 'data-queue': name, novalidate: true }, inner, error, status)
    if (admin) {
      const remove = stored ? el('button', { type: 'button', class: 'danger', 'data-testid': 'queue-remove', text: t('queues.remove') }) : null
      form.append(el('div', { class: 'actions' }, el('button', { type: 'submit', 'data-testid': 'queue-save', text: stored ? t('queues.save') : t('queues.create') }), remove))
      if (remove) remove.addEventListener('click', () => removeQueue(name, remove, error))
      form.addEventListener('submit', (e) => {
        e.preventDefault()
        void save(form, stored ? name : String(form.elements.name.value).trim(), error, status)
      })
    }
    if (stored) status.textContent = t('queues.version', { version: stored.version, at: fmt.dateTime(stored.updatedAt), by: stored.updatedBy || t('queues.byFile') })
    return el(
      'section',
      { class: 'card', 'data-testid': stored ? 'queue-' + name : 'queue-new' },
      el('h2', { text: stored ? t('queues.h.queue', { name }) : t('queues.h.new') }),
      form,
    )
  }

  /** The form as the API takes a queue (queues.yaml's shape). */
  function read(form) {
    const f = form.elements
    const all = (n) => [...form.querySelectorAll('input[name="' + n + '"]:checked')].map((i) => i.value)
    const action = (v) => (v.startsWith('queue:') ? { queue: v.slice('queue:'.length) } : v)
    const spec = {
      description: f.description.value.trim(),
      strategy: f.strategy.value,
      members: { groups: all('groups'), agents: all('agents') },
      onMaxWait: action(f.onMaxWait.value),
      onNoAgents: action(f.onNoAgents.value),
      keys: {},
      campaignPriority: f.campaignPriority.value,
      music: f.music.value.trim(),
    }
    // An empty number box is sent as text, so the server's answer names the field.
    for (const [n] of NUMBERS) spec[n] = f[n].value === '' || Number.isNaN(Number(f[n].value)) ? f[n].value : Number(f[n].value)
    if (f.keyVoicemail.value) spec.keys[f.keyVoicemail.value] = 'voicemail'
    if (f.keyCallback.value) spec.keys[f.keyCallback.value] = 'callback'
    return spec
  }

  async function save(form, name, error, status) {
    error.textContent = ''
    status.textContent = ''
    const f = form.elements
    if (f.keyVoicemail.value && f.keyVoicemail.value === f.keyCallback.value) {
      error.textContent = t('queues.sameKey')
      return
    }
    if (!name) {
      error.textContent = t('queues.nameMissing')
      return
    }
    try {
      const saved = await api('PUT', '/queues/' + encodeURIComponent(name) + '/settings', read(form))
      await load()
      const section = box.querySelector('[data-testid="queue-' + saved.name + '"] [data-testid="queue-status"]')
      if (section) section.textContent = t('queues.saved', { version: saved.version })
    } catch (err) {
      error.textContent = err.message
    }
  }

  /** Two clicks: the first asks, the second removes. */
  async function removeQueue(name, button, error) {
    if (button.dataset.confirm !== '1') {
      button.dataset.confirm = '1'
      button.textContent = t('queues.removeConfirm', { name })
      return
    }
    error.textContent = ''
    try {
      await api('DELETE', '/queues/' + encodeURIComponent(name))
      await load()
    } catch (err) {
      button.dataset.confirm = ''
      button.textContent = t('queues.remove')
      error.textContent = err.message
    }
  }

  async function load() {
    try {
      data = await api('GET', '/queue-settings')
      pageError.textContent = ''
    } catch (err) {
      pageError.textContent = err.message
      return
    }
    box.replaceChildren(...data.queues.map((q) => queueForm(q)), admin ? queueForm(null) : '')
  }

  void load()
})()
