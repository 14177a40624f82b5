#!/usr/bin/env bash
# An outside check of the API (issue 11 §6): schemathesis generates requests from the served
# /api/openapi.json and sends them, as the Gresik officer of the demo, to a real
# `lingkaran serve --demo` on a fresh database of each store: SQLite, and PostgreSQL when
# LINGKARAN_TEST_PG names a server (as in CI). It fails on any 5xx, any answer whose status,
# Content-Type, headers or body the document does not describe, any request outside the
# document's schema that is accepted, and (.ci/schemathesis_hooks.py) any 4xx that is not the
# error envelope {"errors":[{"code","detail","detail_en"}]}.
#
# Bounded: schemathesis stops after SCHEMATHESIS_MAX_TIME seconds (default 90) on each store;
# with the install, the build (already done by `cargo test`) and the demo data the whole
# script takes about four minutes on the 2-core machine. docs/operations.md, "Outside checks".
#
#   bash .ci/schemathesis.sh                      # as CI runs it
#   SCHEMATHESIS_STORES=postgres SCHEMATHESIS_MAX_TIME=600 SCHEMATHESIS_SEED=7 \
#     SCHEMATHESIS_USER=admin bash .ci/schemathesis.sh
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
started=$(date +%s)

max_time=${SCHEMATHESIS_MAX_TIME:-90}
pg_admin=${LINGKARAN_TEST_PG:-}
if [ -n "$pg_admin" ]; then
  stores=${SCHEMATHESIS_STORES:-sqlite postgres}
else
  stores=${SCHEMATHESIS_STORES:-sqlite}
fi
# schemathesis 4 (its CLI, its check names and `@schemathesis.check` hooks are 4.x's).
spec='schemathesis>=4.32,<5'

# 1. schemathesis in a venv under target/ (kept between runs on one machine, made anew on a
# fresh one).
venv=$repo/target/schemathesis-venv
if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q 'version 4\.'; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "$spec"
fi
"$venv/bin/schemathesis" --version

cargo build --locked --quiet --bin lingkaran
bin=$repo/target/debug/lingkaran
work=$(mktemp -d)
server=
pg_db=
stop_server() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=
  fi
}
drop_pg() {
  if [ -n "$pg_db" ]; then
    psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $pg_db" >/dev/null 2>&1 || true
    pg_db=
  fi
}
cleanup() {
  stop_server
  drop_pg
  rm -rf "$work"
}
trap cleanup EXIT

