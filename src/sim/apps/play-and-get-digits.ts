import type { SimChannel } from '../channel.js'
import { waitFor } from '../wait.js'
import { playMedia } from './play-media.js'
import type { AppImpl } from './types.js'

/** What switch_ivr_read ended with. */
type ReadStatus = 'success' | 'timeout' | 'too-small' | 'false'

/**
 * play_and_get_digits <min> <max> <tries> <timeout> <terminators> <file> <invalid_file>
 * <var_name> <regexp> [<digit_timeout>], as switch_play_and_get_digits runs it: per try
 * switch_ivr_read (the prompt, which any digit stops, then digits until max, a
 * terminator or a timeout) sets read_result and <var_name> (whatever was pressed, even
 * too few digits); a timeout with at least <min> digits counts as success but read_result
 * still says `timeout`; digits that fail the regexp go to <var_name>_invalid. A try that
 * fails plays the invalid file (also after the last try).
 */
export const playAndGetDigits: AppImpl = async (ch, arg, signal) => {
  const a = arg.split(' ')
  const min = Math.max(0, Number(a[0]) || 0)
  const max = Math.max(min, Number(a[1]) || 0)
  let tries = Math.max(0, Number(a[2]) || 0)
  const timeout = Math.max(1000, Number(a[3]) || 0)
  const terminators = a[4] || '#'
  const file = a[5] ?? ''
  const invalid = a[6] ?? ''
  const varName = a[7] ?? ''
  const regexSource = a[8] ?? ''
  const regex = compile(regexSource)
  const digitTimeout = Number(a[9]) > 0 ? Number(a[9]) : timeout
  if (regexSource && varName) ch.setVar(`${varName}_invalid`, undefined)
  while (ch.isUp && !signal.aborted && tries > 0) {
    const read = await ivrRead(ch, signal, { file, min, max, timeout, digitTimeout, terminators, varName })
    const digits = read.digits
    // Enough digits when the digit timeout struck: accepted (read_result keeps saying `timeout`).
    const status = read.status === 'timeout' && digits.length >= min ? 'success' : read.status
    if (min === 0 && digits === '' && ch.getVar('read_terminator_used') !== undefined) return '_none_'
    if (status === 'success' && digits !== '') {
      if (regex === undefined || regex.test(digits)) return '_none_'
      if (varName) {
        ch.setVar(varName, undefined)
        ch.setVar(`${varName}_invalid`, digits)
      }
    }
    if (!ch.isUp || signal.aborted) break
    if (invalid) await playMedia(ch, invalid, signal)
    tries--
  }
  return '_none_'
}

interface ReadOptions {
  file: string
  min: number
  max: number
  timeout: number
  digitTimeout: number
  terminators: string
  varName: string
}

/** switch_ivr_read: the prompt, then the digits; sets read_result and the variable. */
async function ivrRead(ch: SimChannel, signal: AbortSignal, o: ReadOptions): Promise<{ status: ReadStatus; digits: string }> {
  ch.setVar('read_result', undefined)
  if (o.varName) ch.setVar(o.varName, undefined)
  let digits = ''
  let terminator: string | undefined
  const take = (d: string): void => {
    if (terminator !== undefined || digits.length >= o.max) return
    if (o.terminators.includes(d)) terminator = d
    else digits += d
  }
  // Digits typed before the prompt count (FreeSWITCH's DTMF queue).
  for (const d of ch.digitBuffer.splice(0)) take(d)
  let status: ReadStatus = 'success'
  if (terminator === undefined && digits === '' && o.file && o.file !== 'silence') {
    const played = await playMedia(ch, o.file, signal, { anyDigit: true, onDigit: take })
    // A prompt that could not play, or a call that went away under it, ends the read here.
    if (played.status === 'notfound' || played.status === 'hangup') return finish(ch, o, 'false', digits, false)
  }
  if (terminator === undefined && ((o.min > 0 && digits.length < o.min) || digits.length < o.max)) {
    status = await collect(ch, signal, o, digits === '' ? o.timeout : o.digitTimeout, (d) => {
      take(d)
      return terminator !== undefined || digits.length >= o.max
    })
  }
  if (terminator !== undefined) ch.setVar('read_terminator_used', terminator)
  if (o.min > 0 && digits.length < o.min) status = 'too-small'
  return finish(ch, o, status, digits, true)
}

function finish(ch: SimChannel, o: ReadOptions, status: ReadStatus, digits: string, report: boolean): { status: ReadStatus; digits: string } {
  if (report) ch.setVar('read_result', status === 'success' ? 'success' : status === 'timeout' ? 'timeout' : 'failure')
  if (o.varName && digits !== '') ch.setVar(o.varName, digits)
  return { status, digits }
}

/**
 * switch_ivr_collect_digits_count: waits `first` ms for a digit, then the digit timeout
 * after each; success at a terminator or max digits, timeout otherwise. It does not look
 * at uuid_break's flag.
 */
async function collect(ch: SimChannel, signal: AbortSignal, o: ReadOptions, first: number, onDigit: (d: string) => boolean): Promise<ReadStatus> {
  const cur = ch.current
  let wait = first
  for (;;) {
    const waiter = waitFor(ch.sw.clock, wait, signal)
    let complete = false
    if (cur) {
      cur.onDigit = (d) => {
        complete = onDigit(d)
        waiter.wake()
      }
    }
    const end = await waiter.done
    if (cur) cur.onDigit = undefined
    if (end === 'aborted') return 'false'
    if (end === 'timeout') return 'timeout'
    if (complete) return 'success'
    wait = o.digitTimeout
  }
}

function compile(source: string | undefined): RegExp | undefined {
  if (!source) return undefined
  try {
    return new RegExp(source)
  } catch {
    return undefined
  }
}
