#!/usr/bin/env bash
# FuncLedger's benchmarks, each figure a ratio of a yardstick measured in the same run on the same server:
# ../shared/bench/raw-sql-limit.sh (the commit floor and a plain-SQL transfer) runs first, then the macro
# benchmarks (core API, replays, hot wallet, SQLite, the queue function in-process, payout awards through Azurite and
# Standalone's listener to empty beside the emulator's own drain of as many messages), purchases against transfers (3
# interleaved rounds), the ceiling (bench/ceiling-transfer.pgbench: a transfer on the ledger's schema that checks
# nothing, the most any transfer can reach, with the database's CPU per transaction), HTTP through Standalone at 8, 32
# and 128 connections, reconciliation at 1,000,000 wallets / 10,000,000 entries (bench/reconcile-scale.sh), then the
# BenchmarkDotNet micro-benchmarks; prints every ratio against issue 34's and issue 17's goals. Starts PostgreSQL and
# Azurite as the test command does. About 25 minutes on 2 cores (the 10,000,000 entries take about 5 to load;
# RECONCILE_WALLETS and RECONCILE_ENTRIES make it smaller).
# Writes artifacts/bench/results.jsonl, docs/benchmarks.md (with bench/profile.md and the last three runs from
# docs/benchmarks-runs.jsonl, to which it appends this run), docs/benchmarks.json and docs/benchmarks.png.
# Usage: bench/run.sh [seconds=10]   (SKIP_MICRO=1 skips BenchmarkDotNet; YARDSTICK=path overrides the script)
set -uo pipefail
seconds=${1:-10}
repo=$(cd "$(dirname "$0")/.." && pwd)
FUNCLEDGER_SOURCED=1 source "$repo/build.sh"
root=$repo   # build.sh set its own root from $0
cd "$root"
# The shared yardstick lives beside the repository (../shared); /work/shared is where it sits on these machines.
yardstick=${YARDSTICK:-}
for candidate in "$root/../shared/bench/raw-sql-limit.sh" /work/shared/bench/raw-sql-limit.sh; do
  [ -z "$yardstick" ] && [ -f "$candidate" ] && yardstick=$candidate
done
[ -n "$yardstick" ] && [ -f "$yardstick" ] || { log "yardstick script raw-sql-limit.sh not found (set YARDSTICK=path)"; exit 2; }
ensure_postgres || exit 1
ensure_azurite || exit 1
trap '[ -n "$AZURITE_PID" ] && kill "$AZURITE_PID" 2>/dev/null' EXIT
export PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres PGPASSWORD=${FUNCLEDGER_PG_PASSWORD:-funcledger} PGDATABASE=funcledger_bench
out=artifacts/bench; mkdir -p "$out" docs
results="$out/results.jsonl"; : > "$results"
started=$(date +%s)

log "database $PGDATABASE (fresh)"
psql -q -d postgres -c "DROP DATABASE IF EXISTS $PGDATABASE WITH (FORCE)" -c "CREATE DATABASE $PGDATABASE" || exit 1

log "yardsticks: $yardstick ($seconds s each, 10000 wallets, 1 and 8 clients)"
bash "$yardstick" "$seconds" 10000 "1 8" | tee -a "$results" || exit 1

log "building the benchmarks (Release)"
dotnet build bench/FuncLedger.Bench -c Release -nologo -v quiet -o "$out/bin" > "$out/build.log" 2>&1 || { grep -E "error" "$out/build.log" | head; exit 1; }

log "macro benchmarks ($seconds s each)"
dotnet "$out/bin/FuncLedger.Bench.dll" macro --pg "Host=$PGHOST;Port=$PGPORT;Username=$PGUSER;Password=$PGPASSWORD;Database=$PGDATABASE" \
  --azurite "$FUNCLEDGER_AZURITE" --seconds "$seconds" --wallets 10000 --root "$root" | tee -a "$results" || exit 1

log "purchases against transfers, 8 clients each, 3 interleaved rounds ($seconds s each)"
dotnet "$out/bin/FuncLedger.Bench.dll" purchase --pg "Host=$PGHOST;Port=$PGPORT;Username=$PGUSER;Password=$PGPASSWORD;Database=$PGDATABASE" \
  --seconds "$seconds" --warmup 15 --rounds 3 | sed 's/"bench":"core_transfer"/"bench":"purchase_round_transfer"/' | tee -a "$results" || exit 1

log "ceiling: bench/ceiling-transfer.pgbench (a transfer that checks nothing, one statement, on the ledger's schema)"
# CPU time (clock ticks) of a process, and of every PostgreSQL process with the children the postmaster reaped (pgbench's
# backends exit with it): the database's CPU per transaction, beside the core transfer's (bench/FuncLedger.Bench measures its own).
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_ticks() { local t=0 p; for p in $(pgrep -x postgres); do t=$(( t + $(awk '{print $14 + $15 + $16 + $17}' "/proc/$p/stat" 2>/dev/null || echo 0) )); done; echo "$t"; }
for c in 1 8; do
  db0=$(pg_ticks)
  out_c=$(pgbench -n -M prepared -f bench/ceiling-transfer.pgbench -D wallets=10000 -c "$c" -j "$c" -T "$seconds" 2>&1) \
    || { echo "$out_c" | tail -3; exit 1; }
  db1=$(pg_ticks); n=$(grep -oP 'actually processed: \K[0-9]+' <<<"$out_c")
  printf '{"yardstick":"ceiling","clients":%s,"tps":%s,"latency_ms":%s,"db_cpu_us_per_op":%s}\n' "$c" "$(grep -oP 'tps = \K[0-9.]+' <<<"$out_c" | head -1)" \
    "$(grep -oP 'latency average = \K[0-9.]+' <<<"$out_c" | head -1)" "$(( (db1 - db0) * 1000000 / $(getconf CLK_TCK) / n ))" | tee -a "$results"
