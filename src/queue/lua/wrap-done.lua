-- Ends wrap-up that is due. ARGV: P, now, date, ttl, agent. Returns 1 when the agent became available.
local now, date, ttl, a = tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]), ARGV[5]
local key = K('a', a)
if redis.call('HGET', key, 'state') ~= 'wrap-up' or num(redis.call('HGET', key, 'wrapUntil'), 0) > now then return reply(0) end
if applyPending(a, now, date) then return reply(0) end
makeAvailable(a, now, date)
matchAgentQueues(a, now, date, ttl)
return reply(1)
