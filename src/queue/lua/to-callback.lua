-- The caller asks to be called back: the entry keeps its place, but its offer will go to
-- whichever instance takes callbacks. ARGV: P, date, entry.
local date, e = ARGV[2], ARGV[3]
local state = redis.call('HGET', K('e', e), 'state')
if state ~= 'waiting' then return reply(state or 'gone') end
redis.call('HSET', K('e', e), 'kind', 'callback', 'instance', 'callbacks')
redis.call('HINCRBY', dayKey('q', redis.call('HGET', K('e', e), 'queue'), date), 'callbacks', 1)
return reply('waiting')
