-- Recipients connected to the other live nodes whose id starts with ARGV[4] ('' for all).
-- KEYS[1] nodes; ARGV[1] this node, ARGV[2] presence ttl (ms), ARGV[3] prefix of the nodes' recipient sets
local t = redis.call('TIME')
local oldest = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - tonumber(ARGV[2])
local seen, out = {}, {}
for _, node in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], oldest, '+inf')) do
  if node ~= ARGV[1] then
    for _, r in ipairs(redis.call('SMEMBERS', ARGV[3] .. node)) do
      if not seen[r] and string.sub(r, 1, #ARGV[4]) == ARGV[4] then
        seen[r] = true
        out[#out + 1] = r
      end
    end
  end
end
return out
