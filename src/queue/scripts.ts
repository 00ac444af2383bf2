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

/** Shared Lua: key names, agent state changes, matching. Prepended to every script. */
const LIB = String.raw`
local P = ARGV[1]
local function K(...) return P .. ':' .. table.concat({...}, ':') end
local function num(v, d) local n = tonumber(v) if n == nil then return d end return n end
local function split(s) local t = {} if not s or s == '' then return t end for x in string.gmatch(s, '[^,]+') do t[#t + 1] = x end return t end
local function has(list, x) for _, y in ipairs(list) do if y == x then return true end end return false end
local function dayKey(kind, id, date) return K(kind, id, 'day', date) end

-- The instances that got offers in this script: told to the caller, so one in the same
-- process is woken at once.
local OFFERED = {}
local function reply(x)
  local t = {}
  for i, _ in pairs(OFFERED) do t[#t + 1] = i end
  return {x, table.concat(t, ',')}
end

local function freeScore(q, a, strategy)
  local idle = num(redis.call('HGET', K('a', a), 'idleSince'), 0)
  if strategy == 'round-robin' then return num(redis.call('HGET', K('a', a), 'lastOffer'), 0) end
  if strategy == 'fewest-calls' then return num(redis.call('HGET', K('a', a), 'calls'), 0) * 1e13 + idle end
  return idle
end

-- Leaves the state it was in: an available agent's idle time is counted.
local function leaveState(a, now, date)
  local key = K('a', a)
  local state = redis.call('HGET', key, 'state')
  if state == 'available' then
    local since = num(redis.call('HGET', key, 'since'), now)
    redis.call('HINCRBY', dayKey('a', a, date), 'idleMs', math.max(0, now - since))
  end
  for _, q in ipairs(split(redis.call('HGET', key, 'queues'))) do redis.call('ZREM', K('q', q, 'free'), a) end
end

local function setState(a, state, now, reason)
  redis.call('HSET', K('a', a), 'state', state, 'since', now, 'reason', reason or '')
end

-- Available for the next call in each of its queues.
local function makeAvailable(a, now, date)
  leaveState(a, now, date)
  setState(a, 'available', now)
  redis.call('HDEL', K('a', a), 'entry', 'wrapUntil', 'awaiting', 'wrapMin')
  for _, q in ipairs(split(redis.call('HGET', K('a', a), 'queues'))) do
    local strategy = redis.call('HGET', K('q', q, 'cfg'), 'strategy') or 'longest-idle'
    redis.call('ZADD', K('q', q, 'free'), freeScore(q, a, strategy), a)
  end
end

-- A pause or logout asked for during a call takes effect when the call is over.
local function applyPending(a, now, date)
  local key = K('a', a)
  local pending = redis.call('HGET', key, 'pending')
  if pending == 'logout' then
    leaveState(a, now, date)
    setState(a, 'logged-out', now)
    for _, q in ipairs(split(redis.call('HGET', key, 'queues'))) do redis.call('SREM', K('q', q, 'members'), a) end
  elseif pending == 'pause' then
    leaveState(a, now, date)
    setState(a, 'paused', now, redis.call('HGET', key, 'pendingReason'))
  else
    return false
  end
  redis.call('HDEL', key, 'pending', 'pendingReason', 'entry', 'wrapUntil', 'awaiting', 'wrapMin')
  return true
end

local function entryScore(e)
  return num(redis.call('HGET', K('e', e), 'prio'), 1) * 1e12 + num(redis.call('HGET', K('e', e), 'seq'), 0)
end

local function backToWaiting(e, q)
  redis.call('HSET', K('e', e), 'state', 'waiting', 'agents', '')
  redis.call('ZADD', K('q', q, 'waiting'), entryScore(e), e)
  redis.call('ZADD', K('q', q, 'since'), num(redis.call('HGET', K('e', e), 'enqueuedAt'), 0), e)
end

local function dropEntry(e, q)
  redis.call('ZREM', K('q', q, 'waiting'), e)
  redis.call('ZREM', K('q', q, 'since'), e)
  redis.call('DEL', K('e', e))
end

local function skillsMatch(e, a)
  local langs = split(redis.call('HGET', K('a', a), 'languages'))
  local types = split(redis.call('HGET', K('a', a), 'clientTypes'))
  local lang = redis.call('HGET', K('e', e), 'language') or ''
  local ctype = redis.call('HGET', K('e', e), 'clientType') or ''
  if #langs > 0 and not has(langs, lang) then return false end
  if #types > 0 and ctype ~= '' and not has(types, ctype) then return false end
  return true
end

-- Liveness is a matter of real time (a dead process stops beating), whatever the app's
-- clock says: heartbeats and this check use the Redis server's clock.
local function serverMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function instanceAlive(inst, now, ttl)
  if inst == 'callbacks' then return true end
  local seen = redis.call('ZSCORE', K('instances'), inst)
  return seen and (serverMs() - tonumber(seen)) <= ttl
end

-- The agent a caller should reach (a callback agreed with them), when free.
local function pinned(e, free)
  local pin = redis.call('HGET', K('e', e), 'agent')
  if pin and pin ~= '' and has(free, pin) then return pin end
  return nil
end

-- Pairs waiting callers with free agents while both exist; each offer goes to the inbox of
-- the instance holding the caller's call. Returns the number of offers made.
local function match(q, now, date, ttl)
  local cfg = K('q', q, 'cfg')
  local strategy = redis.call('HGET', cfg, 'strategy') or 'longest-idle'
  local offers = 0
  for _ = 1, 1000 do
    local free = redis.call('ZRANGE', K('q', q, 'free'), 0, -1)
    if #free == 0 then break end
    local waiting = redis.call('ZRANGE', K('q', q, 'waiting'), 0, strategy == 'skills' and 199 or 0)
    if #waiting == 0 then break end
    local entry, agents = nil, nil
    if strategy == 'skills' then
      for _, e in ipairs(waiting) do
        local pin = pinned(e, free)
        if pin then entry, agents = e, {pin} break end
        for _, a in ipairs(free) do
          if skillsMatch(e, a) then entry, agents = e, {a} break end
        end
        if entry then break end
      end
    else
      entry = waiting[1]
      local pin = pinned(entry, free)
      agents = (pin and {pin}) or (strategy == 'ring-all' and free) or {free[1]}
    end
    if not entry then break end
    local inst = redis.call('HGET', K('e', entry), 'instance')
    if not instanceAlive(inst, now, ttl) then
      -- Its app instance is gone, and the call with it: not a caller anyone can serve.
      local dk = dayKey('q', q, date)
      redis.call('HINCRBY', dk, 'lost', 1)
      dropEntry(entry, q)
    else
      local offer = {entry = entry, queue = q, call = redis.call('HGET', K('e', entry), 'call'), kind = redis.call('HGET', K('e', entry), 'kind'), number = redis.call('HGET', K('e', entry), 'number'), agents = {}}
      for _, a in ipairs(agents) do
        leaveState(a, now, date)
        setState(a, 'ringing', now)
        redis.call('HSET', K('a', a), 'entry', entry, 'lastOffer', redis.call('INCR', K('offerseq')))
        offer.agents[#offer.agents + 1] = {id = a, endpoint = redis.call('HGET', K('a', a), 'endpoint')}
      end
      redis.call('ZREM', K('q', q, 'waiting'), entry)
      redis.call('ZREM', K('q', q, 'since'), entry)
      redis.call('HSET', K('e', entry), 'state', 'offered', 'agents', table.concat(agents, ','), 'offeredAt', now)
      redis.call('RPUSH', K('inbox', inst), cjson.encode(offer))
      OFFERED[inst] = true
      offers = offers + 1
    end
  end
  return offers
end

local function matchAgentQueues(a, now, date, ttl)
  for _, q in ipairs(split(redis.call('HGET', K('a', a), 'queues'))) do match(q, now, date, ttl) end
end
`

