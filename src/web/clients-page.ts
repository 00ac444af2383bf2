/**
 * The client directory's page (/directory: admins and campaign managers change it, supervisors
 * read): search, a form to add or change a client, and the CRM import with a dropdown per
 * field from the file's header, its progress and its report. The script (static/clients.js)
 * reads GET /clients and writes through POST/PATCH /clients and POST /clients/import.
 */
import { CAMPAIGN_WRITERS } from '../auth/access.js'
import { CLIENT_TYPES } from '../db/schema/index.js'
import { SAY_LANGUAGES } from '../ivr/say/index.js'
import { escapeHtml, shell, type PageUser } from './pages.js'

const ENCODINGS = ['', 'utf-8', 'windows-1250', 'windows-1251', 'windows-1252', 'iso-8859-2']

export function clientsPage(user: PageUser, version: string): string {
  const t = (key: string, vars?: Record<string, string>): string => escapeHtml(user.t(key, vars))
  const types = CLIENT_TYPES.map((c) => `<option value="${c}">${t(`clients.type.${c}`)}</option>`).join('')
  const languages = SAY_LANGUAGES.map((l) => `<option value="${l}">${t(`clients.lang.${l}`)}</option>`).join('')
  const encodings = ENCODINGS.map((v) => `<option value="${v}">${t(`upload.encoding.${v || 'auto'}`)}</option>`).join('')
  const writes = CAMPAIGN_WRITERS.includes(user.role)
  const edit = `<section class="card" id="client-form-card" hidden>
  <h2 id="client-form-title" data-add="${t('clients.h.add')}" data-edit="${t('clients.h.edit')}">${t('clients.h.add')}</h2>
  <form id="client-form" autocomplete="off">
    <div class="grid two">
      <label>${t('clients.f.name')} <input name="name" required maxlength="300"></label>
      <label>${t('clients.f.phone')} <input name="phone" required maxlength="40" placeholder="061 234 567"></label>
      <label>${t('clients.f.type')} <select name="type">${types}</select></label>
      <label>${t('clients.f.manager')} <input name="managerId" maxlength="100" placeholder="mirza"><small class="muted">${t('clients.f.managerHint')}</small></label>
      <label>${t('clients.f.language')} <select name="language"><option value="">—</option>${languages}</select></label>
      <label>${t('clients.f.externalId')} <input name="externalId" maxlength="100"></label>
      <label>${t('clients.f.balance')} <input name="balance" type="number" min="0" step="0.01"></label>
      <label>${t('clients.f.overdueDebt')} <input name="overdueDebt" type="number" min="0" step="0.01"></label>
      <label>${t('clients.f.currency')} <input name="currency" maxlength="5" placeholder="BAM"></label>
      <label>${t('clients.f.lastOrderDate')} <input name="lastOrderDate" type="date"></label>
    </div>
    <label class="inline check"><input type="checkbox" name="vip"> ${t('clients.f.vip')}</label>
    <div class="actions">
      <button type="submit" id="client-save">${t('clients.save')}</button>
      <button type="button" id="client-cancel" class="secondary">${t('clients.cancel')}</button>
    </div>
    <p class="error" id="client-error" role="alert" data-testid="client-error"></p>
  </form>
</section>`
  const importCard = `<section class="card">
  <h2>${t('clients.h.import')}</h2>
  <p class="muted small">${t('clients.importHint')}</p>
  <form id="import-form">
    <label>${t('upload.file')} <input type="file" name="file" id="import-file" accept=".csv,text/csv,.txt" required></label>
    <label>${t('upload.encoding')} <select name="encoding" id="import-encoding">${encodings}</select></label>
    <p class="error" id="import-file-error" role="alert" data-testid="import-file-error"></p>
    <div id="import-mapping" hidden>
      <table class="compact" id="import-fields"><thead><tr><th>${t('upload.col.field')}</th><th>${t('upload.col.column')}</th></tr></thead><tbody></tbody></table>
      <p class="muted small" id="import-preview-note"></p>
      <div class="table-wrap"><table class="compact" id="import-preview"><thead></thead><tbody></tbody></table></div>
    </div>
    <button type="submit">${t('clients.importSubmit')}</button>
  </form>
  <div id="import" hidden>
    <progress id="import-bar" max="100" value="0"></progress>
    <p id="import-status" data-testid="import-status"></p>
    <table class="compact" id="import-rejections" data-testid="import-rejections" hidden><thead><tr><th>${t('upload.col.line')}</th><th>${t('upload.col.reason')}</th><th>${t('upload.col.row')}</th></tr></thead><tbody></tbody></table>
  </div>
</section>`
  return shell({
    title: user.t('clients.title'),
    user,
    page: 'clients',
    version,
    script: ['csv-sample.js', 'clients.js'],
    body: `<section class="card">
  <h2>${t('clients.h.search')}</h2>
  <form id="client-search" class="inline-form">
    <label class="inline">${t('clients.search.q')} <input name="q" maxlength="100" placeholder="${t('clients.search.qPlaceholder')}"></label>
    <label class="inline">${t('clients.f.type')} <select name="type"><option value="">${t('clients.search.anyType')}</option>${types}</select></label>
    <label class="inline">${t('clients.f.manager')} <input name="manager" size="10" maxlength="100"></label>
    <button type="submit" class="secondary">${t('clients.search.go')}</button>
    ${writes ? `<button type="button" id="client-new">${t('clients.new')}</button>` : ''}
  </form>
  <div id="clients" data-testid="clients"><p class="muted">${t('common.loading')}</p></div>
  <p class="error" id="clients-error" role="alert"></p>
</section>
${writes ? `${edit}\n${importCard}` : `<p class="muted" data-testid="read-only">${t('clients.readOnly')}</p>`}`,
  })
}
