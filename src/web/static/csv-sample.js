/* global window, FileReader, TextDecoder, XMLHttpRequest, setTimeout, clearTimeout */
// Reading the start of a CSV file in the browser, for the pages that upload one (dial lists,
// the client import): the bytes, whether they are text, the encoding, the first records;
// and sending the whole file with its progress.
;(function () {
  'use strict'
  const { t } = window.cc

  // Enough for the header and a preview; the server reads the whole file.
  const SAMPLE_BYTES = 64 * 1024

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
    if (starts(bytes, 0x50, 0x4b, 0x03, 0x04)) return t('upload.why.zip')
    if (starts(bytes, 0xd0, 0xcf, 0x11, 0xe0)) return t('upload.why.ole')
    if (starts(bytes, 0x25, 0x50, 0x44, 0x46)) return t('upload.why.pdf')
    if (starts(bytes, 0x89, 0x50, 0x4e, 0x47) || starts(bytes, 0xff, 0xd8, 0xff) || starts(bytes, 0x47, 0x49, 0x46, 0x38, 0x39, 0x61)) return t('upload.why.picture')
    let nuls = 0
    for (let i = 0; i < Math.min(bytes.length, 4096); i++) if (bytes[i] === 0 && ++nuls >= 4) return t('upload.why.binary')
    return ''
  }

  const CENTRAL_EUROPE = ['BA', 'HR', 'RS', 'ME', 'SI', 'XK', 'CZ', 'SK', 'PL', 'HU', 'RO', 'AL']
  const CYRILLIC = ['RU', 'BY', 'UA', 'BG', 'MK', 'KZ', 'KG']

  /** The text and the encoding it was read in: `chosen`, else UTF-8 if it is, else the country's legacy one. */
  function decode(bytes, whole, chosen, country) {
    let encoding = chosen
    if (starts(bytes, 0xff, 0xfe)) encoding = 'utf-16le'
    else if (starts(bytes, 0xfe, 0xff)) encoding = 'utf-16be'
    if (!encoding) {
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: !whole })
        encoding = 'utf-8'
      } catch {
        const c = country || 'BA'
        encoding = CENTRAL_EUROPE.includes(c) ? 'windows-1250' : CYRILLIC.includes(c) ? 'windows-1251' : 'windows-1252'
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

  /** A column name compared without case, accents and underscores. */
  const plain = (s) => String(s).normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[_\s]+/g, ' ').trim().toLowerCase()

  /**
   * The start of `file` read for a mapping form: { headers, rows, encoding } or { error }
   * (unreadable, empty, not text, no header, no rows), `previewRows` rows at most.
   */
  async function sample(file, { encoding, country, previewRows }) {
    let bytes
    try {
      bytes = await readStart(file)
    } catch {
      return { error: t('upload.cannotRead', { file: file.name }) }
    }
    const whole = file.size <= SAMPLE_BYTES
    if (bytes.length === 0) return { error: t('upload.empty', { file: file.name }) }
    const why = notText(bytes)
    if (why) return { error: t('upload.notCsv', { file: file.name, why }) }
    const read = decode(bytes, whole, encoding, country)
    // A record cut by the end of the sample is not shown.
    const rows = records(read.text, previewRows + 2).filter((r) => whole || !r.cut)
    if (rows.length === 0) return { error: t('upload.noHeader', { file: file.name }) }
    if (rows.length === 1 && whole) return { error: t('upload.noRows', { file: file.name }) }
    return { headers: rows[0].row.map((h) => h.trim()), rows: rows.slice(1, previewRows + 1).map((r) => r.row), encoding: read.encoding }
  }

  /**
   * POSTs `file` as text/csv. The bar shows the bytes sent (to 90 %); `follow` is called
   * every half second meanwhile (the server's own progress). Resolves with the status and
   * the JSON answer (null when there is none); rejects when the connection breaks.
   */
  function sendCsv(url, file, { bar, follow }) {
    return new Promise((resolve, reject) => {
      let poll
      const tick = async () => {
        try {
          await follow()
        } catch {
          /* the upload's answer says the rest */
        }
        poll = setTimeout(tick, 500)
      }
      const xhr = new XMLHttpRequest()
      xhr.upload.onprogress = (p) => {
        if (p.lengthComputable) bar.value = Math.round((p.loaded / p.total) * 90)
      }
      xhr.onload = () => {
        clearTimeout(poll)
        let body = null
        try {
          body = JSON.parse(xhr.responseText)
        } catch {
          body = null
        }
        resolve({ status: xhr.status, body })
      }
      xhr.onerror = () => {
        clearTimeout(poll)
        reject(new Error(t('upload.connectionBroke')))
      }
      xhr.open('POST', url)
      xhr.setRequestHeader('content-type', 'text/csv')
      xhr.send(file)
      poll = setTimeout(tick, 300)
    })
  }

  window.ccCsv = { SAMPLE_BYTES, readStart, notText, decode, records, plain, sample, sendCsv }
})()
