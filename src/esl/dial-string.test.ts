import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { UnsafeCommandError } from './commands.js'
import { conferenceTarget, dialableNumber, dialString, endpointFromTemplate, leg, originateToConference, originateToEavesdrop, originateToSocket, variableBlock } from './dial-string.js'

/**
 * A model of how FreeSWITCH reads what we build: originate splits its arguments on spaces
 * outside single quotes; a dial string starts with an optional `{...}` block, legs are
 * separated by `,` or `|` outside quotes and brackets, each with an optional `[...]` block;
 * a variable block holds `name=value` pairs separated by `,` outside quotes.
 */
function splitOutside(text: string, seps: string): string[] {
  const out: string[] = []
  let cur = ''
  let quote = false
  let depth = 0
  for (const c of text) {
    if (c === "'") quote = !quote
    else if (!quote && (c === '{' || c === '[')) depth++
    else if (!quote && (c === '}' || c === ']')) depth--
    if (!quote && depth === 0 && seps.includes(c)) {
      out.push(cur)
      cur = ''
    } else cur += c
  }
  out.push(cur)
  return out
}

function parseVars(block: string): Record<string, string> {
  const vars: Record<string, string> = {}
  if (block === '') return vars
  for (const pair of splitOutside(block, ',')) {
    const eq = pair.indexOf('=')
    let value = pair.slice(eq + 1)
    if (value.startsWith("'") && value.endsWith("'")) value = value.slice(1, -1)
    vars[pair.slice(0, eq)] = value
  }
  return vars
}

function parseDial(dial: string): { vars: Record<string, string>; legs: Array<{ vars: Record<string, string>; target: string }> } {
  let rest = dial
  let global = ''
  if (rest.startsWith('{')) {
    const end = closing(rest, '{', '}')
    global = rest.slice(1, end)
    rest = rest.slice(end + 1)
  }
  const legs = splitOutside(rest, ',|').map((l) => {
    if (!l.startsWith('[')) return { vars: {}, target: l }
    const end = closing(l, '[', ']')
    return { vars: parseVars(l.slice(1, end)), target: l.slice(end + 1) }
  })
  return { vars: parseVars(global), legs }
}

function closing(text: string, open: string, close: string): number {
  let quote = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === "'") quote = !quote
    else if (!quote && c === close) return i
    else if (!quote && c === open && i > 0) return -1
  }
  return -1
}

describe('variableBlock', () => {
  it('renders exact strings', () => {
    expect(variableBlock({ campaign_id: 42, contact_id: '7', ignore_early_media: true })).toBe('{campaign_id=42,contact_id=7,ignore_early_media=true}')
    expect(variableBlock({ origination_caller_id_name: 'Acme Trading' })).toBe("{origination_caller_id_name='Acme Trading'}")
    expect(variableBlock({ a: 'x' }, 'leg')).toBe('[a=x]')
    expect(variableBlock({ a: undefined })).toBe('')
    expect(variableBlock({ name: 'Љиљана Петровић' })).toBe("{name='Љиљана Петровић'}")
  })

  it('rejects dial-string syntax in values with an error naming the field', () => {
    for (const bad of ['a,b', 'a|b', '{x}', '[x]', "O'Brien", '^^:x', '${system}', 'a\nb', 'a;b', ' lead']) {
      expect(() => variableBlock({ origination_caller_id_name: bad })).toThrow(UnsafeCommandError)
    }
    expect(() => variableBlock({ origination_caller_id_name: 'a,b' })).toThrow(/origination_caller_id_name/)
    expect(() => variableBlock({ 'bad name': 'x' })).toThrow(/channel variable name/)
    // A SIP header's hyphens, and only in a header variable.
    expect(variableBlock({ 'sip_h_X-OpenCC-Auto-Answer': true })).toBe('{sip_h_X-OpenCC-Auto-Answer=true}')
    for (const bad of ['sip_h_X-A,b', 'sip_h_X-A b', 'sip_h_X-', 'not_sip-header', 'sip_h_X-A}']) expect(() => variableBlock({ [bad]: 'x' })).toThrow(/channel variable name/)
  })

  it('property: any value is either rejected or read back unchanged, with the structure intact', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ maxLength: 20 }), (value, other) => {
        let dial: string
        try {
          dial = dialString([leg('sofia/gateway/carrier/15551234567', { leg_var: other.replace(/[^a-z]/g, '') || 'x' })], {
            vars: { origination_caller_id_name: value, campaign_id: 42 },
          })
        } catch (err) {
          expect(err).toBeInstanceOf(UnsafeCommandError)
          return
        }
        const parsed = parseDial(dial)
        expect(parsed.vars).toEqual({ origination_caller_id_name: value, campaign_id: '42' })
        expect(parsed.legs).toHaveLength(1)
        expect(parsed.legs[0]!.target).toBe('sofia/gateway/carrier/15551234567')
        // originate sees exactly two arguments: the dial string and the application.
        expect(splitOutside(originateToSocket(dial, '127.0.0.1:8084'), ' ')).toEqual(['originate', dial, "'&socket(127.0.0.1:8084 async full)'"])
      }),
      { numRuns: 3000 },
    )
  })
})

