-- The agent's call is over. ARGV: P, now, date, ttl, entry, agent, talkMs, wrapMs.
-- Returns when wrap-up ends (ms), or 0 when the agent is not in wrap-up.
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
