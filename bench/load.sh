#!/usr/bin/env bash
# Load run (issue 11 §6): the release server with the Gresik demo, on a fresh SQLite file and
# a fresh PostgreSQL database, under wrk for LOAD_SECONDS (default 60) with a mix of reads
# and writes (bench/load.lua). Before the mix, the same wrk set-up against the cheapest
# route (GET /api/v1/health: no store, every middleware) for 10 s gives the server's raw
# HTTP ceiling in the same run; the mix is printed as a share of it. See bench/README.md.
#
#   bench/load.sh                              # both stores, 60 s each
#   bench/load.sh --stores sqlite              # one store
#   LOAD_SECONDS=20 LOAD_CONNECTIONS=16 bench/load.sh
#
# Exits non-zero when the mix saw any 5xx or socket error on any store.
# PostgreSQL: LOAD_PG (default postgres://postgres@127.0.0.1:5432/postgres) must let the user
# create and drop databases; the run makes lk_load_<pid> and drops it. Needs wrk, curl, jq
# (Debian: apt-get install wrk curl jq). Logs go to bench/out/ (not committed).
set -euo pipefail
trap 'echo "load.sh: failed at line $LINENO" >&2' ERR
cd "$(dirname "$0")/.."
root=$(pwd)

seconds="${LOAD_SECONDS:-60}"
ceiling_seconds="${LOAD_CEILING_SECONDS:-10}"
conns="${LOAD_CONNECTIONS:-8}"
pg="${LOAD_PG:-postgres://postgres@127.0.0.1:5432/postgres}"
stores="sqlite,postgres"
while [ $# -gt 0 ]; do
    case "$1" in
        --stores) stores="$2"; shift 2 ;;
        --stores=*) stores="${1#*=}"; shift ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
for tool in wrk curl jq; do
    command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install $tool)" >&2; exit 2; }
done

mkdir -p bench/out
stamp=$(date -u +%Y%m%dT%H%M%SZ)
log="bench/out/load-$stamp.log"
exec > >(tee -a "$log") 2>&1

echo "building (release) ..."
cargo build --release --bin lingkaran
bin="$root/target/release/lingkaran"

# The machine may be shared: wait a while for another build to finish (as run.sh does).
for _ in $(seq 1 60); do
    pgrep -x rustc >/dev/null 2>&1 || break
    echo "waiting for another build (rustc) to finish ..."
    sleep 10
done

echo "date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "commit:  $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src migrations Cargo.toml || echo ' (+ uncommitted changes)')"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GB RAM, kernel $(uname -r)"
echo "wrk:     $(wrk -v 2>&1 | head -1)"
echo "run:     $conns connections (wrk -t $conns -c $conns), ceiling ${ceiling_seconds} s, mix ${seconds} s"

server_pid=""
work=""
pg_db=""
cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=""
    fi
    if [ -n "$pg_db" ]; then
        psql "$pg" -qAtc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true
        pg_db=""
    fi
    if [ -n "$work" ]; then rm -rf "$work"; work=""; fi
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wrk's summary line "name value..." from a load.lua output file.
field() { sed -n "s/^$1 *//p" "$2" | head -1; }

