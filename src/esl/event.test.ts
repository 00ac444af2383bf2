import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { JsonEvent, PlainEvent } from './event.js'
import { fsUrlDecode, fsUrlEncode } from './url-encoding.js'

const plainBody = Buffer.from(
  [
    'Event-Name: CHANNEL_EXECUTE_COMPLETE',
    'Event-Date-Local: 2026-11-22%2011%3A06%3A06',
    'Unique-ID: e28fc7de-852b-4216-86ea-cc6ebb8bf32e',
    'variable_DP_MATCH: ARRAY%3A%3A5000%7C%3A5000',
    'variable_current_application_data: 1%201%203%205000%20%23%20tone_stream%3A//%25(100,0,600)%20silence_stream%3A//250%20ivr_digit%20%5Cd',
    'variable_read_result: success',
    'Application: play_and_get_digits',
    'Application-Response: _none_',
    'Application-UUID: 76f310e4-6a8a-401c-977d-d48eacb765ec',
    '',
    '',
  ].join('\n'),
)

describe('PlainEvent', () => {
  it('reads headers lazily and URL-decodes them', () => {
    const e = new PlainEvent(plainBody)
    expect(e.name).toBe('CHANNEL_EXECUTE_COMPLETE')
    expect(e.get('Application-UUID')).toBe('76f310e4-6a8a-401c-977d-d48eacb765ec')
    expect(e.get('Event-Date-Local')).toBe('2026-11-22 11:06:06')
    expect(e.variable('DP_MATCH')).toBe('ARRAY::5000|:5000')
    expect(e.variable('current_application_data')).toBe('1 1 3 5000 # tone_stream://%(100,0,600) silence_stream://250 ivr_digit \\d')
    expect(e.variable('read_result')).toBe('success')
    expect(e.get('Missing')).toBeUndefined()
  })

  it('matches whole header names only', () => {
    const e = new PlainEvent(plainBody)
    // "Application" must not match "Application-UUID" or "variable_current_application_data".
    expect(e.get('Application')).toBe('play_and_get_digits')
    expect(e.get('UUID')).toBeUndefined()
  })

  it('keeps a BACKGROUND_JOB result apart from the headers', () => {
    const body = Buffer.from('Event-Name: BACKGROUND_JOB\nJob-UUID: abc\nContent-Length: 15\n\n-ERR USER_BUSY\n')
    const e = new PlainEvent(body)
    expect(e.get('Job-UUID')).toBe('abc')
    expect(e.content).toBe('-ERR USER_BUSY\n')
    // Text in the job result is not a header.
    const tricky = new PlainEvent(Buffer.from('Event-Name: BACKGROUND_JOB\nContent-Length: 12\n\nJob-UUID: x\n'))
    expect(tricky.get('Job-UUID')).toBeUndefined()
  })
})

describe('JsonEvent', () => {
  it('reads values and renders array variables like plain events do', () => {
    const e = new JsonEvent(Buffer.from(JSON.stringify({ 'Event-Name': 'CHANNEL_ANSWER', variable_DP_MATCH: ['5000', '5000'], 'Unique-ID': 'u1' })))
    expect(e.name).toBe('CHANNEL_ANSWER')
    expect(e.variable('DP_MATCH')).toBe('ARRAY::5000|:5000')
    expect(e.get('Unique-ID')).toBe('u1')
    const job = new JsonEvent(Buffer.from(JSON.stringify({ 'Event-Name': 'BACKGROUND_JOB', _body: '+OK x\n' })))
    expect(job.content).toBe('+OK x\n')
  })
})

describe('JsonEvent lookups in the raw bytes', () => {
  const obj = {
    'Event-Name': 'CHANNEL_EXECUTE_COMPLETE',
    // A value that contains what looks like another key.
    'Application-Data': 'say "Application-UUID":"not-this",x',
    'Application-UUID': '76f310e4-6a8a-401c-977d-d48eacb765ec',
    variable_name: 'Љиљана \\ "Ana"\nnext',
    variable_list: ['a,b', 'c]'],
    variable_count: 3,
    variable_flag: true,
    variable_none: null,
  }
  const e = new JsonEvent(Buffer.from(JSON.stringify(obj)))

  it('finds keys only where keys are, and decodes strings, arrays and scalars', () => {
    expect(e.name).toBe('CHANNEL_EXECUTE_COMPLETE')
    expect(e.get('Application-UUID')).toBe('76f310e4-6a8a-401c-977d-d48eacb765ec')
    expect(e.get('Application-Data')).toBe('say "Application-UUID":"not-this",x')
    expect(e.variable('name')).toBe('Љиљана \\ "Ana"\nnext')
    expect(e.variable('list')).toBe('ARRAY::a,b|:c]')
    expect(e.variable('count')).toBe('3')
    expect(e.variable('flag')).toBe('true')
    expect(e.variable('none')).toBeUndefined()
    expect(e.get('Missing')).toBeUndefined()
  })

  it('property: every value reads back as JSON.parse would give it', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 }))), (dict) => {
        const ev = new JsonEvent(Buffer.from(JSON.stringify({ 'Event-Name': 'X', ...dict })))
        for (const [k, v] of Object.entries(dict)) {
          if (k === 'Event-Name' || k === '__proto__') continue
          const expected = Array.isArray(v) ? `ARRAY::${v.join('|:')}` : String(v)
          expect(ev.get(k)).toBe(expected)
        }
      }),
      { numRuns: 500 },
    )
  })
})

describe('FreeSWITCH URL encoding', () => {
  it('encodes what switch_url_encode encodes and nothing else', () => {
    expect(fsUrlEncode('2026-11-22 11:06:06')).toBe('2026-11-22%2011%3A06%3A06')
    expect(fsUrlEncode('Sun, 22 Nov')).toBe('Sun,%2022%20Nov')
    expect(fsUrlEncode('tone_stream://%(100,0,600)')).toBe('tone_stream%3A//%25(100,0,600)')
    expect(fsUrlEncode('1 1 3 5000 # x \\d')).toBe('1%201%203%205000%20%23%20x%20%5Cd')
    expect(fsUrlEncode('+OK\n')).toBe('%2BOK%0A')
    // An existing upper-case escape is passed through (double_encode off).
    expect(fsUrlEncode('50%20off')).toBe('50%20off')
    expect(fsUrlEncode('50% off')).toBe('50%25%20off')
    expect(fsUrlEncode('Љ')).toBe('%D0%89')
  })

  it('round-trips text without existing escapes', () => {
    for (const s of ['Outbound Call', 'ARRAY::5000|:5000', 'Петровић, Ana', 'a=b;c&d?e@f']) expect(fsUrlDecode(fsUrlEncode(s))).toBe(s)
  })
})