/**
 * ARGV: P, now, date, ttl, queue, entry, call, instance, number, language, clientType, prio, kind, seq or '', enqueuedAt or ''[, agent]
 * Returns {position, agents logged in to the queue (paused ones too: they will be back), seq}.
 */
const ENQUEUE = String.raw`
local now, date, ttl, q, e = tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6]
-- A caller put back after Redis lost its data keeps their arrival number and time; the
-- counter moves past it, so those who come later stay behind.
local seq, since = tonumber(ARGV[14]), tonumber(ARGV[15])
if seq then
  if num(redis.call('GET', K('seq')), 0) < seq then redis.call('SET', K('seq'), seq) end
else
  seq = redis.call('INCR', K('seq'))
  since = now
end
redis.call('HSET', K('e', e), 'id', e, 'queue', q, 'call', ARGV[7], 'instance', ARGV[8], 'number', ARGV[9], 'language', ARGV[10],
  'clientType', ARGV[11], 'prio', ARGV[12], 'kind', ARGV[13], 'seq', seq, 'enqueuedAt', since, 'state', 'waiting', 'agent', ARGV[16] or '')
redis.call('ZADD', K('q', q, 'waiting'), tonumber(ARGV[12]) * 1e12 + seq, e)
redis.call('ZADD', K('q', q, 'since'), since, e)
if not ARGV[14] or ARGV[14] == '' then redis.call('HINCRBY', dayKey('q', q, date), 'entered', 1) end
match(q, now, date, ttl)
local rank = redis.call('ZRANK', K('q', q, 'waiting'), e)
local staffed = 0
for _, a in ipairs(redis.call('SMEMBERS', K('q', q, 'members'))) do
  local s = redis.call('HGET', K('a', a), 'state')
  if s ~= 'logged-out' then staffed = staffed + 1 end
end
return reply({rank and (rank + 1) or 0, staffed, seq})
`

