-- Connections of one recipient on the other live nodes.
-- KEYS[1] presence hash of the recipient, KEYS[2] nodes; ARGV[1] this node, ARGV[2] presence ttl (ms)
local h = redis.call('HGETALL', KEYS[1])
if #h == 0 then return 0 end
local t = redis.call('TIME')
local oldest = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - tonumber(ARGV[2])
local n = 0
for i = 1, #h, 2 do
  if h[i] ~= ARGV[1] then
    local seen = redis.call('ZSCORE', KEYS[2], h[i])
    if seen and tonumber(seen) >= oldest then n = n + tonumber(h[i + 1]) end
  end
end
return n
