-- A queue's settings changed (the pages): its cfg, the free agents' order for its strategy,
-- then callers and agents that can now meet are matched. ARGV: P, now, date, ttl, queue,
-- strategy, ringTimeoutMs, maxMissed, wrapUpMs, dispMs, slMs.
local now, date, ttl, q, strategy = tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6]
redis.call('SADD', K('queues'), q)
redis.call('HSET', K('q', q, 'cfg'), 'strategy', strategy, 'ringTimeoutMs', ARGV[7], 'maxMissed', ARGV[8], 'wrapUpMs', ARGV[9], 'dispMs', ARGV[10], 'slMs', ARGV[11])
for _, a in ipairs(redis.call('ZRANGE', K('q', q, 'free'), 0, -1)) do
  redis.call('ZADD', K('q', q, 'free'), freeScore(q, a, strategy), a)
end
match(q, now, date, ttl)
return reply(1)
