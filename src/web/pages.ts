/**
 * The pages' HTML: a shell per page (header with who is logged in and the pages their role
 * may open, a main area the page's script fills). Everything dynamic is drawn by the page's
 * script from the API and the live stream; the server only fills in the user, escaped.
 */
import type { Role } from '../db/schema/index.js'
import { embeddedDictionary, LANGUAGE_CODES, LANGUAGES, translator, type Language, type Translator } from './i18n.js'
import { JSSIP_JS } from './vendor.js'

/** Who a page is for; `t` translates in their language (src/web/i18n.ts; keys "<area>.<key>"). */
export interface PageUser {
  username: string
  role: Role
  agentId: string | null
  language: Language
  t: Translator
}

/**
 * The pages, who may open them, and the page each role starts on. `titleKey` names the
 * title's translation (the header's link and the <title>); `title` is the English fallback.
 */
export const PAGES = {
  manager: { path: '/manager', title: 'Campaigns', titleKey: 'common.nav.manager', roles: ['admin', 'campaign-manager'] as Role[] },
  operator: { path: '/operator', title: 'Operator console', titleKey: 'common.nav.operator', roles: ['admin', 'supervisor', 'operator'] as Role[] },
  wallboard: { path: '/wallboard', title: 'Wallboard', titleKey: 'common.nav.wallboard', roles: ['admin', 'supervisor'] as Role[] },
  reports: { path: '/reports', title: 'Reports', titleKey: 'reports.title', roles: ['admin', 'supervisor'] as Role[] },
  people: { path: '/people', title: 'People', titleKey: 'people.title', roles: ['admin', 'supervisor'] as Role[] },
  // Not /clients: that is the API's (the directory's search).
  clients: { path: '/directory', title: 'Clients', titleKey: 'clients.title', roles: ['admin', 'campaign-manager', 'supervisor'] as Role[] },
  // Not /queues: that is the API's (the queues' live figures).
  queueSettings: { path: '/settings/queues', title: 'Queues', titleKey: 'queues.title', roles: ['admin', 'supervisor'] as Role[] },
} as const

export type PageName = keyof typeof PAGES

