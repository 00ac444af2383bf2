/**
 * The reports page's shell (/reports, supervisors and admins): why clients called, by
 * period and by queue, agent, IVR choice, client type, campaign or call reason. The page's
 * script (static/reports.js) asks GET /reports/reasons and draws the chart (Chart.js, served
 * by vendor.ts) and the tables; admins also keep the list of call reasons there.
 */
import { escapeHtml, shell, type PageUser } from './pages.js'
import { CHART_JS } from './vendor.js'

const option = (value: string, text: string, selected = false): string => `<option value="${value}"${selected ? ' selected' : ''}>${escapeHtml(text)}</option>`

export function reportsPage(user: PageUser, version: string): string {
  const t = user.t
  const periods = ['hour', 'day', 'week', 'month'].map((p) => option(p, t(`reports.by.${p}`), p === 'day')).join('')
  const groups = ['reason', 'queue', 'agent', 'ivr', 'clientType', 'campaign'].map((g) => option(g, t(`reports.group.${g}`), g === 'reason')).join('')
  const admin = user.role === 'admin'
  return shell({
    title: t('reports.title'),
    user,
    page: 'reports',
    version,
    script: [CHART_JS.slice('/web/'.length), 'reports.js'],
    body: `<section class="card">
  <h2>${escapeHtml(t('reports.heading'))}</h2>
  <form id="report-form" class="report-form">
    <label>${escapeHtml(t('reports.from'))} <input type="date" name="from" id="report-from" required></label>
    <label>${escapeHtml(t('reports.to'))} <input type="date" name="to" id="report-to" required></label>
    <label>${escapeHtml(t('reports.by'))} <select name="by" id="report-by">${periods}</select></label>
    <label>${escapeHtml(t('reports.groupBy'))} <select name="group" id="report-group">${groups}</select></label>
    <button type="submit">${escapeHtml(t('reports.show'))}</button>
    <a id="report-csv" class="button secondary" href="/reports/reasons?format=csv" data-testid="report-csv">${escapeHtml(t('reports.exportCsv'))}</a>
    <a id="report-xlsx" class="button secondary" href="/reports/reasons?format=xlsx" data-testid="report-xlsx">${escapeHtml(t('reports.exportXlsx'))}</a>
  </form>
  <p class="error" id="report-error" role="alert"></p>
  <p class="muted small" id="report-zone" data-testid="report-zone"></p>
</section>
<div class="grid two">
<section class="card">
  <h2>${escapeHtml(t('reports.chart'))}</h2>
  <div class="chart-box"><canvas id="report-chart" data-testid="report-chart" role="img" aria-label="${escapeHtml(t('reports.chart'))}"></canvas></div>
</section>
<section class="card">
  <h2>${escapeHtml(t('reports.totals'))}</h2>
  <div id="report-totals" data-testid="report-totals"><p class="muted">${escapeHtml(t('common.loading'))}</p></div>
</section>
</div>
<section class="card">
  <h2>${escapeHtml(t('reports.byPeriod'))}</h2>
  <div id="report-rows" data-testid="report-rows"></div>
</section>
<section class="card">
  <h2>${escapeHtml(t('reports.breakdown'))}</h2>
  <div id="report-breakdown" data-testid="report-breakdown"></div>
</section>
${
  admin
    ? `<section class="card" id="reasons-card">
  <h2>${escapeHtml(t('reports.reasons.heading'))}</h2>
  <div id="reasons-list" data-testid="reasons-list"></div>
  <form id="reason-form" class="report-form">
    <label>${escapeHtml(t('reports.reasons.code'))} <input name="code" required pattern="[a-z0-9][a-z0-9_\\-]{0,39}" maxlength="40"></label>
    ${['en', 'bs', 'ru', 'pt'].map((l) => `<label>${escapeHtml(t(`reports.reasons.label.${l}`))} <input name="${l}" required maxlength="100"></label>`).join('\n    ')}
    <button type="submit">${escapeHtml(t('reports.reasons.add'))}</button>
  </form>
  <p class="error" id="reason-error" role="alert"></p>
</section>`
    : ''
}`,
  })
}