/**
 * After Redis lost its data, an instance puts back a caller whose agent is being rung or is
 * talking to them: the entry (offered or bridged) and the agents it holds, so that nobody
 * offers them another call and the offer's result finds what it needs. ARGV: P, now, date,
 * entry, queue, call, instance, number, language, clientType, prio, kind, seq, enqueuedAt,
 * agents (csv), answeredBy ('' while ringing).
 */
const REASSERT_OFFER = String.raw`
local now, date, e, q = tonumber(ARGV[2]), ARGV[3], ARGV[4], ARGV[5]
local who = ARGV[16]
redis.call('HSET', K('e', e), 'id', e, 'queue', q, 'call', ARGV[6], 'instance', ARGV[7], 'number', ARGV[8], 'language', ARGV[9],
  'clientType', ARGV[10], 'prio', ARGV[11], 'kind', ARGV[12], 'seq', ARGV[13], 'enqueuedAt', ARGV[14],
  'state', who ~= '' and 'bridged' or 'offered', 'agents', ARGV[15], 'answeredBy', who)
if num(redis.call('GET', K('seq')), 0) < tonumber(ARGV[13]) then redis.call('SET', K('seq'), ARGV[13]) end
for _, a in ipairs(split(ARGV[15])) do
  if who == '' or a == who then
    leaveState(a, now, date)
    setState(a, who ~= '' and 'in-call' or 'ringing', now)
    redis.call('HSET', K('a', a), 'entry', e)
  end
end
return reply(1)
`

/** ARGV: P, epoch. Marks this Redis as holding the queues' state; 0 when it already did. */
const MARK_EPOCH = String.raw`
if redis.call('SET', K('epoch'), ARGV[2], 'NX') then return reply(1) end
return reply(0)
`

/** ARGV: P, entry. Returns {position (0 when not waiting), state}. */
const POSITION = String.raw`
local e = ARGV[2]
local q = redis.call('HGET', K('e', e), 'queue')
if not q then return reply({0, 'gone'}) end
local rank = redis.call('ZRANK', K('q', q, 'waiting'), e)
return reply({rank and (rank + 1) or 0, redis.call('HGET', K('e', e), 'state')})
`

/**
 * The caller leaves while waiting. ARGV: P, now, date, entry, counter (abandoned|overflowed|voicemail|...).
 * Returns the state the entry was in: 'waiting' (now gone), 'offered' (an agent is being
 * rung: the offer's result settles it), 'gone'.
 */
const LEAVE = String.raw`
local now, date, e, counter = tonumber(ARGV[2]), ARGV[3], ARGV[4], ARGV[5]
local state = redis.call('HGET', K('e', e), 'state')
if not state then return reply('gone') end
if state ~= 'waiting' then return reply(state) end
local q = redis.call('HGET', K('e', e), 'queue')
local waited = now - num(redis.call('HGET', K('e', e), 'enqueuedAt'), now)
local dk = dayKey('q', q, date)
redis.call('HINCRBY', dk, counter, 1)
redis.call('HINCRBY', dk, counter .. 'WaitMs', waited)
dropEntry(e, q)
return reply('waiting')
`

