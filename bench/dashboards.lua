-- wrk script of bench/dashboards.sh: GET DASH_PATH with the bearer token DASH_TOKEN (if any),
-- then one line with the figures the script reads:
--   result requests=N rps=R p50_ms=… p95_ms=… p99_ms=… max_ms=… non2xx=N socket_errors=N
-- wrk counts answers that are not 2xx/3xx in summary.errors.status; the page's own status is
-- checked once with curl before the run.
local token = os.getenv("DASH_TOKEN") or ""
wrk.method = "GET"
wrk.path = os.getenv("DASH_PATH") or "/"
if token ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. token
end

function done(summary, latency, requests)
    local e = summary.errors
    local ms = function(us) return us / 1000.0 end
    io.write(string.format(
        "result requests=%d rps=%.1f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f non2xx=%d socket_errors=%d\n",
        summary.requests, summary.requests / (summary.duration / 1e6),
        ms(latency:percentile(50)), ms(latency:percentile(95)), ms(latency:percentile(99)),
        ms(latency.max), e.status, e.connect + e.read + e.write + e.timeout))
end
