-- wrk script: POST /api/transfers between random pairs of the 10,000 seeded owners, each with a fresh
-- Idempotency-Key. FUNCLEDGER_KEY is the function key; FUNCLEDGER_RUN makes keys unique per run.
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

function init(args)
  key = os.getenv("FUNCLEDGER_KEY")
  run = os.getenv("FUNCLEDGER_RUN") or "r"
  counter = 0
  math.randomseed(os.time() + tid * 7919)
end

function request()
  counter = counter + 1
  local from = math.random(1, 10000)
  local to = math.random(1, 9999)
  if to >= from then to = to + 1 end
  local body = string.format('{"fromOwnerId":%d,"toOwnerId":%d,"amount":1,"reason":"bench"}', from, to)
  return wrk.format("POST", "/api/transfers", {
    ["Content-Type"] = "application/json",
    ["x-functions-key"] = key,
    ["Idempotency-Key"] = string.format("w%s-%d-%d", run, tid, counter),
  }, body)
end

-- The tail wrk's --latency report leaves out: p99.9 and the maximum (microseconds), read by wrk_json.py.
function done(summary, latency, requests)
  io.write(string.format("tail_us: p50 %d p99 %d p999 %d max %d\n", latency:percentile(50), latency:percentile(99),
    latency:percentile(99.9), latency.max))
end
