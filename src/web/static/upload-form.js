/* global window, document */
// The manager page's list upload: the file's header and first rows are read here (FileReader),
// each field gets a dropdown of the file's columns, the choice is remembered per campaign
// (localStorage), and the upload's report says what the server read.
;(function () {
  'use strict'
  const { api, el, t } = window.cc
  const form = document.getElementById('list-form')
  const campaignSelect = document.getElementById('list-campaign')
  const fileInput = form.querySelector('input[type=file]')
  const encodingSelect = document.getElementById('list-encoding')
  const fileError = document.getElementById('file-error')
  const mappingBox = document.getElementById('mapping')
  const fieldsBody = document.querySelector('#mapping-fields tbody')
  const preview = document.getElementById('preview')
  const previewNote = document.getElementById('preview-note')
  const upload = document.getElementById('upload')
  const bar = document.getElementById('upload-bar')
  const status = document.getElementById('upload-status')
  const notes = document.getElementById('upload-notes')
  const rejections = document.getElementById('rejections')

  // Reading the file's start is csv-sample.js's (shared with the client import).
  const { SAMPLE_BYTES, readStart, notText, records, plain } = window.ccCsv
  const PREVIEW_ROWS = 5

  // Each field, with the column names it usually has (compared without case and accents).
  const BASE_FIELDS = [
    { key: 'phone', label: t('upload.field.phone'), names: ['phone', 'telefon', 'tel', 'mobitel', 'mobile', 'broj telefona', 'phone number', 'телефон'] },
    { key: 'name', label: t('upload.field.name'), names: ['name', 'ime', 'ime i prezime', 'naziv', 'full name', 'имя', 'фио'] },
    { key: 'language', label: t('upload.field.language'), names: ['language', 'jezik', 'lang', 'язык', 'idioma', 'lingua'] },
    { key: 'timezone', label: t('upload.field.timezone'), names: ['timezone', 'time zone', 'tz', 'vremenska zona'] },
    { key: 'clientId', label: t('upload.field.clientId'), names: ['client id', 'clientid', 'sifra kupca', 'id kupca'] },
    { key: 'consent', label: t('upload.field.consent'), names: ['consent', 'saglasnost', 'suglasnost', 'pristanak'] },
  ]
  const KIND_FIELDS = {
    'payment-reminder': [
      { key: 'amount_due', custom: true, label: t('upload.field.amountDue'), names: ['amount due', 'amount', 'iznos', 'iznos duga', 'dug', 'сумма'] },
      { key: 'currency', custom: true, label: t('upload.field.currency'), names: ['currency', 'valuta', 'валюта'] },
      { key: 'due_date', custom: true, label: t('upload.field.dueDate'), names: ['due date', 'datum dospijeca', 'datum dospeca', 'rok placanja', 'rok'] },
    ],
    telesales: [{ key: 'offer', custom: true, label: t('upload.field.offer'), names: ['offer', 'ponuda'] }],
  }

  const storageKey = (campaign) => 'opencc.upload-mapping.' + campaign

  function remembered(campaign) {
    try {
      return JSON.parse(window.localStorage.getItem(storageKey(campaign)) || '{}') || {}
    } catch {
      return {}
    }
  }

  function fieldsOf(campaign) {
    const option = campaignSelect.querySelector('option[value="' + campaign + '"]')
    return BASE_FIELDS.concat(KIND_FIELDS[option ? option.dataset.kind : ''] || [])
  }

  // --- reading the start of the file -------------------------------------------------------

  /** The text and the encoding it was read in: the one picked, else UTF-8 if it is, else the campaign's country's legacy one. */
  function decode(bytes, whole) {
    const option = campaignSelect.selectedOptions[0]
    return window.ccCsv.decode(bytes, whole, encodingSelect.value, option && option.dataset.country)
  }

  // --- the form -----------------------------------------------------------------------------

  let prepared = null // { file, headers } of the file chosen, or { file, error }
  let preparing = Promise.resolve()

  function clearPreview() {
    mappingBox.hidden = true
    fieldsBody.replaceChildren()
    preview.tHead.replaceChildren()
    preview.tBodies[0].replaceChildren()
    previewNote.textContent = ''
  }

  async function prepare() {
    fileError.textContent = ''
    clearPreview()
    prepared = null
    const file = fileInput.files && fileInput.files[0]
    if (!file) return
    let bytes
    try {
      bytes = await readStart(file)
    } catch {
      prepared = { file, error: t('upload.cannotRead', { file: file.name }) }
      fileError.textContent = prepared.error
      return
    }
    const whole = file.size <= SAMPLE_BYTES
    const why = bytes.length === 0 ? '' : notText(bytes)
    let error = ''
    let read = null
    let rows = []
    if (bytes.length === 0) error = t('upload.empty', { file: file.name })
    else if (why) error = t('upload.notCsv', { file: file.name, why })
    else {
      read = decode(bytes, whole)
      // A record cut by the end of the sample is not shown.
      rows = records(read.text, PREVIEW_ROWS + 2).filter((r) => whole || !r.cut)
      if (rows.length === 0) error = t('upload.noHeader', { file: file.name })
      else if (rows.length === 1 && whole) error = t('upload.noRows', { file: file.name })
    }
    if (error) {
      prepared = { file, error }
      fileError.textContent = error
      return
    }
    const headers = rows[0].row.map((h) => h.trim())
    prepared = { file, headers }
    renderFields()
    preview.tHead.replaceChildren(el('tr', {}, ...headers.map((h) => el('th', { text: h }))))
    preview.tBodies[0].replaceChildren(...rows.slice(1, PREVIEW_ROWS + 1).map((r) => el('tr', {}, ...r.row.map((f) => el('td', { text: f })))))
    previewNote.textContent = t(encodingSelect.value ? 'upload.previewNote' : 'upload.previewNoteFound', { file: file.name, encoding: read.encoding })
    mappingBox.hidden = false
  }

  /** A dropdown per field: the remembered column if the file has it, else one with a usual name. */
  function renderFields() {
    if (!prepared || !prepared.headers) return
    const headers = prepared.headers
    const memory = remembered(campaignSelect.value)
    const byName = new Map(headers.map((h) => [plain(h), h]))
    const rows = fieldsOf(campaignSelect.value).map((f) => {
      const want = memory[f.key]
      const chosen = want !== undefined && (want === '' || headers.includes(want)) ? want : f.names.map((n) => byName.get(plain(n))).find(Boolean) || ''
      const select = el('select', { 'data-key': f.key, 'data-custom': f.custom ? '1' : undefined, 'aria-label': f.label }, el('option', { value: '', text: '—' }), ...headers.map((h) => el('option', { value: h, text: h })))
      select.value = chosen
      return el('tr', {}, el('td', { text: f.label }), el('td', {}, select))
    })
    fieldsBody.replaceChildren(...rows)
  }

  /** The mapping the dropdowns say, for the server and for next time. */
  function chosenMapping() {
    const mapping = {}
    const memory = {}
    for (const select of fieldsBody.querySelectorAll('select[data-key]')) {
      const key = select.dataset.key
      memory[key] = select.value
      if (!select.value) continue
      if (select.dataset.custom) (mapping.fields = mapping.fields || {})[key] = select.value
      else mapping[key] = select.value
    }
    return { mapping, memory }
  }

  let lastCampaign = null
  campaignSelect.addEventListener('change', () => {
    // manager.js reloads the choices now and then: only another campaign changes the fields.
    if (campaignSelect.value === lastCampaign) return
    lastCampaign = campaignSelect.value
    const memory = remembered(campaignSelect.value)
    if (memory.encoding !== undefined) encodingSelect.value = memory.encoding
    renderFields()
  })
  fileInput.addEventListener('change', () => (preparing = prepare()))
  encodingSelect.addEventListener('change', () => (preparing = prepare()))

  function refused(message) {
    bar.value = 0
    status.textContent = message
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    await preparing
    const campaign = campaignSelect.value
    if (!campaign || !prepared) return
    if (prepared.error) {
      fileError.textContent = prepared.error
      return
    }
    const { file } = prepared
    const { mapping, memory } = chosenMapping()
    if (!mapping.phone) {
      fileError.textContent = t('upload.choosePhone', { file: file.name })
      return
    }
    fileError.textContent = ''
    upload.hidden = false
    rejections.hidden = true
    notes.textContent = ''
    bar.value = 0
    status.textContent = t('upload.uploading', { file: file.name })
    let url = '/campaigns/' + encodeURIComponent(campaign) + '/lists?name=' + encodeURIComponent(file.name) + '&mapping=' + encodeURIComponent(JSON.stringify(mapping))
    if (encodingSelect.value) url += '&encoding=' + encodeURIComponent(encodingSelect.value)
    const follow = async () => {
      const { lists } = await api('GET', '/campaigns/' + encodeURIComponent(campaign) + '/lists')
      const l = lists[0]
      if (l && l.status === 'loading') status.textContent = t('upload.loading', { read: l.rowsRead, accepted: l.accepted, rejected: l.rejected })
    }
    let answer
    try {
      answer = await window.ccCsv.sendCsv(url, file, { bar, follow })
    } catch (err) {
      return refused(err.message)
    }
    const r = answer.body
    if (answer.status !== 201 || !r) return refused(t('upload.refused', { why: (r && r.message) || t('upload.serverAnswered', { status: answer.status }) }))
    bar.value = 100
    window.localStorage.setItem(storageKey(campaign), JSON.stringify({ ...memory, encoding: encodingSelect.value }))
    status.textContent =
      r.rowsRead === 0
        ? t('upload.noRows', { file: file.name })
        : t('upload.loaded', { id: r.listId, rows: r.rowsRead, accepted: r.accepted, rejected: r.rejected, merged: r.duplicates, dnc: r.doNotCall })
    try {
      notes.textContent = describe(await api('GET', '/lists/' + r.listId))
    } catch {
      /* the totals are shown; the notes are extra */
    }
    if (r.rejected + r.doNotCall > 0) {
      const rep = await api('GET', '/lists/' + r.listId + '/rejections?limit=100')
      rejections.tBodies[0].replaceChildren(...rep.rejections.map((x) => el('tr', {}, el('td', { text: x.line }), el('td', { text: x.reason }), el('td', {}, el('code', { text: x.excerpt || '' })))))
      rejections.hidden = false
    }
    fileInput.value = ''
    prepared = null
    clearPreview()
  })

  /** The list report's encoding and language mapping, in words. */
  function describe(list) {
    const parts = []
    if (list.encoding) parts.push(t('upload.readAs', { encoding: list.encoding }))
    const languages = Object.entries((list.notes && list.notes.languages) || {})
    if (languages.length > 0) {
      parts.push(t('upload.closeLanguage', { list: languages.map(([from, m]) => from + ' → ' + m.to + ' (' + t(m.rows === 1 ? 'upload.oneRow' : 'upload.rows', { n: m.rows }) + ')').join(', ') }))
    }
    return parts.join(' ')
  }
})()
