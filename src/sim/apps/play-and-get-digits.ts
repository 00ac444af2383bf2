import type { SimChannel } from '../channel.js'
import { waitFor } from '../wait.js'
import { playMedia } from './play-media.js'
import type { AppImpl } from './types.js'

/**
 * play_and_get_digits <min> <max> <tries> <timeout> <terminators> <file> <invalid_file>
 * <var_name> <regexp> [<digit_timeout>]: per try, the prompt (any digit stops it), then
 * digits until max, a terminator or a timeout; a try that fails plays the invalid file
 * (also after the last try). read_result is success or failure; the digits land in
 * <var_name> only when they match the regexp.
 */
export const playAndGetDigits: AppImpl = async (ch, arg, signal) => {
  const a = arg.split(' ')
  const min = Math.max(0, Number(a[0]) || 0)
  const max = Math.max(min, Number(a[1]) || 0)
  const tries = Math.max(0, Number(a[2]) || 0)
  const timeout = Math.max(1000, Number(a[3]) || 0)
  const terminators = a[4] ?? '#'
  const file = a[5] ?? ''
  const invalid = a[6] ?? ''
  const varName = a[7] ?? ''
  const regex = compile(a[8])
  const digitTimeout = Number(a[9]) > 0 ? Number(a[9]) : timeout
  if (varName) ch.setVar(varName, undefined)
  for (let attempt = 0; attempt < tries; attempt++) {
    if (signal.aborted) break
    const digits = await readDigits(ch, signal, { file, min, max, timeout, digitTimeout, terminators })
    if (signal.aborted) break
    if (digits.length >= min && digits.length > 0) {
      ch.setVar('read_result', 'success')
      if (regex === undefined || regex.test(digits)) {
        if (varName) ch.setVar(varName, digits)
        return '_none_'
      }
      if (varName) ch.setVar(`${varName}_invalid`, digits)
    } else {
      ch.setVar('read_result', 'failure')
    }
    if (invalid && invalid !== 'none') await playMedia(ch, invalid, signal)
  }
  return '_none_'
}

async function readDigits(
  ch: SimChannel,
  signal: AbortSignal,
  o: { file: string; min: number; max: number; timeout: number; digitTimeout: number; terminators: string },
): Promise<string> {
  let digits = ''
  let terminated = false
  const take = (d: string): void => {
    if (terminated || digits.length >= o.max) return
    if (o.terminators.includes(d)) terminated = true
    else digits += d
  }
  // Digits typed before the prompt count (FreeSWITCH's DTMF queue).
  for (const d of ch.digitBuffer.splice(0)) take(d)
  if (!terminated && digits === '' && o.file && o.file !== 'none') {
    await playMedia(ch, o.file, signal, { anyDigit: true, onDigit: take })
  }
  const cur = ch.current
  while (!signal.aborted && !terminated && digits.length < o.max) {
    const wait = waitFor(ch.sw.clock, digits === '' ? o.timeout : o.digitTimeout, signal)
    if (cur) {
      cur.onDigit = (d) => {
        take(d)
        wait.wake()
      }
    }
    const end = await wait.done
    if (cur) cur.onDigit = undefined
    if (end !== 'woken') break
  }
  return digits
}

function compile(source: string | undefined): RegExp | undefined {
  if (!source) return undefined
  try {
    return new RegExp(source)
  } catch {
    return undefined
  }
}