failed=0
summary=()
for store in ${stores//,/ }; do
    work=$(mktemp -d "${TMPDIR:-/tmp}/lk-load-XXXXXX")
    case "$store" in
        sqlite) url="sqlite://$work/load.db" ;;
        postgres)
            pg_db="lk_load_$$"
            psql "$pg" -qAtc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null
            psql "$pg" -qAtc "CREATE DATABASE $pg_db" >/dev/null
            url="${pg%/*}/$pg_db"
            ;;
        *) echo "unknown store: $store" >&2; exit 2 ;;
    esac
    port=$(free_port)
    base="http://127.0.0.1:$port"
    echo
    echo "=== $store ==="
    echo "serving the demo on $url at $base (log: $work/serve.log) ..."
    # The server's defaults, except the address; its demo keys and files go in $work.
    (cd "$work" && exec "$bin" --db "$url" serve --demo --addr "127.0.0.1:$port") >"$work/serve.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 600); do
        curl -fs "$base/api/v1/health" >/dev/null 2>&1 && break
        kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.log"; exit 1; }
        sleep 0.5
    done
    curl -fs "$base/api/v1/health" >/dev/null

    token() {
        curl -fs "$base/api/v1/auth/token" -H 'content-type: application/json' \
            -d "{\"username\":\"$1\",\"password\":\"lingkaran-demo\"}" | jq -r .token
    }
    export LOAD_TOKEN_OFFICER LOAD_TOKEN_PROPOSER LOAD_TOKEN_DONOR LOAD_TOKEN_VIEWER
    LOAD_TOKEN_OFFICER=$(token petugas)
    LOAD_TOKEN_PROPOSER=$(token desa.sawo)
    LOAD_TOKEN_DONOR=$(token donatur)
    LOAD_TOKEN_VIEWER=$(token pemkab.gresik)
    get() { curl -fs "$base$1" -H "authorization: Bearer $2"; }

    # What the mix needs to know of the demo: the workers' ids, the donor and its
    # donations, the proposer's village, a few NIKs (as an officer sees them).
    export LOAD_WORKER_MAX LOAD_DONOR_ID LOAD_DONATION_IDS LOAD_VILLAGE LOAD_DISTRICT LOAD_NIKS \
        LOAD_DISTRICTS LOAD_REGION LOAD_MONTH LOAD_RUN_TAG
    LOAD_REGION=35.25
    LOAD_MONTH="${LOAD_MONTH:-2026-05}"
    LOAD_RUN_TAG="$store-$stamp"
    LOAD_WORKER_MAX=$(get "/api/v1/workers?per_page=1" "$LOAD_TOKEN_OFFICER" | jq '.total')
    LOAD_DONOR_ID=$(get "/api/v1/donors" "$LOAD_TOKEN_DONOR" | jq '.donors[0].id')
    LOAD_DONATION_IDS=$(get "/api/v1/donations" "$LOAD_TOKEN_DONOR" | jq -r '[.donations[].id] | join(",")')
    LOAD_VILLAGE=$(get "/api/v1/me" "$LOAD_TOKEN_PROPOSER" | jq -r '.scopes[0]')
    LOAD_DISTRICT=$(echo "$LOAD_VILLAGE" | tr -d . | cut -c1-6)
    LOAD_DISTRICTS=$(get "/api/v1/regions/35.25/children" "" | jq -r '[.children[].code] | join(",")')
    # NIKs for the coverage and NIK checks: 8 workers a paid donation protects, 8 others.
    LOAD_NIKS=$( (get "/api/v1/donations/${LOAD_DONATION_IDS##*,}/workers" "$LOAD_TOKEN_OFFICER" | jq -r '.workers[:8][].nik'
        for id in 1 2 3 4 5 6 7 8; do get "/api/v1/workers/$id" "$LOAD_TOKEN_OFFICER" | jq -r '.nik'; done) | paste -sd,)
    echo "demo:    $LOAD_WORKER_MAX workers, donor $LOAD_DONOR_ID with donations $LOAD_DONATION_IDS, village $LOAD_VILLAGE"

    # What-if (never for the headline numbers): SQL run on the seeded database before the
    # load, e.g. LOAD_BEFORE_SQL='CREATE INDEX invoices_donation ON invoices (donation_id)'.
    if [ -n "${LOAD_BEFORE_SQL:-}" ]; then
        echo "what-if: $LOAD_BEFORE_SQL"
        case "$store" in
            sqlite) sqlite3 "$work/load.db" "$LOAD_BEFORE_SQL" ;;
            postgres) psql "$url" -qAtc "$LOAD_BEFORE_SQL" ;;
        esac
    fi

    # Let the demo's seeding settle (PostgreSQL's autovacuum, SQLite's checkpoint) a moment.
    sleep 5
    load_before=$(cut -d' ' -f1-3 /proc/loadavg)
    echo "load before: $load_before ($(uptime | sed 's/.*up/up/'))"

    echo "--- ceiling: GET /api/v1/health, ${ceiling_seconds} s ---"
    LOAD_MIX=ceiling wrk -t "$conns" -c "$conns" -d "${ceiling_seconds}s" --timeout 10s \
        -s bench/load.lua "$base" >"$work/ceiling.out" 2>&1 || true
    cat "$work/ceiling.out"

    echo "--- mix: ${seconds} s ---"
    rc=0
    wrk -t "$conns" -c "$conns" -d "${seconds}s" --timeout 10s \
        -s bench/load.lua "$base" >"$work/mix.out" 2>&1 || rc=$?
    cat "$work/mix.out"
    load_after=$(cut -d' ' -f1-3 /proc/loadavg)
    echo "load after: $load_after"

    errors=$(grep -c 'ERROR' "$work/serve.log" || true)
    echo "server log: $errors ERROR lines"
    grep 'ERROR' "$work/serve.log" | head -5 || true

    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
    echo "ledger check:"
    keys=$(ls "$work"/*.keys | head -1)
    (cd "$work" && LINGKARAN_KEY_FILE="$keys" "$bin" --db "$url" ledger check --json | jq -c .) || rc=1

    c_rps=$(field rps "$work/ceiling.out")
    c_lat=$(field latency_ms "$work/ceiling.out")
    m_rps=$(field rps "$work/mix.out")
    m_lat=$(field latency_ms "$work/mix.out")
    m_cls=$(field classes "$work/mix.out")
    m_sock=$(field socket_errors "$work/mix.out")
    ratio=$(awk -v m="${m_rps:-0}" -v c="${c_rps:-0}" 'BEGIN { if (c > 0) printf "%.1f%%", 100 * m / c; else print "?" }')
    summary+=("$store: mix ${m_rps:-?} req/s = $ratio of the ceiling (${c_rps:-?} req/s, health)")
    summary+=("  mix latency ms:     $m_lat")
    summary+=("  ceiling latency ms: $c_lat")
    summary+=("  answers: $m_cls; socket errors: $m_sock; server ERROR lines: $errors")
    summary+=("  load average before: $load_before; after: $load_after")
    [ "$rc" -eq 0 ] || { failed=1; summary+=("  FAILED (exit $rc)"); }
    cleanup
done

echo
echo "=== summary ($(date -u '+%Y-%m-%d %H:%M UTC'), $conns connections, mix ${seconds} s) ==="
printf '%s\n' "${summary[@]}"
echo "log: $log"
exit "$failed"
