#!/usr/bin/env bash
# Growth with random client keys (issue 34): core transfers whose keys are random UUIDv4 (or time-ordered UUIDv7) strings,
# measured on a ledger of 100,000 entries and again on one of E entries (default 50,000,000) with keys of the same kind:
# every entry keyed as a transfer keys it ({uuid}_debit, {uuid}_credit, and the client's {uuid} registered in client_keys).
# Reports per size: transfers/s at 1 and 8 clients (bench transfer --keys), the key indexes' size, WAL bytes per transfer
# and the buffer cache hit ratio over the run; then the large figure over the small one (goal >= 0.8x at 8 clients).
# Usage: bench/random-keys.sh [entries=50000000] [kind=uuid4|uuid7] [seconds=10]   (KEEP=1 keeps the databases)
# Needs PostgreSQL as the test command starts it (PG*); about 15 minutes at 50,000,000 entries on 2 cores.
set -euo pipefail
entries=${1:-50000000}; kind=${2:-uuid4}; seconds=${3:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres} PGPASSWORD=${PGPASSWORD:-funcledger}
export PGOPTIONS="-c client_min_messages=warning"
out=artifacts/bench/random-keys; mkdir -p "$out"
dotnet build bench/FuncLedger.Bench -c Release -nologo -v quiet -o "$out/bin" > "$out/build.log" 2>&1 || { tail -5 "$out/build.log"; exit 1; }
bench() { dotnet "$out/bin/FuncLedger.Bench.dll" "$@"; }

# A key of the kind, from g (the row number) in SQL: uuid4 is gen_random_uuid(); uuid7 puts a millisecond clock that rises
# with g (one millisecond per 10 rows, ending now) in front of random bits, as Guid.CreateVersion7 does.
key_sql() { # pairs
  if [ "$kind" = uuid7 ]; then
    echo "(SELECT substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-7' || substr(r, 1, 3) || '-8' || substr(r, 4, 3) || '-' || substr(r, 7, 12)
      FROM (SELECT lpad(to_hex((extract(epoch FROM now()) * 1000)::bigint - (${1} - g) / 10), 12, '0') AS h,
                   md5(random()::text || g::text) AS r) x)"
  else
    echo "gen_random_uuid()::text"
  fi
}

