/* global window, document */
// The campaign manager's dashboard: create campaigns, watch them live (lists are uploaded by upload-form.js).
;(function () {
  'use strict'
  const { api, el, pct, duration, live, t, label } = window.cc
  const ABANDON_LIMIT = 0.03
  const HISTORY = 600

  const campaignSelect = document.getElementById('list-campaign')
  const box = document.getElementById('campaigns')
  const blocks = new Map() // campaign id -> { root, parts, history }

  async function loadCampaignChoices(selectId) {
    const { campaigns } = await api('GET', '/campaigns')
    const keep = selectId || campaignSelect.value
    campaignSelect.replaceChildren(...campaigns.map((c) => el('option', { value: c.id, 'data-kind': c.kind, 'data-country': (c.settings && c.settings.defaultCountry) || '', text: '#' + c.id + ' ' + c.name + ' (' + label('common.kind', c.kind) + ', ' + label('common.status', c.status) + ')' })))
    if (keep) campaignSelect.value = String(keep)
    // The upload form (upload-form.js) offers the fields of the campaign chosen.
    campaignSelect.dispatchEvent(new window.Event('change'))
  }

  // New campaign.
  const campaignForm = document.getElementById('campaign-form')
  const campaignError = document.getElementById('campaign-error')
  campaignForm.addEventListener('submit', async (e) => {
    e.preventDefault()
    campaignError.textContent = ''
    const data = new window.FormData(campaignForm)
    let settings = {}
    const raw = String(data.get('settings') || '').trim()
    if (raw) {
      try {
        settings = JSON.parse(raw)
      } catch {
        campaignError.textContent = t('manager.moreSettingsBadJson')
        return
      }
    }
    const queue = String(data.get('operatorsQueue') || '').trim()
    if (queue) settings.operatorsQueue = queue
    try {
      const c = await api('POST', '/campaigns', { name: String(data.get('name')), kind: String(data.get('kind')), settings })
      campaignForm.reset()
      await loadCampaignChoices(c.id)
    } catch (err) {
      campaignError.textContent = err.message
    }
  })

  // A campaign's block: built once, its figures updated in place every second.
  function figure(label, testid) {
    const value = el('div', { class: 'value', 'data-testid': testid })
    const extra = el('div', { class: 'muted small' })
    return { node: el('div', { class: 'figure' }, el('div', { class: 'label', text: label }), value, extra), value, extra }
  }

  function block(f) {
    const c = f.campaign
    const parts = {}
    parts.status = el('span', { class: 'state' })
    parts.buttons = el('span', { class: 'actions' })
    parts.done = figure(t('manager.fig.done'), 'done')
    parts.answer = figure(t('manager.fig.answer'), 'answer-rate')
    parts.abandon = figure(t('manager.fig.abandon'), 'abandon-rate')
    parts.gaugeFill = el('div', { class: 'fill' })
    parts.abandon.node.append(el('div', { class: 'gauge' }, parts.gaugeFill, el('div', { class: 'limit', style: 'left: 60%', title: '3 %' })))
    parts.talk = figure(t('manager.fig.talk'), 'talk')
    parts.shares = el('div')
    parts.talk.node.append(parts.shares)
    parts.chart = el('div')
    // Why a running campaign makes no calls (no operators, window closed until ...).
    parts.blocked = el('p', { class: 'blocked', 'data-testid': 'blocked', hidden: true })
    parts.edit = editor(c)
    const downloads = el('span', {}, el('a', { href: '/campaigns/' + c.id + '/results.csv', download: '', text: t('manager.results') }))
    if (c.kind === 'survey') downloads.append(' · ', el('a', { href: '/campaigns/' + c.id + '/survey.csv', download: '', text: t('manager.surveyAnswers') }))
    const root = el(
      'div',
      { class: 'campaign', 'data-campaign': c.id },
      el('header', {}, el('h3', { text: '#' + c.id + ' ' + c.name }), el('span', { class: 'muted', text: label('common.kind', c.kind) }), parts.status, parts.buttons),
      parts.blocked,
      parts.edit,
      el('div', { class: 'figures' }, parts.done.node, parts.answer.node, parts.abandon.node, parts.talk.node),
      parts.chart,
      el('div', { class: 'legend' }, el('span', {}, el('i', { style: 'background:#1a7f37' }), t('manager.legend.done')), el('span', {}, el('i', { style: 'background:#1f6feb' }), t('manager.legend.answer')), el('span', {}, el('i', { style: 'background:#c62828' }), t('manager.legend.abandon')), downloads),
    )
    const b = { root, parts, history: [], status: null }
    // What happened before the page was opened.
    api('GET', '/live/campaigns/' + c.id + '/history')
      .then(({ points }) => {
        const first = b.history.length ? b.history[0].t : Infinity
        b.history.unshift(...points.filter((p) => p.t < first))
        b.parts.chart.replaceChildren(chart(b.history))
      })
      .catch(() => undefined)
    return b
  }

  const ACTIONS = { draft: ['start', 'stop', 'archive'], running: ['pause', 'stop'], paused: ['resume', 'stop', 'archive'], stopped: ['archive'], done: ['start', 'archive'], archived: [] }

  // Editing a campaign: its name and settings (JSON), checked by the server as at creation.
  function editor(c) {
    const name = el('input', { name: 'name', value: c.name, maxlength: 200 })
    const settings = el('textarea', { name: 'settings', rows: 8 })
    const error = el('p', { class: 'error', 'data-testid': 'edit-error' })
    const form = el(
      'form',
      {
        class: 'edit',
        onsubmit: async (e) => {
          e.preventDefault()
          error.textContent = ''
          let parsed
          try {
            parsed = JSON.parse(settings.value || '{}')
          } catch {
            error.textContent = t('manager.settingsBadJson')
            return
          }
          try {
            await api('PATCH', '/campaigns/' + c.id, { name: name.value, settings: parsed })
            details.open = false
            await loadCampaignChoices()
          } catch (err) {
            error.textContent = err.message
          }
        },
      },
      el('label', {}, t('manager.name') + ' ', name),
      el('label', {}, t('manager.settingsJson') + ' ', settings),
      el('button', { type: 'submit', text: t('manager.save') }),
      error,
    )
    const details = el('details', { class: 'edit-campaign' }, el('summary', { text: t('manager.edit') }), form)
    // Filled when opened, from what the server holds now.
    details.addEventListener('toggle', () => {
      if (!details.open) return
      api('GET', '/campaigns/' + c.id)
        .then((f) => {
          name.value = f.campaign.name
          settings.value = JSON.stringify(f.campaign.settings, null, 2)
        })
        .catch((err) => (error.textContent = err.message))
    })
    return details
  }

  function buttons(b, c) {
    if (b.status === c.status) return
    b.status = c.status
    b.parts.buttons.replaceChildren(
      ...(ACTIONS[c.status] || []).map((a) =>
        el('button', {
          type: 'button',
          class: a === 'stop' ? 'danger' : a === 'start' || a === 'resume' ? '' : 'secondary',
          'data-action': a,
          text: t('manager.action.' + a),
          onclick: async (e) => {
            e.target.disabled = true
            try {
              await api('POST', '/campaigns/' + c.id + '/' + a)
              await loadCampaignChoices()
            } catch (err) {
              window.alert(err.message)
            } finally {
              e.target.disabled = false
            }
          },
        }),
      ),
    )
  }

  function chart(history) {
    const W = 600
    const H = 90
    if (history.length < 2) return el('p', { class: 'muted', text: t('manager.chartEmpty') })
    const t0 = history[0].t
    const span = Math.max(1, history[history.length - 1].t - t0)
    const x = (t) => ((t - t0) / span) * (W - 4) + 2
    const y = (v) => H - 2 - Math.max(0, Math.min(1, v)) * (H - 4)
    const line = (pick, color) => {
      const pts = history.filter((h) => pick(h) !== null).map((h) => x(h.t).toFixed(1) + ',' + y(pick(h)).toFixed(1)).join(' ')
      return pts ? '<polyline fill="none" stroke="' + color + '" stroke-width="2" points="' + pts + '"/>' : ''
    }
    const svg =
      '<svg class="chart" viewBox="0 0 ' + W + ' ' + H + '" preserveAspectRatio="none" role="img" aria-label="' + t('manager.chartLabel').replace(/[<>&"]/g, '') + '">' +
      '<line x1="0" x2="' + W + '" y1="' + y(ABANDON_LIMIT * 10) + '" y2="' + y(ABANDON_LIMIT * 10) + '" stroke="#c62828" stroke-dasharray="4 4" stroke-width="1"/>' +
      line((h) => h.done, '#1a7f37') +
      line((h) => h.answer, '#1f6feb') +
      line((h) => (h.abandon === null ? null : h.abandon * 10), '#c62828') +
      '</svg>'
    const wrap = el('div')
    wrap.innerHTML = svg
    return wrap
  }

  function update(f, at) {
    let b = blocks.get(f.campaign.id)
    if (!b) {
      b = block(f)
      blocks.set(f.campaign.id, b)
    }
    const c = f.campaign
    b.parts.status.textContent = label('common.status', c.status)
    b.parts.blocked.textContent = f.blockedReason ? t('manager.notDialling', { why: f.blockedReason }) : ''
    b.parts.blocked.hidden = !f.blockedReason
    b.parts.edit.hidden = c.status === 'archived'
    b.parts.status.className = 'state ' + (c.status === 'running' ? 'available' : c.status === 'paused' ? 'paused' : 'logged-out')
    buttons(b, c)
    b.parts.done.value.textContent = f.contacts.done + ' / ' + f.contacts.pending
    b.parts.done.extra.textContent = t('manager.contactsAttempts', { contacts: f.contacts.total, attempts: f.attempts.total })
    b.parts.answer.value.textContent = pct(f.answerRate)
    b.parts.abandon.value.textContent = pct(f.abandonRate)
    b.parts.abandon.extra.textContent = t('manager.today', { rate: pct(f.abandonRateToday) })
    const ab = f.abandonRate || 0
    b.parts.gaugeFill.style.width = Math.min(100, (ab / 0.05) * 100) + '%'
    b.parts.gaugeFill.className = 'fill' + (ab > ABANDON_LIMIT ? ' over' : '')
    b.parts.abandon.value.style.color = ab > ABANDON_LIMIT ? 'var(--bad)' : ''
    b.parts.talk.value.textContent = duration(f.operatorTalkMs)
    b.parts.shares.replaceChildren(...(f.talk || []).map((s) => el('div', { class: 'share' }, el('span', { text: s.agent }), el('span', { class: 'bar', style: 'width:' + Math.round(s.share * 80) + 'px' }), el('span', { text: pct(s.share, 0) }))))
    const last = b.history[b.history.length - 1]
    const point = { t: at, done: f.contacts.total ? f.contacts.done / f.contacts.total : 0, answer: f.answerRate, abandon: f.abandonRate }
    if (!last || last.done !== point.done || last.answer !== point.answer || last.abandon !== point.abandon || point.t - last.t > 5000) {
      b.history.push(point)
      if (b.history.length > HISTORY) b.history.shift()
      b.parts.chart.replaceChildren(chart(b.history))
    }
    return b.root
  }

  live({
    board(board) {
      const list = board.campaigns
      if (!list) {
        box.replaceChildren(el('p', { class: 'muted', text: t('common.noDialer') }))
        return
      }
      if (list.length === 0) {
        box.replaceChildren(el('p', { class: 'muted', text: t('manager.noCampaigns') }))
        return
      }
      const roots = list.map((f) => update(f, board.at))
      // Keep the order the server gives; move only what moved.
      if (roots.length !== box.children.length || roots.some((r, i) => box.children[i] !== r)) box.replaceChildren(...roots)
    },
  })

  loadCampaignChoices().catch((err) => (campaignError.textContent = err.message))
})()
