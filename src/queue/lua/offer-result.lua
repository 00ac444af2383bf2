-- How an offer ended. ARGV: P, now, date, ttl, entry, outcome, agent (who answered), slMs.
-- outcome: answered | missed (nobody answered: busy, no answer, failed) | gone (the caller
-- hung up while the phones rang).
local now, date, ttl, e, outcome, who, slMs = tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6], ARGV[7], tonumber(ARGV[8])
local q = redis.call('HGET', K('e', e), 'queue')
if not q or redis.call('HGET', K('e', e), 'state') ~= 'offered' then return reply(0) end
local offered = split(redis.call('HGET', K('e', e), 'agents'))
local waited = now - num(redis.call('HGET', K('e', e), 'enqueuedAt'), now)
local dk = dayKey('q', q, date)
local maxMissed = num(redis.call('HGET', K('q', q, 'cfg'), 'maxMissed'), 3)
local function release(a, missed)
  if redis.call('HGET', K('a', a), 'entry') ~= e then return end
  if missed then
    local n = redis.call('HINCRBY', K('a', a), 'missed', 1)
    redis.call('HINCRBY', dayKey('a', a, date), 'missed', 1)
    -- Behind the others: a phone nobody answers must not get the same caller straight back.
    redis.call('HSET', K('a', a), 'idleSince', now)
    if n >= maxMissed then
      leaveState(a, now, date)
      setState(a, 'paused', now, 'no answer')
      redis.call('HDEL', K('a', a), 'entry', 'pending', 'pendingReason')
      return
    end
  end
  if not applyPending(a, now, date) then makeAvailable(a, now, date) end
end
if outcome == 'answered' then
  redis.call('HSET', K('e', e), 'state', 'bridged', 'answeredBy', who, 'answeredAt', now)
  redis.call('HINCRBY', dk, 'answered', 1)
  redis.call('HINCRBY', dk, 'answerWaitMs', waited)
  if waited <= slMs then redis.call('HINCRBY', dk, 'answeredInSL', 1) end
  for _, a in ipairs(offered) do
    if a == who then
      leaveState(a, now, date)
      setState(a, 'in-call', now)
      redis.call('HSET', K('a', a), 'missed', 0)
    else
      release(a, false)
    end
  end
elseif outcome == 'missed' then
  for _, a in ipairs(offered) do release(a, true) end
  backToWaiting(e, q)
elseif outcome == 'gone' then
  redis.call('HINCRBY', dk, 'abandoned', 1)
  redis.call('HINCRBY', dk, 'abandonedWaitMs', waited)
  for _, a in ipairs(offered) do release(a, false) end
  dropEntry(e, q)
end
for _, a in ipairs(offered) do matchAgentQueues(a, now, date, ttl) end
match(q, now, date, ttl)
return reply(1)
