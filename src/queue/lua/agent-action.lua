-- Logout, pause or resume. ARGV: P, now, date, ttl, agent, action (logout|pause|resume), reason.
-- During a call (ringing, in-call, wrap-up) a logout or pause waits for its end; returns
-- {state now, pending or ''}. Unknown agent: {'unknown', ''}.
local now, date, ttl, a, action, reason = tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6], ARGV[7]
local key = K('a', a)
local state = redis.call('HGET', key, 'state')
if not state then return reply({'unknown', ''}) end
local busy = state == 'ringing' or state == 'in-call'
if action == 'resume' then
  if state == 'paused' then
    -- Back from a pause: idle from now, not since before it.
    redis.call('HSET', key, 'missed', 0, 'idleSince', now)
    makeAvailable(a, now, date)
    matchAgentQueues(a, now, date, ttl)
  elseif busy or state == 'wrap-up' then
    redis.call('HDEL', key, 'pending', 'pendingReason')
  end
  return reply({redis.call('HGET', key, 'state'), redis.call('HGET', key, 'pending') or ''})
end
if state == 'logged-out' then return reply({state, ''}) end
if busy or (state == 'wrap-up' and action == 'pause') then
  redis.call('HSET', key, 'pending', action, 'pendingReason', reason)
  return reply({state, action})
end
if action == 'pause' then
  leaveState(a, now, date)
  setState(a, 'paused', now, reason)
else
  leaveState(a, now, date)
  setState(a, 'logged-out', now)
  redis.call('HDEL', key, 'pending', 'pendingReason', 'wrapUntil', 'entry', 'awaiting', 'wrapMin')
  for _, q in ipairs(split(redis.call('HGET', key, 'queues'))) do redis.call('SREM', K('q', q, 'members'), a) end
end
return reply({redis.call('HGET', key, 'state'), ''})
