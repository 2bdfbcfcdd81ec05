-- wrk script: POST /api/v1/notifications, one recipient per notification, channel inbox, server API key.
-- Usage: wrk -c 32 -t 2 -d 20s -s bench/wrk/notify.lua http://127.0.0.1:18080 -- <api-key> [<send_at>]
-- With a send_at (ISO-8601 UTC) the notifications are deferred to then, so the dispatcher stays idle.
-- Each request names a different recipient (user:<thread>-<n>) so the recipient index sees realistic keys.
-- Prints one line "BENCH key=value ..." at the end; non202 counts every answer that is not 202 Accepted.

local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
  table.insert(threads, thread)
end

function init(args)
  local key = args[1] or error("api key argument missing (wrk ... -- <api-key>)")
  wrk.method = "POST"
  wrk.path = "/api/v1/notifications"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. key
  extra = ""
  if args[2] and args[2] ~= "" then extra = ',"send_at":"' .. args[2] .. '"' end
  n = 0
  non202 = 0
  sample = ""
end

function request()
  n = n + 1
  local to = "user:t" .. tid .. "-" .. n
  return wrk.format(nil, nil, nil,
    '{"to":"' .. to .. '","channels":["inbox"],"type":"bench.accept","title":"Benchmark",'
    .. '"text":"Benchmark notification ' .. n .. ' for ' .. to .. '"' .. extra .. '}')
end

function response(status, headers, body)
  if status ~= 202 then
    non202 = non202 + 1
    if sample == "" then sample = status .. " " .. string.sub(body or "", 1, 200) end
  end
end

function done(summary, latency, requests)
  local non = 0
  local samples = ""
  for _, t in ipairs(threads) do
    non = non + t:get("non202")
    local s = t:get("sample")
    if s ~= "" and samples == "" then samples = s end
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d non202=%d connect=%d read=%d write=%d status=%d timeout=%d "
    .. "p50_us=%d p90_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration, non, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
  if samples ~= "" then io.write("BENCH_SAMPLE " .. samples .. "\n") end
end
