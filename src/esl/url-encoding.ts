/**
 * FreeSWITCH's URL encoding of plain-event header values (switch_url_encode with
 * double_encode off): bytes below ' ' or above '~' and the characters of
 * SWITCH_URL_UNSAFE become %XX; a '%' already followed by two upper-case hex digits is
 * left alone, as FreeSWITCH does.
 */
const UNSAFE = new Set(Array.from('\r\n #%&+:;<=>?@[\\]^`{|}"', (c) => c.charCodeAt(0)))
const HEX = '0123456789ABCDEF'
const isUpperHex = (b: number | undefined): boolean =>
  b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46))

/** Values made only of characters FreeSWITCH leaves alone (most of them): nothing to do. */
const SAFE = /^[A-Za-z0-9_.,/()*!'~$-]*$/

export function fsUrlEncode(value: string): string {
  if (SAFE.test(value)) return value
  const bytes = Buffer.from(value, 'utf8')
  let out = ''
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!
    if (b === 0x25 && isUpperHex(bytes[i + 1]) && isUpperHex(bytes[i + 2])) {
      out += '%'
      continue
    }
    if (b < 0x20 || b > 0x7e || UNSAFE.has(b)) {
      out += '%' + HEX[b >> 4]! + HEX[b & 15]!
    } else {
      out += String.fromCharCode(b)
    }
  }
  return out
}

/** Decodes %XX escapes (any case) into UTF-8 text; a malformed escape is kept as is. */
export function fsUrlDecode(value: string): string {
  if (!value.includes('%')) return value
  try {
    return decodeURIComponent(value)
  } catch {
    return value.replace(/%([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)))
  }
}
