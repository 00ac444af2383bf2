-- ARGV: P, entry. Returns {position (0 when not waiting), state}.
local e = ARGV[2]
local q = redis.call('HGET', K('e', e), 'queue')
if not q then return reply({0, 'gone'}) end
local rank = redis.call('ZRANK', K('q', q, 'waiting'), e)
return reply({rank and (rank + 1) or 0, redis.call('HGET', K('e', e), 'state')})
