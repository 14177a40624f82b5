-- The load run's mix for wrk (bench/load.sh sets the environment and runs it).
--
-- Each wrk thread holds ONE connection (load.sh runs `-t N -c N`), so the answers of a thread
-- arrive in the order of its requests: response() knows which kind of request it answers,
-- counts it, and can chain a follow-up on the answer (cancel the donation just made, verify
-- the worker just proposed).
--
-- The mix, by the weights below: about 73% reads and 27% writes (of which 6% quotes and 2%
-- idempotent replays).
--   reads:  worker lists (pages, filters), one worker, the officer's queue, donations and one
--           donation, a donor's account (credit, invoices, payments), the month's
--           reconciliation, graduation, regions, rates, reliefs, eligibility, /me, a NIK
--           check, a coverage check, the public pages /masuk and /perlindungan
--   writes: a quote; a donation of 1 worker x 1 month by the demo's CSR donor with a fresh
--           Idempotency-Key, then its cancel (so the pool of free workers stays as it was);
--           the same donation key sent again (a replay); a proposer's new worker with a fresh
--           valid NIK, then an officer's verify of it.
--
-- done() prints requests/s, p50/p90/p99/max latency, the answers by class (2xx, 3xx, 4xx,
-- 5xx) and by kind, and socket errors (connect, read, write, timeout), then exits 1 when
-- any 5xx or socket error happened.

local env = os.getenv

