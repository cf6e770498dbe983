#!/usr/bin/env bash
# FuncLedger's two commands:
#   ./build.sh test   installs and starts PostgreSQL when none is configured, runs every test project with the
#                     coverage gates, and ends with the line `tests: N passed, N failed`.
#   ./build.sh run    (comes with the Functions app)
set -uo pipefail
root=$(cd "$(dirname "$0")" && pwd)
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '==> %s\n' "$*" >&2; }

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
  export FUNCLEDGER_TEST_POSTGRES="Host=127.0.0.1;Port=5432;Username=postgres;Password=$password"
  log "PostgreSQL $version: running on 127.0.0.1:5432"
}

run_tests() {
  local passed=0 failed=0 status=0 results="$root/artifacts/test-results"
  rm -rf "$results"; mkdir -p "$results"
  ensure_postgres || { echo "tests: 0 passed, 1 failed"; return 1; }
  log "restoring and building"
  if ! dotnet build FuncLedger.sln -c Debug -nologo -v quiet > "$results/build.log" 2>&1; then
    grep -E "error|warn" "$results/build.log" | sort -u | head -50
    echo "tests: 0 passed, 1 failed"; return 1
  fi
  for project in tests/*/*.csproj; do
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
  echo "tests: $passed passed, $failed failed"
  return $status
}

case "${1:-}" in
  test) run_tests ;;
  *) echo "usage: ./build.sh test" >&2; exit 2 ;;
esac
