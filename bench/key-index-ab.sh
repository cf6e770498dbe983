#!/usr/bin/env bash
# Issue 34, random keys: the key indexes as they are (unique on the text key) against a fixed-width design (unique on a
# 16-byte md5 of the key), on a ledger loaded by bench/random-keys.sh with KEEP=1. Both sides run the same transfer as one
# statement from pgbench (the ceiling's shape, plus the client key's row) with random UUIDv4 keys, 8 clients, after a
# checkpoint; each reports transfers/s and WAL bytes per transfer. The md5 side swaps the indexes, and they are swapped back
# after the run. Usage: bench/key-index-ab.sh [database=funcledger_keys_large] [seconds=20]   (PG* as for random-keys.sh)
set -euo pipefail
db=${1:-funcledger_keys_large}; seconds=${2:-20}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres} PGPASSWORD=${PGPASSWORD:-funcledger}
out=$(mktemp -d)
# $1: how a key is compared in the lookups (text: the key itself; md5: its 16-byte digest, what the md5 indexes hold).
statement() {
  local k="$1" key="idempotency_key" debit="kv.u || '_debit'" credit="kv.u || '_credit'" client="kv.u"
  cat <<SQL
\\set a random(1, 10000)
\\set b random(1, 9999)
\\set b CASE WHEN :b >= :a THEN :b + 1 ELSE :b END
WITH kv AS (SELECT gen_random_uuid()::text AS u),
k AS (SELECT 1 FROM ledger_entries, kv WHERE ${k//X/$key} = ANY(ARRAY[${k//X/$debit}, ${k//X/$credit}])
      UNION ALL SELECT 1 FROM client_keys, kv WHERE ${k//X/$key} = ${k//X/$client}),
l AS (SELECT id, owner_id FROM wallets WHERE owner_id IN (:a, :b) AND NOT EXISTS (SELECT 1 FROM k) ORDER BY id FOR UPDATE),
u AS (UPDATE wallets w SET cached_balance = w.cached_balance + CASE WHEN w.owner_id = :a THEN -1 ELSE 1 END, updated_at = now()
      FROM l WHERE w.id = l.id RETURNING w.id, w.owner_id, w.cached_balance),
i AS (INSERT INTO ledger_entries (wallet_id, amount, balance_after, reason, idempotency_key, request_fingerprint, meta, created_at)
      SELECT u.id, CASE WHEN u.owner_id = :a THEN -1 ELSE 1 END, u.cached_balance, 'bench',
        kv.u || CASE WHEN u.owner_id = :a THEN '_debit' ELSE '_credit' END, repeat('a', 64), NULL, now()
      FROM u, kv ORDER BY u.owner_id <> :a RETURNING id),
c AS (INSERT INTO client_keys (idempotency_key, operation, request_fingerprint, created_at) SELECT kv.u, 1, repeat('a', 64), now() FROM kv)
SELECT * FROM i;
SQL
}
statement "X" > "$out/text.pgbench"
statement "decode(md5(X), 'hex')" > "$out/md5.pgbench"
run() { # label file
  psql -q -d "$db" -c CHECKPOINT
  local w0 w1 o n sizes
  w0=$(psql -Atq -d "$db" -c "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")
  o=$(pgbench -n -M prepared -f "$2" -c 8 -j 8 -T "$seconds" "$db" 2>&1) || { echo "$o" | tail -3; exit 1; }
  w1=$(psql -Atq -d "$db" -c "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn"); n=$(grep -oP 'actually processed: \K[0-9]+' <<<"$o")
  sizes=$(psql -Atq -d "$db" -c "SELECT string_agg(indexrelname || ' ' || pg_size_pretty(pg_relation_size(indexrelid)), ', ' ORDER BY indexrelname)
    FROM pg_stat_user_indexes WHERE relname IN ('ledger_entries', 'client_keys') AND indexrelname ~ '(idempotency_key|md5|pk_client_keys)$'")
  echo "key-index-ab: $1: $(grep -oP 'tps = \K[0-9.]+' <<<"$o")/s at 8 clients, $(( (${w1%.*} - ${w0%.*}) / n )) WAL bytes per transfer; $sizes"
}
swap() { # to md5 | to text
  if [ "$1" = md5 ]; then
    psql -q -d "$db" -c "SET maintenance_work_mem = '1GB'" \
      -c "CREATE UNIQUE INDEX ux_ledger_entries_key_md5 ON ledger_entries (decode(md5(idempotency_key), 'hex'))" \
      -c "CREATE UNIQUE INDEX ux_client_keys_md5 ON client_keys (decode(md5(idempotency_key), 'hex'))" \
      -c "DROP INDEX ux_ledger_entries_idempotency_key" -c "ALTER TABLE client_keys DROP CONSTRAINT pk_client_keys" -c "ANALYZE"
  else
    psql -q -d "$db" -c "SET maintenance_work_mem = '1GB'" \
      -c "CREATE UNIQUE INDEX ux_ledger_entries_idempotency_key ON ledger_entries (idempotency_key)" \
      -c "ALTER TABLE client_keys ADD CONSTRAINT pk_client_keys PRIMARY KEY (idempotency_key)" \
      -c "DROP INDEX ux_ledger_entries_key_md5" -c "DROP INDEX ux_client_keys_md5" -c "ANALYZE"
  fi
}
run "text keys (as now)" "$out/text.pgbench"
swap md5
run "md5 of the keys" "$out/md5.pgbench"
swap text
rm -rf "$out"
