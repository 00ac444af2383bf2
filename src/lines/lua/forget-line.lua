-- Forgets an operator's line if it is still the one that ended (another may have opened since).
-- KEYS[1]: the line's hash; ARGV[1]: the uuid of the channel that ended.
-- Returns 2 when this call forgot an open line (whoever does acts on the drop), 1 when it
-- forgot one still being called, 0 when there was nothing of it to forget.
if redis.call('HGET', KEYS[1], 'uuid') == ARGV[1] then
  local open = redis.call('HGET', KEYS[1], 'state') == 'open'
  redis.call('DEL', KEYS[1])
  if open then return 2 end
  return 1
end
return 0
