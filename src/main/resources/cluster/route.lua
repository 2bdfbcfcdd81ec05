-- Hands a notification to every other live node that has sessions of the recipient; returns their sessions.
-- KEYS[1] presence hash of the recipient (node -> connections), KEYS[2] nodes (node -> last heartbeat, ms)
-- ARGV[1] this node, ARGV[2] presence ttl (ms), ARGV[3] node channel prefix, ARGV[4] message
local h = redis.call('HGETALL', KEYS[1])
if #h == 0 then return 0 end
local t = redis.call('TIME')
local oldest = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - tonumber(ARGV[2])
local total = 0
for i = 1, #h, 2 do
  local node = h[i]
  if node ~= ARGV[1] then
    local seen = redis.call('ZSCORE', KEYS[2], node)
    if seen and tonumber(seen) >= oldest then
      total = total + tonumber(h[i + 1])
      redis.call('PUBLISH', ARGV[3] .. node, ARGV[4])
    end
  end
end
return total
