-- Marks this node alive and forgets the connections of nodes that stopped doing so.
-- Returns 1 when this node's entries were still there, 0 when they must be written again (Redis lost them, or
-- this node was silent too long and another node reaped it).
-- KEYS[1] nodes; ARGV[1] this node, ARGV[2] presence ttl (ms), ARGV[3] key prefix, ARGV[4] this node's info (JSON)
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local oldest = now - tonumber(ARGV[2])
local had = redis.call('ZSCORE', KEYS[1], ARGV[1])
local alive = had and tonumber(had) >= oldest
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('HSET', ARGV[3] .. 'nodeinfo', ARGV[1], ARGV[4])
for _, dead in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. oldest)) do
  local set = ARGV[3] .. 'on:' .. dead
  for _, r in ipairs(redis.call('SMEMBERS', set)) do redis.call('HDEL', ARGV[3] .. 'p:' .. r, dead) end
  redis.call('DEL', set)
  redis.call('ZREM', KEYS[1], dead)
  redis.call('HDEL', ARGV[3] .. 'nodeinfo', dead)
end
if alive then return 1 end
return 0
