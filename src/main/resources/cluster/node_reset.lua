-- Clears what an earlier run of this node left (a node killed and started again under the same id) and marks it alive.
-- KEYS[1] nodes; ARGV[1] this node, ARGV[2] key prefix
local set = ARGV[2] .. 'on:' .. ARGV[1]
for _, r in ipairs(redis.call('SMEMBERS', set)) do redis.call('HDEL', ARGV[2] .. 'p:' .. r, ARGV[1]) end
redis.call('DEL', set)
local t = redis.call('TIME')
redis.call('ZADD', KEYS[1], tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), ARGV[1])
return 1
