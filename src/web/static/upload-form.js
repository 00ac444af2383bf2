/* global window, document, XMLHttpRequest, setTimeout, clearTimeout, FileReader, TextDecoder */
// The manager page's list upload: the file's header and first rows are read here (FileReader),
// each field gets a dropdown of the file's columns, the choice is remembered per campaign
// (localStorage), and the upload's report says what the server read.
;(function () {
  'use strict'
  const { api, el } = window.cc
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

  // Enough for the header and the preview; the server reads the whole file.
  const SAMPLE_BYTES = 64 * 1024
  const PREVIEW_ROWS = 5

  // Each field, with the column names it usually has (compared without case and accents).
  const BASE_FIELDS = [
    { key: 'phone', label: 'Phone number (required)', names: ['phone', 'telefon', 'tel', 'mobitel', 'mobile', 'broj telefona', 'phone number', 'телефон'] },
    { key: 'name', label: 'Name', names: ['name', 'ime', 'ime i prezime', 'naziv', 'full name', 'имя', 'фио'] },
    { key: 'language', label: 'Language', names: ['language', 'jezik', 'lang', 'язык', 'idioma', 'lingua'] },
    { key: 'timezone', label: 'Time zone', names: ['timezone', 'time zone', 'tz', 'vremenska zona'] },
    { key: 'clientId', label: 'Client id', names: ['client id', 'clientid', 'sifra kupca', 'id kupca'] },
    { key: 'consent', label: 'Consent', names: ['consent', 'saglasnost', 'suglasnost', 'pristanak'] },
  ]
  const KIND_FIELDS = {
    'payment-reminder': [
      { key: 'amount_due', custom: true, label: 'Amount due', names: ['amount due', 'amount', 'iznos', 'iznos duga', 'dug', 'сумма'] },
      { key: 'currency', custom: true, label: 'Currency (else the campaign’s)', names: ['currency', 'valuta', 'валюта'] },
      { key: 'due_date', custom: true, label: 'Due date', names: ['due date', 'datum dospijeca', 'datum dospeca', 'rok placanja', 'rok'] },
    ],
    telesales: [{ key: 'offer', custom: true, label: 'Offer', names: ['offer', 'ponuda'] }],
  }

  const plain = (s) => String(s).normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[_\s]+/g, ' ').trim().toLowerCase()
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

  function readStart(file) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader()
      reader.onload = () => resolve(new Uint8Array(reader.result))
      reader.onerror = () => reject(reader.error)
      reader.readAsArrayBuffer(file.slice(0, SAMPLE_BYTES))
    })
  }

  const starts = (bytes, ...head) => head.every((b, i) => bytes[i] === b)

  /** Why the bytes are not a text file (the same rules as the server's), or ''. */
  function notText(bytes) {
    if (starts(bytes, 0xff, 0xfe) || starts(bytes, 0xfe, 0xff)) return ''
    if (starts(bytes, 0x50, 0x4b, 0x03, 0x04)) return 'it is a ZIP archive (an Excel .xlsx workbook?); save it as CSV'
    if (starts(bytes, 0xd0, 0xcf, 0x11, 0xe0)) return 'it is an old Excel or Word file (.xls, .doc); save it as CSV'
    if (starts(bytes, 0x25, 0x50, 0x44, 0x46)) return 'it is a PDF'
    if (starts(bytes, 0x89, 0x50, 0x4e, 0x47) || starts(bytes, 0xff, 0xd8, 0xff) || starts(bytes, 0x47, 0x49, 0x46, 0x38, 0x39, 0x61)) return 'it is a picture'
    let nuls = 0
    for (let i = 0; i < Math.min(bytes.length, 4096); i++) if (bytes[i] === 0 && ++nuls >= 4) return 'it has binary content'
    return ''
  }

  const CENTRAL_EUROPE = ['BA', 'HR', 'RS', 'ME', 'SI', 'XK', 'CZ', 'SK', 'PL', 'HU', 'RO', 'AL']
  const CYRILLIC = ['RU', 'BY', 'UA', 'BG', 'MK', 'KZ', 'KG']

  /** The text and the encoding it was read in: the one picked, else UTF-8 if it is, else the country's legacy one. */
  function decode(bytes, whole) {
    let encoding = encodingSelect.value
    if (starts(bytes, 0xff, 0xfe)) encoding = 'utf-16le'
    else if (starts(bytes, 0xfe, 0xff)) encoding = 'utf-16be'
    if (!encoding) {
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: !whole })
        encoding = 'utf-8'
      } catch {
        const option = campaignSelect.selectedOptions[0]
        const country = (option && option.dataset.country) || 'BA'
        encoding = CENTRAL_EUROPE.includes(country) ? 'windows-1250' : CYRILLIC.includes(country) ? 'windows-1251' : 'windows-1252'
      }
    }
    return { encoding, text: new TextDecoder(encoding).decode(bytes) }
  }

  /**
   * Records of CSV text (quotes, "" escapes, the header's delimiter), at most `max`; blank ones
   * skipped. `cut`: the last record ran to the end of the text (in a sample, it may go on).
   */
  function records(text, max) {
    const firstLine = text.split(/\r\n|\n|\r/, 1)[0] || ''
    const outside = firstLine.replace(/"[^"]*"/g, '')
    const delim = (outside.match(/;/g) || []).length > (outside.match(/,/g) || []).length ? ';' : ','
    const out = []
    let row = []
    let field = ''
    let quoted = false
    const endRecord = (cut) => {
      row.push(field)
      if (row.some((f) => f.trim() !== '')) out.push({ row, cut })
      row = []
      field = ''
    }
    let i = 0
    for (; i < text.length && out.length < max; i++) {
      const c = text[i]
      if (quoted) {
        if (c !== '"') field += c
        else if (text[i + 1] === '"') {
          field += '"'
          i++
        } else quoted = false
      } else if (c === '"' && field === '') quoted = true
      else if (c === delim) {
        row.push(field)
        field = ''
      } else if (c === '\n' || c === '\r') {
        if (c === '\r' && text[i + 1] === '\n') i++
        endRecord(false)
      } else field += c
    }
    if (i >= text.length && (row.length > 0 || field !== '')) endRecord(true)
    return out
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
      prepared = { file, error: file.name + ' cannot be read' }
      fileError.textContent = prepared.error
      return
    }
    const whole = file.size <= SAMPLE_BYTES
    const why = bytes.length === 0 ? '' : notText(bytes)
    let error = ''
    let read = null
    let rows = []
    if (bytes.length === 0) error = file.name + ' is empty'
    else if (why) error = file.name + ' is not a CSV text file: ' + why
    else {
      read = decode(bytes, whole)
      // A record cut by the end of the sample is not shown.
      rows = records(read.text, PREVIEW_ROWS + 2).filter((r) => whole || !r.cut)
      if (rows.length === 0) error = file.name + ' has no header line'
      else if (rows.length === 1 && whole) error = file.name + ' has a header and no rows'
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
    previewNote.textContent = 'The first rows of ' + file.name + ', read as ' + read.encoding + (encodingSelect.value ? '' : ' (found from the file; pick another above if the letters look wrong)') + '.'
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
      fileError.textContent = 'Choose the column of ' + file.name + ' that holds the phone numbers'
      return
    }
    fileError.textContent = ''
    upload.hidden = false
    rejections.hidden = true
    notes.textContent = ''
    bar.value = 0
    status.textContent = 'Uploading ' + file.name + '…'
    let url = '/campaigns/' + encodeURIComponent(campaign) + '/lists?name=' + encodeURIComponent(file.name) + '&mapping=' + encodeURIComponent(JSON.stringify(mapping))
    if (encodingSelect.value) url += '&encoding=' + encodeURIComponent(encodingSelect.value)
    const xhr = new XMLHttpRequest()
    let poll
    const follow = async () => {
      try {
        const { lists } = await api('GET', '/campaigns/' + encodeURIComponent(campaign) + '/lists')
        const l = lists[0]
        if (l && l.status === 'loading') status.textContent = 'Loading: ' + l.rowsRead + ' rows read, ' + l.accepted + ' accepted, ' + l.rejected + ' rejected'
      } catch {
        /* the answer of the upload says the rest */
      }
      poll = setTimeout(follow, 500)
    }
    xhr.upload.onprogress = (p) => {
      if (p.lengthComputable) bar.value = Math.round((p.loaded / p.total) * 90)
    }
    xhr.onload = async () => {
      clearTimeout(poll)
      let r = null
      try {
        r = JSON.parse(xhr.responseText)
      } catch {
        r = null
      }
      if (xhr.status !== 201 || !r) return refused('Upload refused: ' + ((r && r.message) || 'the server answered ' + xhr.status))
      bar.value = 100
      window.localStorage.setItem(storageKey(campaign), JSON.stringify({ ...memory, encoding: encodingSelect.value }))
      status.textContent =
        r.rowsRead === 0
          ? file.name + ' has a header and no rows'
          : 'Loaded list #' + r.listId + ': ' + r.rowsRead + ' rows, ' + r.accepted + ' accepted, ' + r.rejected + ' rejected, ' + r.duplicates + ' merged, ' + r.doNotCall + ' on the do-not-call list'
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
    }
    xhr.onerror = () => {
      clearTimeout(poll)
      refused('Upload failed: the connection broke')
    }
    xhr.open('POST', url)
    xhr.setRequestHeader('content-type', 'text/csv')
    xhr.send(file)
    poll = setTimeout(follow, 300)
  })

  /** The list report's encoding and language mapping, in words. */
  function describe(list) {
    const parts = []
    if (list.encoding) parts.push('Read as ' + list.encoding + '.')
    const languages = Object.entries((list.notes && list.notes.languages) || {})
    if (languages.length > 0) {
      parts.push('Spoken with the prompts of a close language: ' + languages.map(([from, m]) => from + ' → ' + m.to + ' (' + m.rows + (m.rows === 1 ? ' row' : ' rows') + ')').join(', ') + '.')
    }
    return parts.join(' ')
  }
})()
