-- Forgets an operator's conversation if it is still the one that ended.
-- KEYS[1]: the talk's hash; ARGV[1]: the customer's channel uuid. Returns 1 if forgotten.
if redis.call('HGET', KEYS[1], 'call') == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
