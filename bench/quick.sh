#!/usr/bin/env bash
# The quick ratio profile the test command prints after the tests: the yardsticks (../shared/bench/raw-sql-limit.sh:
# the commit floor and a plain-SQL transfer, 1 and 8 clients), the core transfer at 1 and 8 clients and a replay at 1, and
# the ceiling (bench/ceiling-transfer.pgbench) at 1 and 8, each for a few seconds on the same PostgreSQL, then their ratios,
# the ceiling's first (issue 34's goals), then issue 17's. About 70-90 s. It never
# fails the run: a missing yardstick or an error prints one line and exits 0. It runs the Debug build the tests just
# made (a Release build alone would take longer than the whole profile), so its figures sit below bench/run.sh's;
# they are for spotting a change from one run to the next.
# Usage: bench/quick.sh [seconds=4]   (needs FUNCLEDGER_TEST_POSTGRES, as the test command sets it)
set -uo pipefail
seconds=${1:-4}
root=$(cd "$(dirname "$0")/.." && pwd)
say() { printf 'ratios: %s\n' "$*"; }
yardstick=${YARDSTICK:-}
for candidate in "$root/../shared/bench/raw-sql-limit.sh" /work/shared/bench/raw-sql-limit.sh; do
  [ -z "$yardstick" ] && [ -f "$candidate" ] && yardstick=$candidate
done
[ -n "$yardstick" ] || { say "skipped (raw-sql-limit.sh not found beside the repository; set YARDSTICK=path)"; exit 0; }
bench="$root/bench/FuncLedger.Bench/bin/Debug/net10.0/FuncLedger.Bench.dll"
[ -f "$bench" ] || { say "skipped (the benchmark is not built: build FuncLedger.sln first)"; exit 0; }
command -v pgbench >/dev/null || { say "skipped (pgbench not found)"; exit 0; }
pg=${FUNCLEDGER_TEST_POSTGRES:-}
[ -n "$pg" ] || { say "skipped (FUNCLEDGER_TEST_POSTGRES is not set)"; exit 0; }
field() { tr ';' '\n' <<<"$pg" | awk -F= -v k="$1" 'tolower($1) == tolower(k) { print substr($0, length($1) + 2) }'; }
export PGHOST=$(field Host) PGPORT=$(field Port) PGUSER=$(field Username) PGPASSWORD=$(field Password) PGDATABASE=funcledger_quick
export PGPORT=${PGPORT:-5432}
out="$root/artifacts/bench-quick"; mkdir -p "$out"; results="$out/results.jsonl"; : > "$results"
started=$(date +%s)
psql -q -d postgres -c "DROP DATABASE IF EXISTS $PGDATABASE WITH (FORCE)" -c "CREATE DATABASE $PGDATABASE" > "$out/log" 2>&1 \
  || { say "skipped (cannot create $PGDATABASE: $(tail -1 "$out/log"))"; exit 0; }
if ! timeout 60 bash "$yardstick" "$seconds" 10000 "1 8" >> "$results" 2>> "$out/log"; then
  say "skipped (the yardsticks failed: $(tail -1 "$out/log"))"; exit 0
fi
if ! timeout 90 dotnet "$bench" transfer --pg "Host=$PGHOST;Port=$PGPORT;Username=$PGUSER;Password=$PGPASSWORD;Database=$PGDATABASE" \
  --seconds "$seconds" --warmup "$seconds" --replay-warmup 1 --wallets 10000 2>> "$out/log" | grep '^{' >> "$results"; then
  say "skipped (the transfer benchmark failed: $(tail -1 "$out/log"))"; exit 0
fi
# The ceiling (bench/ceiling-transfer.pgbench, issue 34's yardstick) on the database the transfer benchmark migrated and seeded.
for c in 1 8; do
  if out_c=$(timeout 30 pgbench -n -M prepared -f "$root/bench/ceiling-transfer.pgbench" -D wallets=10000 -c "$c" -j "$c" \
      -T "$seconds" 2>> "$out/log"); then
    printf '{"yardstick":"ceiling","clients":%s,"tps":%s}\n' "$c" "$(grep -oP 'tps = \K[0-9.]+' <<<"$out_c" | head -1)" >> "$results"
  else
    say "the ceiling at $c client(s) failed (see artifacts/bench-quick/log)"
  fi
done
psql -q -d postgres -c "DROP DATABASE IF EXISTS $PGDATABASE WITH (FORCE)" >> "$out/log" 2>&1
python3 - "$results" "$(( $(date +%s) - started ))" <<'PY' || say "could not summarise (see artifacts/bench-quick)"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
yard = {(r["yardstick"], r["clients"]): r["tps"] for r in rows if "yardstick" in r}
fig = {(r["bench"], r["clients"]): r["tps"] for r in rows if "bench" in r}
print(f"ratios: quick profile, Debug build, {sys.argv[2]} s; figures in artifacts/bench-quick/results.jsonl (goals: issues 34, 17)")
for name, value, base, goal in [
    ("core transfer, 1 client / ceiling", fig.get(("core_transfer", 1)), yard.get(("ceiling", 1)), 0.9),
    ("core transfer, 8 clients / ceiling", fig.get(("core_transfer", 8)), yard.get(("ceiling", 8)), 0.8),
    ("core transfer, 1 client / plain-SQL transfer", fig.get(("core_transfer", 1)), yard.get(("transfer", 1)), 2.5),
    ("core transfer, 8 clients / plain-SQL transfer", fig.get(("core_transfer", 8)), yard.get(("transfer", 8)), 1.8),
    ("core transfer, 1 client / commit floor", fig.get(("core_transfer", 1)), yard.get(("floor", 1)), 0.6),
    ("core transfer, 8 clients / commit floor at 8", fig.get(("core_transfer", 8)), yard.get(("floor", 8)), 0.35),
    ("replay, 1 client / transfer", fig.get(("replay", 1)), fig.get(("core_transfer", 1)), 2.5),
]:
    if value and base:
        print(f"ratios:   {name}: {value / base:.2f}x (goal {goal}x, {'met' if value / base >= goal else 'not met'}; {value:,.0f}/s vs {base:,.0f}/s)")
    else:
        print(f"ratios:   {name}: not measured")
cost = {(r["bench"], r["clients"]): r for r in rows if "bench" in r and r.get("cpu_us_per_op")}
for c in (1, 8):
    if ("core_transfer", c) in cost:
        r = cost[("core_transfer", c)]
        print(f"ratios:   core transfer, {c} client(s), per transfer: app CPU {r['cpu_us_per_op']:,.0f} us, "
              f"{r['alloc_bytes_per_op']:,.0f} bytes allocated, database CPU {r['db_cpu_us_per_op']:,.0f} us")
PY
exit 0
