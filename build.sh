#!/usr/bin/env bash
# FuncLedger's two commands:
#   ./build.sh test   installs and starts PostgreSQL (when none is configured), Azurite and Chromium, runs every test project with the
#                     coverage gates, and ends with the line `tests: N passed, N failed`.
#   ./build.sh run    starts Azurite, applies the SQLite migrations and serves the function app through
#                     FuncLedger.Standalone at http://localhost:7071/api (queue listener and timer running);
#                     Ctrl-C stops everything it started.
set -uo pipefail
root=$(cd "$(dirname "$0")" && pwd)
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '==> %s\n' "$*" >&2; }

# Azurite (pinned in package.json) for queues and blobs, data in .azurite/ (git-ignored). Sets AZURITE_PID when it
# started one; an Azurite already listening on 10001 is used as it is.
AZURITE_PID=""
ensure_azurite() {
  if (exec 3<>/dev/tcp/127.0.0.1/10001) 2>/dev/null; then
    log "Azurite: already listening on 127.0.0.1:10001"
    return 0
  fi
  command -v npm >/dev/null 2>&1 || { log "Azurite: npm is required (Node.js 20)"; return 1; }
  if [ ! -x node_modules/.bin/azurite ]; then
    log "Azurite: npm ci (package-lock.json)"
    npm ci --no-audit --no-fund --loglevel=error >/dev/null || { log "Azurite: npm ci failed"; return 1; }
  fi
  mkdir -p .azurite
  node_modules/.bin/azurite --silent --location .azurite --disableTelemetry --skipApiVersionCheck \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 > .azurite/azurite.log 2>&1 &
  AZURITE_PID=$!
  for _ in $(seq 1 60); do
    (exec 3<>/dev/tcp/127.0.0.1/10001) 2>/dev/null && { log "Azurite: running on 127.0.0.1:10000-10002"; return 0; }
    sleep 0.5
  done
  log "Azurite: did not start (see .azurite/azurite.log)"; return 1
}

export FUNCLEDGER_AZURITE="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;"

# A random local key, kept in .data/ so curl examples keep working across runs.
local_key() {
  local file=".data/$1"
  [ -s "$file" ] || { mkdir -p .data; od -An -N24 -tx1 /dev/urandom | tr -d ' \n' > "$file"; chmod 600 "$file"; }
  cat "$file"
}

run_local() {
  command -v dotnet >/dev/null 2>&1 || { log "the .NET 10 SDK (dotnet) is required"; exit 2; }
  if (exec 3<>/dev/tcp/127.0.0.1/7071) 2>/dev/null; then
    log "port 7071 is taken: stop what listens there first"; exit 2
  fi
  ensure_azurite || exit 1
  # Global, not local: the EXIT trap also runs after run_local has returned (Standalone exited on its own).
  standalone_pid=""
  cleanup() {
    trap - INT TERM EXIT
    [ -n "${standalone_pid:-}" ] && kill "$standalone_pid" 2>/dev/null && wait "$standalone_pid" 2>/dev/null
    [ -n "${AZURITE_PID:-}" ] && kill "$AZURITE_PID" 2>/dev/null && wait "$AZURITE_PID" 2>/dev/null
    log "stopped"
  }
  trap cleanup INT TERM EXIT
  log "restoring and building FuncLedger.Standalone"
  mkdir -p artifacts
  dotnet build src/FuncLedger.Standalone -c Debug -nologo -v quiet -o artifacts/standalone > artifacts/standalone-build.log 2>&1 || {
    grep -E "error" artifacts/standalone-build.log | sort -u | head -20; exit 1; }
  local function_key master_key
  function_key=$(local_key function-key)
  master_key=$(local_key master-key)
  export Standalone__FunctionKeys="$function_key" Standalone__MasterKey="$master_key"
  HistoryLinks__Secret=$(local_key history-link-secret)
  export HistoryLinks__Secret
  export ConnectionStrings__Ledger="Data Source=$root/.data/funcledger.db" Ledger__Provider=sqlite
  dotnet artifacts/standalone/FuncLedger.Standalone.dll --migrate --settings local.settings.sample.json &
  standalone_pid=$!
  for _ in $(seq 1 120); do
    curl -fs http://localhost:7071/api/health >/dev/null 2>&1 && break
    kill -0 "$standalone_pid" 2>/dev/null || { log "FuncLedger.Standalone exited"; exit 1; }
    sleep 0.5
  done
  cat >&2 <<EOF_BANNER

  FuncLedger is serving http://localhost:7071/api  (SQLite: .data/funcledger.db, queues: Azurite)
  function key: $function_key   (also in .data/function-key; master key in .data/master-key)
  try:  curl -s http://localhost:7071/api/wallets/42/balance -H "x-functions-key: \$(cat .data/function-key)"
  Ctrl-C stops FuncLedger and Azurite.

EOF_BANNER
  wait "$standalone_pid"
}

