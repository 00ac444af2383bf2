-- An agent logs in to their queues. ARGV: P, now, date, ttl, agent, endpoint, languages, clientTypes, queues (csv), name[, pause reason].
-- Returns the state before.
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