export const HOME: Record<Role, string> = {
  admin: PAGES.wallboard.path,
  supervisor: PAGES.wallboard.path,
  'campaign-manager': PAGES.manager.path,
  operator: PAGES.operator.path,
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

/** Where assets are served from; `v` changes with each start so browsers fetch new ones. */
export const ASSET_PREFIX = '/web/'

/** A page's title in the user's language: its titleKey when it has one and it is translated. */
function pageTitle(t: Translator, p: PageName): string {
  const page: { title: string; titleKey?: string } = PAGES[p]
  if (!page.titleKey) return page.title
  const text = t(page.titleKey)
  return text === page.titleKey ? page.title : text
}

/** The header's language picker (common.js saves the choice and reloads). */
function languagePicker(current: Language, label: string): string {
  const options = LANGUAGE_CODES.map((l) => `<option value="${l}"${l === current ? ' selected' : ''}>${escapeHtml(LANGUAGES[l].name)}</option>`).join('')
  return `<select id="language" class="language" aria-label="${escapeHtml(label)}" title="${escapeHtml(label)}" data-testid="language">${options}</select>`
}

/**
 * The page around a body: `t` (the user's, or for the login page the browser's language)
 * translates the header; its dictionary goes into the page as data for cc.t.
 */
export function shell(o: { title: string; user: PageUser | null; body: string; script?: string | string[]; page: string; version: string; t?: Translator }): string {
  const t = o.t ?? o.user?.t ?? translator('en')
  const nav = o.user
    ? (Object.keys(PAGES) as PageName[])
        .filter((p) => PAGES[p].roles.includes(o.user!.role))
        .map((p) => `<a href="${PAGES[p].path}"${p === o.page ? ' aria-current="page"' : ''}>${escapeHtml(pageTitle(t, p))}</a>`)
        .join('')
    : ''
  const who = o.user
    ? `<span class="who" data-testid="who">${escapeHtml(o.user.username)} <small>(${escapeHtml(t(`common.role.${o.user.role}`))}${o.user.agentId ? `, ${escapeHtml(t('common.agentNamed', { id: o.user.agentId }))}` : ''})</small></span>${languagePicker(t.lang, t('common.language'))}<button type="button" id="logout" class="link">${escapeHtml(t('common.logOut'))}</button>`
    : ''
  const data = o.user ? ` data-username="${escapeHtml(o.user.username)}" data-role="${escapeHtml(o.user.role)}" data-agent="${escapeHtml(o.user.agentId ?? '')}"` : ''
  return `<!doctype html>
<html lang="${t.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(o.title)} · opencc</title>
<link rel="stylesheet" href="${ASSET_PREFIX}app.css?v=${o.version}">
<script type="application/json" id="i18n">${embeddedDictionary(t.lang)}</script>
</head>
<body data-page="${o.page}"${data}>
<header class="top">
  <strong class="brand">opencc</strong>
  <nav>${nav}</nav>
  <span class="live" id="live" title="${escapeHtml(t('common.liveUpdates'))}">●</span>
  ${who}
</header>
<main>
${o.body}
</main>
<script src="${ASSET_PREFIX}common.js?v=${o.version}"></script>
${[o.script ?? []].flat().map((s) => `<script src="${ASSET_PREFIX}${s}?v=${o.version}"></script>`).join('\n')}
</body>
</html>
`
}

const KINDS = ['informational', 'payment-reminder', 'survey', 'telesales', 'dormant']
const kindOptions = (t: Translator): string => KINDS.map((v) => `<option value="${v}">${escapeHtml(t(`manager.kindOption.${v}`))}</option>`).join('')

export function loginPage(version: string, t: Translator = translator('en')): string {
  return shell({
    title: t('login.title'),
    user: null,
    page: 'login',
    version,
    t,
    script: 'login.js',
    body: `<section class="card narrow">
  <h1>${escapeHtml(t('login.title'))}</h1>
  <form id="login-form">
    <label>${escapeHtml(t('login.username'))} <input name="username" autocomplete="username" required autofocus></label>
    <label>${escapeHtml(t('login.password'))} <input name="password" type="password" autocomplete="current-password" required></label>
    <button type="submit">${escapeHtml(t('login.submit'))}</button>
    <p class="error" id="login-error" role="alert"></p>
  </form>
</section>`,
  })
}

/** The encodings a list may be read in (src/lists/encoding.ts); empty: found from the file. */
const ENCODINGS = ['', 'utf-8', 'windows-1250', 'windows-1251', 'windows-1252', 'iso-8859-2']
const encodingOptions = (t: Translator): string => ENCODINGS.map((v) => `<option value="${v}">${escapeHtml(t(`upload.encoding.${v || 'auto'}`))}</option>`).join('')

export function managerPage(user: PageUser, version: string): string {
  const t = (key: string): string => escapeHtml(user.t(key))
  return shell({
    title: user.t('common.nav.manager'),
    user,
    page: 'manager',
    version,
    // The upload form first: manager.js tells it when the campaign choices change.
    script: ['csv-sample.js', 'upload-form.js', 'manager.js'],
    body: `<div class="grid two">
<section class="card">
  <h2>${t('manager.h.new')}</h2>
  <form id="campaign-form">
    <label>${t('manager.name')} <input name="name" required maxlength="200" placeholder="${t('manager.namePlaceholder')}"></label>
    <label>${t('manager.kind')} <select name="kind">${kindOptions(user.t)}</select></label>
    <label>${t('manager.operatorsQueue')} <input name="operatorsQueue" placeholder="${t('manager.operatorsQueuePlaceholder')}"></label>
    <details><summary>${t('manager.moreSettings')}</summary>
      <textarea name="settings" rows="4" placeholder='{"maxAttempts": 3, "window": {"start": "09:00", "end": "18:00"}}'></textarea>
    </details>
    <button type="submit">${t('manager.create')}</button>
    <p class="error" id="campaign-error" role="alert"></p>
  </form>
</section>
<section class="card">
  <h2>${t('upload.h')}</h2>
  <form id="list-form">
    <label>${t('upload.campaign')} <select name="campaign" id="list-campaign" required></select></label>
    <label>${t('upload.file')} <input type="file" name="file" accept=".csv,text/csv,.txt" required></label>
    <label>${t('upload.encoding')} <select name="encoding" id="list-encoding">${encodingOptions(user.t)}</select></label>
    <p class="error" id="file-error" role="alert" data-testid="file-error"></p>
    <div id="mapping" hidden>
      <table class="compact" id="mapping-fields"><thead><tr><th>${t('upload.col.field')}</th><th>${t('upload.col.column')}</th></tr></thead><tbody></tbody></table>
      <p class="muted small" data-testid="preview-note" id="preview-note"></p>
      <div class="table-wrap"><table class="compact" id="preview" data-testid="preview"><thead></thead><tbody></tbody></table></div>
    </div>
    <button type="submit">${t('upload.submit')}</button>
  </form>
  <div id="upload" hidden>
    <progress id="upload-bar" max="100" value="0"></progress>
    <p id="upload-status" data-testid="upload-status"></p>
    <p id="upload-notes" class="muted" data-testid="upload-notes"></p>
    <table class="compact" id="rejections" hidden><thead><tr><th>${t('upload.col.line')}</th><th>${t('upload.col.reason')}</th><th>${t('upload.col.row')}</th></tr></thead><tbody></tbody></table>
  </div>
</section>
</div>
<section class="card">
  <h2>${t('manager.h.campaigns')}</h2>
  <div id="campaigns" data-testid="campaigns"><p class="muted">${t('common.loading')}</p></div>
</section>`,
  })
}

/** The softphone's scripts: JsSIP, the phone, its audio check, its panel (src/web/static/softphone*.js). */
const SOFTPHONE_SCRIPTS = [JSSIP_JS.slice(ASSET_PREFIX.length), 'softphone.js', 'softphone-check.js', 'softphone-panel.js']

/** The card softphone-panel.js fills. */
const softphoneCard = (user: PageUser): string => `<section class="card softphone" id="softphone" data-testid="softphone">
  <h2>${escapeHtml(user.t('softphone.h'))}</h2>
</section>
`

export function operatorPage(user: PageUser, version: string): string {
  const t = (key: string, vars?: Record<string, string>): string => escapeHtml(user.t(key, vars))
  const reasons = ['break', 'lunch', 'training', 'meeting', 'after-call work'].map((r) => `<option value="${r}">${t(`common.pauseReason.${r}`)}</option>`).join('')
  return shell({
    title: user.t('common.nav.operator'),
    user,
    page: 'operator',
    version,
    // The softphone before the console, which feeds it the desk's call.
    script: [...SOFTPHONE_SCRIPTS, 'operator.js'],
    body: `<div class="grid two">
<section class="card">
  <h2>${t('operator.h.desk')}</h2>
  <p class="state-line">${user.t('operator.agentIs', { agent: '\u0000' }).split('\u0000').map(escapeHtml).join(`<b id="agent-id">${escapeHtml(user.agentId ?? '')}</b>`)} <span id="agent-state" class="state" data-testid="agent-state">…</span> <small id="agent-since" class="muted"></small></p>
  <p id="agent-figures" class="muted"></p>
  <div class="actions">
    <button type="button" id="go-available">${t('operator.goAvailable')}</button>
    <label class="inline">${t('operator.pauseReason')}
      <select id="pause-reason">${reasons}</select>
    </label>
    <button type="button" id="go-paused" class="secondary">${t('operator.pause')}</button>
    <button type="button" id="go-out" class="secondary">${t('operator.logOutQueues')}</button>
  </div>
  <p class="error" id="desk-error" role="alert"></p>
</section>
<section class="card" id="call-card" data-testid="call-card">
  <h2>${t('operator.h.call')}</h2>
  <p class="muted" id="no-call">${t('operator.noCall')}</p>
  <div id="call" hidden></div>
</section>
</div>
${softphoneCard(user)}
<section class="card" id="to-finish-card">
  <h2>${t('operator.h.toFinish')}</h2>
  <div id="to-finish" data-testid="to-finish"><p class="muted">${t('common.loading')}</p></div>
  <div id="edit-call" class="edit-call" hidden></div>
</section>
<section class="card">
  <h2>${t('operator.h.recent')}</h2>
  <div id="calls" data-testid="my-calls"><p class="muted">${t('common.loading')}</p></div>
</section>`,
  })
}

export function wallboardPage(user: PageUser, version: string): string {
  const t = (key: string): string => escapeHtml(user.t(key))
  return shell({
    title: user.t('common.nav.wallboard'),
    user,
    page: 'wallboard',
    version,
    // A supervisor's own softphone, which the switch calls when they listen, whisper or barge in.
    script: user.role === 'supervisor' ? [...SOFTPHONE_SCRIPTS, 'wallboard.js'] : 'wallboard.js',
    body: `${user.role === 'supervisor' ? softphoneCard(user) : ''}<section class="card">
  <h2>${t('wallboard.h.queues')}</h2>
  <div id="queues" class="tiles" data-testid="queues"><p class="muted">${t('common.loading')}</p></div>
</section>
<div class="grid two">
<section class="card">
  <h2>${t('wallboard.h.agents')}</h2>
  <div id="agent-states" class="chips"></div>
  <div id="agents" data-testid="agents"></div>
</section>
<section class="card">
  <h2>${t('wallboard.h.campaigns')}</h2>
  <div id="campaigns" data-testid="campaigns"></div>
</section>
</div>
<section class="card">
  <h2>${t('wallboard.h.register')}</h2>
  <form id="call-search" class="inline-form">
    <label class="inline">${t('wallboard.searchNumber')} <input name="number" placeholder="+387…"></label>
    <label class="inline">${t('wallboard.searchAgent')} <input name="agent" size="8"></label>
    <button type="submit" class="secondary">${t('wallboard.search')}</button>
  </form>
  <div id="player-bar" class="player-bar" hidden>
    <audio id="player" controls preload="none"></audio>
    <button type="button" id="player-stop" class="secondary" data-testid="player-stop">■ ${t('wallboard.stop')}</button>
    <span id="player-what" class="muted"></span>
  </div>
  <div id="calls" data-testid="register"></div>
</section>`,
  })
}

/** The page a role may not open: say so, with a link to theirs. */
export function forbiddenPage(user: PageUser | null, version: string, what: string): string {
  const tr = user?.t ?? translator('en')
  return shell({
    title: tr('common.notForRole.title'),
    user,
    page: 'forbidden',
    version,
    t: tr,
    body: `<section class="card narrow"><h1>${escapeHtml(tr('common.notForRole.title'))}</h1><p>${escapeHtml(what)}</p><p><a href="${user ? HOME[user.role] : '/login'}">${escapeHtml(tr('common.notForRole.link'))}</a></p></section>`,
  })
}