-- A monotonic clock in microseconds (LuaJIT's ffi), to time each kind of request: with one
-- connection per thread, request() runs just before the request is written and response()
-- just after its answer is read.
local now_us
do
  local ok, ffi = pcall(require, "ffi")
  if ok then
    pcall(ffi.cdef, "typedef struct { long tv_sec; long tv_nsec; } lk_timespec; int clock_gettime(int, lk_timespec *);")
    local ts = ffi.new("lk_timespec")
    now_us = function()
      ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
      return tonumber(ts.tv_sec) * 1e6 + tonumber(ts.tv_nsec) / 1e3
    end
  else
    now_us = function() return 0 end
  end
end

local tok = {
  officer = env("LOAD_TOKEN_OFFICER"),
  proposer = env("LOAD_TOKEN_PROPOSER"),
  donor = env("LOAD_TOKEN_DONOR"),
  viewer = env("LOAD_TOKEN_VIEWER"),
}
local worker_max = tonumber(env("LOAD_WORKER_MAX") or "1000")
local donor_id = env("LOAD_DONOR_ID") or "1"
local village = env("LOAD_VILLAGE") or ""
local district = env("LOAD_DISTRICT") or ""
local month = env("LOAD_MONTH") or "2026-05"
local region = env("LOAD_REGION") or "35.25"
local run_tag = env("LOAD_RUN_TAG") or "run"
-- LOAD_MIX=ceiling: only GET /api/v1/health (no store, every middleware), through the same
-- script, so the ceiling pays the same client costs as the mix.
local ceiling = env("LOAD_MIX") == "ceiling"
local health = wrk.format("GET", "/api/v1/health")

local function split(s)
  local out = {}
  for x in string.gmatch(s or "", "[^,]+") do out[#out + 1] = x end
  return out
end
local donation_ids = split(env("LOAD_DONATION_IDS"))
local niks = split(env("LOAD_NIKS"))
local districts = split(env("LOAD_DISTRICTS") or region)

-- ---------------------------------------------------------------------------------------
-- Per-thread state

local threads = {} -- main state only: the thread objects, for done()

function setup(thread)
  thread:set("tid", #threads + 1)
  threads[#threads + 1] = thread
end

local counter = 0       -- requests made by this thread
local made = 0          -- names and NIKs made by this thread
local last_kind = nil   -- what the request in flight is
local follow = nil      -- a chained request to send next: {kind, req}
local replay_key = nil  -- an Idempotency-Key already used by this thread, to send again
local replay_body = nil

-- Counters (read by done() through thread:get).
by_class = { ["2xx"] = 0, ["3xx"] = 0, ["4xx"] = 0, ["5xx"] = 0, other = 0 }
by_kind = {}       -- kind -> count
kind_us = {}       -- kind -> total microseconds
kind_max = {}      -- kind -> slowest, microseconds
local sent_at = 0
by_kind_status = {} -- "kind status" -> count, for every answer not 2xx
fivexx = {}        -- the first few 5xx bodies

local function auth(role, extra)
  local h = { ["Authorization"] = "Bearer " .. tok[role] }
  if extra then for k, v in pairs(extra) do h[k] = v end end
  return h
end

local function json_headers(role, extra)
  local h = auth(role, extra)
  h["Content-Type"] = "application/json"
  return h
end

local function pick(list) return list[math.random(#list)] end

-- A letter-only tag from a number (names take letters only).
local function letters(n)
  local s = ""
  repeat
    local d = n % 26
    s = string.char(97 + d) .. s
    n = math.floor(n / 26)
  until n == 0
  return s
end

-- A valid NIK no demo worker has: the thread's own serial block (8000 + 50 * thread + k),
-- a birth date that walks the days of 1970-2000, the district of the proposer's village.
local function fresh_nik()
  made = made + 1
  local day_index = made % 10000
  local serial = 8000 + (tid % 40) * 50 + math.floor(made / 10000) % 50
  local t = os.time({ year = 1975, month = 1, day = 1, hour = 12 }) + day_index * 86400
  local d = os.date("*t", t)
  local female = (made % 2 == 0)
  local dd = d.day + (female and 40 or 0)
  return string.format("%s%02d%02d%02d%04d", district, dd, d.month, d.year % 100, serial),
    string.format("%04d-%02d-%02d", d.year, d.month, d.day), female
end

local function key()
  return string.format("load-%s-%d-%d-%d", run_tag, tid, counter, math.random(1, 1e9))
end

-- ---------------------------------------------------------------------------------------
-- The kinds of request: name, weight, builder. A builder returns the request text.

local OCCUPATIONS = { "petani", "nelayan", "pedagang", "ojek" }
local NAMES = { "siti", "ahmad", "sri", "budi", "nur", "slamet", "dewi" }

local kinds = {
  -- reads ------------------------------------------------------------------------------
  { "workers_page", 12, function()
      return wrk.format("GET", string.format(
        "/api/v1/workers?region=%s&status=verified&page=%d&per_page=50", region, math.random(1, 20)),
        auth("officer"))
    end },
  { "workers_by_name", 5, function()
      return wrk.format("GET", "/api/v1/workers?name=" .. pick(NAMES) .. "&per_page=20", auth("viewer"))
    end },
  { "worker", 14, function()
      return wrk.format("GET", "/api/v1/workers/" .. math.random(1, worker_max), auth("officer"))
    end },
  { "queue", 4, function()
      return wrk.format("GET", "/api/v1/queue?per_page=50", auth("officer"))
    end },
  { "donations", 6, function()
      return wrk.format("GET", "/api/v1/donations", auth("donor"))
    end },
  { "donation", 5, function()
      return wrk.format("GET", "/api/v1/donations/" .. pick(donation_ids), auth("donor"))
    end },
  { "donation_workers", 2, function()
      return wrk.format("GET", "/api/v1/donations/" .. pick(donation_ids) .. "/workers", auth("donor"))
    end },
  { "donor_account", 4, function()
      return wrk.format("GET", "/api/v1/donors/" .. donor_id .. "/account", auth("donor"))
    end },
  { "cycle_month", 2, function()
      return wrk.format("GET", "/api/v1/cycle/" .. month, auth("officer"))
    end },
  { "graduation", 1, function()
      return wrk.format("GET", "/api/v1/graduation", auth("officer"))
    end },
  { "regions", 5, function()
      local r = math.random(3)
      if r == 1 then
        return wrk.format("GET", "/api/v1/regions/" .. region .. "/children")
      elseif r == 2 then
        return wrk.format("GET", "/api/v1/regions?q=" .. pick({ "sawo", "dukun", "gresik", "panceng" }))
      end
      return wrk.format("GET", "/api/v1/regions/" .. pick(districts))
    end },
  { "reference", 4, function()
      local r = math.random(3)
      if r == 3 then return wrk.format("GET", "/api/v1/eligibility", auth("officer")) end
      return wrk.format("GET", r == 1 and "/api/v1/rates" or "/api/v1/reliefs", auth("donor"))
    end },
  { "me", 2, function()
      return wrk.format("GET", "/api/v1/me", auth(pick({ "officer", "proposer", "donor", "viewer" })))
    end },
  { "nik_check", 3, function()
      return wrk.format("POST", "/api/v1/nik/check", json_headers("proposer"),
        string.format('{"nik":"%s"}', pick(niks)))
    end },
  { "coverage", 3, function()
      return wrk.format("POST", "/api/v1/coverage", json_headers("officer"),
        string.format('{"nik":"%s"}', pick(niks)))
    end },
  { "page", 3, function()
      return wrk.format("GET", pick({ "/masuk", "/perlindungan", "/masuk?lang=en" }))
    end },
  -- writes -----------------------------------------------------------------------------
  { "quote", 6, function()
      return wrk.format("POST", "/api/v1/quotes", json_headers("donor"),
        string.format('{"workers":%d,"months":%d,"funding":"%s"}', math.random(1, 5000),
          math.random(1, 12), pick({ "csr", "apbd", "zakat", "individual" })))
    end },
  { "donate", 6, function()
      local k = key()
      local body = string.format(
        '{"mode":"criteria","criteria":{"region":"%s"},"count":1,"months":1}', region)
      if not replay_key then replay_key, replay_body = k, body end
      return wrk.format("POST", "/api/v1/donations", json_headers("donor", { ["Idempotency-Key"] = k }), body)
    end },
  { "donate_replay", 2, function()
      if not replay_key then return nil end
      return wrk.format("POST", "/api/v1/donations",
        json_headers("donor", { ["Idempotency-Key"] = replay_key }), replay_body)
    end },
  { "worker_create", 4, function()
      local nik, birth, female = fresh_nik()
      local name = string.format("%s %s %s", female and "Sumiati" or "Suparman",
        female and "Lestari" or "Wibowo", "Uji" .. letters(tid * 100000 + made))
      return wrk.format("POST", "/api/v1/workers",
        json_headers("proposer", { ["Idempotency-Key"] = key() }),
        string.format('{"nik":"%s","full_name":"%s","village_code":"%s","occupation":"%s",'
          .. '"sex":"%s","birth_date":"%s","income":2500000}',
          nik, name, village, pick(OCCUPATIONS), female and "P" or "L", birth))
    end },
}
-- (chained: "donation_cancel" after each 201 of "donate", "worker_verify" after each 201 of
-- "worker_create")

local total_weight = 0
for _, k in ipairs(kinds) do total_weight = total_weight + k[2] end

local function choose()
  local r = math.random() * total_weight
  for _, k in ipairs(kinds) do
    r = r - k[2]
    if r <= 0 then return k end
  end
  return kinds[1]
end

function init(args)
  math.randomseed(tid * 7919 + os.time())
  -- Another run on the same database starts its NIKs elsewhere in the thread's block.
  made = math.random(0, 400000)
end

function request()
  counter = counter + 1
  sent_at = now_us()
  if ceiling then
    last_kind = "health"
    return health
  end
  if follow then
    local f = follow
    follow = nil
    last_kind = f[1]
    return f[2]
  end
  while true do
    local k = choose()
    local req = k[3]()
    if req then
      last_kind = k[1]
      return req
    end
  end
end

function response(status, headers, body)
  local kind = last_kind or "?"
  local took = now_us() - sent_at
  by_kind[kind] = (by_kind[kind] or 0) + 1
  kind_us[kind] = (kind_us[kind] or 0) + took
  if took > (kind_max[kind] or 0) then kind_max[kind] = took end
  local class
  if status >= 200 and status < 300 then class = "2xx"
  elseif status >= 300 and status < 400 then class = "3xx"
  elseif status >= 400 and status < 500 then class = "4xx"
  elseif status >= 500 and status < 600 then class = "5xx"
  else class = "other" end
  by_class[class] = by_class[class] + 1
  if class ~= "2xx" then
    local ks = kind .. " " .. status
    by_kind_status[ks] = (by_kind_status[ks] or 0) + 1
    if class == "5xx" and #fivexx < 5 then
      fivexx[#fivexx + 1] = ks .. ": " .. string.sub(body or "", 1, 300)
    end
  end
  if status == 201 and kind == "donate" then
    local id = string.match(body, '^{"id":(%d+)')
    if id then
      follow = { "donation_cancel", wrk.format("POST", "/api/v1/donations/" .. id .. "/cancel",
        json_headers("donor", { ["Idempotency-Key"] = key() }), "{}") }
    end
  elseif status == 201 and kind == "worker_create" then
    -- The worker's own id is the first "id" (its keys come sorted; no object before it has one).
    local id = string.match(body, '"id":(%d+)')
    if id then
      follow = { "worker_verify", wrk.format("POST", "/api/v1/workers/" .. id .. "/verify",
        json_headers("officer", { ["Idempotency-Key"] = key() }), "{}") }
    end
  end
end

-- ---------------------------------------------------------------------------------------

local function sorted_keys(t)
  local ks = {}
  for k in pairs(t) do ks[#ks + 1] = k end
  table.sort(ks)
  return ks
end

function done(summary, latency, requests)
  local class = { ["2xx"] = 0, ["3xx"] = 0, ["4xx"] = 0, ["5xx"] = 0, other = 0 }
  local kinds_seen, not_ok, samples, us, slowest = {}, {}, {}, {}, {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("by_class")) do class[k] = class[k] + v end
    for k, v in pairs(t:get("by_kind")) do kinds_seen[k] = (kinds_seen[k] or 0) + v end
    for k, v in pairs(t:get("kind_us")) do us[k] = (us[k] or 0) + v end
    for k, v in pairs(t:get("kind_max")) do slowest[k] = math.max(slowest[k] or 0, v) end
    for k, v in pairs(t:get("by_kind_status")) do not_ok[k] = (not_ok[k] or 0) + v end
    for _, s in ipairs(t:get("fivexx")) do samples[#samples + 1] = s end
  end
  local e = summary.errors
  local socket = e.connect + e.read + e.write + e.timeout
  local secs = summary.duration / 1e6
  local ms = function(us) return us / 1000 end
  io.write("\n--- load.lua summary ---\n")
  io.write(string.format("requests      %d in %.1f s\n", summary.requests, secs))
  io.write(string.format("rps           %.1f\n", summary.requests / secs))
  io.write(string.format("latency_ms    p50 %.2f  p90 %.2f  p99 %.2f  max %.2f  mean %.2f\n",
    ms(latency:percentile(50)), ms(latency:percentile(90)), ms(latency:percentile(99)),
    ms(latency.max), ms(latency.mean)))
  io.write(string.format("classes       2xx %d  3xx %d  4xx %d  5xx %d  other %d\n",
    class["2xx"], class["3xx"], class["4xx"], class["5xx"], class.other))
  io.write(string.format("socket_errors %d (connect %d, read %d, write %d, timeout %d)\n",
    socket, e.connect, e.read, e.write, e.timeout))
  io.write(string.format("by kind:\n  %-18s %8s %6s %9s %9s\n", "kind", "count", "share", "mean ms", "max ms"))
  for _, k in ipairs(sorted_keys(kinds_seen)) do
    local n = kinds_seen[k]
    io.write(string.format("  %-18s %8d %5.1f%% %9.2f %9.2f\n", k, n, 100 * n / summary.requests,
      (us[k] or 0) / n / 1000, (slowest[k] or 0) / 1000))
  end
  if next(not_ok) then
    io.write("not 2xx (kind status count):\n")
    for _, k in ipairs(sorted_keys(not_ok)) do
      io.write(string.format("  %-22s %d\n", k, not_ok[k]))
    end
  end
  for _, s in ipairs(samples) do io.write("5xx sample: " .. s .. "\n") end
  io.flush()
  if class["5xx"] > 0 or socket > 0 then
    io.write("FAIL: 5xx or socket errors\n")
    io.flush()
    os.exit(1)
  end
end
