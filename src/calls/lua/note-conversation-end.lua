-- Keeps when a conversation ended, for the process that will take it over (its owner is
-- gone): the first report wins, and a conversation already closed and forgotten stays so.
-- KEYS[1]: the conversation's hash. ARGV[1]: the end (JSON).
if redis.call('HEXISTS', KEYS[1], 'owner') == 0 then return 0 end
return redis.call('HSETNX', KEYS[1], 'ended', ARGV[1])
