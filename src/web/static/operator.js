/* global window, document, setTimeout, setInterval */
// The operator's console: their state, the call offered or connected with its card, the
// disposition and notes once it is over, their latest calls.
;(function () {
  'use strict'
  const { api, el, table, callOutcome, duration, money, time, live, user, t, label } = window.cc
  const me = user()
  const agent = me.agent

  const stateEl = document.getElementById('agent-state')
  const sinceEl = document.getElementById('agent-since')
  const figuresEl = document.getElementById('agent-figures')
  const deskError = document.getElementById('desk-error')
  const noCall = document.getElementById('no-call')
  const callBox = document.getElementById('call')
  const callsBox = document.getElementById('calls')

  let state = null
  let card = null // { uuid, node, stateEl, ended }
  // Calls whose disposition is saved: their card does not come back while they go on.
  const saved = new Set()

  if (!agent) {
    stateEl.textContent = t('operator.noAgent')
    deskError.textContent = t('operator.noAgentHelp')
    for (const id of ['go-available', 'go-paused', 'go-out']) document.getElementById(id).disabled = true
  }

  async function act(verb, body) {
    deskError.textContent = ''
    try {
      const a = await api('POST', '/agents/' + encodeURIComponent(agent) + '/' + verb, body)
      showAgent(a, Date.now())
    } catch (err) {
      deskError.textContent = err.message
    }
  }
  document.getElementById('go-available').addEventListener('click', () => act(state === 'paused' || state === 'wrap-up' ? 'resume' : 'login'))
  document.getElementById('go-paused').addEventListener('click', async () => {
    const reason = document.getElementById('pause-reason').value
    if (state === 'logged-out' || state === null) await act('login')
    await act('pause', { reason })
  })
  document.getElementById('go-out').addEventListener('click', () => act('logout'))

  function showAgent(a, at) {
    state = a ? a.state : 'logged-out'
    stateEl.textContent = label('common.state', state) + (a && a.pending ? ' ' + t('operator.then', { state: label('common.state', a.pending) }) : '') + (a && a.state === 'paused' && a.reason ? ': ' + label('common.pauseReason', a.reason) : '')
    stateEl.className = 'state ' + state
    sinceEl.textContent = (a && a.since ? t('operator.for', { time: duration(at - a.since) }) : '') + (a && a.state === 'wrap-up' && a.awaiting ? ' · ' + t('operator.awaitingDisposition', { time: duration(Math.max(0, a.wrapUntil - at)) }) : '')
    figuresEl.textContent =
      a && a.today
        ? t(a.today.calls === 1 ? 'operator.todayOne' : 'operator.todayMany', { calls: a.today.calls, talk: duration(a.today.talkMs), idle: duration(a.today.idleMs) }) +
          (a.today.missed ? ', ' + t('operator.missed', { n: a.today.missed }) : '')
        : ''
    document.getElementById('go-available').disabled = state === 'available' || state === 'ringing' || state === 'in-call'
  }

  function kv(pairs) {
    return el('dl', { class: 'kv' }, pairs.filter((p) => p[1] !== null && p[1] !== undefined && p[1] !== '').flatMap(([k, v]) => [el('dt', { text: k }), el('dd', {}, v)]))
  }

  function buildCard(c) {
    const stateLine = el('p', { class: 'call-state', 'data-testid': 'call-state' })
    const parts = [stateLine]
    parts.push(kv([[t('operator.number'), c.number], [t('operator.queue'), c.queue], [t('operator.kind'), c.kind === 'campaign' ? t('operator.campaignCall') : t('operator.inboundCall')]]))
    if (c.client) {
      const cl = c.client
      // Long names take one line (the whole in the title): the disposition stays in view.
      parts.push(el('h3', { class: 'title', 'data-testid': 'client-name' }, el('span', { class: 'name', title: cl.name, text: cl.name }), cl.vip ? el('span', { class: 'vip', text: 'VIP' }) : null))
      parts.push(
        kv([
          [t('operator.type'), label('operator.clientType', cl.type)],
          [t('operator.manager'), cl.manager || t('operator.none')],
          [t('operator.overdueDebt'), cl.overdueDebt > 0 ? el('span', { class: 'debt', text: money(cl.overdueDebt, cl.currency) }) : t('operator.none')],
          [t('operator.balance'), money(cl.balance, cl.currency)],
          [t('operator.lastOrder'), cl.lastOrderDate || t('operator.never')],
          [t('operator.language'), cl.language],
        ]),
      )
    } else if (c.kind === 'inbound') {
      parts.push(el('p', { class: 'muted', 'data-testid': 'client-name', text: t('operator.unknownCaller') }))
    }
    if (c.campaign) {
      const what = t('operator.campaignTitle', { id: c.campaign.id, name: c.campaign.name, kind: label('common.kind', c.campaign.kind) })
      parts.push(el('h3', { class: 'title' }, el('span', { class: 'name', title: what, text: what })))
    }
    if (c.contact) {
      const ct = c.contact
      parts.push(kv([[t('operator.contact'), el('span', { class: 'name', title: ct.name || ct.phone, text: ct.name || ct.phone })], [t('operator.phone'), ct.phone], [t('operator.language'), ct.language], ...Object.entries(ct.fields || {})]))
    }
    // A preview contact held for the agent: they call it or give it back.
    const previewActions = el(
      'div',
      { class: 'actions', hidden: true },
      el('button', { type: 'button', 'data-action': 'dial', text: c.contact ? t('operator.callWho', { who: c.contact.name || c.contact.phone }) : t('operator.callContact'), onclick: (e) => previewAct('dial', c, e.target) }),
      el('button', { type: 'button', class: 'secondary', 'data-action': 'skip', text: t('operator.skip'), onclick: (e) => previewAct('skip', c, e.target) }),
    )
    parts.push(previewActions)
    parts.push(el('ol', { class: 'script', 'aria-label': t('operator.script') }, c.script.map((s) => el('li', { text: s }))))
    const form = dispositionForm({ uuid: c.uuid, dispositions: c.dispositions, campaign: c.kind === 'campaign', timeZone: c.contact ? c.contact.timeZone : null }, (body, r) => {
      saved.add(c.uuid)
      card = null
      callBox.hidden = true
      callBox.replaceChildren()
      noCall.hidden = false
      noCall.textContent = t('operator.saved', { what: savedText(body, r) }) + ' ' + (state === 'available' ? t('operator.waitingNext') : '')
    })
    form.id = 'disposition-form'
    parts.push(form)
    const node = el('div', { 'data-call': c.uuid }, ...parts)
    return { uuid: c.uuid, node, stateEl: stateLine, previewActions, ended: false }
  }

  // What a saved disposition says: a callback with its time in the contact's zone.
  function savedText(body, r) {
    const what = label('common.disposition', body.disposition)
    if (r && r.callback) return what + ' ' + r.callback.local.replace('T', ' ') + ' (' + r.callback.timeZone + ')'
    if (r && r.doNotCall) return what + ' ' + (r.doNotCall.campaignId === 0 ? t('operator.everyCampaign') : t('operator.thisCampaign'))
    return what
  }

  // The call reasons the administrator keeps (GET /call-reasons), in the user's language: read once.
  const callReasons = api('GET', '/call-reasons').then(
    (r) => r.reasons,
    () => [],
  )
  function reasonPicker(current) {
    const picker = el('select', { name: 'reason', 'data-testid': 'reason' }, el('option', { value: '', text: window.cc.t('reports.picker.none') }))
    void callReasons.then((list) => {
      for (const r of list) picker.append(el('option', { value: r.code, text: r.labels[window.cc.lang] || r.labels.en || r.code }))
      if (current) picker.value = current
    })
    return picker
  }

  // The disposition form, for the call on the card, a call to finish or one reopened. A
  // campaign call's callback asks when (the contact's local time), do-not-call how far.
  function dispositionForm(c, onSaved) {
    const reason = reasonPicker(c.reason)
    const select = el('select', { name: 'disposition', required: true }, el('option', { value: '', text: t('operator.choose') }), c.dispositions.map((d) => el('option', { value: d, text: label('common.disposition', d) })))
    const zone = c.timeZone ? t('operator.contactsTimeIn', { zone: c.timeZone }) : t('operator.contactsTime')
    const when = el('label', { class: 'callback-at', hidden: true }, t('operator.callBackAt', { zone }), el('input', { type: 'datetime-local', name: 'callbackAt' }))
    const scope = el(
      'label',
      { hidden: true },
      t('operator.dncLabel'),
      el('select', { name: 'dncScope' }, el('option', { value: 'campaign', text: t('operator.dncCampaign') }), el('option', { value: 'global', text: t('operator.dncGlobal') })),
    )
    const notes = el('textarea', { name: 'notes', rows: 3, maxlength: 2000 })
    const button = el('button', { type: 'submit', text: t('operator.saveDisposition') })
    const formError = el('p', { class: 'error', role: 'alert' })
    const form = el('form', { class: 'disposition-form' }, el('label', {}, t('operator.disposition'), select), el('label', {}, window.cc.t('reports.picker.label'), reason), when, scope, el('label', {}, t('operator.notes'), notes), button, formError)
    if (c.disposition) select.value = c.disposition
    notes.value = c.notes || ''
    const sync = () => {
      when.hidden = !(c.campaign && select.value === 'callback')
      scope.hidden = !(c.campaign && select.value === 'do-not-call')
      when.querySelector('input').required = !when.hidden
    }
    select.addEventListener('change', sync)
    sync()
    form.addEventListener('submit', async (e) => {
      e.preventDefault()
      const body = { callUuid: c.uuid, disposition: select.value, notes: notes.value }
      if (!body.disposition) return
      if (reason.value) body.reason = reason.value
      if (!when.hidden) body.callbackAt = when.querySelector('input').value
      if (!scope.hidden) body.dncScope = scope.querySelector('select').value
      button.disabled = true
      formError.textContent = ''
      // The register may be a moment behind the call: try again a few times.
      for (let i = 0; i < 8; i++) {
        try {
          const r = await api('POST', '/operator/disposition', body)
          onSaved(body, r)
          loadCalls()
          return
        } catch (err) {
          if (err.status !== 404 || i === 7) {
            formError.textContent = err.message
            button.disabled = false
            return
          }
          await new Promise((r) => setTimeout(r, 500))
        }
      }
    })
    return form
  }

  // A call to finish, or a recent one reopened: its form below the list.
  const editBox = document.getElementById('edit-call')
  function showEditor(c, title) {
    const close = () => {
      editBox.hidden = true
      editBox.replaceChildren()
    }
    const form = dispositionForm(c, () => {
      saved.add(c.uuid)
      close()
    })
    form.append(el('button', { type: 'button', class: 'secondary', text: t('operator.cancel'), onclick: close }))
    editBox.replaceChildren(el('h3', { class: 'name', title, text: title }), form)
    editBox.hidden = false
    editBox.scrollIntoView({ block: 'nearest' })
  }

  async function previewAct(verb, c, button) {
    button.disabled = true
    deskError.textContent = ''
    try {
      await api('POST', '/attempts/' + c.attemptId + '/' + verb, {})
      if (verb === 'skip') {
        saved.add(c.uuid)
        card = null
        callBox.hidden = true
        callBox.replaceChildren()
        noCall.hidden = false
        noCall.textContent = t('operator.skipped')
      }
    } catch (err) {
      deskError.textContent = err.message
      button.disabled = false
    }
  }

  // Preview campaigns: the operator takes the next contact when ready.
  const previewBox = el('div', { class: 'actions', id: 'preview', 'data-testid': 'preview' })
  document.getElementById('desk-error').before(previewBox)
  let previewKey = ''
  function showPreview(list) {
    const key = JSON.stringify(list || [])
    if (key === previewKey) return
    previewKey = key
    previewBox.replaceChildren(
      ...(list || []).map((p) =>
        el('button', {
          type: 'button',
          class: 'secondary name',
          'data-preview': p.id,
          title: p.name,
          text: t('operator.nextContact', { name: p.name }),
          onclick: async (e) => {
            e.target.disabled = true
            deskError.textContent = ''
            try {
              await api('POST', '/campaigns/' + p.id + '/preview', {})
            } catch (err) {
              deskError.textContent = err.message
            } finally {
              e.target.disabled = false
            }
          },
        }),
      ),
    )
  }

  function showCall(c, at) {
    if (c && saved.has(c.uuid)) c = null
    if (c && (!card || card.uuid !== c.uuid)) {
      // The card replaced was not saved: that call waits in "To finish".
      if (card) setTimeout(loadCalls, 1000)
      card = buildCard(c)
      callBox.replaceChildren(card.node)
      callBox.hidden = false
      noCall.hidden = true
    }
    if (!card) return
    if (c && c.uuid === card.uuid) {
      card.stateEl.textContent = c.state === 'held' ? t('operator.held') : (c.state === 'ringing' ? t('operator.ringing') : t('operator.connected')) + ' · ' + duration(at - c.since)
      card.stateEl.className = 'call-state ' + (c.state === 'held' ? 'ringing' : c.state)
      card.previewActions.hidden = c.state !== 'held'
    } else if (!card.ended) {
      card.ended = true
      card.stateEl.textContent = t('operator.callEnded')
      card.stateEl.className = 'call-state ended'
    }
  }

  const numberOf = (r) => (r.direction === 'outbound' ? r.destination : r.callerNumber)
  const editable = (r) => ({ uuid: r.callUuid, dispositions: r.dispositions || [], disposition: r.disposition, notes: r.notes, reason: r.reason, campaign: Boolean(r.campaignId) })

  // Calls over with no disposition yet (wrap-up ran out, or the card went): finished from here.
  const toFinishBox = document.getElementById('to-finish')
  async function loadToFinish() {
    if (!agent) return
    try {
      const { calls } = await api('GET', '/operator/to-finish')
      const open = calls.filter((r) => !saved.has(r.callUuid) && (!card || card.uuid !== r.callUuid))
      if (open.length === 0) {
        toFinishBox.replaceChildren(el('p', { class: 'muted', text: t('operator.nothingToFinish') }))
        return
      }
      toFinishBox.replaceChildren(
        table(
          [t('operator.col.time'), t('operator.col.number'), t('operator.col.client'), t('operator.col.queue'), ''],
          open.map((r) =>
            el(
              'tr',
              { 'data-call': r.callUuid },
              el('td', { text: time(r.startedAt) }),
              el('td', { text: numberOf(r) }),
              el('td', {}, el('span', { class: 'name', title: r.client || '', text: r.client || '' })),
              el('td', { text: r.queue || (r.campaignId ? t('operator.campaignNo', { id: r.campaignId }) : '') }),
              el('td', {}, el('button', { type: 'button', 'data-action': 'finish', text: t('operator.finish'), onclick: () => showEditor(editable(r), t('operator.callAt', { time: time(r.startedAt), number: numberOf(r) })) })),
            ),
          ),
        ),
      )
    } catch (err) {
      toFinishBox.replaceChildren(el('p', { class: 'error', text: err.message }))
    }
  }

  async function loadCalls() {
    loadToFinish()
    if (!agent) {
      callsBox.replaceChildren(el('p', { class: 'muted', text: t('operator.noAgentNoCalls') }))
      return
    }
    try {
      const { calls } = await api('GET', '/live/calls?limit=10')
      if (calls.length === 0) {
        callsBox.replaceChildren(el('p', { class: 'muted', text: t('operator.noCallsToday') }))
        return
      }
      callsBox.replaceChildren(
        table(
          [t('operator.col.time'), t('operator.col.number'), t('operator.col.client'), t('operator.col.queue'), t('operator.col.outcome'), t('operator.col.disposition'), t('operator.col.notes'), ''],
          calls.map((r) =>
            el(
              'tr',
              { 'data-call': r.callUuid },
              el('td', { text: time(r.startedAt) }),
              el('td', { text: numberOf(r) }),
              el('td', {}, el('span', { class: 'name', title: r.client || '', text: r.client || '' })),
              el('td', { text: r.queue || (r.campaignId ? t('operator.campaignNo', { id: r.campaignId }) : '') }),
              el('td', { text: callOutcome(r) }),
              el('td', { 'data-testid': 'disposition', text: label('common.disposition', r.disposition) }),
              el('td', {}, el('span', { class: 'name', title: r.notes || '', text: r.notes || '' })),
              // Reopened: the disposition of a call already over may be changed.
              el('td', {}, r.endedAt ? el('button', { type: 'button', class: 'secondary', 'data-action': 'edit', text: t('operator.edit'), onclick: () => showEditor(editable(r), t('operator.callAt', { time: time(r.startedAt), number: numberOf(r) })) }) : null),
            ),
          ),
        ),
      )
    } catch (err) {
      callsBox.replaceChildren(el('p', { class: 'error', text: err.message }))
    }
  }

  // The softphone (softphone-panel.js): its timer, hang-up, hold and transfer follow the desk's call.
  const softphoneBox = document.getElementById('softphone')
  const softphone = softphoneBox && window.ccSoftphonePanel ? window.ccSoftphonePanel.mount(softphoneBox, { customerControls: true }) : null

  if (agent) {
    live({
      desk(d) {
        showAgent(d.agent, d.at)
        showCall(d.call, d.at)
        showPreview(d.preview)
        if (softphone) softphone.desk(d)
      },
    })
  }
  loadCalls()
  setInterval(loadCalls, 10000)
})()
