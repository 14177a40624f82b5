#!/usr/bin/env bash
# Import benchmark: builds in release mode, then imports a generated list of BENCH_ROWS
# workers (default 1,000,000) into SQLite and PostgreSQL and sets each against the same
# store's raw bulk-load rate, measured in the same run. See bench/README.md.
#
#   bench/run.sh                       # 1,000,000 rows, both stores
#   BENCH_ROWS=100000 bench/run.sh     # smaller
#   bench/run.sh --stores sqlite       # one store
#   bench/run.sh --breakdown           # also time the parts of the import path
#   BENCH_SQL_PROFILE=1 bench/run.sh --no-raw   # time spent per SQL statement in the import
#
# PostgreSQL: BENCH_PG (default postgres://postgres@127.0.0.1:5432/postgres) must let the
# user create and drop databases. Logs go to bench/out/ (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."

rows="${BENCH_ROWS:-1000000}"
mkdir -p bench/out
log="bench/out/run-$(date -u +%Y%m%dT%H%M%SZ)-${rows}.log"

echo "building (release) ..." >&2
cargo bench --bench import --no-run

# The machine may be shared: a compiler running during a timed phase takes a core. Wait a
# while for one to finish; the benchmark itself warns if one starts during a timed phase.
for _ in $(seq 1 120); do
    pgrep -x rustc >/dev/null 2>&1 || break
    echo "waiting for another build (rustc) to finish ..." >&2
    sleep 10
done

{
    echo "date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "commit:  $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src migrations Cargo.toml || echo ' (+ uncommitted changes)')"
    echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GB RAM, kernel $(uname -r)"
    echo "sqlite:  bundled with sqlx (libsqlite3-sys $(grep -A1 'name = "libsqlite3-sys"' Cargo.lock | sed -n 's/version = "\(.*\)"/\1/p'))"
    echo "postgres: $(psql "${BENCH_PG:-postgres://postgres@127.0.0.1:5432/postgres}" -Atc 'show server_version' 2>/dev/null || echo '?')"
    echo "command: BENCH_ROWS=$rows cargo bench --bench import -- $*"
    echo
} | tee "$log"

BENCH_ROWS="$rows" cargo bench --bench import -- "$@" 2>&1 | tee -a "$log"
echo "log: $log" >&2
