/* global window, document */
// The supervisor's wallboard: queues, agents by state, campaigns, and the call register
// with recordings to listen to.
;(function () {
  'use strict'
  const { api, el, table, callOutcome, pct, duration, dateTime, live, t, label } = window.cc
  const STATES = ['available', 'ringing', 'in-call', 'wrap-up', 'paused', 'logged-out']

  const queuesBox = document.getElementById('queues')
  const agentsBox = document.getElementById('agents')
  const chipsBox = document.getElementById('agent-states')
  const campaignsBox = document.getElementById('campaigns')
  const callsBox = document.getElementById('calls')
  const player = document.getElementById('player')
  const playerBar = document.getElementById('player-bar')
  const playerWhat = document.getElementById('player-what')
  const search = document.getElementById('call-search')
  // A supervisor's own softphone: the switch calls it when they listen, whisper or barge in.
  const supervisor = window.cc.user().role === 'supervisor'
  const softphoneBox = document.getElementById('softphone')
  if (supervisor && softphoneBox && window.ccSoftphonePanel) window.ccSoftphonePanel.mount(softphoneBox, { customerControls: false })
  const monitorError = el('p', { class: 'error', role: 'alert', 'data-testid': 'monitor-error' })
  agentsBox.before(monitorError)

  /** Listen, whisper or barge in on an agent's call (the switch rings the supervisor's softphone), or stop. */
  async function monitor(agent, mode) {
    monitorError.textContent = ''
    try {
      if (mode === 'stop') await api('POST', '/supervisor/monitor/stop', { agent })
      else await api('POST', '/supervisor/monitor', { agent, mode })
    } catch (err) {
      monitorError.textContent = err.message
    }
  }
  const monitorButtons = (a) =>
    a.state === 'in-call'
      ? el(
          'span',
          { class: 'actions monitor' },
          ['listen', 'whisper', 'barge', 'stop'].map((mode) =>
            el('button', { type: 'button', class: mode === 'listen' ? null : 'secondary', 'data-monitor': mode, text: label('softphone.monitor', mode), onclick: () => monitor(a.id, mode) }),
          ),
        )
      : null

  function queues(list, at) {
    if (!list) return queuesBox.replaceChildren(el('p', { class: 'muted', text: t('wallboard.noQueues') }))
    queuesBox.replaceChildren(
      ...list.map((q) =>
        el(
          'div',
          { class: 'tile', 'data-queue': q.name },
          el('h3', { text: q.name }),
          el('div', { class: 'big', 'data-testid': 'waiting', text: q.waiting }),
          el('div', { class: 'muted', text: t('wallboard.waitingLongest', { wait: duration(q.longestWaitMs) }) }),
          el(
            'dl',
            { class: 'kv' },
            el('dt', { text: t('wallboard.serviceLevel') }),
            el('dd', { text: t('wallboard.serviceLevelIn', { level: pct(q.today.serviceLevel, 0), seconds: q.serviceLevelSeconds }) }),
            el('dt', { text: t('wallboard.answered') }),
            el('dd', { text: t('wallboard.answeredAvg', { n: q.today.answered, wait: duration(q.today.averageAnswerMs) }) }),
            el('dt', { text: t('wallboard.abandoned') }),
            el('dd', { text: q.today.abandoned + ' (' + pct(q.today.abandonRate, 0) + ')' }),
            el('dt', { text: t('wallboard.agents') }),
            el('dd', { text: STATES.filter((s) => s !== 'logged-out' && q.agents[s]).map((s) => q.agents[s] + ' ' + label('common.state', s)).join(', ') || t('wallboard.noneLoggedIn') }),
          ),
        ),
      ),
    )
    void at
  }

  function agents(list, at) {
    if (!list) return
    const counts = Object.fromEntries(STATES.map((s) => [s, 0]))
    for (const a of list) counts[a.state]++
    chipsBox.replaceChildren(...STATES.map((s) => el('span', { class: 'state ' + s, 'data-state': s, text: label('common.state', s) + ' ' + counts[s] })))
    const order = (a) => STATES.indexOf(a.state)
    const rows = [...list].sort((a, b) => order(a) - order(b) || a.id.localeCompare(b.id))
    agentsBox.replaceChildren(
      table(
        [t('wallboard.col.agent'), t('wallboard.col.state'), t('wallboard.col.for'), t('wallboard.col.calls'), t('wallboard.col.talk'), t('wallboard.col.queues'), ...(supervisor ? [t('softphone.col.monitor')] : [])],
        rows.map((a) =>
          el(
            'tr',
            { 'data-agent': a.id },
            el('td', { class: 'long-text', text: a.name || a.id }),
            el('td', {}, el('span', { class: 'state ' + a.state, text: label('common.state', a.state) + (a.reason ? ': ' + label('common.pauseReason', a.reason) : '') })),
            el('td', { text: duration(at - a.since) }),
            el('td', { text: a.today.calls }),
            el('td', { text: duration(a.today.talkMs) }),
            el('td', { text: a.queues.join(', ') }),
            supervisor ? el('td', {}, monitorButtons(a)) : null,
          ),
        ),
      ),
    )
  }

  function campaigns(list) {
    if (!list) return campaignsBox.replaceChildren(el('p', { class: 'muted', text: t('common.noDialer') }))
    if (list.length === 0) return campaignsBox.replaceChildren(el('p', { class: 'muted', text: t('wallboard.noCampaigns') }))
    campaignsBox.replaceChildren(
      el(
        'div',
        // On a phone the table keeps readable columns and scrolls in its wrapper.
        { class: 'table-wrap' },
        el(
          'table',
          { class: 'compact' },
          el('thead', {}, el('tr', {}, [t('wallboard.col.campaign'), t('wallboard.col.status'), t('wallboard.col.done'), t('wallboard.col.answer'), t('wallboard.col.abandon')].map((h) => el('th', { text: h })))),
          el(
            'tbody',
            {},
            list.map((f) =>
              el(
                'tr',
                { 'data-campaign': f.campaign.id },
                el('td', { class: 'long-text', text: '#' + f.campaign.id + ' ' + f.campaign.name }),
                el('td', { text: label('common.status', f.campaign.status) }),
                el('td', { text: f.contacts.done + ' / ' + f.contacts.total }),
                el('td', { text: pct(f.answerRate, 0) }),
                el('td', { style: (f.abandonRate || 0) > 0.03 ? 'color: var(--bad); font-weight: 600' : '', text: pct(f.abandonRate) }),
              ),
            ),
          ),
        ),
      ),
    )
  }

  // The recording playing: its button says so again when the register is drawn anew.
  let playing = null

  function labelButtons() {
    for (const b of callsBox.querySelectorAll('button[data-recording]')) b.textContent = b.dataset.recording === playing ? '♪ ' + t('wallboard.playing') : '▶ ' + label('wallboard.recording', b.dataset.kind)
  }

  function listen(rec, what) {
    playing = String(rec.id)
    playerBar.hidden = false
    playerWhat.textContent = what
    player.src = rec.url
    player.play().catch(() => undefined)
    labelButtons()
  }

  function stop() {
    playing = null
    player.pause()
    // Without a source the player lets go of the file and is back at 0.
    player.removeAttribute('src')
    player.load()
    playerBar.hidden = true
    labelButtons()
  }
  document.getElementById('player-stop').addEventListener('click', stop)
  player.addEventListener('ended', stop)

  // One load at a time; a change seen meanwhile loads once more after it.
  let loading = null
  let again = false
  function reloadCalls() {
    if (loading) {
      again = true
      return loading
    }
    loading = loadCalls().finally(() => {
      loading = null
      if (again) {
        again = false
        reloadCalls()
      }
    })
    return loading
  }

  async function loadCalls() {
    const data = new window.FormData(search)
    const q = new window.URLSearchParams({ limit: '25' })
    if (data.get('number')) q.set('number', String(data.get('number')))
    if (data.get('agent')) q.set('agent', String(data.get('agent')))
    try {
      const { calls } = await api('GET', '/live/calls?' + q)
      callsBox.replaceChildren(
        table(
          [t('wallboard.col.started'), t('wallboard.col.number'), t('wallboard.col.client'), t('wallboard.col.wentTo'), t('wallboard.col.outcome'), t('wallboard.col.agent'), t('wallboard.col.disposition'), t('wallboard.col.recording')],
          calls.map((r) =>
            el(
              'tr',
              { 'data-call': r.callUuid },
              el('td', { text: dateTime(r.startedAt) }),
              el('td', { text: r.direction === 'outbound' ? '→ ' + r.destination : r.callerNumber }),
              el('td', { class: 'long-text', text: r.client || '' }),
              el('td', { text: r.queue ? t('wallboard.toQueue', { queue: r.queue }) : r.routedTo || (r.campaignId ? t('wallboard.toCampaign', { id: r.campaignId }) : label('wallboard.direction', r.direction)) }),
              el('td', { text: callOutcome(r) }),
              el('td', { class: 'long-text', text: r.agentName || r.answeredBy || (r.routedTo && r.routedTo.startsWith('agent:') && r.routeResult === 'connected' ? r.routedTo.slice(6) : '') }),
              el('td', { class: 'long-text', text: (r.disposition || '') + (r.notes ? ' — ' + r.notes : '') }),
              el(
                'td',
                {},
                r.recordings.map((rec) => {
                  const b = el('button', { type: 'button', class: 'secondary', 'data-recording': rec.id, 'data-kind': rec.kind, title: rec.kind === 'message' ? t('wallboard.messageTitle') : t('wallboard.callTitle'), text: '▶ ' + label('wallboard.recording', rec.kind) })
                  b.addEventListener('click', () => listen(rec, label('wallboard.recording', rec.kind) + ' · ' + (r.direction === 'outbound' ? r.destination : r.callerNumber) + ' · ' + dateTime(r.startedAt)))
                  return b
                }),
              ),
            ),
          ),
        ),
      )
      labelButtons()
      if (calls.length === 0) callsBox.replaceChildren(el('p', { class: 'muted', text: t('wallboard.noCalls') }))
    } catch (err) {
      callsBox.replaceChildren(el('p', { class: 'error', text: err.message }))
    }
  }

  search.addEventListener('submit', (e) => {
    e.preventDefault()
    reloadCalls()
  })

  // The register follows the live stream: its stamp changes when a call starts, ends, gets a recording.
  let registerStamp = null
  live({
    board(b) {
      queues(b.queues, b.at)
      agents(b.agents, b.at)
      campaigns(b.campaigns)
      // The first stamp reloads too: a call may have started since the first load.
      if (b.register && b.register !== registerStamp) {
        registerStamp = b.register
        reloadCalls()
      }
    },
  })
  reloadCalls()
})()
