-- What came of a direct ring. ARGV: P, now, date, ttl, agent, token, outcome, talkMs.
-- outcome: answered (in a call now), released (did not take it), ended (the call is over).
local now, date, ttl, a, token, outcome, talkMs = tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6], ARGV[7], tonumber(ARGV[8])
local key = K('a', a)
if redis.call('HGET', key, 'entry') ~= token then return reply(0) end
if outcome == 'answered' then
  leaveState(a, now, date)
  setState(a, 'in-call', now)
  return reply(1)
end
if outcome == 'ended' then
  redis.call('HINCRBY', key, 'calls', 1)
  redis.call('HINCRBY', dayKey('a', a, date), 'calls', 1)
  redis.call('HINCRBY', dayKey('a', a, date), 'talkMs', talkMs)
  redis.call('HSET', key, 'idleSince', now)
end
if not applyPending(a, now, date) then
  makeAvailable(a, now, date)
  matchAgentQueues(a, now, date, ttl)
end
return reply(1)
