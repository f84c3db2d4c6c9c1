-- For bench/throughput.py: counts answers other than 200 and writes wrk's figures as one JSON line.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  others = 0
end

function response(status, headers, body)
  if status ~= 200 then
    others = others + 1
  end
end

function done(summary, latency, requests)
  local other = 0
  for _, thread in ipairs(threads) do
    other = other + thread:get("others")
  end
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "other": %d, "socket_errors": %d, "p50_ms": %.2f, "p95_ms": %.2f}\n',
    summary.requests, summary.duration / 1e6, other,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000))
end
