#!/bin/sh
# azd predeploy (and the first step of postprovision): applies the FuncLedger migrations of the chosen engine, as the
# database's Microsoft Entra administrator (the signed-in azd user), never as the app's identity (which holds the
# least-privilege role funcledger_app and cannot change the schema). Idempotent: applied migrations are skipped, so every
# `azd deploy` and `azd up` can run it; new code never meets an old schema.
#   sqlserver: the checked-in idempotent script src/FuncLedger.Migrations.SqlServer/funcledger-sqlserver.sql (go-sqlcmd).
#   postgres:  `funcledger migrate` (the CLI, signed in with the administrator's Entra token).
# networkMode public: the caller's public IP is allowed through the server's firewall for the duration of the hook only.
# networkMode private: the server has no public endpoint; run azd from a machine in the virtual network (a jump box, a
# self-hosted agent, or a network peered with it), which reaches the server through its private endpoint.
# Needs the Azure CLI (az), and go-sqlcmd (sqlcmd) or the .NET SDK, on PATH.
set -eu
: "${AZURE_RESOURCE_GROUP:?run through azd}"
: "${DATABASE_ENGINE:?}"; : "${DATABASE_HOST:?}"; : "${DATABASE_NAME:?}"; : "${DATABASE_ADMIN_LOGIN:?}"
here=$(cd "$(dirname "$0")/../.." && pwd)
command -v az >/dev/null || { echo "migrate: the Azure CLI (az) is required" >&2; exit 1; }
. "$here/infra/hooks/firewall.sh"

open_firewall azd-migrate
case "$DATABASE_ENGINE" in
sqlserver)
  command -v sqlcmd >/dev/null || { echo "migrate: go-sqlcmd (sqlcmd) is required" >&2; exit 1; }
  echo "migrate: applying the FuncLedger migrations to $DATABASE_NAME (SQL Server)"
  sqlcmd -S "tcp:$DATABASE_HOST,1433" -d "$DATABASE_NAME" --authentication-method ActiveDirectoryDefault -b \
    -i "$here/src/FuncLedger.Migrations.SqlServer/funcledger-sqlserver.sql"
  ;;
postgres)
  echo "migrate: applying the FuncLedger migrations to $DATABASE_NAME (PostgreSQL)"
  Ledger__Postgres__Authentication=entra dotnet run --project "$here/src/FuncLedger.Cli" -c Release -- migrate \
    --provider postgres --connection "Host=$DATABASE_HOST;Database=$DATABASE_NAME;Username=$DATABASE_ADMIN_LOGIN;SSL Mode=VerifyFull"
  ;;
*)
  echo "migrate: unknown DATABASE_ENGINE '$DATABASE_ENGINE' (sqlserver or postgres)" >&2; exit 1 ;;
esac
