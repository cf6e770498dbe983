#!/usr/bin/env bash
# Reconciliation at scale on PostgreSQL (issue 5): W wallets and E entries (default 1,000,000 / 10,000,000),
# 1 in 1000 wallets drifted. Measures, in the same run and on the same data:
#   raw - psql: SELECT wallet_id, sum(amount) FROM ledger_entries GROUP BY wallet_id (the yardstick)
#   cli - funcledger reconcile --dry-run (Release build): wall time and peak RSS (/usr/bin/time -v)
# Each is run 3 times, alternating, after one warm-up; the best of each is compared.
# Usage: bench/reconcile-scale.sh [wallets=1000000] [entries=10000000]   (KEEP=1 keeps the database, REUSE=1 reuses it)
# Needs PostgreSQL as the test command starts it (PG* or FUNCLEDGER_BENCH_POSTGRES); prints JSON lines and a summary.
set -euo pipefail
wallets=${1:-1000000}; entries=${2:-10000000}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres} PGPASSWORD=${PGPASSWORD:-funcledger}
export PGOPTIONS="-c client_min_messages=warning"
db=funcledger_bench_scale
conn="Host=$PGHOST;Port=$PGPORT;Username=$PGUSER;Password=$PGPASSWORD;Database=$db;Timeout=30;Command Timeout=0"
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (Debian package time)" >&2; exit 2; }

echo "==> publishing funcledger (Release, ReadyToRun, as an operator deploys it)" >&2
dotnet publish src/FuncLedger.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  -nologo -v quiet -o artifacts/bench/cli >/dev/null
cli() { dotnet artifacts/bench/cli/funcledger.dll "$@" --provider postgres --connection "$conn"; }

if [ "${REUSE:-0}" = 1 ] && [ "$(psql -d "$db" -Atc 'SELECT COUNT(*) FROM wallets' 2>/dev/null || echo 0)" = "$wallets" ]; then
  echo "==> reusing $db (REUSE=1)" >&2
else
echo "==> creating $db: $wallets wallets, $entries entries" >&2
psql -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
cli migrate >/dev/null
start=$(date +%s)
psql -q -d "$db" -v ON_ERROR_STOP=1 <<SQL
-- Bench data only, known valid: skip the foreign-key checks of 10,000,000 inserts (they are triggers), keep the indexes.
SET session_replication_role = replica;
INSERT INTO wallets (owner_id, cached_balance, allow_overdraft, created_at, updated_at)
  SELECT g, 0, false, now(), now() FROM generate_series(1, $wallets) g;
INSERT INTO ledger_entries (wallet_id, amount, balance_after, reason, created_at)
  SELECT (g % $wallets) + 1, (g % 97) + 1, 0, 'bench', now() FROM generate_series(1, $entries) g;
UPDATE wallets w SET cached_balance = s.total
  FROM (SELECT wallet_id, SUM(amount) AS total FROM ledger_entries GROUP BY wallet_id) s WHERE s.wallet_id = w.id;
UPDATE wallets SET cached_balance = cached_balance + 1 WHERE id % 1000 = 0;
VACUUM ANALYZE;
SQL
echo "==> loaded in $(( $(date +%s) - start )) s" >&2
fi

raw() {
  local t0 t1
  t0=$(date +%s%N)
  psql -q -d "$db" -c "SELECT wallet_id, sum(amount) FROM ledger_entries GROUP BY wallet_id" >/dev/null
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 ))
}
run_cli() { # prints "ms rss_kb exit"
  local out t0 t1 rc
  t0=$(date +%s%N)
  set +e
  out=$( { /usr/bin/time -v dotnet artifacts/bench/cli/funcledger.dll reconcile --dry-run --provider postgres --connection "$conn" >/dev/null; } 2>&1 )
  rc=$?
  set -e
  t1=$(date +%s%N)
  echo "$(( (t1 - t0) / 1000000 )) $(grep -oP 'Maximum resident set size \(kbytes\): \K[0-9]+' <<<"$out") $rc"
}

raw >/dev/null; run_cli >/dev/null   # warm-up: data in shared buffers / page cache
best_raw=999999999; best_cli=999999999; peak=0
for i in 1 2 3; do
  r=$(raw); read -r c rss rc < <(run_cli)
  [ "$rc" = 1 ] || { echo "reconcile exited $rc, expected 1 (drift)" >&2; exit 2; }
  printf '{"bench":"reconcile-scale","run":%d,"wallets":%d,"entries":%d,"raw_group_by_ms":%d,"cli_dry_run_ms":%d,"cli_peak_rss_mb":%d}\n' \
    "$i" "$wallets" "$entries" "$r" "$c" "$((rss / 1024))"
  [ "$r" -lt "$best_raw" ] && best_raw=$r
  [ "$c" -lt "$best_cli" ] && best_cli=$c
  [ "$rss" -gt "$peak" ] && peak=$rss
done
drifts=$(cli reconcile --dry-run --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["driftCount"])' || true)
ratio=$(python3 -c "print(f'{$best_cli/$best_raw:.2f}')")
echo "reconcile-scale: $wallets wallets, $entries entries, $drifts drifted; raw GROUP BY best ${best_raw} ms, funcledger reconcile --dry-run best ${best_cli} ms (${ratio}x, goal <= 1.2x, includes process start); peak RSS $((peak / 1024)) MB (goal < 200 MB)"
[ "${KEEP:-0}" = 1 ] || psql -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"
