/* global window, document */
// People: the agents (phone, routing groups, skills, logins), adding and changing them with
// their login in one form, deactivating and reactivating; routing groups with their members.
// Admins change; supervisors read (the server refuses their writes anyway).
;(function () {
  'use strict'
  const { api, el, table, t, user, fmt } = window.cc
  const admin = user().role === 'admin'

  const agentsBox = document.getElementById('agents')
  const agentsError = document.getElementById('agents-error')
  const groupsBox = document.getElementById('groups')
  const groupsError = document.getElementById('groups-error')
  const showInactive = document.getElementById('show-inactive')
  const form = document.getElementById('agent-form')
  const groupForm = document.getElementById('group-form')

  let agents = []
  let groups = []
  /** The agent the form changes; null when it adds one. */
  let editing = null

  const list = (text) =>
    String(text || '')
      .split(/[\s,;]+/)
      .map((s) => s.trim())
      .filter(Boolean)
  const say = (node, text) => {
    if (node) node.textContent = text || ''
  }
  const byId = (id) => agents.find((a) => a.id === id)

  async function load() {
    try {
      const [a, g] = await Promise.all([api('GET', '/people/agents'), api('GET', '/groups')])
      agents = a.agents
      groups = g.groups
      say(agentsError, '')
      drawAgents()
      drawGroups()
    } catch (err) {
      say(agentsError, err.message)
    }
  }

  function drawAgents() {
    const shown = agents.filter((a) => a.active || showInactive.checked)
    if (shown.length === 0) return agentsBox.replaceChildren(el('p', { class: 'muted', text: t('people.noAgents') }))
    const headers = [t('people.col.name'), t('people.col.phone'), t('people.col.groups'), t('people.col.skills'), t('people.col.login'), t('people.col.status')]
    if (admin) headers.push('')
    agentsBox.replaceChildren(
      table(
        headers,
        shown.map((a) =>
          el(
            'tr',
            { 'data-agent': a.id, class: a.active ? '' : 'muted' },
            el('td', {}, el('strong', { text: a.name }), el('br'), el('small', { class: 'muted', text: a.id })),
            el('td', {}, el('code', { text: a.endpoint }), a.sipUser ? sipCell(a) : null),
            el('td', { 'data-testid': 'agent-groups', text: a.groups.join(', ') || '–' }),
            el('td', { text: skillsText(a.skills) || '–' }),
            el('td', { 'data-testid': 'agent-logins', text: a.users.map((u) => u.username + ' (' + t('common.role.' + u.role) + (u.active ? '' : ', ' + t('people.off')) + ')').join(', ') || t('people.noLogin') }),
            el('td', { 'data-testid': 'agent-status', title: t('people.since', { date: fmt.date(a.createdAt) }), text: a.active ? t('people.active') : t('people.inactive') }),
            admin
              ? el(
                  'td',
                  { class: 'actions' },
                  el('button', { type: 'button', class: 'secondary', 'data-action': 'edit', text: t('people.edit'), onclick: () => edit(a) }),
                  a.sipUser && a.active ? el('button', { type: 'button', class: 'secondary', 'data-action': 'sip-password', text: t('people.sip.newPassword'), onclick: () => newSipPassword(a) }) : null,
                  a.active
                    ? el('button', { type: 'button', class: 'danger', 'data-action': 'deactivate', text: t('people.deactivate'), onclick: () => setActive(a, false) })
                    : el('button', { type: 'button', class: 'secondary', 'data-action': 'activate', text: t('people.activate'), onclick: () => setActive(a, true) }),
                )
              : null,
          ),
        ),
      ),
    )
  }

  // The SIP account: user, line mode, and whether a phone is registered with it now (asked of the switches).
  function sipCell(a) {
    const status = el('div', { class: 'muted small', 'data-testid': 'sip-status', text: a.hasSipSecret ? '…' : t('people.sip.noPassword') })
    if (a.hasSipSecret && a.active) {
      api('GET', '/people/agents/' + encodeURIComponent(a.id) + '/sip-registration')
        .then((r) => say(status, r.registered === null ? t('people.sip.unknown') : r.registered ? t('people.sip.registered') : t('people.sip.notRegistered')))
        .catch(() => say(status, t('people.sip.unknown')))
    } else if (!a.active) say(status, '')
    return el(
      'div',
      {},
      el('div', { class: 'muted small', text: t('people.sipUser', { user: a.sipUser }) + ' · ' + t('people.lineMode.' + a.lineMode) }),
      status,
    )
  }

  // A new device password: shown here once (the app keeps no way to show it again).
  async function newSipPassword(a) {
    if (!window.confirm(t('people.sip.confirmNew', { name: a.name }))) return
    const box = document.getElementById('sip-password')
    try {
      const r = await api('POST', '/agents/' + encodeURIComponent(a.id) + '/sip-secret')
      say(document.getElementById('sip-password-text'), t('people.sip.shown', { account: r.sipUser + (r.domain ? '@' + r.domain : ''), password: r.password }))
      box.hidden = false
      say(agentsError, '')
      await load()
    } catch (err) {
      box.hidden = true
      say(agentsError, err.message)
    }
  }

  function skillsText(s) {
    const parts = []
    if (s.languages.length) parts.push(s.languages.map((l) => t('people.lang.' + l)).join(', '))
    if (s.clientTypes.length) parts.push(s.clientTypes.map((c) => t('people.clientType.' + c)).join(', '))
    if (s.campaigns.length) parts.push(t('people.campaignsList', { ids: s.campaigns.join(', ') }))
    return parts.join(' · ')
  }

  async function setActive(a, active) {
    if (!active && !window.confirm(t('people.confirmDeactivate', { name: a.name }))) return
    try {
      await api('POST', '/agents/' + encodeURIComponent(a.id) + (active ? '/activate' : '/deactivate'))
      say(agentsError, '')
      await load()
    } catch (err) {
      say(agentsError, err.message)
    }
  }

  // The form: adding (with an optional login) or changing an agent.
  const field = (name) => form.elements.namedItem(name)
  const checked = (name) => [...form.querySelectorAll('input[name="' + name + '"]:checked')].map((i) => i.value)
  const loginInputs = document.getElementById('login-inputs')

  function showLoginFields() {
    const has = editing && byId(editing) && byId(editing).users.length > 0
    document.getElementById('login-fields').hidden = Boolean(has)
    loginInputs.hidden = !field('withLogin').checked
  }

  function edit(a) {
    editing = a.id
    form.reset()
    field('id').value = a.id
    field('id').readOnly = true
    field('name').value = a.name
    field('endpoint').value = a.endpoint
    field('sipUser').value = a.sipUser || ''
    field('lineMode').value = a.lineMode || 'ringing'
    field('groups').value = a.groups.join(', ')
    field('campaigns').value = a.skills.campaigns.join(', ')
    for (const i of form.querySelectorAll('input[name=languages]')) i.checked = a.skills.languages.includes(i.value)
    for (const i of form.querySelectorAll('input[name=clientTypes]')) i.checked = a.skills.clientTypes.includes(i.value)
    field('withLogin').checked = false
    const title = document.getElementById('agent-form-title')
    title.textContent = title.dataset.edit + ': ' + a.name
    document.getElementById('agent-cancel').hidden = false
    say(document.getElementById('agent-error'), '')
    showLoginFields()
    form.scrollIntoView({ block: 'start' })
  }

  function stopEditing() {
    editing = null
    form.reset()
    field('id').readOnly = false
    const title = document.getElementById('agent-form-title')
    title.textContent = title.dataset.add
    document.getElementById('agent-cancel').hidden = true
    showLoginFields()
  }

  async function save(ev) {
    ev.preventDefault()
    const errorBox = document.getElementById('agent-error')
    const saved = document.getElementById('agent-saved')
    say(errorBox, '')
    say(saved, '')
    const endpoint = field('endpoint').value.trim()
    const sipUser = field('sipUser').value.trim()
    const body = {
      name: field('name').value.trim(),
      lineMode: field('lineMode').value,
      groups: list(field('groups').value),
      skills: { languages: checked('languages'), clientTypes: checked('clientTypes'), campaigns: list(field('campaigns').value) },
    }
    if (endpoint) body.endpoint = endpoint
    const login = field('withLogin').checked && !document.getElementById('login-fields').hidden
    const account = { username: field('username').value.trim(), password: field('password').value, role: field('role').value }
    if (login && (!account.username || !account.password)) return say(errorBox, t('people.needLogin'))
    try {
      if (editing) {
        const before = byId(editing)
        if (sipUser) body.sipUser = sipUser
        else if (before && before.sipUser) body.sipUser = null
        await api('PATCH', '/agents/' + encodeURIComponent(editing), body)
        if (login) await api('POST', '/users', { ...account, name: body.name, agentId: editing })
        say(saved, t('people.savedAgent', { name: body.name }))
      } else {
        body.id = field('id').value.trim()
        if (sipUser) body.sipUser = sipUser
        if (login) body.user = account
        await api('POST', '/agents', body)
        say(saved, t('people.addedAgent', { name: body.name }))
      }
      stopEditing()
      await load()
    } catch (err) {
      say(errorBox, err.message)
    }
  }

  // Routing groups: members, where the group is used, add/remove members, rename.
  function drawGroups() {
    const names = document.getElementById('group-names')
    if (names) names.replaceChildren(...groups.map((g) => el('option', { value: g.name })))
    const active = agents.filter((a) => a.active)
    const first = document.getElementById('group-first-member')
    if (first) first.replaceChildren(...active.map((a) => el('option', { value: a.id, text: a.name + ' (' + a.id + ')' })))
    if (groups.length === 0) return groupsBox.replaceChildren(el('p', { class: 'muted', text: t('people.g.none') }))
    groupsBox.replaceChildren(...groups.map((g) => groupTile(g, active)))
  }

  function groupTile(g, active) {
    const members = g.members.map((m) => m.id)
    const used = [...g.queues.map((q) => t('people.g.queue', { name: q })), ...g.flows.map((f) => t('people.g.flow', { name: f }))]
    const put = async (nextMembers, rename) => {
      try {
        await api('PUT', '/groups/' + encodeURIComponent(g.name), rename ? { members: nextMembers, rename } : { members: nextMembers })
        say(groupsError, '')
        await load()
      } catch (err) {
        say(groupsError, err.message)
      }
    }
    const tile = el(
      'div',
      { class: 'tile', 'data-group': g.name },
      el('h3', { text: g.name }),
      el('p', { class: 'muted small', 'data-testid': 'group-used', text: used.length ? t('people.g.usedBy', { what: used.join(', ') }) : t('people.g.unused') }),
      g.members.length
        ? el(
            'ul',
            { class: 'members' },
            g.members.map((m) =>
              el(
                'li',
                { 'data-member': m.id },
                m.name + (m.active ? '' : ' (' + t('people.inactive') + ')') + ' ',
                admin ? el('button', { type: 'button', class: 'link-button', 'data-action': 'remove', title: t('people.g.remove'), text: '×', onclick: () => put(members.filter((id) => id !== m.id)) }) : null,
              ),
            ),
          )
        : el('p', { class: 'muted', text: t('people.g.empty') }),
    )
    if (!admin) return tile
    const candidates = active.filter((a) => !members.includes(a.id))
    const pick = el('select', { 'aria-label': t('people.g.add') }, candidates.map((a) => el('option', { value: a.id, text: a.name })))
    tile.append(
      el(
        'div',
        { class: 'inline-form' },
        pick,
        el('button', { type: 'button', class: 'secondary', 'data-action': 'add', disabled: candidates.length === 0, text: t('people.g.add'), onclick: () => put([...members, pick.value]) }),
      ),
    )
    const newName = el('input', { 'aria-label': t('people.g.rename'), maxlength: 48, placeholder: g.name, disabled: used.length > 0 })
    tile.append(
      el(
        'div',
        { class: 'inline-form' },
        newName,
        el('button', {
          type: 'button',
          class: 'secondary',
          'data-action': 'rename',
          disabled: used.length > 0,
          title: used.length ? t('people.g.renameRefused') : '',
          text: t('people.g.rename'),
          onclick: () => newName.value.trim() && put(members, newName.value.trim()),
        }),
      ),
    )
    return tile
  }

  showInactive.addEventListener('change', drawAgents)
  if (form) {
    form.addEventListener('submit', save)
    field('withLogin').addEventListener('change', showLoginFields)
    document.getElementById('agent-cancel').addEventListener('click', stopEditing)
    showLoginFields()
  }
  if (groupForm) {
    groupForm.addEventListener('submit', async (ev) => {
      ev.preventDefault()
      const name = groupForm.elements.namedItem('name').value.trim()
      const member = groupForm.elements.namedItem('member').value
      try {
        // An existing name gains the member; it does not lose the others.
        const existing = groups.find((g) => g.name === name)
        const members = existing ? [...existing.members.map((m) => m.id).filter((id) => id !== member), member] : [member]
        await api('PUT', '/groups/' + encodeURIComponent(name), { members })
        groupForm.reset()
        say(groupsError, '')
        await load()
      } catch (err) {
        say(groupsError, err.message)
      }
    })
  }
  void load()
})()
