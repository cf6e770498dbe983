#!/usr/bin/env bash
# The long reliability profile (issue 7): the same scenarios as the quick profile in the test command, with
# 16 x 700 mixed operations per load scenario, three kill -9 cycles and 5,000 bad requests. Starts PostgreSQL and
# Azurite as the test command does, and prints the summary table (artifacts/reliability-summary.md).
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
FUNCLEDGER_SOURCED=1 source "$repo/build.sh"
cd "$repo"
ensure_postgres || exit 1
ensure_azurite || exit 1
trap '[ -n "$AZURITE_PID" ] && kill "$AZURITE_PID" 2>/dev/null' EXIT
export FUNCLEDGER_TEST_AZURITE="$FUNCLEDGER_AZURITE" FUNCLEDGER_RELIABILITY=long
dotnet build FuncLedger.sln -c Debug -nologo -v quiet > /dev/null || { echo "build failed"; exit 1; }
rm -f artifacts/reliability-summary.md
dotnet test tests/FuncLedger.Reliability.Tests --no-build -c Debug --logger "console;verbosity=minimal" | grep -E "^(Passed|Failed)!|^\s+Failed "
status=${PIPESTATUS[0]}
echo
cat artifacts/reliability-summary.md
exit "$status"
