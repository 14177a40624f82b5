#!/usr/bin/env bash
# Dashboards at national scale (issue 12 §5). Not part of .ci/run: it measures, it does not
# gate. See bench/README.md ("Dashboards at national scale"); results in bench/RESULTS.md.
#
#  1. PostgreSQL: a fresh database with DASH_PG_WORKERS (10,000,000) workers over every
#     village of data/regions.csv and ≈ 6 worker-months each over the last 24 months, made by
#     set-based SQL (bench/dashboards/gen-postgres.sql) with no trigger firing; then the
#     totals filled by migration 0028's own backfill statements; the example figures and
#     generated figures for every regency imported with `lingkaran figures import`.
#  2. The release server on it (`serve --no-jobs`), an admin's bearer token, and wrk with
#     DASH_CONNECTIONS (4) connections for DASH_SECONDS (30) per page: p50 and p95 of each
#     dashboard beside the limit measured in the same run, a single primary-key read through
#     the same server (GET /api/v1/regions/35.25).
#  3. SQLite: the same with DASH_SQLITE_WORKERS (1,000,000) workers.
#  4. The cost of the totals triggers on the month's write paths (PostgreSQL,
#     DASH_TRIGGER_WORKERS = 1,000,000 workers, DASH_TRIGGER_LINES = 20,000 lines of each
#     insurer's file): `cargo bench --bench totals`.
#
#   bench/dashboards.sh                              # all of it (about 40 minutes)
#   bench/dashboards.sh --parts postgres             # one part: postgres, sqlite, triggers
#   DASH_PG_WORKERS=1000000 DASH_SECONDS=10 bench/dashboards.sh --parts postgres,sqlite
#   DASH_KEEP=1 bench/dashboards.sh --parts postgres # keep the database (and print its URL)
#   DASH_BEFORE_SQL='CREATE INDEX …' bench/dashboards.sh --parts postgres   # a what-if
#
# PostgreSQL: DASH_PG (default postgres://postgres@127.0.0.1:5432/postgres) must let the user
# create and drop databases; the run makes bench_dash_<pid> (about 11 GB at 10,000,000
# workers) and drops it at the end. Needs wrk, curl, psql, sqlite3. Log in bench/out/.
set -euo pipefail
trap 'echo "dashboards.sh: failed at line $LINENO" >&2' ERR
cd "$(dirname "$0")/.."
root=$(pwd)

pg="${DASH_PG:-postgres://postgres@127.0.0.1:5432/postgres}"
pg_workers="${DASH_PG_WORKERS:-10000000}"
sqlite_workers="${DASH_SQLITE_WORKERS:-1000000}"
trigger_workers="${DASH_TRIGGER_WORKERS:-1000000}"
seconds="${DASH_SECONDS:-30}"
conns="${DASH_CONNECTIONS:-4}"
threads=$(( conns < 2 ? conns : 2 ))
parts="postgres,sqlite,triggers"
while [ $# -gt 0 ]; do
    case "$1" in
        --parts) parts="$2"; shift 2 ;;
        --parts=*) parts="${1#*=}"; shift ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done

# The pages measured, "label|path", signed in as an admin (bearer token). A district that
# has its own figures in examples/angka-wilayah.csv, and a province without figures of its
# own (Jawa Tengah: its regencies' figures are summed).
DASHBOARD_URLS=(
    "nation|/wilayah/0"
    "province 35|/wilayah/35"
    "regency 35.25|/wilayah/35.25"
    "district 35.25.01|/wilayah/35.25.01"
    "village 35.25.01.2001|/wilayah/35.25.01.2001"
    "API coverage 35.25|/api/v1/regions/35.25/coverage"
    "province 33 (sums regencies)|/wilayah/33"
)
# Public pages, measured the same way without a token. /transparansi is computed at most
# every 30 s (`usecase::transparency`'s cache): the first GET's time is the computation, wrk's
# figures are mostly the cached page.
PUBLIC_URLS=(
    "transparency|/transparansi"
)
# The limit, in the same run through the same server: one primary-key read of `regions`
# (no sign-in, no other query), and the server with no store at all.
LIMIT_URL="/api/v1/regions/35.25"
HEALTH_URL="/api/v1/health"

for tool in wrk curl psql sqlite3; do
    command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install $tool)" >&2; exit 2; }
done

mkdir -p bench/out
stamp=$(date -u +%Y%m%dT%H%M%SZ)
log="bench/out/dashboards-$stamp.log"
exec > >(tee -a "$log") 2>&1
t0=$(date +%s)
say() { printf '[%s +%4ds] %s\n' "$(date -u +%H:%M:%S)" $(( $(date +%s) - t0 )) "$*"; }

