/* global window, document, XMLHttpRequest, setTimeout, clearTimeout */
// The campaign manager's dashboard: create campaigns, upload lists, watch them live.
;(function () {
  'use strict'
  const { api, el, pct, duration, live } = window.cc
  const ABANDON_LIMIT = 0.03
  const HISTORY = 600

  const campaignSelect = document.getElementById('list-campaign')
  const box = document.getElementById('campaigns')
  const blocks = new Map() // campaign id -> { root, parts, history }

  async function loadCampaignChoices(selectId) {
    const { campaigns } = await api('GET', '/campaigns')
    const keep = selectId || campaignSelect.value
    campaignSelect.replaceChildren(...campaigns.map((c) => el('option', { value: c.id, 'data-kind': c.kind, text: '#' + c.id + ' ' + c.name + ' (' + c.kind + ', ' + c.status + ')' })))
    if (keep) campaignSelect.value = String(keep)
    suggestMapping()
  }

  // The columns each kind usually needs, until the manager writes their own mapping.
  const MAPPINGS = {
    'payment-reminder': { phone: 'phone', name: 'name', language: 'language', fields: { amount_due: 'amount_due', currency: 'currency', due_date: 'due_date' } },
    dormant: { phone: 'phone', name: 'name', clientId: 'client_id' },
  }
  const DEFAULT_MAPPING = { phone: 'phone', name: 'name', language: 'language' }
  const mappingInput = document.querySelector('#list-form input[name=mapping]')
  let mappingEdited = false
  mappingInput.addEventListener('input', () => (mappingEdited = true))
  function suggestMapping() {
    if (mappingEdited) return
    const option = campaignSelect.selectedOptions[0]
    mappingInput.value = JSON.stringify(MAPPINGS[option ? option.dataset.kind : ''] || DEFAULT_MAPPING)
  }
  campaignSelect.addEventListener('change', suggestMapping)

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
        campaignError.textContent = 'More settings: not valid JSON'
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

  // Upload: the file's bytes as they go, then the rows as the server loads them.
  const listForm = document.getElementById('list-form')
  const upload = document.getElementById('upload')
  const bar = document.getElementById('upload-bar')
  const status = document.getElementById('upload-status')
  const rejections = document.getElementById('rejections')
  listForm.addEventListener('submit', (e) => {
    e.preventDefault()
    const data = new window.FormData(listForm)
    const file = data.get('file')
    const campaign = campaignSelect.value
    if (!campaign || !file || !file.name) return
    upload.hidden = false
    rejections.hidden = true
    bar.removeAttribute('value')
    bar.value = 0
    status.textContent = 'Uploading ' + file.name + '…'
    const url = '/campaigns/' + encodeURIComponent(campaign) + '/lists?name=' + encodeURIComponent(file.name) + '&mapping=' + encodeURIComponent(String(data.get('mapping')))
    const xhr = new XMLHttpRequest()
    let poll
    const follow = async () => {
      try {
        const { lists } = await api('GET', '/campaigns/' + encodeURIComponent(campaign) + '/lists')
        const l = lists[0]
        if (l && l.status === 'loading') status.textContent = 'Loading: ' + l.rowsRead + ' rows read, ' + l.accepted + ' accepted, ' + l.rejected + ' rejected'
      } catch {
        /* the answer of the upload says the rest */
      }
      poll = setTimeout(follow, 500)
    }
    xhr.upload.onprogress = (p) => {
      if (p.lengthComputable) bar.value = Math.round((p.loaded / p.total) * 90)
    }
    xhr.onload = async () => {
      clearTimeout(poll)
      let r = null
      try {
        r = JSON.parse(xhr.responseText)
      } catch {
        r = null
      }
      if (xhr.status !== 201 || !r) {
        status.textContent = 'Upload refused: ' + ((r && r.message) || xhr.status)
        return
      }
      bar.value = 100
      status.textContent = 'Loaded list #' + r.listId + ': ' + r.rowsRead + ' rows, ' + r.accepted + ' accepted, ' + r.rejected + ' rejected, ' + r.duplicates + ' merged, ' + r.doNotCall + ' on the do-not-call list'
      if (r.rejected + r.doNotCall > 0) {
        const rep = await api('GET', '/lists/' + r.listId + '/rejections?limit=100')
        rejections.tBodies[0].replaceChildren(...rep.rejections.map((x) => el('tr', {}, el('td', { text: x.line }), el('td', { text: x.reason }), el('td', {}, el('code', { text: x.excerpt || '' })))))
        rejections.hidden = false
      }
      listForm.reset()
      campaignSelect.value = campaign
    }
    xhr.onerror = () => {
      clearTimeout(poll)
      status.textContent = 'Upload failed: the connection broke'
    }
    xhr.open('POST', url)
    xhr.setRequestHeader('content-type', 'text/csv')
    xhr.send(file)
    poll = setTimeout(follow, 300)
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
    parts.done = figure('Contacts done / pending', 'done')
    parts.answer = figure('Answer rate', 'answer-rate')
    parts.abandon = figure('Abandon rate (limit 3 %)', 'abandon-rate')
    parts.gaugeFill = el('div', { class: 'fill' })
    parts.abandon.node.append(el('div', { class: 'gauge' }, parts.gaugeFill, el('div', { class: 'limit', style: 'left: 60%', title: '3 %' })))
    parts.talk = figure("Operators' talk", 'talk')
    parts.shares = el('div')
    parts.talk.node.append(parts.shares)
    parts.chart = el('div')
    const downloads = el('span', {}, el('a', { href: '/campaigns/' + c.id + '/results.csv', download: '' , text: 'Results (CSV)' }))
    if (c.kind === 'survey') downloads.append(' · ', el('a', { href: '/campaigns/' + c.id + '/survey.csv', download: '', text: 'Survey answers (CSV)' }))
    const root = el(
      'div',
      { class: 'campaign', 'data-campaign': c.id },
      el('header', {}, el('h3', { text: '#' + c.id + ' ' + c.name }), el('span', { class: 'muted', text: c.kind }), parts.status, parts.buttons),
      el('div', { class: 'figures' }, parts.done.node, parts.answer.node, parts.abandon.node, parts.talk.node),
      parts.chart,
      el('div', { class: 'legend' }, el('span', {}, el('i', { style: 'background:#1a7f37' }), 'done'), el('span', {}, el('i', { style: 'background:#1f6feb' }), 'answer rate'), el('span', {}, el('i', { style: 'background:#c62828' }), 'abandon rate ×10 (line: 3 %)'), downloads),
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

  const ACTIONS = { draft: ['start', 'stop'], running: ['pause', 'stop'], paused: ['resume', 'stop'], stopped: [], done: ['start'] }

  function buttons(b, c) {
    if (b.status === c.status) return
    b.status = c.status
    b.parts.buttons.replaceChildren(
      ...(ACTIONS[c.status] || []).map((a) =>
        el('button', {
          type: 'button',
          class: a === 'stop' ? 'danger' : a === 'start' || a === 'resume' ? '' : 'secondary',
          'data-action': a,
          text: a[0].toUpperCase() + a.slice(1),
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
    if (history.length < 2) return el('p', { class: 'muted', text: 'The chart fills in as the campaign runs.' })
    const t0 = history[0].t
    const span = Math.max(1, history[history.length - 1].t - t0)
    const x = (t) => ((t - t0) / span) * (W - 4) + 2
    const y = (v) => H - 2 - Math.max(0, Math.min(1, v)) * (H - 4)
    const line = (pick, color) => {
      const pts = history.filter((h) => pick(h) !== null).map((h) => x(h.t).toFixed(1) + ',' + y(pick(h)).toFixed(1)).join(' ')
      return pts ? '<polyline fill="none" stroke="' + color + '" stroke-width="2" points="' + pts + '"/>' : ''
    }
    const svg =
      '<svg class="chart" viewBox="0 0 ' + W + ' ' + H + '" preserveAspectRatio="none" role="img" aria-label="campaign figures over time">' +
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
    b.parts.status.textContent = c.status
    b.parts.status.className = 'state ' + (c.status === 'running' ? 'available' : c.status === 'paused' ? 'paused' : 'logged-out')
    buttons(b, c)
    b.parts.done.value.textContent = f.contacts.done + ' / ' + f.contacts.pending
    b.parts.done.extra.textContent = f.contacts.total + ' contacts, ' + f.attempts.total + ' attempts'
    b.parts.answer.value.textContent = pct(f.answerRate)
    b.parts.abandon.value.textContent = pct(f.abandonRate)
    b.parts.abandon.extra.textContent = 'today ' + pct(f.abandonRateToday)
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
        box.replaceChildren(el('p', { class: 'muted', text: 'This app runs no dialer.' }))
        return
      }
      if (list.length === 0) {
        box.replaceChildren(el('p', { class: 'muted', text: 'No campaigns yet: create one above.' }))
        return
      }
      const roots = list.map((f) => update(f, board.at))
      // Keep the order the server gives; move only what moved.
      if (roots.length !== box.children.length || roots.some((r, i) => box.children[i] !== r)) box.replaceChildren(...roots)
    },
  })

  loadCampaignChoices().catch((err) => (campaignError.textContent = err.message))
})()
