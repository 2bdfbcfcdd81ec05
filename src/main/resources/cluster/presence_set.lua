-- Sets this node's connection count of one recipient; returns {cluster total before, cluster total after}.
-- KEYS[1] presence hash of the recipient, KEYS[2] this node's recipient set, KEYS[3] nodes
-- ARGV[1] this node, ARGV[2] connections (0: none), ARGV[3] recipient, ARGV[4] presence ttl (ms)
local t = redis.call('TIME')
local oldest = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - tonumber(ARGV[4])
local function total()
  local h = redis.call('HGETALL', KEYS[1])
  local n = 0
  for i = 1, #h, 2 do
    local seen = redis.call('ZSCORE', KEYS[3], h[i])
    if seen and tonumber(seen) >= oldest then n = n + tonumber(h[i + 1]) end
  end
  return n
end
local before = total()
if tonumber(ARGV[2]) > 0 then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  redis.call('SADD', KEYS[2], ARGV[3])
else
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('SREM', KEYS[2], ARGV[3])
end
return {before, total()}