say "building (release) ..."
cargo build --release --bin lingkaran
case ",$parts," in *,triggers,*) cargo bench --bench totals --no-run ;; esac
bin="$root/target/release/lingkaran"
for _ in $(seq 1 60); do
    pgrep -x rustc >/dev/null 2>&1 || break
    say "waiting for another build (rustc) to finish ..."
    sleep 10
done

echo "date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "commit:  $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src migrations bench Cargo.toml || echo ' (+ uncommitted changes)')"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GB RAM, kernel $(uname -r)"
echo "postgres: $(psql "$pg" -XAtc 'show server_version'), shared_buffers $(psql "$pg" -XAtc 'show shared_buffers')"
echo "sqlite:  bundled with sqlx (libsqlite3-sys $(grep -A1 'name = "libsqlite3-sys"' Cargo.lock | sed -n 's/version = "\(.*\)"/\1/p')); generator: sqlite3 $(sqlite3 --version | cut -d' ' -f1)"
echo "wrk:     $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), $conns connections, $threads threads, ${seconds} s per page"
echo "parts:   $parts; workers: postgres $pg_workers, sqlite $sqlite_workers, triggers $trigger_workers"

server_pid=""
work=""
pg_db=""
cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=""
    fi
    if [ -n "$pg_db" ] && [ "${DASH_KEEP:-0}" != 1 ]; then
        psql "$pg" -XqAtc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true
        pg_db=""
    fi
    if [ -n "$work" ] && [ "${DASH_KEEP:-0}" != 1 ]; then rm -rf "$work"; fi
    work=""
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# The first month of the 24 the dashboards show (this month and the 23 before), as
# year*12 + month-1, and the trend's months are the data's months.
m0=$(( $(date -u +%Y) * 12 + 10#$(date -u +%m) - 1 - 23 ))

# Figures for every regency but Gresik (whose figures the example file has): workforce
# (angkatan_kerja) and participants on two dates, and a target, from the code's digits.
regency_figures() {
    awk -F, 'NR > 1 && $3 == 2 && $1 != "35.25" {
        n = $1; gsub(/\./, "", n); n = n + 0
        den = 150000 + (n * 7919) % 850000
        p1 = int(den * (25 + n % 20) / 100); p2 = int(p1 * 1.06)
        src = "\"Data bangku uji, bukan angka resmi\""
        printf "%s,2025-06-30,penyebut,%d,angkatan_kerja,%s\n", $1, den, src
        printf "%s,2025-06-30,peserta,%d,,%s\n", $1, p1, src
        printf "%s,2026-06-30,penyebut,%d,angkatan_kerja,%s\n", $1, int(den * 1.02), src
        printf "%s,2026-06-30,peserta,%d,,%s\n", $1, p2, src
        printf "%s,2025-01-01,target_persen,\"%d,00\",angkatan_kerja,%s\n", $1, 40 + n % 20, src
    }' data/regions.csv
}

# One wrk run: prints its result line; sets r_rps r_p50 r_p95 r_p99 r_max r_bad.
measure() {
    local path="$1" token="$2" secs="$3"
    local out
    out=$(DASH_PATH="$path" DASH_TOKEN="$token" wrk -t "$threads" -c "$conns" -d "${secs}s" \
        --timeout 10s -s bench/dashboards.lua "http://127.0.0.1:$port" 2>&1 | grep '^result' || true)
    [ -n "$out" ] || { echo "wrk gave no result for $path" >&2; return 1; }
    r_rps=$(sed 's/.* rps=\([^ ]*\).*/\1/' <<<"$out")
    r_p50=$(sed 's/.* p50_ms=\([^ ]*\).*/\1/' <<<"$out")
    r_p95=$(sed 's/.* p95_ms=\([^ ]*\).*/\1/' <<<"$out")
    r_p99=$(sed 's/.* p99_ms=\([^ ]*\).*/\1/' <<<"$out")
    r_max=$(sed 's/.* max_ms=\([^ ]*\).*/\1/' <<<"$out")
    r_bad=$(sed 's/.* non2xx=\([^ ]*\) socket_errors=\([^ ]*\).*/\1+\2/' <<<"$out")
}

summary=()
failed=0

# Serves `url`, measures every page against the limit, stops the server.
serve_and_measure() {
    local store="$1" url="$2"
    # What-if (never the headline numbers): SQL run on the database before serving, e.g.
    # DASH_BEFORE_SQL='CREATE INDEX regions_level ON regions (level)'.
    if [ -n "${DASH_BEFORE_SQL:-}" ]; then
        say "[$store] what-if: $DASH_BEFORE_SQL"
        case "$store" in
            postgres) psql "$url" -X -q -v ON_ERROR_STOP=1 -c "$DASH_BEFORE_SQL" ;;
            sqlite) sqlite3 -bail "${url#sqlite://}" "$DASH_BEFORE_SQL" ;;
        esac
    fi
    port=$(free_port)
    say "[$store] serving on 127.0.0.1:$port (release, --no-jobs; log $work/serve.log)"
    LINGKARAN_PROVIDER_SECRET=bench-dashboards "$bin" --db "$url" serve --no-jobs \
        --addr "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 600); do
        curl -fs "http://127.0.0.1:$port$HEALTH_URL" >/dev/null 2>&1 && break
        kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.log"; exit 1; }
        sleep 0.5
    done
    local token
    token=$("$bin" --db "$url" user add --username bench.admin --name "Bench admin" --role admin \
        --password bench-admin-password --token 2>/dev/null | sed -n 's/^token: //p')
    [ -n "$token" ] || { echo "no token" >&2; exit 1; }

    # Each page once (status, size, time), then a short warm-up.
    local entry label path tok code
    for entry in "${DASHBOARD_URLS[@]}" "${PUBLIC_URLS[@]}" "limit|$LIMIT_URL" "health|$HEALTH_URL"; do
        label="${entry%%|*}"; path="${entry#*|}"
        tok=$token
        case "$entry" in "limit|"*|"health|"*) tok="" ;; esac
        for p in "${PUBLIC_URLS[@]}"; do [ "$p" = "$entry" ] && tok=""; done
        code=$(curl -s -o "$work/page.out" -w '%{http_code} %{size_download} bytes %{time_total} s' \
            ${tok:+-H "authorization: Bearer $tok"} "http://127.0.0.1:$port$path")
        say "[$store] first GET $path: $code"
        case "$code" in 200*) ;; *) failed=1; head -c 300 "$work/page.out"; echo ;; esac
        measure "$path" "$tok" 3 >/dev/null
    done

    local load_before
    load_before=$(cut -d' ' -f1-3 /proc/loadavg)
    say "[$store] load average before: $load_before"
    say "[$store] limit: GET $LIMIT_URL, ${seconds} s"
    measure "$LIMIT_URL" "" "$seconds"
    local l_p50=$r_p50 l_p95=$r_p95
    summary+=("$(printf '| %s | limit: GET %s (one primary-key read) | %s | %s | %s | %s | 1× | 1.0× | %s |' \
        "$store" "$LIMIT_URL" "$r_rps" "$r_p50" "$r_p95" "$r_p99" "$r_bad")")
    say "[$store] limit: $r_rps req/s, p50 $r_p50 ms, p95 $r_p95 ms, p99 $r_p99 ms, max $r_max ms, bad $r_bad"
    measure "$HEALTH_URL" "" "$(( seconds < 10 ? seconds : 10 ))"
    summary+=("$(printf '| %s | (no store: GET %s, %s s) | %s | %s | %s | %s | | | %s |' \
        "$store" "$HEALTH_URL" "$(( seconds < 10 ? seconds : 10 ))" "$r_rps" "$r_p50" "$r_p95" "$r_p99" "$r_bad")")
    say "[$store] health: $r_rps req/s, p50 $r_p50 ms, p95 $r_p95 ms"

    for entry in "${DASHBOARD_URLS[@]}" "${PUBLIC_URLS[@]}"; do
        label="${entry%%|*}"; path="${entry#*|}"
        tok=$token
        for p in "${PUBLIC_URLS[@]}"; do [ "$p" = "$entry" ] && tok=""; done
        say "[$store] $label: GET $path, ${seconds} s"
        measure "$path" "$tok" "$seconds"
        local ratio ratio50 goal
        ratio=$(awk -v a="$r_p95" -v b="$l_p95" 'BEGIN { if (b > 0) printf "%.1f×", a / b; else print "?" }')
        ratio50=$(awk -v a="$r_p50" -v b="$l_p50" 'BEGIN { if (b > 0) printf "%.0f×", a / b; else print "?" }')
        goal=$(awk -v a="$r_p95" 'BEGIN { print (a < 200) ? "" : " OVER 200 ms" }')
        [ -z "$goal" ] || failed=1
        [ "$r_bad" = "0+0" ] || failed=1
        say "[$store] $label: $r_rps req/s, p50 $r_p50 ms ($ratio50 the limit's), p95 $r_p95 ms ($ratio the limit's), p99 $r_p99 ms, max $r_max ms, bad $r_bad$goal"
        summary+=("$(printf '| %s | %s: GET %s | %s | %s | **%s** | %s | %s | %s | %s |' \
            "$store" "$label" "$path" "$r_rps" "$r_p50" "$r_p95" "$r_p99" "$ratio50" "$ratio" "$r_bad$goal")")
    done
    say "[$store] load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
    local errors
    errors=$(grep -c 'ERROR' "$work/serve.log" || true)
    say "[$store] server log: $errors ERROR lines"
    grep 'ERROR' "$work/serve.log" | head -5 || true
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}

