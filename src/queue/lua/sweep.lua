-- Housekeeping any instance may run: ends due wrap-ups, and drops entries and offers whose
-- instance stopped beating (its calls went with it). ARGV: P, now, date, ttl.
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
