-- wrk script of the Yingshang benchmarks (bench/common.py:wrk sets the environment).
--   WRK_METHOD          GET (default) or POST …
--   WRK_HEADERS         "Name: value" lines added to every request (cookie, bearer token, CSRF)
--   WRK_BODY            request body; "{n}" is replaced by a value unique per request
--   WRK_UNIQUE_HEADER   a header (e.g. Idempotency-Key) given a unique value per request
--   WRK_RUN_ID          distinguishes runs, so unique values never repeat across runs
--   WRK_IDS_FILE        one id a line; "{id}" in the body takes the next one (each thread its
--                       own share: thread t of WRK_THREADS uses lines t, t+T, t+2T …)
-- done() prints one line "WRK_JSON {...}" with requests/s, latency percentiles (ms) and errors.

local threads = {}
local method = os.getenv("WRK_METHOD") or "GET"
local body_tpl = os.getenv("WRK_BODY")
local unique_header = os.getenv("WRK_UNIQUE_HEADER")
local header_lines = os.getenv("WRK_HEADERS") or ""
local run_id = os.getenv("WRK_RUN_ID") or tostring(os.time())
local ids_file = os.getenv("WRK_IDS_FILE")
local nthreads = tonumber(os.getenv("WRK_THREADS") or "1")

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  n3xx = 0
  base_headers = {}
  for line in header_lines:gmatch("[^\n]+") do
    local k, v = line:match("^([^:]+):%s*(.*)$")
    if k then base_headers[k] = v end
  end
  ids = {}
  if ids_file then
    local i = 0
    for line in io.lines(ids_file) do
      if i % nthreads == tid - 1 then table.insert(ids, line) end
      i = i + 1
    end
  end
end

function request()
  counter = counter + 1
  local uniq = run_id .. "-" .. tostring(tid) .. "-" .. tostring(counter)
  local headers = {}
  for k, v in pairs(base_headers) do headers[k] = v end
  if unique_header then headers[unique_header] = "bench-" .. uniq end
  local body = nil
  if body_tpl then
    body = (body_tpl:gsub("{n}", uniq))
    if #ids > 0 then
      body = (body:gsub("{id}", ids[(counter - 1) % #ids + 1]))
    end
  end
  return wrk.format(method, nil, headers, body)
end

function response(status, headers, body)
  if status >= 300 and status < 400 then n3xx = n3xx + 1 end
end

function done(summary, latency, requests)
  local n3 = 0
  for _, t in ipairs(threads) do n3 = n3 + (t:get("n3xx") or 0) end
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"seconds":%.3f,"requests_per_s":%.2f,' ..
    '"latency_ms":{"mean":%.3f,"p50":%.3f,"p90":%.3f,"p95":%.3f,"p99":%.3f,"max":%.3f},' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status_4xx_5xx":%d,"timeout":%d},"responses_3xx":%d}\n',
    summary.requests, secs, summary.requests / secs,
    latency.mean / 1000, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.status, e.timeout, n3))
end
