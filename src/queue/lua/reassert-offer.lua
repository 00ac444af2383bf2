-- After Redis lost its data, an instance puts back a caller whose agent is being rung or is
-- talking to them: the entry (offered or bridged) and the agents it holds, so that nobody
-- offers them another call and the offer's result finds what it needs. ARGV: P, now, date,
-- entry, queue, call, instance, number, language, clientType, prio, kind, seq, enqueuedAt,
-- agents (csv), answeredBy ('' while ringing).
local now, date, e, q = tonumber(ARGV[2]), ARGV[3], ARGV[4], ARGV[5]
local who = ARGV[16]
redis.call('HSET', K('e', e), 'id', e, 'queue', q, 'call', ARGV[6], 'instance', ARGV[7], 'number', ARGV[8], 'language', ARGV[9],
  'clientType', ARGV[10], 'prio', ARGV[11], 'kind', ARGV[12], 'seq', ARGV[13], 'enqueuedAt', ARGV[14],
  'state', who ~= '' and 'bridged' or 'offered', 'agents', ARGV[15], 'answeredBy', who)
if num(redis.call('GET', K('seq')), 0) < tonumber(ARGV[13]) then redis.call('SET', K('seq'), ARGV[13]) end
for _, a in ipairs(split(ARGV[15])) do
  if who == '' or a == who then
    leaveState(a, now, date)
    setState(a, who ~= '' and 'in-call' or 'ringing', now)
    redis.call('HSET', K('a', a), 'entry', e)
  end
end
return reply(1)
