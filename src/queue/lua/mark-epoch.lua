-- ARGV: P, epoch. Marks this Redis as holding the queues' state; 0 when it already did.
if redis.call('SET', K('epoch'), ARGV[2], 'NX') then return reply(1) end
return reply(0)
