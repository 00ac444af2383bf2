-- Takes over a conversation whose owner process is gone (its liveness key expired), so that
-- exactly one live process closes its books. KEYS[1]: the conversation's hash,
-- KEYS[2]: the prefix of owners' liveness keys. ARGV[1]: the new owner.
-- Returns the conversation's books (JSON) when this process took it over, else false.
local owner = redis.call('HGET', KEYS[1], 'owner')
if not owner then return false end
if owner == ARGV[1] then return redis.call('HGET', KEYS[1], 'books') end
if redis.call('EXISTS', KEYS[2] .. owner) == 1 then return false end
redis.call('HSET', KEYS[1], 'owner', ARGV[1])
return redis.call('HGET', KEYS[1], 'books')