/**
 * The caller asks to be called back: the entry keeps its place, but its offer will go to
 * whichever instance takes callbacks. ARGV: P, date, entry.
 */
const TO_CALLBACK = String.raw`
local date, e = ARGV[2], ARGV[3]
local state = redis.call('HGET', K('e', e), 'state')
if state ~= 'waiting' then return reply(state or 'gone') end
redis.call('HSET', K('e', e), 'kind', 'callback', 'instance', 'callbacks')
redis.call('HINCRBY', dayKey('q', redis.call('HGET', K('e', e), 'queue'), date), 'callbacks', 1)
return reply('waiting')
`

/**
 * How an offer ended. ARGV: P, now, date, ttl, entry, outcome, agent (who answered), slMs.
 * outcome: answered | missed (nobody answered: busy, no answer, failed) | gone (the caller
 * hung up while the phones rang).
 */
const OFFER_RESULT = String.raw`
local now, date, ttl, e, outcome, who, slMs = tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6], ARGV[7], tonumber(ARGV[8])
local q = redis.call('HGET', K('e', e), 'queue')
if not q or redis.call('HGET', K('e', e), 'state') ~= 'offered' then return reply(0) end
local offered = split(redis.call('HGET', K('e', e), 'agents'))
local waited = now - num(redis.call('HGET', K('e', e), 'enqueuedAt'), now)
local dk = dayKey('q', q, date)
local maxMissed = num(redis.call('HGET', K('q', q, 'cfg'), 'maxMissed'), 3)
local function release(a, missed)
  if redis.call('HGET', K('a', a), 'entry') ~= e then return end
  if missed then
    local n = redis.call('HINCRBY', K('a', a), 'missed', 1)
    redis.call('HINCRBY', dayKey('a', a, date), 'missed', 1)
    -- Behind the others: a phone nobody answers must not get the same caller straight back.
    redis.call('HSET', K('a', a), 'idleSince', now)
    if n >= maxMissed then
      leaveState(a, now, date)
      setState(a, 'paused', now, 'no answer')
      redis.call('HDEL', K('a', a), 'entry', 'pending', 'pendingReason')
      return
    end
  end
  if not applyPending(a, now, date) then makeAvailable(a, now, date) end
end
if outcome == 'answered' then
  redis.call('HSET', K('e', e), 'state', 'bridged', 'answeredBy', who, 'answeredAt', now)
  redis.call('HINCRBY', dk, 'answered', 1)
  redis.call('HINCRBY', dk, 'answerWaitMs', waited)
  if waited <= slMs then redis.call('HINCRBY', dk, 'answeredInSL', 1) end
  for _, a in ipairs(offered) do
    if a == who then
      leaveState(a, now, date)
      setState(a, 'in-call', now)
      redis.call('HSET', K('a', a), 'missed', 0)
    else
      release(a, false)
    end
  end
elseif outcome == 'missed' then
  for _, a in ipairs(offered) do release(a, true) end
  backToWaiting(e, q)
elseif outcome == 'gone' then
  redis.call('HINCRBY', dk, 'abandoned', 1)
  redis.call('HINCRBY', dk, 'abandonedWaitMs', waited)
  for _, a in ipairs(offered) do release(a, false) end
  dropEntry(e, q)
end
for _, a in ipairs(offered) do matchAgentQueues(a, now, date, ttl) end
match(q, now, date, ttl)
return reply(1)
`

/**
 * The agent's call is over. ARGV: P, now, date, ttl, entry, agent, talkMs, wrapMs.
 * Returns when wrap-up ends (ms), or 0 when the agent is not in wrap-up.
 */
