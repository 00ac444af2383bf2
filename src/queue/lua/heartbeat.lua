-- ARGV: P, instance. Marks the instance alive (Redis server time).
redis.call('ZADD', K('instances'), serverMs(), ARGV[2])
return reply(1)
