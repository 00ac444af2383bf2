-- ARGV: P, now, date, ttl, queue, entry, call, instance, number, language, clientType, prio, kind, seq or '', enqueuedAt or ''[, agent]
-- Returns {position, agents logged in to the queue (paused ones too: they will be back), seq}.
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
