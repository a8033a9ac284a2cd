-- wrk script for the bench runner: POSTs the JSON bodies of a file (one per line), each
-- thread taking every n-th line, in turn; counts responses whose body reports errors.
-- wrk -s bench/wrk.lua URL -- FILE THREADS, FILE lines: "TOKEN<TAB>BODY" (TOKEN "-": none)
local threads = {}
local created = 0

function setup(thread)
  thread:set("tid", created)
  created = created + 1
  table.insert(threads, thread)
end

local bodies = {}
local counter = 0
failed = 0

function init(args)
  local path, nthreads = args[1], tonumber(args[2])
  local i = 0
  for line in io.lines(path) do
    if i % nthreads == tid then
      local tab = string.find(line, "\t", 1, true)
      local token, body = string.sub(line, 1, tab - 1), string.sub(line, tab + 1)
      local headers = {["Content-Type"] = "application/json"}
      if token ~= "-" then
        headers["Authorization"] = "Bearer " .. token
      end
      bodies[#bodies + 1] = wrk.format("POST", nil, headers, body)
    end
    i = i + 1
  end
end

function request()
  counter = counter + 1
  return bodies[((counter - 1) % #bodies) + 1]
end

function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors":[{', 1, true) then
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("failed")
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "socket_errors": %d, "failed": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, bad,
    latency:percentile(50), latency:percentile(90), latency:percentile(99)))
end
