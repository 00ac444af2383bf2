-- A call routed straight to a person (their own client's call, a group ring) reserves them
-- like a queue offer, so nobody rings an agent who is on a call. ARGV: P, now, date, agent,
-- token. Returns 'free' (not logged in to any queue: ring them), 'reserved', 'busy', 'paused'.
local now, date, a, token = tonumber(ARGV[2]), ARGV[3], ARGV[4], ARGV[5]
local state = redis.call('HGET', K('a', a), 'state')
if not state or state == 'logged-out' then return reply('free') end
if state == 'paused' then return reply('paused') end
if state ~= 'available' then return reply('busy') end
leaveState(a, now, date)
setState(a, 'ringing', now)
redis.call('HSET', K('a', a), 'entry', token)
return reply('reserved')
