-- The disposition of an agent's call was saved. ARGV: P, now, date, ttl, agent, call.
-- In wrap-up waiting for it: the wrap-up ends now, or when its usual length is over (returns
-- then, ms). During the call: its end will not wait for it. Otherwise nothing (0).
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
