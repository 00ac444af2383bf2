/**
 * The queue's shared state changes, as Redis Lua scripts: each runs atomically, so two app
 * instances can never offer one agent two calls, or one caller to two agents.
 *
 * Keys (P is the deployment's REDIS_PREFIX):
 *   P:e:<entry>            hash   a caller in a queue (or a callback that keeps its place)
 *   P:q:<queue>:waiting    zset   entries waiting, score = priority class * 1e12 + arrival number
 *   P:q:<queue>:since      zset   entries waiting, score = when they joined (longest wait)
 *   P:q:<queue>:cfg        hash   strategy, ring timeout, misses before pause, wrap-up, SL threshold
 *   P:q:<queue>:members    set    logged-in agents serving the queue
 *   P:q:<queue>:free       zset   available members, best first for the queue's strategy
 *   P:q:<queue>:day:<date> hash   the day's counters (entered, answered, abandoned ...)
 *   P:a:<agent>            hash   an agent's state, phone, skills, queues, counters; in wrap-up the
 *                                 call whose disposition it waits for (awaiting) and its least end
 *   P:a:<agent>:day:<date> hash   the agent's day: calls, talk and idle time
 *   P:agents               set    every agent who ever logged in
 *   P:queues               set    every configured queue
 *   P:inbox:<instance>     list   offers for the instance holding the caller's call
 *   P:instances            zset   app instances, score = last heartbeat (Redis server time, ms)
 * Keys are built inside the scripts, so this needs one Redis, not a cluster.
 */
import { readLua } from '../redis/lua.js'

const lua = (name: string): string => readLua(import.meta.url, name)

/** Shared Lua (lua/lib.lua): key names, agent state changes, matching. Prepended to every script. */
const LIB = lua('lib.lua')

/** Each script's arguments and what it answers are at the top of its file in lua/. */
export const SCRIPTS = {
  ccApplyQueue: LIB + lua('apply-queue.lua'),
  ccForgetQueue: LIB + lua('forget-queue.lua'),
  ccRequeue: LIB + lua('requeue.lua'),
  ccEnqueue: LIB + lua('enqueue.lua'),
  ccPosition: LIB + lua('position.lua'),
  ccLeave: LIB + lua('leave.lua'),
  ccToCallback: LIB + lua('to-callback.lua'),
  ccOfferResult: LIB + lua('offer-result.lua'),
  ccCallEnded: LIB + lua('call-ended.lua'),
  ccWrapDone: LIB + lua('wrap-done.lua'),
  ccDispositionSaved: LIB + lua('disposition-saved.lua'),
  ccLogin: LIB + lua('login.lua'),
  ccAgentAction: LIB + lua('agent-action.lua'),
  ccSweep: LIB + lua('sweep.lua'),
  ccHeartbeat: LIB + lua('heartbeat.lua'),
  ccDirectReserve: LIB + lua('direct-reserve.lua'),
  ccReassertOffer: LIB + lua('reassert-offer.lua'),
  ccMarkEpoch: LIB + lua('mark-epoch.lua'),
  ccDirectResult: LIB + lua('direct-result.lua'),
} as const

export type ScriptName = keyof typeof SCRIPTS
