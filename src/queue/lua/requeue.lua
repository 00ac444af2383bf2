-- The queues a logged-in agent serves changed: their membership moves, their state stays;
-- available, they are matched with the callers of their new queues. A logged-out agent only
-- gets the list (a login writes it anyway). ARGV: P, now, date, ttl, agent, queues.
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
