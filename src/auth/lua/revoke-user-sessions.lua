-- Deletes every session of a user and the index, in one step: a session made meanwhile cannot survive.
-- KEYS[1]: the user's set of session ids; ARGV[1]: the session key prefix. Returns how many there were.
local members = redis.call('SMEMBERS', KEYS[1])
for _, h in ipairs(members) do redis.call('DEL', ARGV[1] .. h) end
redis.call('DEL', KEYS[1])
return #members
