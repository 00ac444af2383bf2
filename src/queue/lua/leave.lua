-- The caller leaves while waiting. ARGV: P, now, date, entry, counter (abandoned|overflowed|voicemail|...).
-- Returns the state the entry was in: 'waiting' (now gone), 'offered' (an agent is being
-- rung: the offer's result settles it), 'gone'.
local now, date, e, counter = tonumber(ARGV[2]), ARGV[3], ARGV[4], ARGV[5]
local state = redis.call('HGET', K('e', e), 'state')
if not state then return reply('gone') end
if state ~= 'waiting' then return reply(state) end
local q = redis.call('HGET', K('e', e), 'queue')
local waited = now - num(redis.call('HGET', K('e', e), 'enqueuedAt'), now)
local dk = dayKey('q', q, date)
redis.call('HINCRBY', dk, counter, 1)
redis.call('HINCRBY', dk, counter .. 'WaitMs', waited)
dropEntry(e, q)
return reply('waiting')
