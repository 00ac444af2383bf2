/* global window, document, URLSearchParams */
// The client directory: search, add or change a client (POST/PATCH /clients), and import a
// CRM export with a dropdown per field from the file's header (csv-sample.js reads it), its
// progress while it loads (GET /client-imports) and its report.
;(function () {
  'use strict'
  const { api, el, t, fmt, table, label } = window.cc
  const { sample, plain } = window.ccCsv
  const list = document.getElementById('clients')
  const listError = document.getElementById('clients-error')
  const search = document.getElementById('client-search')
  const formCard = document.getElementById('client-form-card')
  const form = document.getElementById('client-form')
  const writes = Boolean(form)

  // --- search -------------------------------------------------------------------------------

  const day = (d) => (d ? fmt.date(d + 'T12:00:00') : '')

  async function load() {
    const q = new URLSearchParams()
    for (const name of ['q', 'type', 'manager']) {
      const v = search.elements[name].value.trim()
      if (v) q.set(name, v)
    }
    q.set('limit', '100')
    try {
      const r = await api('GET', '/clients?' + q.toString())
      listError.textContent = ''
      if (r.clients.length === 0) return list.replaceChildren(el('p', { class: 'muted', text: t('clients.none') }))
      const heads = ['name', 'phone', 'type', 'manager', 'vip', 'language', 'balance', 'overdueDebt', 'lastOrderDate', 'externalId'].map((k) => t('clients.col.' + k))
      if (writes) heads.push('')
      const rows = r.clients.map((c) =>
        el(
          'tr',
          { 'data-client': c.id, 'data-phone': c.phone },
          el('td', { text: c.name, title: c.name }),
          el('td', { text: c.phone }),
          el('td', { text: label('clients.type', c.type) }),
          el('td', { text: c.managerId || '' }),
          el('td', { text: c.vip ? t('clients.yes') : '' }),
          el('td', { text: c.language ? label('clients.lang', c.language) : '' }),
          el('td', { class: 'num', text: fmt.money(c.balance, c.currency) }),
          el('td', { class: 'num', text: Number(c.overdueDebt) > 0 ? fmt.money(c.overdueDebt, c.currency) : '' }),
          el('td', { text: day(c.lastOrderDate) }),
          el('td', { text: c.externalId || '' }),
          writes ? el('td', {}, el('button', { type: 'button', class: 'link', text: t('clients.edit'), onclick: () => openForm(c) })) : null,
        ),
      )
      const more = r.total > r.clients.length ? el('p', { class: 'muted small', text: t('clients.more', { shown: r.clients.length, total: r.total }) }) : null
      list.replaceChildren(table(heads, rows), more || '')
    } catch (err) {
      listError.textContent = err.message
    }
  }
  search.addEventListener('submit', (e) => {
    e.preventDefault()
    void load()
  })
  void load()

  if (!writes) return

  // --- add or change ------------------------------------------------------------------------

  const title = document.getElementById('client-form-title')
  const formError = document.getElementById('client-error')
  let editing = null

  function openForm(client) {
    editing = client || null
    form.reset()
    formError.textContent = ''
    title.textContent = client ? title.dataset.edit + ': ' + client.name : title.dataset.add
    if (client) {
      for (const k of ['name', 'phone', 'type', 'managerId', 'language', 'externalId', 'currency', 'lastOrderDate']) form.elements[k].value = client[k] || ''
      form.elements.balance.value = Number(client.balance)
      form.elements.overdueDebt.value = Number(client.overdueDebt)
      form.elements.vip.checked = Boolean(client.vip)
    }
    formCard.hidden = false
    form.elements.name.focus()
  }

  /** What the form says; on an edit only what changed. */
  function body() {
    const f = form.elements
    const text = (k) => f[k].value.trim()
    const out = {
      name: text('name'),
      phone: text('phone'),
      type: f.type.value,
      managerId: text('managerId') || null,
      language: f.language.value || null,
      externalId: text('externalId') || null,
      vip: f.vip.checked,
      lastOrderDate: f.lastOrderDate.value || null,
    }
    if (text('currency')) out.currency = text('currency')
    for (const k of ['balance', 'overdueDebt']) if (text(k) !== '') out[k] = Number(text(k))
    if (!editing) {
      for (const k of Object.keys(out)) if (out[k] === null) delete out[k]
      return out
    }
    const same = (k) => (k === 'balance' || k === 'overdueDebt' ? Number(editing[k]) === out[k] : (editing[k] ?? null) === out[k])
    for (const k of Object.keys(out)) if (same(k)) delete out[k]
    // The number as typed may be the same one written another way: the server reads it.
    if (out.phone === editing.phone) delete out.phone
    return out
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    formError.textContent = ''
    try {
      const b = body()
      if (editing) await api('PATCH', '/clients/' + editing.id, b)
      else await api('POST', '/clients', b)
      formCard.hidden = true
      editing = null
      await load()
    } catch (err) {
      formError.textContent = err.message
    }
  })
  document.getElementById('client-cancel').addEventListener('click', () => {
    formCard.hidden = true
    editing = null
  })
  document.getElementById('client-new').addEventListener('click', () => openForm(null))

  // --- import -------------------------------------------------------------------------------

  const importForm = document.getElementById('import-form')
  const fileInput = document.getElementById('import-file')
  const encodingSelect = document.getElementById('import-encoding')
  const fileError = document.getElementById('import-file-error')
  const mappingBox = document.getElementById('import-mapping')
  const fieldsBody = document.querySelector('#import-fields tbody')
  const preview = document.getElementById('import-preview')
  const previewNote = document.getElementById('import-preview-note')
  const progress = document.getElementById('import')
  const bar = document.getElementById('import-bar')
  const status = document.getElementById('import-status')
  const rejections = document.getElementById('import-rejections')
  const MEMORY = 'opencc.client-import-mapping'

  // Each field of the directory with the column names CRM exports usually give it.
  const FIELDS = [
    ['phone', ['phone', 'telefon', 'tel', 'mobitel', 'broj telefona', 'телефон', 'telefone']],
    ['externalId', ['external id', 'id', 'sifra', 'sifra kupca', 'crm id', 'код', 'codigo']],
    ['name', ['name', 'naziv', 'ime', 'kupac', 'client', 'название', 'nome']],
    ['type', ['type', 'tip', 'tip kupca', 'тип', 'tipo']],
    ['manager', ['manager', 'komercijalista', 'menadzer', 'account manager', 'менеджер', 'gestor']],
    ['vip', ['vip']],
    ['language', ['language', 'jezik', 'язык', 'idioma', 'lingua']],
    ['balance', ['balance', 'saldo', 'stanje', 'баланс']],
    ['overdueDebt', ['overdue debt', 'dug', 'dugovanje', 'iznos duga', 'долг', 'divida']],
    ['currency', ['currency', 'valuta', 'валюта', 'moeda']],
    ['lastOrderDate', ['last order', 'last order date', 'zadnja narudzba', 'datum narudzbe', 'последний заказ', 'ultima encomenda']],
  ]

  let prepared = null
  let preparing = Promise.resolve()

  function remembered() {
    try {
      return JSON.parse(window.localStorage.getItem(MEMORY) || '{}') || {}
    } catch {
      return {}
    }
  }

  async function prepare() {
    fileError.textContent = ''
    mappingBox.hidden = true
    prepared = null
    const file = fileInput.files && fileInput.files[0]
    if (!file) return
    const read = await sample(file, { encoding: encodingSelect.value, country: document.body.dataset.country, previewRows: 5 })
    if (read.error) {
      prepared = { file, error: read.error }
      fileError.textContent = read.error
      return
    }
    prepared = { file, headers: read.headers }
    const memory = remembered()
    const byName = new Map(read.headers.map((h) => [plain(h), h]))
    fieldsBody.replaceChildren(
      ...FIELDS.map(([key, names]) => {
        const name = t('clients.field.' + key)
        const select = el('select', { 'data-key': key, 'aria-label': name }, el('option', { value: '', text: '—' }), ...read.headers.map((h) => el('option', { value: h, text: h })))
        const want = memory[key]
        select.value = want && read.headers.includes(want) ? want : names.map((n) => byName.get(plain(n))).find(Boolean) || ''
        return el('tr', {}, el('td', { text: name }), el('td', {}, select))
      }),
    )
    preview.tHead.replaceChildren(el('tr', {}, ...read.headers.map((h) => el('th', { text: h }))))
    preview.tBodies[0].replaceChildren(...read.rows.map((r) => el('tr', {}, ...r.map((f) => el('td', { text: f })))))
    previewNote.textContent = t(encodingSelect.value ? 'upload.previewNote' : 'upload.previewNoteFound', { file: file.name, encoding: read.encoding })
    mappingBox.hidden = false
  }
  fileInput.addEventListener('change', () => (preparing = prepare()))
  encodingSelect.addEventListener('change', () => (preparing = prepare()))

  const counts = (i) => t('clients.importCounts', { read: i.rowsRead, created: i.created, updated: i.updated, unchanged: i.unchanged, rejected: i.rejected })

  importForm.addEventListener('submit', async (e) => {
    e.preventDefault()
    await preparing
    if (!prepared) return
    if (prepared.error) {
      fileError.textContent = prepared.error
      return
    }
    const mapping = {}
    for (const select of fieldsBody.querySelectorAll('select[data-key]')) if (select.value) mapping[select.dataset.key] = select.value
    const { file } = prepared
    if (!mapping.phone) {
      fileError.textContent = t('upload.choosePhone', { file: file.name })
      return
    }
    progress.hidden = false
    rejections.hidden = true
    bar.value = 0
    status.textContent = t('upload.uploading', { file: file.name })
    let url = '/clients/import?name=' + encodeURIComponent(file.name) + '&mapping=' + encodeURIComponent(JSON.stringify(mapping))
    if (encodingSelect.value) url += '&encoding=' + encodeURIComponent(encodingSelect.value)
    const follow = async () => {
      const { imports } = await api('GET', '/client-imports')
      const i = imports.find((x) => x.name === file.name && x.status === 'loading')
      if (i) status.textContent = t('clients.importLoading', { counts: counts(i) })
    }
    let answer
    try {
      answer = await window.ccCsv.sendCsv(url, file, { bar, follow })
    } catch (err) {
      status.textContent = err.message
      return
    }
    const r = answer.body
    if (answer.status !== 201 || !r) {
      bar.value = 0
      status.textContent = t('upload.refused', { why: (r && r.message) || t('upload.serverAnswered', { status: answer.status }) })
      return
    }
    bar.value = 100
    window.localStorage.setItem(MEMORY, JSON.stringify(mapping))
    status.textContent = t('clients.importDone', { id: r.importId, counts: counts(r) })
    if (r.rejected > 0) {
      const rep = await api('GET', '/client-imports/' + r.importId + '/rejections?limit=100')
      rejections.tBodies[0].replaceChildren(...rep.rejections.map((x) => el('tr', {}, el('td', { text: x.line }), el('td', { text: x.reason }), el('td', {}, el('code', { text: x.excerpt || '' })))))
      rejections.hidden = false
    }
    fileInput.value = ''
    prepared = null
    mappingBox.hidden = true
    await load()
  })
})()