describe('numbers and endpoints', () => {
  it('fills templates with validated numbers', () => {
    expect(endpointFromTemplate('sofia/gateway/carrier/{number}', '+15551234567')).toBe('sofia/gateway/carrier/+15551234567')
    expect(endpointFromTemplate('loopback/{number}/default', '5000')).toBe('loopback/5000/default')
    expect(() => endpointFromTemplate('sofia/gateway/{x}/{number}', '1')).toThrow(/template/)
  })

  it('property: a number is digits (optional +) or rejected; the endpoint never gains structure', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (raw) => {
        try {
          const e = endpointFromTemplate('sofia/gateway/carrier/{number}', raw)
          expect(e).toMatch(/^sofia\/gateway\/carrier\/\+?[0-9]{1,20}$/)
          expect(parseDial(e).legs).toHaveLength(1)
        } catch (err) {
          expect(err).toBeInstanceOf(UnsafeCommandError)
        }
      }),
      { numRuns: 3000 },
    )
  })

  it('rejects numbers with separators or letters', () => {
    for (const bad of ['', '555 1234', '555,1234', '5551234|666', '1'.repeat(21), '12a', '+']) {
      expect(() => dialableNumber('phone', bad)).toThrow(UnsafeCommandError)
    }
  })

  it('builds multi-leg dial strings', () => {
    expect(dialString(['user/1001', 'user/1002'])).toBe('user/1001,user/1002')
    expect(dialString(['user/1001', 'user/1002'], { mode: 'sequential', vars: { originate_timeout: 20 } })).toBe('{originate_timeout=20}user/1001|user/1002')
    expect(() => leg('user/10 01')).toThrow(UnsafeCommandError)
  })

  it('names conferences and eavesdrop targets only with safe characters', () => {
    expect(conferenceTarget('line-ana@opencc-line', 'join-only')).toBe('line-ana@opencc-line+flags{join-only}')
    expect(originateToConference('{a=1}user/ana', 'line-ana@opencc-line', 'endconf|moderator')).toBe('originate {a=1}user/ana &conference(line-ana@opencc-line+flags{endconf|moderator})')
    for (const bad of ['line ana@p', 'line-ana', 'a@p)', 'a@p}{', 'a,b@p']) expect(() => conferenceTarget(bad)).toThrow(UnsafeCommandError)
    expect(() => conferenceTarget('a@p', 'endconf}|x')).toThrow(/conference flags/)
    expect(originateToEavesdrop('user/sam', 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6')).toBe('originate user/sam &eavesdrop(f81d4fae-7dec-11d0-a765-00a0c91e6bf6)')
    expect(() => originateToEavesdrop('user/sam', 'x) &hangup(')).toThrow(/channel uuid/)
  })

  it('quotes the socket application so originate keeps it whole', () => {
    expect(originateToSocket('{a=1}loopback/5001/default', '127.0.0.1:8084')).toBe("originate {a=1}loopback/5001/default '&socket(127.0.0.1:8084 async full)'")
  })
})