const CALL_ENDED = String.raw`
local now, date, ttl, e, a, talkMs, wrapMs = tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6], tonumber(ARGV[7]), tonumber(ARGV[8])
local q = redis.call('HGET', K('e', e), 'queue')
local call = redis.call('HGET', K('e', e), 'call') or ''
local dispMs = 0
if q then dispMs = num(redis.call('HGET', K('q', q, 'cfg'), 'dispMs'), 0) end
if q then
  -- Calls finished and their talk time: the average handling time the expected wait is built on.
  redis.call('HINCRBY', dayKey('q', q, date), 'handled', 1)
  redis.call('HINCRBY', dayKey('q', q, date), 'talkMs', talkMs)
  dropEntry(e, q)
end
local key = K('a', a)
if redis.call('HGET', key, 'entry') ~= e then return reply(0) end
redis.call('HINCRBY', key, 'calls', 1)
redis.call('HINCRBY', dayKey('a', a, date), 'calls', 1)
redis.call('HINCRBY', dayKey('a', a, date), 'talkMs', talkMs)
redis.call('HSET', key, 'idleSince', now)
-- Wrap-up waits for the call's disposition, unless it was saved during the call.
local awaiting = dispMs > 0 and call ~= '' and redis.call('HGET', key, 'disposed') ~= call
redis.call('HDEL', key, 'disposed')
if applyPending(a, now, date) then return reply(0) end
if wrapMs <= 0 and not awaiting then
  makeAvailable(a, now, date)
  matchAgentQueues(a, now, date, ttl)
  return reply(0)
end
local untilMs = now + wrapMs
if awaiting then
  untilMs = now + math.max(wrapMs, dispMs)
  redis.call('HSET', key, 'awaiting', call, 'wrapMin', now + wrapMs)
end
leaveState(a, now, date)
setState(a, 'wrap-up', now)
redis.call('HSET', key, 'wrapUntil', untilMs)
redis.call('HDEL', key, 'entry')
return reply(untilMs)
`

/**
 * The disposition of an agent's call was saved. ARGV: P, now, date, ttl, agent, call.
 * In wrap-up waiting for it: the wrap-up ends now, or when its usual length is over (returns
 * then, ms). During the call: its end will not wait for it. Otherwise nothing (0).
 */
const DISPOSITION_SAVED = String.raw`
local now, date, ttl, a, call = tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6]
local key = K('a', a)
local state = redis.call('HGET', key, 'state')
if state == 'ringing' or state == 'in-call' then
  redis.call('HSET', key, 'disposed', call)
  return reply(0)
end
if state ~= 'wrap-up' or redis.call('HGET', key, 'awaiting') ~= call then return reply(0) end
local untilMs = num(redis.call('HGET', key, 'wrapMin'), now)
redis.call('HDEL', key, 'awaiting', 'wrapMin')
if untilMs > now then
  redis.call('HSET', key, 'wrapUntil', untilMs)
  return reply(untilMs)
end
if not applyPending(a, now, date) then
  makeAvailable(a, now, date)
  matchAgentQueues(a, now, date, ttl)
end
return reply(0)
`

/** Ends wrap-up that is due. ARGV: P, now, date, ttl, agent. Returns 1 when the agent became available. */
const WRAP_DONE = String.raw`
local now, date, ttl, a = tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]), ARGV[5]
local key = K('a', a)
if redis.call('HGET', key, 'state') ~= 'wrap-up' or num(redis.call('HGET', key, 'wrapUntil'), 0) > now then return reply(0) end
if applyPending(a, now, date) then return reply(0) end
makeAvailable(a, now, date)
matchAgentQueues(a, now, date, ttl)
return reply(1)
`

/**
 * An agent logs in to their queues. ARGV: P, now, date, ttl, agent, endpoint, languages, clientTypes, queues (csv), name[, pause reason].
 * Returns the state before.
 */
const LOGIN = String.raw`
local now, date, ttl, a = tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]), ARGV[5]
local key = K('a', a)
local before = redis.call('HGET', key, 'state') or 'logged-out'
for _, q in ipairs(split(redis.call('HGET', key, 'queues'))) do
  redis.call('SREM', K('q', q, 'members'), a)
  redis.call('ZREM', K('q', q, 'free'), a)
end
redis.call('HSET', key, 'id', a, 'endpoint', ARGV[6], 'languages', ARGV[7], 'clientTypes', ARGV[8], 'queues', ARGV[9], 'name', ARGV[10])
redis.call('SADD', K('agents'), a)
for _, q in ipairs(split(ARGV[9])) do redis.call('SADD', K('q', q, 'members'), a) end
if before == 'logged-out' then
  redis.call('HSET', key, 'missed', 0, 'calls', 0, 'idleSince', now, 'loggedInAt', now)
  if ARGV[11] and ARGV[11] ~= '' then
    -- Back as they were: paused (a rebuild after Redis lost its data).
    setState(a, 'paused', now, ARGV[11])
    return reply(before)
  end
  makeAvailable(a, now, date)
  matchAgentQueues(a, now, date, ttl)
elseif before == 'available' then
  makeAvailable(a, now, date)
  matchAgentQueues(a, now, date, ttl)
end
return reply(before)
`