done

log "HTTP through FuncLedger.Standalone (a separate process) with wrk, 8, 32 and 128 connections"
command -v wrk >/dev/null || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || { log "wrk: install failed"; exit 1; }
dotnet build src/FuncLedger.Standalone -c Release -nologo -v quiet -o "$out/standalone" > "$out/standalone-build.log" 2>&1 || { grep error "$out/standalone-build.log" | head; exit 1; }
key=bench-function-key-0123456789
Standalone__FunctionKeys=$key Standalone__MasterKey=bench-master-key-0123456789 Ledger__Provider=postgres \
  ConnectionStrings__Ledger="Host=$PGHOST;Port=$PGPORT;Username=$PGUSER;Password=$PGPASSWORD;Database=$PGDATABASE" \
  AzureWebJobsStorage="$FUNCLEDGER_AZURITE" ReconcileSchedule="0 0 3 * * *" HoldExpirySchedule="0 * * * * *" Logging__LogLevel__Default=Warning \
  HistoryLinks__Secret=bench-history-link-secret-0123456789abcdef \
  dotnet "$out/standalone/FuncLedger.Standalone.dll" --urls http://127.0.0.1:7081 > "$out/standalone.log" 2>&1 &
server=$!
for _ in $(seq 1 60); do curl -fs http://127.0.0.1:7081/api/health >/dev/null 2>&1 && break; sleep 0.5; done
# Warm-up until steady state: under load on 2 cores JIT tiering takes 12-14 s to settle (2 s windows rise from about
# 1,500 to 3,200 requests/s; a 3 s warm-up measured 0.53x where steady state is 0.8x). 30 s in 2 s windows, each
# window's rate kept in the results so the curve shows the server had settled.
warm=""
for w in $(seq 1 15); do
  rate=$(FUNCLEDGER_KEY=$key FUNCLEDGER_RUN="$(date +%s)warm$w" wrk -t2 -c8 -d2s -s bench/http-transfer.lua http://127.0.0.1:7081 2>&1 \
    | grep -oP 'Requests/sec:\s+\K[0-9.]+' || echo 0)
  warm="$warm${warm:+, }${rate%.*}"
done
log "HTTP warm-up, requests/s per 2 s window: $warm"
printf '{"bench":"http_warmup","provider":"postgres","clients":8,"tps":%s,"p50_ms":0,"p99_ms":0,"ops":0,"errors":0,"note":"untimed warm-up, requests/s per 2 s window: %s"}\n' \
  "${rate:-0}" "$warm" >> "$results"
for c in 8 32 128; do
  app0=$(ticks "$server"); db0=$(pg_ticks)
  FUNCLEDGER_KEY=$key FUNCLEDGER_RUN="$(date +%s)c$c" wrk -t2 -c"$c" -d"${seconds}s" --latency -s bench/http-transfer.lua http://127.0.0.1:7081 > "$out/wrk-$c.txt" 2>&1
  app1=$(ticks "$server"); db1=$(pg_ticks)
  python3 bench/wrk_json.py "$out/wrk-$c.txt" "$c" | tee -a "$results"
  if [ "$c" = 32 ]; then   # the CPU each request costs the app and the database, for the cost on paper
    n=$(grep -oP '\d+(?= requests in)' "$out/wrk-$c.txt")
    python3 -c "import json; t=$(getconf CLK_TCK); print(json.dumps({'bench': 'cpu_per_request', 'provider': 'postgres', 'clients': 32, 'tps': 0, 'p50_ms': 0, 'p99_ms': 0, 'ops': $n, 'errors': 0, 'app_cpu_ms': round(($app1 - $app0) * 1000 / t / $n, 3), 'db_cpu_ms': round(($db1 - $db0) * 1000 / t / $n, 3), 'note': 'process CPU time per HTTP transfer: Standalone, and every PostgreSQL process'}))" | tee -a "$results"
  fi
done
kill "$server" 2>/dev/null; wait "$server" 2>/dev/null

log "reconciliation at scale (bench/reconcile-scale.sh)"
bash bench/reconcile-scale.sh "${RECONCILE_WALLETS:-1000000}" "${RECONCILE_ENTRIES:-10000000}" | tee -a "$results" || exit 1

if [ "${SKIP_MICRO:-0}" != 1 ]; then
  log "micro benchmarks (BenchmarkDotNet, short run)"
  dotnet "$out/bin/FuncLedger.Bench.dll" micro --artifacts "$out/micro" > "$out/micro.log" 2>&1 || { tail -20 "$out/micro.log"; exit 1; }
fi

log "summary"
python3 bench/summarize.py "$results" "$out/micro/results" docs/benchmarks.md docs/benchmarks.json "$(( $(date +%s) - started ))" \
  docs/benchmarks-runs.jsonl || exit 1
dotnet "$out/bin/FuncLedger.Bench.dll" chart docs/benchmarks.json docs/benchmarks.png || exit 1
psql -q -d postgres -c "DROP DATABASE IF EXISTS $PGDATABASE WITH (FORCE)"