# PostgreSQL 15 for the tests: FUNCLEDGER_TEST_POSTGRES if set, else the Debian cluster, installed and started here.
ensure_postgres() {
  if [ -n "${FUNCLEDGER_TEST_POSTGRES:-}" ]; then
    log "PostgreSQL: using FUNCLEDGER_TEST_POSTGRES"
    return 0
  fi
  if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    log "PostgreSQL: installing the Debian package"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null || {
      log "PostgreSQL: apt-get install postgresql failed"; return 1; }
  fi
  local version
  version=$(ls /usr/lib/postgresql | sort -n | tail -1)
  if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -q "^$version main$"; then
    pg_createcluster "$version" main >/dev/null
  fi
  pg_ctlcluster "$version" main start 2>/dev/null || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  pg_isready -q -h 127.0.0.1 -p 5432 || { log "PostgreSQL: did not start"; return 1; }
  local password=${FUNCLEDGER_PG_PASSWORD:-funcledger}
  su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD '$password'\"" >/dev/null || return 1
  # The write-ahead log closer to Azure's PostgreSQL Flexible Server (full-page images compressed, a checkpoint every
  # 10 minutes; infra/ gives it 8 GB of WAL) than to Debian's defaults (no compression, a checkpoint every 1 GB). A random
  # client key writes a full-page image of an index page after every checkpoint; with Debian's defaults those images
  # force the next checkpoint within seconds under load (bench/profile.md, random keys).
  su postgres -c "psql -q -c \"ALTER SYSTEM SET wal_compression = 'lz4'\" -c \"ALTER SYSTEM SET max_wal_size = '8GB'\" \
    -c \"ALTER SYSTEM SET checkpoint_timeout = '10min'\" -c 'SELECT pg_reload_conf()'" >/dev/null || return 1
  export FUNCLEDGER_TEST_POSTGRES="Host=127.0.0.1;Port=5432;Username=postgres;Password=$password"
  log "PostgreSQL $version: running on 127.0.0.1:5432"
}

# Debian's Chromium for the browser tests (driven by Playwright, which never downloads a browser of its own).
ensure_chromium() {
  if [ -n "${FUNCLEDGER_TEST_CHROMIUM:-}" ] || command -v chromium >/dev/null 2>&1; then
    export FUNCLEDGER_TEST_CHROMIUM=${FUNCLEDGER_TEST_CHROMIUM:-$(command -v chromium)}
    return 0
  fi
  log "Chromium: installing the Debian package"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || {
    log "Chromium: apt-get install chromium failed"; return 1; }
  export FUNCLEDGER_TEST_CHROMIUM=$(command -v chromium)
}

run_tests() {
  local passed=0 failed=0 status=0 results="$root/artifacts/test-results"
  rm -rf "$results"; mkdir -p "$results"
  ensure_postgres || { echo "tests: 0 passed, 1 failed"; return 1; }
  ensure_azurite || { echo "tests: 0 passed, 1 failed"; return 1; }
  ensure_chromium || { echo "tests: 0 passed, 1 failed"; return 1; }
  export FUNCLEDGER_TEST_AZURITE="$FUNCLEDGER_AZURITE"
  log "restoring and building"
  if ! dotnet build FuncLedger.sln -c Debug -nologo -v quiet > "$results/build.log" 2>&1; then
    grep -E "error|warn" "$results/build.log" | sort -u | head -50
    echo "tests: 0 passed, 1 failed"; return 1
  fi
  for project in tests/*/*.Tests.csproj; do
    local name out summary
    name=$(basename "$project" .csproj)
    log "testing $name"
    out="$results/$name.log"
    dotnet test "$project" --no-build -c Debug --settings tests/coverage.runsettings --collect "XPlat Code Coverage" \
      --results-directory "$results/$name" --logger "console;verbosity=minimal" > "$out" 2>&1
    local rc=$?
    summary=$(grep -E "^(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+" "$out" | tail -1)
    if [ -z "$summary" ]; then
      tail -40 "$out"; failed=$((failed + 1)); status=1; continue
    fi
    local f p
    f=$(sed -E 's/.*Failed: +([0-9]+),.*/\1/' <<<"$summary")
    p=$(sed -E 's/.*Passed: +([0-9]+),.*/\1/' <<<"$summary")
    passed=$((passed + p)); failed=$((failed + f))
    grep -E "^\s+(Failed|Skipped) " "$out" | head -50
    echo "$summary"
    [ "$rc" -eq 0 ] || status=1
    if grep -qE "Skipped: +[1-9]" <<<"$summary"; then
      echo "a skipped test is a defect"; status=1
    fi
  done
  if ! python3 build/coverage_gate.py "$results"; then
    echo "coverage gate failed"; status=1
  fi
  # The quick ratio profile (CI sets FUNCLEDGER_RATIOS=1): about a minute of yardsticks and core transfers; it prints
  # its ratios and never fails the run.
  if [ "${FUNCLEDGER_RATIOS:-0}" = 1 ]; then
    log "quick ratio profile (bench/quick.sh)"
    timeout 150 bash bench/quick.sh || echo "ratios: stopped after 150 s"
  fi
  [ -n "$AZURITE_PID" ] && kill "$AZURITE_PID" 2>/dev/null
  # The engines the database suites ran on: SQL Server only in its opt-in lane (FUNCLEDGER_TEST_SQLSERVER), whose
  # classes are not generated at all without it.
  echo "providers: sqlite, postgres${FUNCLEDGER_TEST_SQLSERVER:+, sqlserver}"
  echo "tests: $passed passed, $failed failed"
  return $status
}

# bench/run.sh sources this file for ensure_postgres and ensure_azurite.
[ "${FUNCLEDGER_SOURCED:-0}" = 1 ] && return 0

case "${1:-}" in
  test) run_tests ;;
  run) run_local ;;
  *) echo "usage: ./build.sh run | test" >&2; exit 2 ;;
esac
