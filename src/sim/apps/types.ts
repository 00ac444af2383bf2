import type { SimChannel } from '../channel.js'

/**
 * A dptools application: runs on a channel and resolves with its Application-Response
 * (`_none_` when it has none). `signal` aborts when the channel hangs up ('hangup') or
 * when uuid_bridge/transfer takes the channel ('transfer'); uuid_break is media-break.ts.
 */
export type AppImpl = (channel: SimChannel, arg: string, signal: AbortSignal) => Promise<string>
