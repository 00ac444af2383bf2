-- A queue removed (nobody waits in it: the API refuses otherwise). ARGV: P, queue.
local q = ARGV[2]
redis.call('SREM', K('queues'), q)
redis.call('DEL', K('q', q, 'cfg'), K('q', q, 'free'), K('q', q, 'members'))
return reply(1)
