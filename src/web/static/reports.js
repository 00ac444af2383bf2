/* global window, document, location, URLSearchParams */
// The reports page: why clients called, by period and group (GET /reports/reasons), as a chart
// (Chart.js, window.Chart), the figures per group and period, and the outcomes, dispositions and
// reasons beside; CSV and XLSX export; for admins, the list of call reasons (GET/POST/PATCH /call-reasons).
;(function () {
  'use strict'
  const { api, el, table, t, fmt, duration } = window.cc
  const $ = (id) => document.getElementById(id)
  const form = $('report-form')
  const error = $('report-error')
  let reasons = []
  let chart = null

  const pad = (n) => String(n).padStart(2, '0')
  const isoDay = (d) => d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate())

  /** A reason's name in the user's language (its code when it has none). */
  const reasonLabel = (code) => {
    const r = reasons.find((x) => x.code === code)
    return r ? r.labels[window.cc.lang] || r.labels.en || code : code
  }
  /** How a group's value reads: the reason's name, the client type's, or "none" for calls without. */
  function groupLabel(group, value) {
    if (value === '') return t('reports.none.' + group)
    if (group === 'reason') return reasonLabel(value)
    if (group === 'clientType') return t('reports.clientType.' + value) === 'reports.clientType.' + value ? value : t('reports.clientType.' + value)
    return value
  }
  /** A breakdown's value: a reason's name, a disposition's words (common.disposition.*) when the dictionary has them. */
  function valueLabel(kind, value) {
    if (kind === 'reason') return reasonLabel(value)
    const key = (kind === 'disposition' ? 'common.disposition.' : 'reports.outcome.') + value
    return t(key) === key ? value : t(key)
  }
  /** A period's name in the user's locale: 2026-03-29T14:00, 2026-03-29, the week of 2026-03-23, 2026-03. */
  function periodLabel(by, p) {
    const [y, m, d] = p.slice(0, 10).split('-').map(Number)
    if (by === 'month') return new Date(y, m - 1, 1).toLocaleDateString(window.cc.locale, { year: 'numeric', month: 'long' })
    const date = new Date(y, m - 1, d || 1)
    const day = date.toLocaleDateString(window.cc.locale, { dateStyle: 'medium' })
    if (by === 'week') return t('reports.weekOf', { date: day })
    if (by === 'hour') return day + ' ' + p.slice(11, 16)
    return day
  }

  function query(extra) {
    const data = new window.FormData(form)
    const q = new URLSearchParams()
    for (const k of ['from', 'to', 'by', 'group']) q.set(k, String(data.get(k) || ''))
    for (const [k, v] of Object.entries(extra || {})) q.set(k, v)
    return q
  }

  const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#9ca3af', '#0f766e']

  function drawChart(report) {
    const datasets = report.groups.map((g, i) => ({
      label: groupLabel(report.group, g),
      data: report.periods.map((p) => {
        const row = report.rows.find((r) => r.period === p && r.group === g)
        return row ? row.offered : 0
      }),
      backgroundColor: COLORS[i % COLORS.length],
    }))
    const config = {
      type: 'bar',
      data: { labels: report.periods.map((p) => periodLabel(report.by, p)), datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { position: 'bottom' } },
        scales: {
          x: { stacked: true, title: { display: true, text: t('reports.axis.' + report.by) } },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: t('reports.axis.calls') } },
        },
      },
    }
    if (!window.Chart) return
    if (chart) chart.destroy()
    chart = new window.Chart($('report-chart'), config)
  }

  const figureHeaders = () => [t('reports.col.offered'), t('reports.col.answered'), t('reports.col.abandoned'), t('reports.col.serviceLevel'), t('reports.col.averageWait'), t('reports.col.averageHandling'), t('reports.col.talkShare')]
  const figureCells = (r) => [fmt.number(r.offered), fmt.number(r.answered), fmt.number(r.abandoned), fmt.percent(r.serviceLevel), duration(r.averageWaitMs), duration(r.averageHandlingMs), fmt.percent(r.talkShare)].map((text) => el('td', { class: 'num', text }))

  function drawTables(report) {
    const none = () => el('p', { class: 'muted', text: t('reports.noCalls') })
    // Totals per group over the range: sums, and the averages weighted by their calls.
    const totals = report.groups.map((g) => {
      const rows = report.rows.filter((r) => r.group === g)
      const sum = (k) => rows.reduce((s, r) => s + r[k], 0)
      const weighted = (k, w) => {
        const n = rows.reduce((s, r) => s + (r[k] === null ? 0 : w(r)), 0)
        return n > 0 ? rows.reduce((s, r) => s + (r[k] === null ? 0 : r[k] * w(r)), 0) / n : null
      }
      const allTalk = report.rows.reduce((s, r) => s + r.talkMs, 0)
      return {
        group: g,
        offered: sum('offered'),
        answered: sum('answered'),
        abandoned: sum('abandoned'),
        serviceLevel: weighted('serviceLevel', (r) => r.answered + r.abandoned),
        averageWaitMs: weighted('averageWaitMs', (r) => r.answered),
        averageHandlingMs: weighted('averageHandlingMs', (r) => r.answered),
        talkShare: allTalk > 0 ? sum('talkMs') / allTalk : null,
      }
    })
    const groupName = t('reports.group.' + report.group)
    $('report-totals').replaceChildren(
      totals.length ? table([groupName, ...figureHeaders()], totals.map((r) => el('tr', { 'data-group': r.group }, el('td', { text: groupLabel(report.group, r.group) }), figureCells(r)))) : none(),
    )
    $('report-rows').replaceChildren(
      report.rows.length
        ? table(
            [t('reports.col.period'), groupName, ...figureHeaders()],
            report.rows.map((r) => el('tr', { 'data-period': r.period, 'data-group': r.group }, el('td', { text: periodLabel(report.by, r.period) }), el('td', { text: groupLabel(report.group, r.group) }), figureCells(r))),
          )
        : none(),
    )
    $('report-breakdown').replaceChildren(
      report.breakdown.length
        ? table(
            [groupName, t('reports.col.kind'), t('reports.col.value'), t('reports.col.calls')],
            report.breakdown.map((b) =>
              el(
                'tr',
                { 'data-kind': b.kind, 'data-value': b.value },
                el('td', { text: groupLabel(report.group, b.group) }),
                el('td', { text: t('reports.kind.' + b.kind) }),
                el('td', { text: valueLabel(b.kind, b.value) }),
                el('td', { class: 'num', text: fmt.number(b.calls) }),
              ),
            ),
          )
        : none(),
    )
  }

  async function show() {
    error.textContent = ''
    const q = query()
    window.history.replaceState(null, '', location.pathname + '?' + q.toString())
    $('report-csv').href = '/reports/reasons?' + query({ format: 'csv', locale: window.cc.locale }).toString()
    $('report-xlsx').href = '/reports/reasons?' + query({ format: 'xlsx' }).toString()
    try {
      const report = await api('GET', '/reports/reasons?' + q.toString())
      $('report-zone').textContent = t('reports.zone', { zone: report.timeZone })
      drawChart(report)
      drawTables(report)
      document.body.dataset.report = 'ready'
    } catch (err) {
      error.textContent = err.message
    }
  }
  async function loadReasons() {
    try {
      reasons = (await api('GET', '/call-reasons?all=true')).reasons
    } catch {
      reasons = []
    }
    drawReasons()
  }

  // Admins keep the list: add one, retire or bring back one.
  function drawReasons() {
    const list = $('reasons-list')
    if (!list) return
    list.replaceChildren(
      reasons.length
        ? table(
            [t('reports.reasons.code'), t('reports.reasons.name'), t('reports.reasons.active'), ''],
            reasons.map((r) =>
              el(
                'tr',
                { 'data-code': r.code },
                el('td', { text: r.code }),
                el('td', { text: reasonLabel(r.code) }),
                el('td', { text: r.active ? t('reports.reasons.yes') : t('reports.reasons.no') }),
                el('td', {}, el('button', { type: 'button', class: 'secondary', text: r.active ? t('reports.reasons.retire') : t('reports.reasons.restore'), onclick: () => setActive(r.code, !r.active) })),
              ),
            ),
          )
        : el('p', { class: 'muted', text: t('reports.reasons.empty') }),
    )
  }
  async function setActive(code, active) {
    try {
      await api('PATCH', '/call-reasons/' + encodeURIComponent(code), { active })
      await loadReasons()
    } catch (err) {
      $('reason-error').textContent = err.message
    }
  }
  const reasonForm = $('reason-form')
  if (reasonForm) {
    reasonForm.addEventListener('submit', async (e) => {
      e.preventDefault()
      $('reason-error').textContent = ''
      const d = new window.FormData(reasonForm)
      const labels = { en: String(d.get('en')), bs: String(d.get('bs')), ru: String(d.get('ru')), pt: String(d.get('pt')) }
      try {
        await api('POST', '/call-reasons', { code: String(d.get('code')).trim(), labels })
        reasonForm.reset()
        await loadReasons()
      } catch (err) {
        $('reason-error').textContent = err.message
      }
    })
  }

  // The form starts from the address (a report can be linked to), else the last 7 days.
  const asked = new URLSearchParams(location.search)
  const today = new Date()
  const weekAgo = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 6)
  $('report-from').value = asked.get('from') || isoDay(weekAgo)
  $('report-to').value = asked.get('to') || isoDay(today)
  if (asked.get('by')) $('report-by').value = asked.get('by')
  if (asked.get('group')) $('report-group').value = asked.get('group')
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    void show()
  })
  void loadReasons().then(show)
})()