measure() { # label rows
  local label=$1 rows=$2 db=funcledger_keys_$1
  local cs="Host=$PGHOST;Port=$PGPORT;Username=$PGUSER;Password=$PGPASSWORD;Database=$db;Command Timeout=0"
  echo "==> $label: $rows entries keyed by $kind" >&2
  psql -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
  bench prepare --pg "$cs" --wallets 10000
  local start; start=$(date +%s)
  # Bench data only, known valid: no foreign-key triggers; the key and wallet indexes are dropped and built once after
  # the load (a sorted build), as a restore would.
  psql -q -d "$db" -v ON_ERROR_STOP=1 <<SQL
SET session_replication_role = replica;
SET maintenance_work_mem = '1GB';
CREATE TEMP TABLE defs AS SELECT indexdef FROM pg_indexes
  WHERE tablename IN ('ledger_entries', 'client_keys') AND indexname NOT IN ('pk_ledger_entries');
DO \$\$ DECLARE r record; BEGIN
  FOR r IN SELECT indexname, tablename FROM pg_indexes WHERE tablename IN ('ledger_entries', 'client_keys')
      AND indexname NOT IN ('pk_ledger_entries') LOOP
    IF r.indexname = 'pk_client_keys' THEN EXECUTE 'ALTER TABLE client_keys DROP CONSTRAINT pk_client_keys';
    ELSE EXECUTE 'DROP INDEX ' || quote_ident(r.indexname); END IF;
  END LOOP; END \$\$;
CREATE TEMP TABLE k AS SELECT g, $(key_sql $((rows / 2))) AS u FROM generate_series(1, $((rows / 2))) g;
INSERT INTO ledger_entries (wallet_id, amount, balance_after, reason, idempotency_key, request_fingerprint, created_at, source)
  SELECT (g * 2 + s) % 10000 + 1, CASE s WHEN 0 THEN -1 ELSE 1 END, 0, 'bench', u || CASE s WHEN 0 THEN '_debit' ELSE '_credit' END,
    repeat('a', 64), now(), 2 FROM k CROSS JOIN (VALUES (0), (1)) AS side(s);
INSERT INTO client_keys (idempotency_key, operation, request_fingerprint, created_at) SELECT u, 1, repeat('a', 64), now() FROM k;
DROP TABLE k;
DO \$\$ DECLARE r record; BEGIN
  FOR r IN SELECT indexdef FROM defs LOOP
    IF r.indexdef LIKE '%pk_client_keys%' THEN EXECUTE 'ALTER TABLE client_keys ADD CONSTRAINT pk_client_keys PRIMARY KEY (idempotency_key)';
    ELSE EXECUTE r.indexdef; END IF;
  END LOOP; END \$\$;
VACUUM ANALYZE;
CHECKPOINT;
SQL
  echo "==> loaded in $(( $(date +%s) - start )) s" >&2
  local before after
  # The WAL position, the buffer cache's hits and reads, and the client keys registered (one per transfer).
  # The checkpoints started during the run: each one makes the next change to every page write all of it to the WAL again.
  counters() { psql -d "$db" -Atc "SELECT pg_current_wal_lsn(), blks_hit, blks_read, (SELECT COUNT(*) FROM client_keys),
    (SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter) FROM pg_stat_database WHERE datname = current_database()"; }
  before=$(counters)
  bench transfer --pg "$cs" --seconds "$seconds" --warmup 15 --keys "$kind" | grep '^{' > "$out/$label.jsonl"
  after=$(counters)
  local sizes
  sizes=$(psql -d "$db" -Atc "SELECT pg_relation_size('ux_ledger_entries_idempotency_key'), pg_relation_size('pk_client_keys'), pg_total_relation_size('ledger_entries')")
  local settings
  settings=$(psql -d "$db" -Atc "SELECT string_agg(name || '=' || current_setting(name), ' ' ORDER BY name) FROM pg_settings
    WHERE name IN ('wal_compression', 'max_wal_size', 'checkpoint_timeout', 'shared_buffers')")
  python3 - "$label" "$rows" "$kind" "$before" "$after" "$sizes" "$out/$label.jsonl" "$settings" <<'PY'
import json, sys
label, rows, kind, before, after, sizes, figures, settings = sys.argv[1:9]
b, a = before.split("|"), after.split("|")
def lsn(x):
    hi, lo = x.split("/")
    return (int(hi, 16) << 32) + int(lo, 16)
transfers = int(a[3]) - int(b[3])   # every transfer registers its client key once
hit, read = int(a[1]) - int(b[1]), int(a[2]) - int(b[2])
key_index, client_index, table = (int(x) for x in sizes.split("|"))
fig = {(f["bench"], f["clients"]): f for f in map(json.loads, open(figures))}
print(json.dumps({"bench": "random_keys", "size": label, "entries": int(rows), "kind": kind,
    "tps_1": fig[("core_transfer", 1)]["tps"], "tps_8": fig[("core_transfer", 8)]["tps"],
    "p99_ms_8": fig[("core_transfer", 8)]["p99_ms"], "db_cpu_us_8": fig[("core_transfer", 8)]["db_cpu_us_per_op"],
    "key_index_mb": round(key_index / 2**20), "client_key_index_mb": round(client_index / 2**20), "entries_total_mb": round(table / 2**20),
    "wal_bytes_per_transfer": round((lsn(a[0]) - lsn(b[0])) / max(transfers, 1)), "cache_hit": round(hit / max(hit + read, 1), 4),
    "transfers": transfers, "checkpoints": int(a[4]) - int(b[4]), "server": settings}))
PY
  [ "${KEEP:-0}" = 1 ] || psql -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"
}

measure small 100000 | tee "$out/small.json"
measure large "$entries" | tee "$out/large.json"
python3 - "$out/small.json" "$out/large.json" <<'PY'
import json, sys
s, l = (json.load(open(p)) for p in sys.argv[1:3])
for c in ("1", "8"):
    r = l["tps_" + c] / s["tps_" + c]
    goal = " (goal >= 0.8x)" if c == "8" else ""
    print(f"random-keys: {l['kind']}, {c} client(s): {l['entries']:,} entries {l['tps_' + c]:,.0f}/s vs {s['entries']:,} "
          f"{s['tps_' + c]:,.0f}/s: {r:.2f}x{goal}")
print(f"random-keys: key index {s['key_index_mb']:,} MB -> {l['key_index_mb']:,} MB, client keys {s['client_key_index_mb']:,} MB -> "
      f"{l['client_key_index_mb']:,} MB; WAL per transfer {s['wal_bytes_per_transfer']:,} -> {l['wal_bytes_per_transfer']:,} bytes; "
      f"cache hit {s['cache_hit']:.2%} -> {l['cache_hit']:.2%}; checkpoints during the runs {s['checkpoints']}, {l['checkpoints']}")
print(f"random-keys: server {l['server']}")
PY