/**
 * Logout, pause or resume. ARGV: P, now, date, ttl, agent, action (logout|pause|resume), reason.
 * During a call (ringing, in-call, wrap-up) a logout or pause waits for its end; returns
 * {state now, pending or ''}. Unknown agent: {'unknown', ''}.
 */
const AGENT_ACTION = String.raw`
local now, date, ttl, a, action, reason = tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6], ARGV[7]
local key = K('a', a)
local state = redis.call('HGET', key, 'state')
if not state then return reply({'unknown', ''}) end
local busy = state == 'ringing' or state == 'in-call'
if action == 'resume' then
  if state == 'paused' then
    -- Back from a pause: idle from now, not since before it.
    redis.call('HSET', key, 'missed', 0, 'idleSince', now)
    makeAvailable(a, now, date)
    matchAgentQueues(a, now, date, ttl)
  elseif busy or state == 'wrap-up' then
    redis.call('HDEL', key, 'pending', 'pendingReason')
  end
  return reply({redis.call('HGET', key, 'state'), redis.call('HGET', key, 'pending') or ''})
end
if state == 'logged-out' then return reply({state, ''}) end
if busy or (state == 'wrap-up' and action == 'pause') then
  redis.call('HSET', key, 'pending', action, 'pendingReason', reason)
  return reply({state, action})
end
if action == 'pause' then
  leaveState(a, now, date)
  setState(a, 'paused', now, reason)
else
  leaveState(a, now, date)
  setState(a, 'logged-out', now)
  redis.call('HDEL', key, 'pending', 'pendingReason', 'wrapUntil', 'entry', 'awaiting', 'wrapMin')
  for _, q in ipairs(split(redis.call('HGET', key, 'queues'))) do redis.call('SREM', K('q', q, 'members'), a) end
end
return reply({redis.call('HGET', key, 'state'), ''})
`

/**
 * Housekeeping any instance may run: ends due wrap-ups, and drops entries and offers whose
 * instance stopped beating (its calls went with it). ARGV: P, now, date, ttl.
 */
const SWEEP = String.raw`
local now, date, ttl = tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
local fixed = 0
for _, a in ipairs(redis.call('SMEMBERS', K('agents'))) do
  local key = K('a', a)
  local state = redis.call('HGET', key, 'state')
  if state == 'wrap-up' and num(redis.call('HGET', key, 'wrapUntil'), 0) <= now then
    if not applyPending(a, now, date) then
      makeAvailable(a, now, date)
      matchAgentQueues(a, now, date, ttl)
    end
    fixed = fixed + 1
  end
end
return reply(fixed)
`

/**
 * A call routed straight to a person (their own client's call, a group ring) reserves them
 * like a queue offer, so nobody rings an agent who is on a call. ARGV: P, now, date, agent,
 * token. Returns 'free' (not logged in to any queue: ring them), 'reserved', 'busy', 'paused'.
 */
const DIRECT_RESERVE = String.raw`
local now, date, a, token = tonumber(ARGV[2]), ARGV[3], ARGV[4], ARGV[5]
local state = redis.call('HGET', K('a', a), 'state')
if not state or state == 'logged-out' then return reply('free') end
if state == 'paused' then return reply('paused') end
if state ~= 'available' then return reply('busy') end
leaveState(a, now, date)
setState(a, 'ringing', now)
redis.call('HSET', K('a', a), 'entry', token)
return reply('reserved')
`

/**
 * What came of a direct ring. ARGV: P, now, date, ttl, agent, token, outcome, talkMs.
 * outcome: answered (in a call now), released (did not take it), ended (the call is over).
 */
const DIRECT_RESULT = String.raw`
local now, date, ttl, a, token, outcome, talkMs = tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6], ARGV[7], tonumber(ARGV[8])
local key = K('a', a)
if redis.call('HGET', key, 'entry') ~= token then return reply(0) end
if outcome == 'answered' then
  leaveState(a, now, date)
  setState(a, 'in-call', now)
  return reply(1)
end
if outcome == 'ended' then
  redis.call('HINCRBY', key, 'calls', 1)
  redis.call('HINCRBY', dayKey('a', a, date), 'calls', 1)
  redis.call('HINCRBY', dayKey('a', a, date), 'talkMs', talkMs)
  redis.call('HSET', key, 'idleSince', now)
end
if not applyPending(a, now, date) then
  makeAvailable(a, now, date)
  matchAgentQueues(a, now, date, ttl)
end
return reply(1)
`

