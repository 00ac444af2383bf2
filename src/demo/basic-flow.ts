/**
 * The foundation's built-in call flow: answer, play a prompt, collect one digit, say
 * goodbye, hang up. The IVR engine replaces it; the demo and tests keep it as the smallest
 * complete call.
 */
import type { Call } from '../esl/call.js'
import { CallEnded, CommandFailed, isOk } from '../esl/results.js'

export interface BasicFlowPrompts {
  greeting: string
  goodbye: string
}

export interface BasicFlowResult {
  digit: string | undefined
  ended: 'caller' | 'flow'
}

export async function basicFlow(call: Call, prompts: BasicFlowPrompts): Promise<BasicFlowResult> {
  const answered = await call.answer()
  if (answered instanceof CallEnded) return { digit: undefined, ended: 'caller' }
  const r = await call.playAndGetDigits({ min: 1, max: 1, tries: 2, timeoutMs: 3000, prompt: prompts.greeting, regex: '\\d' })
  if (r instanceof CallEnded) return { digit: undefined, ended: 'caller' }
  if (r instanceof CommandFailed) call.log.warn({ reply: r.reply }, 'digit collection refused')
  const digit = isOk(r) && r.digits !== '' ? r.digits : undefined
  call.log.info({ digit }, 'basic flow: digit collected')
  const bye = await call.playback(prompts.goodbye)
  if (bye instanceof CallEnded) return { digit, ended: 'caller' }
  await call.hangup()
  return { digit, ended: 'flow' }
}
