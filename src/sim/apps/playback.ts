import { playMedia } from './play-media.js'
import type { AppImpl } from './types.js'

/**
 * playback <file>: `FILE PLAYED` when it played to the end or a terminator/uuid_break
 * stopped it, `PLAYBACK ERROR` when the call went away under it, `FILE NOT FOUND`.
 */
export const playback: AppImpl = async (ch, arg, signal) => {
  const terminators = ch.getVar('playback_terminators') ?? '*'
  const r = await playMedia(ch, arg, signal, { terminators: terminators === 'none' ? '' : terminators })
  if (r.status === 'notfound') return 'FILE NOT FOUND'
  return r.status === 'hangup' ? 'PLAYBACK ERROR' : 'FILE PLAYED'
}
