/**
 * The people page's shell (/people: admins change, supervisors read): the agents with their
 * phones, routing groups, skills and logins; a form to add or change one (with their login in
 * the same form); routing groups with their members. The page's script (static/people.js)
 * reads GET /people/agents and GET /groups and writes through the agent and group routes.
 */
import { CLIENT_TYPES, LINE_MODES, ROLES } from '../db/schema/index.js'
import { LANGUAGE_CODES } from './i18n.js'
import { escapeHtml, shell, type PageUser } from './pages.js'

export function peoplePage(user: PageUser, version: string): string {
  const t = (key: string, vars?: Record<string, string>): string => escapeHtml(user.t(key, vars))
  const box = (name: string, value: string, text: string): string => `<label class="inline check"><input type="checkbox" name="${name}" value="${value}"> ${text}</label>`
  const languages = LANGUAGE_CODES.map((l) => box('languages', l, t(`people.lang.${l}`))).join('')
  const clientTypes = CLIENT_TYPES.map((c) => box('clientTypes', c, t(`people.clientType.${c}`))).join('')
  const lineModes = LINE_MODES.map((m) => `<option value="${m}">${t(`people.lineMode.${m}`)}</option>`).join('')
  const roles = ROLES.map((r) => `<option value="${r}"${r === 'operator' ? ' selected' : ''}>${t(`common.role.${r}`)}</option>`).join('')
  const admin = user.role === 'admin'
  const form = `<section class="card" id="agent-form-card">
  <h2 id="agent-form-title" data-add="${t('people.h.add')}" data-edit="${t('people.h.edit')}">${t('people.h.add')}</h2>
  <form id="agent-form" autocomplete="off">
    <div class="grid two">
      <label>${t('people.f.id')} <input name="id" required maxlength="64" pattern="[a-z0-9][a-z0-9._\\-]{0,63}" placeholder="lejla"></label>
      <label>${t('people.f.name')} <input name="name" required maxlength="200" placeholder="Lejla Hadžić"></label>
      <label>${t('people.f.endpoint')} <input name="endpoint" maxlength="200" placeholder="user/1042"><small class="muted">${t('people.f.endpointHint')}</small></label>
      <label>${t('people.f.sipUser')} <input name="sipUser" maxlength="64" pattern="[A-Za-z0-9._\\-]{1,64}" placeholder="1042"><small class="muted">${t('people.f.sipUserHint')}</small></label>
      <label>${t('people.f.lineMode')} <select name="lineMode">${lineModes}</select><small class="muted">${t('people.f.lineModeHint')}</small></label>
      <label>${t('people.f.groups')} <input name="groups" maxlength="500" placeholder="operators, sales" list="group-names"><small class="muted">${t('people.f.groupsHint')}</small></label>
      <label>${t('people.f.campaigns')} <input name="campaigns" maxlength="500" placeholder="12, 15"></label>
    </div>
    <fieldset><legend>${t('people.f.languages')}</legend>${languages}</fieldset>
    <fieldset><legend>${t('people.f.clientTypes')}</legend>${clientTypes}</fieldset>
    <fieldset id="login-fields"><legend>${t('people.f.login')}</legend>
      <label class="inline check"><input type="checkbox" name="withLogin" checked> ${t('people.f.withLogin')}</label>
      <div class="grid two" id="login-inputs">
        <label>${t('people.f.username')} <input name="username" maxlength="64" pattern="[a-z0-9][a-z0-9._\\-]{1,63}"></label>
        <label>${t('people.f.password')} <input name="password" type="password" minlength="10" maxlength="200" autocomplete="new-password"></label>
        <label>${t('people.f.role')} <select name="role">${roles}</select></label>
      </div>
    </fieldset>
    <div class="actions">
      <button type="submit" id="agent-save">${t('people.save')}</button>
      <button type="button" id="agent-cancel" class="secondary" hidden>${t('people.cancel')}</button>
    </div>
    <p class="error" id="agent-error" role="alert" data-testid="agent-error"></p>
    <p class="muted" id="agent-saved" role="status" data-testid="agent-saved"></p>
  </form>
  <datalist id="group-names"></datalist>
</section>`
  return shell({
    title: user.t('people.title'),
    user,
    page: 'people',
    version,
    script: 'people.js',
    // The list first: what an admin looks for most; the form below it (Change scrolls to it).
    body: `${admin ? '' : `<p class="muted" data-testid="read-only">${t('people.readOnly')}</p>`}
<section class="card">
  <h2>${t('people.h.agents')}</h2>
  <label class="inline check"><input type="checkbox" id="show-inactive"> ${t('people.showInactive')}</label>
  <div id="agents" data-testid="people-agents"><p class="muted">${t('common.loading')}</p></div>
  <p class="error" id="agents-error" role="alert"></p>
  <div id="sip-password" role="status" data-testid="sip-password" hidden><p><strong id="sip-password-text"></strong></p><p class="muted small">${t('people.sip.shownOnce')}</p></div>
</section>
${admin ? form : ''}
<section class="card">
  <h2>${t('people.h.groups')}</h2>
  ${
    admin
      ? `<form id="group-form" class="inline-form">
    <label>${t('people.g.newName')} <input name="name" required maxlength="48" pattern="[a-z0-9][a-z0-9_\\-]{0,47}" placeholder="night-shift"></label>
    <label>${t('people.g.firstMember')} <select name="member" id="group-first-member" required></select></label>
    <button type="submit">${t('people.g.create')}</button>
  </form>`
      : ''
  }
  <div id="groups" class="tiles" data-testid="groups"><p class="muted">${t('common.loading')}</p></div>
  <p class="error" id="groups-error" role="alert" data-testid="groups-error"></p>
</section>`,
  })
}
