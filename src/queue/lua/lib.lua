-- Shared Lua: key names, agent state changes, matching. Prepended to every script.
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
