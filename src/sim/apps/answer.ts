import type { AppImpl } from './types.js'

/** answer: marks the channel answered (CHANNEL_ANSWER) and records how. */
export const answer: AppImpl = async (ch) => {
  if (ch.markAnswered()) ch.setVar('endpoint_disposition', 'ANSWER')
  return '_none_'
}

/** ring_ready: tells the caller it is ringing (CHANNEL_PROGRESS). */
export const ringReady: AppImpl = async (ch) => {
  ch.ring()
  return '_none_'
}

/** pre_answer / acknowledge_call: early media before the answer (CHANNEL_PROGRESS_MEDIA). */
export const preAnswer: AppImpl = async (ch) => {
  ch.markPreAnswered()
  return '_none_'
}

/** acknowledge_call: tells the caller the call is being handled; no state change here. */
export const acknowledgeCall: AppImpl = async () => '_none_'
