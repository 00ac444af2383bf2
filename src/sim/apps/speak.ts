import { mediaWait } from '../media-break.js'
import type { AppImpl } from './types.js'

/**
 * speak <engine>|<voice>|<text>: text-to-speech sends no PLAYBACK events. The time it
 * takes follows the recording (flite said "Your balance is 120 dollars", 27 characters,
 * in 2.6 s): about 96 ms per character.
 */
export const speak: AppImpl = async (ch, arg, signal) => {
  const text = arg.split('|').slice(2).join('|')
  await mediaWait(ch, Math.round(text.length * 96), signal).done
  return '_none_'
}