# The demo on `store`, served on a free port; sets `server` and `base`.
serve() {
  local store=$1 dir=$work/$1 db
  mkdir -p "$dir"
  local keys=()
  case $store in
    sqlite) db=sqlite://$dir/schemathesis.db ;; # --demo makes its keys beside the file
    postgres)
      pg_db=lingkaran_schemathesis_$$
      psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $pg_db" -c "CREATE DATABASE $pg_db" >/dev/null
      db=${pg_admin%/*}/$pg_db
      "$bin" keys generate --out "$dir/keys" >/dev/null 2>&1
      keys=(--key-file "$dir/keys")
      ;;
    *)
      echo "schemathesis.sh: unknown store $store (sqlite, postgres)" >&2
      exit 2
      ;;
  esac
  (
    cd "$dir" # the demo writes its remittance files here
    # --job-daily-delay-seconds: the daily jobs (the cycle, reminders) stay out of the run.
    exec env -u LINGKARAN_KEY_FILE -u LINGKARAN_PROVIDER_SECRET -u LINGKARAN_DB \
      LINGKARAN_LOG=warn "$bin" --db "$db" serve --demo "${keys[@]}" \
      --addr 127.0.0.1:0 --job-daily-delay-seconds 86400
  ) >"$dir/serve.log" 2>&1 &
  server=$!
  base=
  for _ in $(seq 300); do
    base=$(sed -n 's|^Lingkaran: \(http://[0-9.:]*\)/.*|\1|p' "$dir/serve.log")
    [ -n "$base" ] && return 0
    if ! kill -0 "$server" 2>/dev/null; then
      cat "$dir/serve.log"
      echo "schemathesis.sh: the server ($store) stopped before it listened" >&2
      exit 1
    fi
    sleep 1
  done
  cat "$dir/serve.log"
  echo "schemathesis.sh: the server ($store) did not listen within 300 s" >&2
  exit 1
}

# The run on one store (called in `||`, where `set -e` does not hold: every step that can
# fail says so itself). Every check but one:
# - positive_data_acceptance is left out: it expects every request that fits the schema to
#   succeed, and the service rightly refuses many that do (a NIK whose digits or region do
#   not hold, a month that is not YYYY-MM, an unknown region, an Idempotency-Key reused for
#   another body): rules of the field that a JSON schema cannot say. Those refusals are 422s
#   in the envelope, which the other checks still hold to the document.
# No operation is left out: the API cannot revoke tokens, POST /api/v1/me/password needs the
# current password (which the generator does not know), and the sign-in and sign-up throttles
# answer 429 as documented, which is fine since the run uses the token, not a sign-in.
# The payment callback needs the provider's signature: its refusals (401, 4xx) are checked too.
# One worker: with two, Python 3.11's `ast` (hypothesis reads its lambdas' source) can fail
# in two threads at once ("AST constructor recursion depth mismatch", CPython gh-106905), a
# runtime error of the tool, not of the service.
check() {
  local store=$1 status
  serve "$store"
  # The officer's token (README: every demo user's password is lingkaran-demo). Another demo
  # user (admin, donatur, desa.sawo, pemkab.gresik) for a run by hand: SCHEMATHESIS_USER.
  local user=${SCHEMATHESIS_USER:-petugas} token
  token=$(curl -sf "$base/api/v1/auth/token" -H 'content-type: application/json' \
    -d "{\"username\":\"$user\",\"password\":\"lingkaran-demo\",\"label\":\"schemathesis\"}" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])') || true
  if [ -z "$token" ]; then
    echo "schemathesis.sh: $user could not sign in on $store" >&2
    exit 1
  fi
  local seed=()
  [ -n "${SCHEMATHESIS_SEED:-}" ] && seed=(--seed "$SCHEMATHESIS_SEED")
  echo "== schemathesis on $store: $base, as $user, $max_time s"
  set +e
  # From target/: schemathesis keeps a cache of crashes (.schemathesis/) in its folder.
  (cd "$repo/target" &&
    SCHEMATHESIS_HOOKS=schemathesis_hooks PYTHONPATH=$repo/.ci \
      "$venv/bin/schemathesis" run "$base/api/openapi.json" \
      --header "Authorization: Bearer $token" \
      --checks all --exclude-checks positive_data_acceptance \
      --max-time "$max_time" --workers 1 --request-timeout 30 \
      --generation-database "$repo/target/schemathesis-examples" \
      --no-color --report junit --report-dir "$report/$store" "${seed[@]}")
  status=$?
  set -e
  # The server must still be up: a crash would otherwise show only as connection errors.
  if ! kill -0 "$server" 2>/dev/null; then
    echo "schemathesis.sh: the server ($store) died during the run" >&2
    status=1
  fi
  if grep -q 'panicked' "$work/$store/serve.log"; then
    grep -B2 -A8 'panicked' "$work/$store/serve.log" >&2
    echo "schemathesis.sh: the server ($store) panicked during the run" >&2
    status=1
  fi
  stop_server
  drop_pg
  return "$status"
}

report=$repo/target/schemathesis-report
rm -rf "$report"
failed=
for store in $stores; do
  check "$store" || failed="$failed $store"
done
echo "schemathesis.sh: ${failed:+failed on$failed, }$(($(date +%s) - started)) s in all (reports: $report)"
[ -z "$failed" ]