# Figures: the example file and the generated regencies' figures, through the CLI.
import_figures() {
    local url="$1"
    local s
    s=$(date +%s.%N)
    "$bin" --db "$url" figures import examples/angka-wilayah.csv | tail -1
    { echo "kode_wilayah,tanggal,ukuran,nilai,definisi,sumber"; regency_figures; } >"$work/regencies.csv"
    "$bin" --db "$url" figures import "$work/regencies.csv" | tail -1
    say "figures imported in $(awk -v s="$s" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }') s"
}

elapsed() { awk -v s="$1" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }'; }

for part in ${parts//,/ }; do
    case "$part" in
    postgres)
        # About 1.1 kB per worker (11 GB at 10,000,000) plus WAL: refuse early on a full disk.
        pg_dir=$(psql "$pg" -XAtc 'show data_directory' 2>/dev/null || true)
        if [ -n "$pg_dir" ] && [ -d "$pg_dir" ]; then
            need_kb=$(( pg_workers * 13 / 10 + 3 * 1024 * 1024 ))
            have_kb=$(df -k --output=avail "$pg_dir" | tail -1 | tr -d ' ')
            if [ "$have_kb" -lt "$need_kb" ]; then
                say "[postgres] needs about $(( need_kb / 1048576 )) GB free on $pg_dir, has $(( have_kb / 1048576 )) GB: not run"
                failed=1
                continue
            fi
        fi
        work=$(mktemp -d "${TMPDIR:-/tmp}/lk-dash-XXXXXX")
        pg_db="bench_dash_$$"
        url="${pg%/*}/$pg_db"
        export LINGKARAN_KEY_FILE="$work/keys"
        "$bin" keys generate --out "$LINGKARAN_KEY_FILE" >/dev/null 2>&1
        psql "$pg" -XqAtc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null
        psql "$pg" -XqAtc "CREATE DATABASE $pg_db" >/dev/null
        echo
        say "=== postgres: $pg_workers workers in $pg_db ==="
        "$bin" --db "$url" migrate 2>/dev/null | tail -1
        s=$(date +%s.%N)
        say "[postgres] generating (bench/dashboards/gen-postgres.sql, triggers off) ..."
        psql "$url" -X -q -v workers="$pg_workers" -v per_donation=1000 -v m0="$m0" \
            -f bench/dashboards/gen-postgres.sql >"$work/gen.log" 2>&1 \
            || { tail -20 "$work/gen.log"; exit 1; }
        # Each labelled step (\echo) and its statements of a second or more.
        grep -E '^[a-z_]|^Time: [0-9]{4,}' "$work/gen.log" | sed 's/^/    /' || true
        gen_s=$(elapsed "$s")
        say "[postgres] generated in $gen_s s"
        s=$(date +%s.%N)
        say "[postgres] totals: migrations 0028's and 0030's backfill statements ..."
        { echo "SET work_mem = '1GB';"; echo "TRUNCATE coverage_totals, handover_totals, donation_villages;"
          sed -n '/^-- What is already there\./,$p' migrations/postgres/0028_coverage_totals.sql
          sed -n '/^-- What is already there\./,$p' migrations/postgres/0030_donation_villages.sql; } \
            | psql "$url" -X -q -v ON_ERROR_STOP=1 >/dev/null
        fill_s=$(elapsed "$s")
        say "[postgres] totals filled in $fill_s s"
        s=$(date +%s.%N)
        psql "$url" -X -q -c "VACUUM ANALYZE" >/dev/null
        vac_s=$(elapsed "$s")
        say "[postgres] VACUUM ANALYZE in $vac_s s"
        counts=$(psql "$url" -XAt -F' ' -c "SELECT (SELECT count(*) FROM workers), (SELECT count(*) FROM worker_months),
            (SELECT count(*) FROM confirmations), (SELECT count(*) FROM self_payments),
            (SELECT count(*) FROM worker_events), (SELECT count(*) FROM coverage_totals),
            (SELECT count(*) FROM handover_totals), pg_size_pretty(pg_database_size(current_database()))")
        read -r n_w n_wm n_c n_s n_e n_t n_h size <<<"$counts"
        say "[postgres] $n_w workers, $n_wm worker-months, $n_c rejected confirmations, $n_s self-payments, $n_e hand-overs; $n_t coverage_totals and $n_h handover_totals rows; database $size"
        import_figures "$url"
        summary+=("| postgres | data: $n_w workers, $n_wm worker-months; generated in $gen_s s, totals $fill_s s, VACUUM ANALYZE $vac_s s; $size | | | | | | | |")
        serve_and_measure postgres "$url"
        [ "${DASH_KEEP:-0}" = 1 ] && say "kept: $url (key file $LINGKARAN_KEY_FILE)"
        cleanup
        ;;
    sqlite)
        work=$(mktemp -d "${TMPDIR:-/tmp}/lk-dash-XXXXXX")
        file="$work/dash.db"
        url="sqlite://$file"
        export LINGKARAN_KEY_FILE="$work/keys"
        "$bin" keys generate --out "$LINGKARAN_KEY_FILE" >/dev/null 2>&1
        echo
        say "=== sqlite: $sqlite_workers workers in $file ==="
        "$bin" --db "$url" migrate 2>/dev/null | tail -1
        s=$(date +%s.%N)
        say "[sqlite] generating (bench/dashboards/gen-sqlite.sql, triggers dropped and made again) ..."
        sqlite3 "$file" "CREATE TABLE bench_params (workers, per_donation, m0);
                         INSERT INTO bench_params VALUES ($sqlite_workers, 1000, $m0);"
        (cd "$work" && sqlite3 "$file" <"$root/bench/dashboards/gen-sqlite.sql") >"$work/gen.log" 2>&1 \
            || { tail -20 "$work/gen.log"; exit 1; }
        sqlite3 "$file" "DROP TABLE bench_params"
        gen_s=$(elapsed "$s")
        say "[sqlite] generated in $gen_s s"
        s=$(date +%s.%N)
        { echo "PRAGMA temp_store = MEMORY;"
          echo "DELETE FROM coverage_totals; DELETE FROM handover_totals; DELETE FROM donation_villages;"
          sed -n '/^-- What is already there\./,$p' migrations/sqlite/0028_coverage_totals.sql
          sed -n '/^-- What is already there\./,$p' migrations/sqlite/0030_donation_villages.sql; } \
            | sqlite3 -bail "$file"
        fill_s=$(elapsed "$s")
        say "[sqlite] totals filled in $fill_s s"
        s=$(date +%s.%N)
        sqlite3 "$file" "ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
        vac_s=$(elapsed "$s")
        counts=$(sqlite3 -separator ' ' "$file" "SELECT (SELECT count(*) FROM workers), (SELECT count(*) FROM worker_months),
            (SELECT count(*) FROM confirmations), (SELECT count(*) FROM self_payments),
            (SELECT count(*) FROM worker_events), (SELECT count(*) FROM coverage_totals),
            (SELECT count(*) FROM handover_totals)")
        read -r n_w n_wm n_c n_s n_e n_t n_h <<<"$counts"
        size="$(( $(stat -c %s "$file") / 1048576 )) MB"
        say "[sqlite] $n_w workers, $n_wm worker-months, $n_c rejected confirmations, $n_s self-payments, $n_e hand-overs; $n_t coverage_totals and $n_h handover_totals rows; file $size"
        import_figures "$url"
        summary+=("| sqlite | data: $n_w workers, $n_wm worker-months; generated in $gen_s s, totals $fill_s s, ANALYZE $vac_s s; $size | | | | | | | |")
        serve_and_measure sqlite "$url"
        [ "${DASH_KEEP:-0}" = 1 ] && say "kept: $url (key file $LINGKARAN_KEY_FILE)"
        cleanup
        ;;
    triggers)
        echo
        say "=== cost of the totals triggers (cargo bench --bench totals, $trigger_workers workers) ==="
        BENCH_PG="$pg" cargo bench --bench totals -- --workers "$trigger_workers" \
            --lines "${DASH_TRIGGER_LINES:-20000}"
        ;;
    *) echo "unknown part: $part" >&2; exit 2 ;;
    esac
done

echo
say "=== summary ($(date -u '+%Y-%m-%d %H:%M UTC'), $conns connections, ${seconds} s per page) ==="
if [ ${#summary[@]} -gt 0 ]; then
    echo "| store | page | req/s | p50 ms | p95 ms | p99 ms | p50 ÷ limit's | p95 ÷ limit's | non-2xx + socket errors |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---|"
    printf '%s\n' "${summary[@]}"
fi
say "log: $log"
exit "$failed"
