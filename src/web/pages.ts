/**
 * The pages' HTML: a shell per page (header with who is logged in and the pages their role
 * may open, a main area the page's script fills). Everything dynamic is drawn by the page's
 * script from the API and the live stream; the server only fills in the user, escaped.
 */
import type { Role } from '../db/schema/index.js'

export interface PageUser {
  username: string
  role: Role
  agentId: string | null
}

/** The pages, who may open them, and the page each role starts on. */
export const PAGES = {
  manager: { path: '/manager', title: 'Campaigns', roles: ['admin', 'campaign-manager'] as Role[] },
  operator: { path: '/operator', title: 'Operator console', roles: ['admin', 'supervisor', 'operator'] as Role[] },
  wallboard: { path: '/wallboard', title: 'Wallboard', roles: ['admin', 'supervisor'] as Role[] },
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

function shell(o: { title: string; user: PageUser | null; body: string; script?: string | string[]; page: string; version: string }): string {
  const nav = o.user
    ? (Object.keys(PAGES) as PageName[])
        .filter((p) => PAGES[p].roles.includes(o.user!.role))
        .map((p) => `<a href="${PAGES[p].path}"${p === o.page ? ' aria-current="page"' : ''}>${PAGES[p].title}</a>`)
        .join('')
    : ''
  const who = o.user
    ? `<span class="who" data-testid="who">${escapeHtml(o.user.username)} <small>(${escapeHtml(o.user.role)}${o.user.agentId ? `, agent ${escapeHtml(o.user.agentId)}` : ''})</small></span><button type="button" id="logout" class="link">Log out</button>`
    : ''
  const data = o.user ? ` data-username="${escapeHtml(o.user.username)}" data-role="${escapeHtml(o.user.role)}" data-agent="${escapeHtml(o.user.agentId ?? '')}"` : ''
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(o.title)} · opencc</title>
<link rel="stylesheet" href="${ASSET_PREFIX}app.css?v=${o.version}">
</head>
<body data-page="${o.page}"${data}>
<header class="top">
  <strong class="brand">opencc</strong>
  <nav>${nav}</nav>
  <span class="live" id="live" title="live updates">●</span>
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

const KIND_OPTIONS = [
  ['informational', 'Informational message'],
  ['payment-reminder', 'Payment reminder'],
  ['survey', 'Survey (DTMF)'],
  ['telesales', 'Telesales (operators)'],
  ['dormant', 'Dormant clients (operators)'],
]
  .map(([v, t]) => `<option value="${v}">${t}</option>`)
  .join('')

export function loginPage(version: string): string {
  return shell({
    title: 'Log in',
    user: null,
    page: 'login',
    version,
    script: 'login.js',
    body: `<section class="card narrow">
  <h1>Log in</h1>
  <form id="login-form">
    <label>User name <input name="username" autocomplete="username" required autofocus></label>
    <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
    <button type="submit">Log in</button>
    <p class="error" id="login-error" role="alert"></p>
  </form>
</section>`,
  })
}

/** The encodings a list may be read in (src/lists/encoding.ts); empty: found from the file. */
const ENCODING_OPTIONS = [
  ['', 'Find it from the file'],
  ['utf-8', 'UTF-8'],
  ['windows-1250', 'Windows-1250 (Central European: Bosnian, Croatian ...)'],
  ['windows-1251', 'Windows-1251 (Cyrillic)'],
  ['windows-1252', 'Windows-1252 (Western European)'],
  ['iso-8859-2', 'ISO-8859-2 (Latin-2)'],
]
  .map(([v, label]) => `<option value="${v}">${label}</option>`)
  .join('')

export function managerPage(user: PageUser, version: string): string {
  return shell({
    title: 'Campaigns',
    user,
    page: 'manager',
    version,
    // The upload form first: manager.js tells it when the campaign choices change.
    script: ['upload-form.js', 'manager.js'],
    body: `<div class="grid two">
<section class="card">
  <h2>New campaign</h2>
  <form id="campaign-form">
    <label>Name <input name="name" required maxlength="200" placeholder="November reminders"></label>
    <label>Kind <select name="kind">${KIND_OPTIONS}</select></label>
    <label>Operators' queue <input name="operatorsQueue" placeholder="operators (telesales, dormant)"></label>
    <details><summary>More settings (JSON)</summary>
      <textarea name="settings" rows="4" placeholder='{"maxAttempts": 3, "window": {"start": "09:00", "end": "18:00"}}'></textarea>
    </details>
    <button type="submit">Create</button>
    <p class="error" id="campaign-error" role="alert"></p>
  </form>
</section>
<section class="card">
  <h2>Upload a list</h2>
  <form id="list-form">
    <label>Campaign <select name="campaign" id="list-campaign" required></select></label>
    <label>CSV file <input type="file" name="file" accept=".csv,text/csv,.txt" required></label>
    <label>Encoding <select name="encoding" id="list-encoding">${ENCODING_OPTIONS}</select></label>
    <p class="error" id="file-error" role="alert" data-testid="file-error"></p>
    <div id="mapping" hidden>
      <table class="compact" id="mapping-fields"><thead><tr><th>Field</th><th>Column of the file</th></tr></thead><tbody></tbody></table>
      <p class="muted small" data-testid="preview-note" id="preview-note"></p>
      <div class="table-wrap"><table class="compact" id="preview" data-testid="preview"><thead></thead><tbody></tbody></table></div>
    </div>
    <button type="submit">Upload</button>
  </form>
  <div id="upload" hidden>
    <progress id="upload-bar" max="100" value="0"></progress>
    <p id="upload-status" data-testid="upload-status"></p>
    <p id="upload-notes" class="muted" data-testid="upload-notes"></p>
    <table class="compact" id="rejections" hidden><thead><tr><th>Line</th><th>Reason</th><th>Row</th></tr></thead><tbody></tbody></table>
  </div>
</section>
</div>
<section class="card">
  <h2>Campaigns</h2>
  <div id="campaigns" data-testid="campaigns"><p class="muted">Loading…</p></div>
</section>`,
  })
}

export function operatorPage(user: PageUser, version: string): string {
  return shell({
    title: 'Operator console',
    user,
    page: 'operator',
    version,
    script: 'operator.js',
    body: `<div class="grid two">
<section class="card">
  <h2>My desk</h2>
  <p class="state-line">Agent <b id="agent-id">${escapeHtml(user.agentId ?? '')}</b> is <span id="agent-state" class="state" data-testid="agent-state">…</span> <small id="agent-since" class="muted"></small></p>
  <p id="agent-figures" class="muted"></p>
  <div class="actions">
    <button type="button" id="go-available">Go available</button>
    <label class="inline">Pause reason
      <select id="pause-reason"><option>break</option><option>lunch</option><option>training</option><option>meeting</option><option>after-call work</option></select>
    </label>
    <button type="button" id="go-paused" class="secondary">Pause</button>
    <button type="button" id="go-out" class="secondary">Log out of the queues</button>
  </div>
  <p class="error" id="desk-error" role="alert"></p>
</section>
<section class="card" id="call-card" data-testid="call-card">
  <h2>Call</h2>
  <p class="muted" id="no-call">No call right now. Go available to take calls.</p>
  <div id="call" hidden></div>
</section>
</div>
<section class="card" id="to-finish-card">
  <h2>To finish</h2>
  <div id="to-finish" data-testid="to-finish"><p class="muted">Loading…</p></div>
  <div id="edit-call" class="edit-call" hidden></div>
</section>
<section class="card">
  <h2>My recent calls</h2>
  <div id="calls" data-testid="my-calls"><p class="muted">Loading…</p></div>
</section>`,
  })
}

export function wallboardPage(user: PageUser, version: string): string {
  return shell({
    title: 'Wallboard',
    user,
    page: 'wallboard',
    version,
    script: 'wallboard.js',
    body: `<section class="card">
  <h2>Queues</h2>
  <div id="queues" class="tiles" data-testid="queues"><p class="muted">Loading…</p></div>
</section>
<div class="grid two">
<section class="card">
  <h2>Agents</h2>
  <div id="agent-states" class="chips"></div>
  <div id="agents" data-testid="agents"></div>
</section>
<section class="card">
  <h2>Campaigns</h2>
  <div id="campaigns" data-testid="campaigns"></div>
</section>
</div>
<section class="card">
  <h2>Call register</h2>
  <form id="call-search" class="inline-form">
    <label class="inline">Number <input name="number" placeholder="+387…"></label>
    <label class="inline">Agent <input name="agent" size="8"></label>
    <button type="submit" class="secondary">Search</button>
  </form>
  <div id="player-bar" class="player-bar" hidden>
    <audio id="player" controls preload="none"></audio>
    <button type="button" id="player-stop" class="secondary" data-testid="player-stop">■ Stop</button>
    <span id="player-what" class="muted"></span>
  </div>
  <div id="calls" data-testid="register"></div>
</section>`,
  })
}

/** The page a role may not open: say so, with a link to theirs. */
export function forbiddenPage(user: PageUser | null, version: string, what: string): string {
  return shell({
    title: 'Not for your role',
    user,
    page: 'forbidden',
    version,
    body: `<section class="card narrow"><h1>Not for your role</h1><p>${escapeHtml(what)}</p><p><a href="${user ? HOME[user.role] : '/login'}">Go to your page</a></p></section>`,
  })
}
