-- Claims the opening of an operator's line: one instance dials it, the others see it coming.
-- KEYS[1]: the line's hash; ARGV[1]: the new channel's uuid; ARGV[2]: node; ARGV[3]: room;
-- ARGV[4]: now (ms); ARGV[5]: how long an unanswered claim holds (ms).
-- Returns the uuid of the line that stands (ours when claimed).
local uuid = redis.call('HGET', KEYS[1], 'uuid')
if uuid then
  local state = redis.call('HGET', KEYS[1], 'state')
  local since = tonumber(redis.call('HGET', KEYS[1], 'since') or '0')
  if state == 'open' or tonumber(ARGV[4]) - since < tonumber(ARGV[5]) then return uuid end
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'uuid', ARGV[1], 'node', ARGV[2], 'room', ARGV[3], 'state', 'dialling', 'since', ARGV[4])
return ARGV[1]