/** ARGV: P, instance. Marks the instance alive (Redis server time). */
const HEARTBEAT = String.raw`
redis.call('ZADD', K('instances'), serverMs(), ARGV[2])
return reply(1)
`

/**
 * A queue's settings changed (the pages): its cfg, the free agents' order for its strategy,
 * then callers and agents that can now meet are matched. ARGV: P, now, date, ttl, queue,
 * strategy, ringTimeoutMs, maxMissed, wrapUpMs, dispMs, slMs.
 */
const APPLY_QUEUE = String.raw`
local now, date, ttl, q, strategy = tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6]
redis.call('SADD', K('queues'), q)
redis.call('HSET', K('q', q, 'cfg'), 'strategy', strategy, 'ringTimeoutMs', ARGV[7], 'maxMissed', ARGV[8], 'wrapUpMs', ARGV[9], 'dispMs', ARGV[10], 'slMs', ARGV[11])
for _, a in ipairs(redis.call('ZRANGE', K('q', q, 'free'), 0, -1)) do
  redis.call('ZADD', K('q', q, 'free'), freeScore(q, a, strategy), a)
end
match(q, now, date, ttl)
return reply(1)
`

/** A queue removed (nobody waits in it: the API refuses otherwise). ARGV: P, queue. */
const FORGET_QUEUE = String.raw`
local q = ARGV[2]
redis.call('SREM', K('queues'), q)
redis.call('DEL', K('q', q, 'cfg'), K('q', q, 'free'), K('q', q, 'members'))
return reply(1)
`

/**
 * The queues a logged-in agent serves changed: their membership moves, their state stays;
 * available, they are matched with the callers of their new queues. A logged-out agent only
 * gets the list (a login writes it anyway). ARGV: P, now, date, ttl, agent, queues.
 */
const REQUEUE = String.raw`
local now, date, ttl, a = tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]), ARGV[5]
local key = K('a', a)
local state = redis.call('HGET', key, 'state')
if not state then return reply(0) end
for _, q in ipairs(split(redis.call('HGET', key, 'queues'))) do
  redis.call('SREM', K('q', q, 'members'), a)
  redis.call('ZREM', K('q', q, 'free'), a)
end
redis.call('HSET', key, 'queues', ARGV[6])
if state == 'logged-out' then return reply(0) end
for _, q in ipairs(split(ARGV[6])) do redis.call('SADD', K('q', q, 'members'), a) end
if state == 'available' then
  for _, q in ipairs(split(ARGV[6])) do
    local strategy = redis.call('HGET', K('q', q, 'cfg'), 'strategy') or 'longest-idle'
    redis.call('ZADD', K('q', q, 'free'), freeScore(q, a, strategy), a)
  end
  matchAgentQueues(a, now, date, ttl)
end
return reply(1)
`

export const SCRIPTS = {
  ccApplyQueue: LIB + APPLY_QUEUE,
  ccForgetQueue: LIB + FORGET_QUEUE,
  ccRequeue: LIB + REQUEUE,
  ccEnqueue: LIB + ENQUEUE,
  ccPosition: LIB + POSITION,
  ccLeave: LIB + LEAVE,
  ccToCallback: LIB + TO_CALLBACK,
  ccOfferResult: LIB + OFFER_RESULT,
  ccCallEnded: LIB + CALL_ENDED,
  ccWrapDone: LIB + WRAP_DONE,
  ccDispositionSaved: LIB + DISPOSITION_SAVED,
  ccLogin: LIB + LOGIN,
  ccAgentAction: LIB + AGENT_ACTION,
  ccSweep: LIB + SWEEP,
  ccHeartbeat: LIB + HEARTBEAT,
  ccDirectReserve: LIB + DIRECT_RESERVE,
  ccReassertOffer: LIB + REASSERT_OFFER,
  ccMarkEpoch: LIB + MARK_EPOCH,
  ccDirectResult: LIB + DIRECT_RESULT,
} as const

export type ScriptName = keyof typeof SCRIPTS
